/**
 * What every SNOMED CT operation shares: the system URI, finding the release a request means,
 * the concept a code means, and the language refsets a display language means.
 */
import { languageRefsetsFor, snomedSystem, SnomedReleases, UnknownSnomedVersion, type SnomedIndex } from "@ffynnon/snomed"
import { Effect } from "effect"
import { FhirFailure } from "../fhir/outcome"

export { snomedSystem }

export interface Coding {
  readonly system?: string
  readonly version?: string
  readonly code?: string
  readonly display?: string
}

/** The release for `system` and `version`, or a 404 naming what is loaded. */
export const releaseFor = (system: string | undefined, version: string | undefined, parameter = "system") =>
  Effect.gen(function* () {
    if (system !== undefined && system !== snomedSystem) {
      return yield* FhirFailure.of(404, "not-found", `A definition for CodeSystem '${system}' could not be found.`, [parameter])
    }
    const releases = yield* SnomedReleases
    return yield* releases
      .resolve(version)
      .pipe(Effect.mapError((error: UnknownSnomedVersion) => FhirFailure.of(404, "not-found", error.message, ["version"])))
  })

/** Reads code, system and version from either the separate parameters or a Coding. */
export const codingOf = (input: { code?: string; system?: string; version?: string; coding?: Coding }, codeName = "code"): Coding => {
  const coding = input.coding ?? {}
  const merged = { ...coding, ...(input.code === undefined ? {} : { code: input.code }) }
  const system = input.system ?? coding.system
  const version = input.version ?? coding.version
  return {
    ...merged,
    ...(system === undefined ? {} : { system }),
    ...(version === undefined ? {} : { version }),
    ...(merged.code === undefined ? {} : { code: merged.code })
  }
}

export const requireCode = (coding: Coding, name = "code") =>
  coding.code === undefined
    ? Effect.fail(FhirFailure.of(400, "required", `Give a ${name} (or a coding with one).`, [name]))
    : Effect.succeed(coding.code)

/** Language tags in order of preference from `displayLanguage`, else `Accept-Language` (weights honoured). */
export const preferredLanguages = (displayLanguage: string | undefined, acceptLanguage: string | undefined): Array<string> => {
  if (displayLanguage !== undefined) return [displayLanguage]
  if (acceptLanguage === undefined) return []
  return acceptLanguage
    .split(",")
    .map((part, position) => {
      const [tag = "", ...parameters] = part.trim().split(";")
      const weight = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined)
      return { tag: tag.trim(), weight: weight === undefined ? 1 : Number(weight), position }
    })
    .filter(({ tag, weight }) => tag.length > 0 && tag !== "*" && weight > 0)
    .sort((a, b) => b.weight - a.weight || a.position - b.position)
    .map(({ tag }) => tag)
}

/**
 * The language refsets for the preferred languages, in order: en-GB (and plain `en`) means UK
 * clinical, UK pharmacy, then GB English; en-US means US English; any other language means the
 * loaded refsets with descriptions in it. With no preference, en-GB.
 */
export const languageRefsets = (index: SnomedIndex, languages: ReadonlyArray<string>) => {
  const refsets = (languages.length === 0 ? ["en-GB"] : languages).flatMap(
    (language) =>
      languageRefsetsFor[language.toLowerCase() === "en" ? "en-gb" : language.toLowerCase()] ?? index.refsetsForLanguage(language)
  )
  return [...new Set(refsets)]
}

export const designationUse = {
  fullySpecifiedName: { system: snomedSystem, code: "900000000000003001", display: "Fully specified name" },
  synonym: { system: snomedSystem, code: "900000000000013009", display: "Synonym" },
  definition: { system: snomedSystem, code: "900000000000550004", display: "Definition" }
} as const

/** The concept's active designations, as ValueSet.expansion.contains.designation has them. */
export const activeDesignations = (index: SnomedIndex, concept: number) =>
  index
    .designations(concept)
    .filter((designation) => designation.active)
    .map((designation) => ({ language: designation.languageCode, use: designationUse[designation.type], value: designation.term }))

/** The concept's designations as `designation` parts of a Parameters answer. */
export const designationParts = (index: SnomedIndex, concept: number) =>
  activeDesignations(index, concept).map(({ language, use, value }) => ({
    name: "designation",
    part: [
      { name: "language", valueCode: language },
      { name: "use", valueCoding: use },
      { name: "value", valueString: value }
    ]
  }))
