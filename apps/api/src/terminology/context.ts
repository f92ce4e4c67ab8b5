/**
 * What every terminology operation shares: the resolver that finds code systems and value sets
 * (the request's own `tx-resource`s first, then the loaded releases), the concept maps (the
 * request's, then the stored ones), SNOMED CT's implicit value sets, the version parameters, and
 * the mapping of engine errors to OperationOutcomes.
 */
import { snomedProvider, SnomedReleases, snomedSystem, type SnomedIndex } from "@ffynnon/snomed"
import {
  checkTerminologyResource,
  makeFhirCodeSystem,
  terminologyResourceTypes,
  message,
  notFound,
  splitCanonical,
  type CodeSystemResolution,
  type CodeSystemResource,
  type ConceptMapResource,
  type Provider,
  type Resolver,
  type TerminologyError,
  type TerminologyResource,
  type ValueSetResource,
  type VersionRules,
  FhirResources,
  ReleaseCodeSystems,
  type ReleaseCodeSystem,
  type ResourceSnapshot,
  messageIdExtension,
  compareVersions,
  versionMatches,
  DesignationOverlays,
  withDesignationOverlays,
  type DesignationOverlay
} from "@ffynnon/terminology"
import { Config, Context, Effect, Either } from "effect"
import { FhirFailure, issue, operationOutcome, type FailureStatus } from "../fhir/outcome"
import { cataloguedIssue, engineIssue } from "../messages"

/** The parameters every terminology operation accepts besides its own. */
export const sharedParameters = {
  "tx-resource": { type: "Resource", max: "*" },
  "system-version": { type: "canonical", max: "*" },
  "check-system-version": { type: "canonical", max: "*" },
  "force-system-version": { type: "canonical", max: "*" },
  "default-valueset-version": { type: "canonical", max: "*" },
  useSupplement: { type: "canonical", max: "*" },
  displayLanguage: { type: "code" }
} as const

const statusFor: Record<TerminologyError["type"], FailureStatus> = {
  invalid: 400,
  "not-found": 404,
  "not-supported": 400,
  "too-costly": 422,
  "business-rule": 422,
  processing: 422,
  "code-invalid": 400,
  exception: 422
}

/** An engine error as the OperationOutcome a client reads, its message said in the client's language. */
export const terminologyFailure = (error: TerminologyError) =>
  new FhirFailure({
    status: statusFor[error.type],
    outcome: operationOutcome(
      engineIssue(error.said, (text) => ({
        ...(error.messageId === undefined ? {} : { extension: [messageIdExtension(error.messageId)] }),
        severity: "error",
        code: error.type,
        details: {
          ...(error.txIssueType === undefined
            ? {}
            : { coding: [{ system: "http://hl7.org/fhir/tools/CodeSystem/tx-issue-type", code: error.txIssueType }] }),
          text
        }
      }))
    )
  })

const languageTag = /^(\*|[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*)(\s*;\s*q=[\d.]+)?$/

/** Lists found valid, kept (bounded) because clients send the same few with every request. */
const validLanguageLists = new Set<string>()
const isLanguageList = (list: string) => {
  const valid = list.split(",").every((part) => languageTag.test(part.trim()))
  if (valid && validLanguageLists.size < 256) validLanguageLists.add(list)
  return valid
}

/** A `displayLanguage` must be BCP-47 language tags (a comma-separated, optionally weighted list, as Accept-Language). */
export const checkDisplayLanguage = (displayLanguage: string | undefined) =>
  displayLanguage === undefined || validLanguageLists.has(displayLanguage) || isLanguageList(displayLanguage)
    ? Effect.void
    : Effect.fail(
        new FhirFailure({
          status: 400,
          outcome: operationOutcome(
            cataloguedIssue("invalid-display-language", { displayLanguage }, (text) => ({
              extension: [messageIdExtension("INVALID_DISPLAY_NAME")],
              severity: "error",
              code: "processing",
              details: { coding: [{ system: "http://hl7.org/fhir/tools/CodeSystem/tx-issue-type", code: "invalid-display" }], text }
            }))
          )
        })
      )

/** The supplements a value set requires (http://hl7.org/fhir/StructureDefinition/valueset-supplement). */
export const valueSetSupplements = (valueSet: ValueSetResource): ReadonlyArray<string> =>
  (valueSet.extension ?? []).flatMap((extension) =>
    extension.url === "http://hl7.org/fhir/StructureDefinition/valueset-supplement" && typeof extension.valueCanonical === "string"
      ? [extension.valueCanonical]
      : []
  )

/** A value set's canonical as named by a request: `url`, with `valueSetVersion` if given. */
export const valueSetCanonicalOf = (url: string, version: string | undefined) => (version === undefined ? url : `${url}|${version}`)

/** Version parameters (`system|version` canonicals) by system. */
const byCanonical = (values: ReadonlyArray<string> | undefined) =>
  new Map(
    (values ?? [])
      .map((value) => splitCanonical(value))
      .flatMap(([url, version]) => (version === undefined ? [] : [[url, version] as const]))
  )

export const versionRules = (input: {
  readonly "system-version"?: ReadonlyArray<string>
  readonly "force-system-version"?: ReadonlyArray<string>
  readonly "check-system-version"?: ReadonlyArray<string>
  readonly "default-valueset-version"?: ReadonlyArray<string>
}): VersionRules => ({
  defaults: byCanonical(input["system-version"]),
  forced: byCanonical(input["force-system-version"]),
  checked: byCanonical(input["check-system-version"]),
  valueSetDefaults: byCanonical(input["default-valueset-version"])
})

/** The resource of a canonical at a version: exact or wildcard match, else the newest. */
const pickVersion = <R extends { readonly version?: string }>(candidates: ReadonlyArray<R>, version: string | undefined) =>
  [...candidates.filter((candidate) => version === undefined || versionMatches(candidate.version, version))].sort((a, b) =>
    compareVersions(a.version, b.version)
  )[0]

/** The ECL of an `ecl/` value set URL, percent-decoded where it was encoded (a literal `%`, as in `"100%"`, is kept). */
const decodedEcl = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

const implicitSnomedValueSet =
  /^(http:\/\/snomed\.info\/x?sct)(\/\d{6,18}(?:\/version\/\d{8})?)?\?fhir_vs(?:=(isa\/\d{6,18}|refset\/\d{6,18}|refset|ecl\/.*))?$/

/**
 * SNOMED CT's implicit value sets (https://hl7.org/fhir/R4/snomedct.html#implicit) as the
 * ValueSet resources they stand for: all concepts, `isa/<id>`, `refset/<id>`, `refset` (the
 * reference sets themselves) and `ecl/<expression>`, optionally of one edition or version.
 */
export const snomedImplicitValueSet = (url: string): ValueSetResource | undefined => {
  const match = implicitSnomedValueSet.exec(url)
  if (match === null) return undefined
  const [, base, path, selector] = match
  const filter =
    selector === undefined
      ? undefined
      : selector === "refset"
        ? { property: "refset", op: "exists", value: "true" }
        : selector.startsWith("isa/")
          ? { property: "concept", op: "is-a", value: selector.slice(4) }
          : selector.startsWith("refset/")
            ? { property: "concept", op: "in", value: selector.slice(7) }
            : { property: "constraint", op: "=", value: decodedEcl(selector.slice(4)) }
  return {
    resourceType: "ValueSet",
    url,
    status: "active",
    compose: {
      include: [
        {
          system: snomedSystem,
          ...(path === undefined ? {} : { version: `${base}${path}` }),
          ...(filter === undefined ? {} : { filter: [filter] })
        }
      ]
    }
  }
}

/**
 * An implicit value set exists only where its concept does: `isa/<id>` needs the concept,
 * `refset/<id>` a reference set the release holds members of.
 */
const implicitValueSetExists = (valueSet: ValueSetResource, indexes: ReadonlyArray<SnomedIndex>) => {
  const [include] = valueSet.compose!.include!
  const [filter] = include!.filter ?? []
  if (filter === undefined || filter.property !== "concept") return true
  const index = snomedIndexFor(indexes, include!.version)
  if (index === undefined) return true
  return filter.op === "in"
    ? index.refsets.has(filter.value) || index.languageRefsets.has(filter.value)
    : index.position(filter.value) !== undefined
}

const editionOf = (uri: string) => uri.replace(/\/version\/\d{8}$/, "")

/** The release a SNOMED CT version names: a version URI, an edition URI (its newest version), or nothing (the newest). */
const snomedIndexFor = (indexes: ReadonlyArray<SnomedIndex>, version: string | undefined) =>
  version === undefined
    ? indexes[0]
    : (indexes.find((index) => index.uri === version) ?? indexes.find((index) => editionOf(index.uri) === version))

const snomedResolution = (
  indexes: ReadonlyArray<SnomedIndex>,
  version: string | undefined,
  defaultLanguage: string
): CodeSystemResolution => {
  if (indexes.length === 0) return { _tag: "unknown-system" }
  const index = snomedIndexFor(indexes, version)
  return index === undefined
    ? { _tag: "unknown-version", known: indexes.map((index) => index.uri) }
    : { _tag: "found", provider: snomedProvider(index, defaultLanguage) as Provider }
}

/** The display language when a request names none (`FFYNNON_DISPLAY_LANGUAGE`, default en-GB): an international deployment may prefer en-US. */
let defaultDisplayLanguage: string | undefined
// Read once and kept in a variable: a configuration lookup on every request cost a tenth of $lookup's throughput, and a
// memoized effect (`Effect.cached`) suspends every request's fiber, so no answer could be given synchronously (both measured).
const displayLanguage = Effect.suspend(() =>
  defaultDisplayLanguage !== undefined
    ? Effect.succeed(defaultDisplayLanguage)
    : Effect.map(Config.string("FFYNNON_DISPLAY_LANGUAGE").pipe(Config.withDefault("en-GB"), Effect.orDie), (language) => {
        defaultDisplayLanguage = language
        return language
      })
)

const storedProviders = new WeakMap<CodeSystemResource, Provider>()

/**
 * A resource sent with the request (`tx-resource`, `valueSet`, `codeSystem`, `conceptMap`), checked
 * before anything runs: one of the wrong type, or malformed, is refused naming the parameter (and
 * its position among repeats) and the element at fault.
 */
export const resourceParameter = <T extends TerminologyResource["resourceType"]>(
  parameter: string,
  resource: Record<string, unknown>,
  types: ReadonlyArray<T>,
  position?: number
): Effect.Effect<Extract<TerminologyResource, { resourceType: T }>, FhirFailure> => {
  const type = resource.resourceType
  if (!(types as ReadonlyArray<unknown>).includes(type)) {
    const values = { parameter, type: String(type), ...(position === undefined ? {} : { position: position + 1 }) }
    return new FhirFailure({
      status: 400,
      outcome: operationOutcome(
        cataloguedIssue(
          position === undefined ? "resource-parameter-wrong-type" : "resource-parameter-n-wrong-type",
          values,
          (text) => issue("error", "invalid", text, [parameter]),
          // "a ValueSet or CodeSystem", in the language it is said in.
          (language) => ({ expected: new Intl.ListFormat(language, { type: "disjunction" }).format(types) })
        )
      )
    })
  }
  return Either.match(checkTerminologyResource(resource), {
    onLeft: (problem) =>
      position === undefined
        ? FhirFailure.message(400, "invalid", "resource-parameter-invalid", { parameter, problem }, [parameter])
        : FhirFailure.message(400, "invalid", "resource-parameter-n-invalid", { parameter, position: position + 1, problem }, [parameter]),
    onRight: (checked) => Effect.succeed(checked as Extract<TerminologyResource, { resourceType: T }>)
  })
}

export interface TerminologyContext {
  readonly resolver: Resolver
  /** Supplements of a code system among the resources known, by canonical. */
  readonly supplement: (canonical: string) => CodeSystemResource | undefined
  /** The same context with these supplements applied to the code systems it resolves; fails naming one that is not known. */
  readonly withSupplements: (canonicals: ReadonlyArray<string>) => Effect.Effect<TerminologyContext, FhirFailure>
  /** A concept map by url at a version (exact or wildcard, else the newest), among the request's and the stored ones. */
  readonly conceptMap: (url: string, version: string | undefined) => ConceptMapResource | undefined
  /** Every concept map known, the request's own first. */
  readonly conceptMaps: () => ReadonlyArray<ConceptMapResource>
}

const missingSupplement = (wanted: string) =>
  terminologyFailure(notFound(message("supplement-not-found", { supplement: wanted }), undefined, "VALUESET_SUPPLEMENT_MISSING"))

/** What a context is built over besides the request's own resources. */
interface Served {
  readonly indexes: ReadonlyArray<SnomedIndex>
  readonly stored: ResourceSnapshot
  readonly releaseSystems: ReadonlyArray<ReleaseCodeSystem>
  /** Terms kept apart from their code systems (curated Welsh lists), laid over whichever provider serves the system. */
  readonly overlays: ReadonlyArray<DesignationOverlay>
  readonly defaultLanguage: string
}

/** A code system with the codes loaded releases add to it (dm+d's products under SNOMED CT); the same resolution when none do. */
const extendedByReleases = (resolution: CodeSystemResolution, releaseSystems: ReadonlyArray<ReleaseCodeSystem>): CodeSystemResolution => {
  if (resolution._tag !== "found") return resolution
  const provider = releaseSystems.reduce(
    (provider, releaseSystem) => (releaseSystem.extend?.(provider) as Provider | undefined) ?? provider,
    resolution.provider
  )
  return provider === resolution.provider ? resolution : { _tag: "found", provider }
}

/**
 * A code system from a loaded release (ICD, dm+d): the version asked for, else the newest. A
 * version it does not have falls through to the stored resources, which may hold it.
 */
const releaseResolution = (releaseSystems: ReadonlyArray<ReleaseCodeSystem>, system: string, version: string | undefined) => {
  const releaseSystem = releaseSystems.find((candidate) => candidate.system === system)
  const provider = releaseSystem?.provider(version)
  return { releaseSystem, provider: provider as Provider | undefined }
}

/**
 * A context over the request's own resources (`given`), the stored ones and the loaded releases,
 * with the supplements `applied`. Immutable: applying more supplements makes a new one.
 */
const makeContext = (given: ReadonlyArray<TerminologyResource>, served: Served, applied: ReadonlyArray<string>): TerminologyContext => {
  const { indexes, stored, releaseSystems, overlays, defaultLanguage } = served
  const codeSystems = given.filter((resource): resource is CodeSystemResource => resource.resourceType === "CodeSystem")
  const valueSets = given.filter((resource): resource is ValueSetResource => resource.resourceType === "ValueSet")
  const requestMaps = given.filter((resource): resource is ConceptMapResource => resource.resourceType === "ConceptMap")
  const supplement = (canonical: string) => {
    const [url, version] = splitCanonical(canonical)
    return pickVersion(
      [...codeSystems.filter((resource) => resource.url === url), ...stored.versionsOf("CodeSystem", url)].filter(
        (resource) => resource.content === "supplement"
      ),
      version
    )
  }
  const requestProviders = new Map<CodeSystemResource, Provider>()
  const providerOf = (resource: CodeSystemResource) => {
    const supplements =
      applied.length === 0
        ? []
        : [...codeSystems, ...stored.all("CodeSystem")].filter(
            (candidate) =>
              candidate.content === "supplement" &&
              candidate.supplements !== undefined &&
              splitCanonical(candidate.supplements)[0] === resource.url &&
              applied.some((wanted) => splitCanonical(wanted)[0] === candidate.url)
          )
    const cache = supplements.length === 0 && !codeSystems.includes(resource) ? storedProviders : undefined
    const cached = cache?.get(resource) ?? requestProviders.get(resource)
    if (cached !== undefined) return cached
    const provider = makeFhirCodeSystem(resource, supplements) as Provider
    if (cache !== undefined) cache.set(resource, provider)
    else requestProviders.set(resource, provider)
    return provider
  }
  const ownResolver: Resolver = {
    codeSystem: (system, version) => {
      if (system === snomedSystem) return extendedByReleases(snomedResolution(indexes, version, defaultLanguage), releaseSystems)
      const released = releaseResolution(releaseSystems, system, version)
      if (released.provider !== undefined) return { _tag: "found", provider: released.provider }
      const candidates = [...codeSystems.filter((resource) => resource.url === system), ...stored.versionsOf("CodeSystem", system)].filter(
        (resource) => resource.content !== "supplement"
      )
      if (candidates.length === 0 && released.releaseSystem !== undefined) {
        return { _tag: "unknown-version", known: released.releaseSystem.versions }
      }
      if (candidates.length === 0) {
        const asSupplement = supplement(version === undefined ? system : `${system}|${version}`)
        return asSupplement === undefined
          ? { _tag: "unknown-system" }
          : { _tag: "supplement", canonical: `${system}${asSupplement.version === undefined ? "" : `|${asSupplement.version}`}` }
      }
      const found = pickVersion(candidates, version)
      return found === undefined
        ? {
            _tag: "unknown-version",
            known: candidates
              .flatMap((candidate) => candidate.version ?? [])
              .sort(compareVersions)
              .reverse()
          }
        : { _tag: "found", provider: providerOf(found) }
    },
    valueSet: (url, version) => {
      const implicit = snomedImplicitValueSet(url)
      if (implicit === undefined) {
        return (
          pickVersion([...valueSets.filter((resource) => resource.url === url), ...stored.versionsOf("ValueSet", url)], version) ??
          releaseSystems.reduce<ValueSetResource | undefined>(
            (found, releaseSystem) => found ?? releaseSystem.valueSet?.(url, version),
            undefined
          )
        )
      }
      return implicitValueSetExists(implicit, indexes) ? implicit : undefined
    }
  }
  // The curated term lists (Welsh) laid over every code system resolved, whichever serves it.
  const resolver: Resolver =
    overlays.length === 0
      ? ownResolver
      : {
          ...ownResolver,
          codeSystem: (system, version) => {
            const resolution = ownResolver.codeSystem(system, version)
            return resolution._tag === "found"
              ? { _tag: "found", provider: withDesignationOverlays(resolution.provider, overlays) }
              : resolution
          }
        }
  const context: TerminologyContext = {
    resolver,
    supplement,
    // Supplements asked for by the request (`useSupplement`) or by the value set (valueset-supplement) must exist.
    withSupplements: (canonicals) => {
      if (canonicals.length === 0) return Effect.succeed(context)
      const missing = canonicals.find((wanted) => supplement(wanted) === undefined)
      return missing !== undefined
        ? Effect.fail(missingSupplement(missing))
        : Effect.succeed(makeContext(given, served, [...applied, ...canonicals]))
    },
    conceptMap: (url, version) =>
      pickVersion([...requestMaps.filter((resource) => resource.url === url), ...stored.versionsOf("ConceptMap", url)], version),
    conceptMaps: () => [...requestMaps, ...stored.all("ConceptMap")]
  }
  return context
}

// Chained rather than `Effect.all`, which costs as much again on every request (measured).
const services: Effect.Effect<Served, never, SnomedReleases | FhirResources | ReleaseCodeSystems | DesignationOverlays> = Effect.flatMap(
  Effect.context<SnomedReleases | FhirResources | ReleaseCodeSystems | DesignationOverlays>(),
  (context) =>
    Effect.flatMap(Context.get(context, SnomedReleases).all, (indexes) =>
      Effect.flatMap(Context.get(context, FhirResources).snapshot, (stored) =>
        Effect.flatMap(Context.get(context, ReleaseCodeSystems).current, (releaseSystems) =>
          Effect.flatMap(Context.get(context, DesignationOverlays).current, (overlays) =>
            Effect.map(displayLanguage, (defaultLanguage) => ({ indexes, stored, releaseSystems, overlays, defaultLanguage }))
          )
        )
      )
    )
)

/** The context for requests that bring no resources of their own, rebuilt only when the releases or stored resources change. */
let shared: { readonly served: Served; readonly context: TerminologyContext } | undefined

const sameServed = (a: Served, b: Served) =>
  a.indexes === b.indexes &&
  a.stored === b.stored &&
  a.releaseSystems === b.releaseSystems &&
  a.overlays === b.overlays &&
  a.defaultLanguage === b.defaultLanguage

/** The resolver for one request: its `tx-resource`s, then the stored resources, then the loaded releases. */
export const terminologyContext = (
  txResources: ReadonlyArray<Record<string, unknown>> | undefined,
  useSupplements: ReadonlyArray<string> = []
) =>
  Effect.flatMap(services, (served) => {
    if (txResources === undefined || txResources.length === 0) {
      if (shared === undefined || !sameServed(shared.served, served)) shared = { served, context: makeContext([], served, []) }
      return shared.context.withSupplements(useSupplements)
    }
    const given = Effect.forEach(txResources, (resource, position) =>
      resourceParameter("tx-resource", resource, terminologyResourceTypes, position)
    )
    return Effect.flatMap(given, (given) => makeContext(given, served, []).withSupplements(useSupplements))
  })

/**
 * The value set a request names: given whole (`valueSet`), or by `url` (`url|version`, or with
 * `valueSetVersion`), with the value set's own supplements applied to the context.
 */
export const requestedValueSet = (
  context: TerminologyContext,
  input: { readonly url?: string; readonly valueSetVersion?: string; readonly valueSet?: Record<string, unknown> }
) =>
  Effect.gen(function* () {
    const [url, urlVersion] = input.url === undefined ? [undefined, undefined] : splitCanonical(input.url)
    const version = input.valueSetVersion ?? urlVersion
    const valueSet =
      input.valueSet !== undefined
        ? yield* resourceParameter("valueSet", input.valueSet, ["ValueSet"])
        : url === undefined
          ? undefined
          : context.resolver.valueSet(url, version)
    if (valueSet === undefined) {
      if (url === undefined) return yield* FhirFailure.message(400, "required", "give-value-set", {}, ["url"])
      return yield* Effect.fail(
        terminologyFailure(
          notFound(
            message("value-set-not-found", { valueSet: valueSetCanonicalOf(url, version) }),
            undefined,
            "Unable_to_resolve_value_Set_"
          )
        )
      )
    }
    return { valueSet, context: yield* context.withSupplements(valueSetSupplements(valueSet)) }
  })
