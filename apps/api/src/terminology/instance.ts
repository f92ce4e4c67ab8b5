/**
 * The terminology operations on one stored resource, FHIR's instance level
 * (https://hl7.org/fhir/R4/operations.html#executing): `/fhir/ValueSet/{id}/$expand`,
 * `/fhir/CodeSystem/{id}/$lookup`, … The resource takes the place of the parameters that name it
 * at type level (`url`, `valueSet`, `system`, …), which FHIR scopes to the type: a request that
 * names the same resource with them is answered, one that names another is a 400 `invalid`.
 */
import { splitCanonical, versionMatches, type Coding } from "@ffynnon/terminology"
import { Either } from "effect"
import { FhirFailure } from "../fhir/outcome"

interface Instance {
  readonly resourceType?: unknown
  readonly id?: unknown
  readonly url?: unknown
  readonly version?: unknown
}

/** A parameter's value, and whether it names the instance. */
type Check = readonly [parameter: string, given: string | undefined, agrees: (given: string) => boolean]

const text = (value: unknown) => (typeof value === "string" ? value : undefined)

const sameVersion = (resource: Instance) => (given: string) => versionMatches(text(resource.version), given)
const sameUrl = (resource: Instance) => (given: string) => given === resource.url
/** A canonical (`url` or `url|version`) naming the instance. */
const sameCanonical = (resource: Instance) => (given: string) => {
  const [url, version] = splitCanonical(given)
  return url === resource.url && (version === undefined || sameVersion(resource)(version))
}

const canonicalOf = (resource: Instance) =>
  text(resource.version) === undefined ? String(resource.url) : `${String(resource.url)}|${String(resource.version)}`

/**
 * Refuses a request whose parameters name another resource than the instance: a check that fails,
 * or a whole resource given (`valueSet`, `codeSystem`, `conceptMap`).
 */
const refuseOthers = (
  resource: Instance,
  checks: ReadonlyArray<Check>,
  resourceParameters: Readonly<Record<string, unknown>> = {}
): Either.Either<void, FhirFailure> => {
  const instance = { type: String(resource.resourceType), id: String(resource.id) }
  const given = Object.entries(resourceParameters).find(([, value]) => value !== undefined)
  if (given !== undefined) {
    return Either.left(FhirFailure.message(400, "invalid", "instance-resource-parameter", { ...instance, parameter: given[0] }, [given[0]]))
  }
  const conflict = checks.find(([, value, agrees]) => value !== undefined && !agrees(value))
  if (conflict === undefined) return Either.void
  const [parameter, value] = conflict
  return Either.left(
    FhirFailure.message(
      400,
      "invalid",
      "instance-parameter-conflict",
      { ...instance, parameter, named: value!, canonical: canonicalOf(resource) },
      [parameter]
    )
  )
}

/**
 * A value set or concept map, given whole as its own parameter (`valueSet`, `conceptMap`) would
 * give it, so exactly the stored one answers.
 */
const givenWhole =
  <Parameter extends string, VersionParameter extends string>(parameter: Parameter, versionParameter: VersionParameter) =>
  <I extends { readonly url?: string } & { readonly [K in Parameter]?: object } & { readonly [K in VersionParameter]?: string }>(
    resource: Record<string, unknown>,
    input: I
  ) =>
    Either.map(
      refuseOthers(
        resource,
        [
          ["url", input.url, sameCanonical(resource)],
          [versionParameter, input[versionParameter], sameVersion(resource)]
        ],
        { [parameter]: input[parameter] }
      ),
      () => ({ ...input, [parameter]: resource }) as I
    )

/** `ValueSet/{id}/$expand` and `$validate-code`. */
export const onValueSet = givenWhole("valueSet", "valueSetVersion")

/** `ConceptMap/{id}/$translate`. */
export const onConceptMap = givenWhole("conceptMap", "conceptMapVersion")

/** The checks that the codings among the parameters `names` (`coding`, `codingA`, …) are of the instance's system and version. */
const codingChecks = (codeSystem: Instance, input: object, names: ReadonlyArray<string>): ReadonlyArray<Check> =>
  names.flatMap((name) => {
    const coding = (input as Readonly<Record<string, Coding | undefined>>)[name]
    return [
      [`${name}.system`, coding?.system, sameUrl(codeSystem)],
      [`${name}.version`, coding?.version, sameVersion(codeSystem)]
    ] as const
  })

/** The code system named by its url and version, which find it as the resolver finds any (SNOMED CT editions included). */
const named = <I extends { readonly version?: string }>(codeSystem: Instance, input: I, urlParameter: "system" | "url") => {
  const { version: _given, ...rest } = input
  const version = text(codeSystem.version)
  return { ...rest, [urlParameter]: String(codeSystem.url), ...(version === undefined ? {} : { version }) } as I
}

/** `CodeSystem/{id}/$lookup` and `$subsumes`: the code system as `system` and `version`. */
export const onCodeSystem =
  (codingParameters: ReadonlyArray<string>) =>
  <I extends { readonly system?: string; readonly version?: string }>(codeSystem: Record<string, unknown>, input: I) =>
    Either.map(
      refuseOthers(codeSystem, [
        ["system", input.system, sameUrl(codeSystem)],
        ["version", input.version, sameVersion(codeSystem)],
        ...codingChecks(codeSystem, input, codingParameters)
      ]),
      () => named(codeSystem, input, "system")
    )

/** `CodeSystem/{id}/$validate-code`: the code system as `url` and `version`; a `coding` of another system is refused. */
export const onCodeSystemToValidate = <
  I extends { readonly url?: string; readonly system?: string; readonly version?: string; readonly codeSystem?: object }
>(
  codeSystem: Record<string, unknown>,
  input: I
) =>
  Either.map(
    refuseOthers(
      codeSystem,
      [
        ["url", input.url, sameCanonical(codeSystem)],
        ["system", input.system, sameUrl(codeSystem)],
        ["version", input.version, sameVersion(codeSystem)],
        ...codingChecks(codeSystem, input, ["coding"])
      ],
      { codeSystem: input.codeSystem }
    ),
    () => named(codeSystem, input, "url")
  )
