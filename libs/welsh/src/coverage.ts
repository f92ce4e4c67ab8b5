/**
 * How much of each code system has a Welsh preferred term, as served (translated editions and
 * curated lists together): per code system version, for SNOMED CT per reference set, and per
 * stored value set, the active concepts and how many of them have one — what translators need to
 * plan their work.
 */
import { languageRefsets, snomedProvider, type SnomedIndex } from "@ffynnon/snomed"
import {
  displayLanguageOf,
  isLanguage,
  withDesignationOverlays,
  type CodeSystemProvider,
  type DesignationOverlay,
  type Member,
  type ValueSetResource
} from "@ffynnon/terminology"
import { welshLanguage } from "./rf2"

export interface CoverageRow {
  /** The code system, or for a value set its URL. */
  readonly system: string
  readonly version: string
  /** `all`, the reference set (`refset <id> |<term>|`), or `value set`. */
  readonly scope: string
  readonly active: number
  readonly welsh: number
}

const welshOnly = [welshLanguage]

/** Whether the concept's display for a Welsh speaker is a Welsh term. */
const hasWelshTerm = <C>(provider: CodeSystemProvider<C>, concept: C) => {
  const language = displayLanguageOf(provider, concept, welshOnly)
  return language !== undefined && isLanguage(language, welshLanguage)
}

/** Active concepts and those with a Welsh preferred term, over `concepts`. */
const count = <C>(provider: CodeSystemProvider<C>, concepts: Iterable<C>) => {
  let active = 0
  let welsh = 0
  for (const concept of concepts) {
    if (provider.isInactive(concept)) continue
    active++
    if (hasWelshTerm(provider, concept)) welsh++
  }
  return { active, welsh }
}

/** Coverage of one provider as a whole. */
export const providerCoverage = <C>(provider: CodeSystemProvider<C>, overlays: ReadonlyArray<DesignationOverlay>): CoverageRow => {
  const overlaid = withDesignationOverlays(provider, overlays)
  return { system: provider.system, version: provider.version ?? "", scope: "all", ...count(overlaid, overlaid.all()) }
}

/** Coverage of a SNOMED CT release: the whole, then each reference set with concept members (language refsets aside). */
export const snomedCoverage = (index: SnomedIndex, overlays: ReadonlyArray<DesignationOverlay>): ReadonlyArray<CoverageRow> => {
  const provider = withDesignationOverlays(snomedProvider(index), overlays)
  const english = languageRefsets(index, [])
  const refsetRows = [...index.refsets.values()]
    .filter((refset) => refset.concepts.length > 0)
    .map((refset) => {
      const position = index.position(refset.id)
      const name = position === undefined ? "" : ` |${index.preferredTerm(position, english) ?? ""}|`
      return { system: provider.system, version: index.uri, scope: `refset ${refset.id}${name}`, ...count(provider, refset.concepts) }
    })
  return [providerCoverage(snomedProvider(index), overlays), ...refsetRows]
}

/** Coverage of a value set's members, each counted with the provider that serves it (the lists already laid over it). */
export const valueSetCoverage = (valueSet: ValueSetResource, members: ReadonlyArray<Member>): CoverageRow => {
  let active = 0
  let welsh = 0
  for (const { provider, concept } of members) {
    if (provider.isInactive(concept)) continue
    active++
    if (hasWelshTerm(provider, concept)) welsh++
  }
  return { system: valueSet.url ?? "", version: valueSet.version ?? "", scope: "value set", active, welsh }
}
