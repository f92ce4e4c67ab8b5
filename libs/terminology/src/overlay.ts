/**
 * Designations kept apart from the code systems they describe (a curated list of Welsh displays
 * for SNOMED CT, dm+d or ICD codes) and laid over whichever provider serves the system: the
 * terms become displays in their language, designations, valid displays and search terms, with
 * the provider's own answers unchanged for everything else. The terminology context applies the
 * overlay to every provider it resolves, so a code system added later needs nothing of its own.
 */
import { Context, Effect } from "effect"
import { isLanguage } from "./languages"
import type { CodeSystemProvider, ConceptDesignation, ConceptSet } from "./provider"
import { searchWords } from "./provider"
import { preferredForLanguage } from "./valueset/expand"

export interface OverlayTerm {
  readonly term: string
  /** The display for its language, or another acceptable term. */
  readonly preferred: boolean
}

/** The active terms of one language, per code system and code. */
export interface DesignationOverlay {
  readonly language: string
  readonly terms: ReadonlyMap<string, ReadonlyMap<string, ReadonlyArray<OverlayTerm>>>
}

/** The overlays being served; `current` answers the same array while nothing has changed. */
export class DesignationOverlays extends Context.Tag("@ffynnon/terminology/DesignationOverlays")<
  DesignationOverlays,
  { readonly current: Effect.Effect<ReadonlyArray<DesignationOverlay>>; readonly refresh: Effect.Effect<void, unknown> }
>() {}

const synonymUse = { system: "http://snomed.info/sct", code: "900000000000013009", display: "Synonym" }

const overlaid = new WeakMap<CodeSystemProvider, WeakMap<DesignationOverlay, CodeSystemProvider>>()

/**
 * The provider with the overlay's terms for its system laid over it: the overlay's preferred term
 * is the display when the overlay's language is the most preferred; its terms are designations
 * in that language, valid displays when the request's languages allow it, and searchable.
 * Providers without terms in the overlay are returned as they are.
 */
export const withDesignationOverlay = <C>(provider: CodeSystemProvider<C>, overlay: DesignationOverlay): CodeSystemProvider<C> => {
  const bySystem = overlay.terms.get(provider.system)
  if (bySystem === undefined) return provider
  let byOverlay = overlaid.get(provider)
  if (byOverlay === undefined) overlaid.set(provider, (byOverlay = new WeakMap()))
  const existing = byOverlay.get(overlay)
  if (existing !== undefined) return existing as CodeSystemProvider<C>
  const { language } = overlay
  const termsOf = (concept: C) => bySystem.get(provider.code(concept))
  // Any language when none are named, as providers read an empty list.
  const allows = (languages: ReadonlyArray<string>) => languages.length === 0 || languages.some((tag) => isLanguage(tag, language))
  const inLanguage = (concept: C): ReadonlyArray<ConceptDesignation> =>
    (termsOf(concept) ?? []).map(({ term, preferred }) => ({ language, use: preferred ? preferredForLanguage : synonymUse, value: term }))
  // Each term's words, folded once: every search scans them.
  let searchable: ReadonlyArray<readonly [code: string, words: ReadonlyArray<ReadonlyArray<string>>]> | undefined
  /** The codes with a term in which every word of the query starts a word. */
  const codesMatching = (query: ReadonlyArray<string>) =>
    (searchable ??= [...bySystem].map(([code, terms]) => [code, terms.map(({ term }) => searchWords(term))] as const))
      .filter(([, terms]) => terms.some((words) => query.every((wanted) => words.some((word) => word.startsWith(wanted)))))
      .map(([code]) => code)
  /** The overlay's preferred term, when the overlay's language is the most preferred. */
  const overlayDisplay = (concept: C, languages: ReadonlyArray<string>) => {
    const first = languages[0]
    return first !== undefined && isLanguage(first, language) ? termsOf(concept)?.find((term) => term.preferred) : undefined
  }
  const wrapped: CodeSystemProvider<C> = {
    ...provider,
    display: (concept, languages) => overlayDisplay(concept, languages)?.term ?? provider.display(concept, languages),
    displayLanguage: (concept, languages) =>
      overlayDisplay(concept, languages) !== undefined ? language : (provider.displayLanguage?.(concept, languages) ?? provider.language),
    designations: (concept) => [...provider.designations(concept), ...inLanguage(concept)],
    hasDisplay: (concept, display, languages) =>
      provider.hasDisplay(concept, display, languages) ||
      (allows(languages) && (termsOf(concept)?.some(({ term }) => term.toLowerCase() === display.toLowerCase()) ?? false)),
    displays: (concept, languages) => [
      ...provider.displays(concept, languages),
      ...(allows(languages) ? (termsOf(concept) ?? []).map(({ term }) => ({ value: term, language })) : [])
    ],
    search: (text, within: ConceptSet<C>) => {
      const found = provider.search(text, within)
      const query = searchWords(text)
      if (query.length === 0) return found
      // The list's matches are few, the provider's may be a hundred thousand: only the few go in a set.
      const listed = new Set<C>(
        codesMatching(query).flatMap((code) => {
          const concept = provider.locate(code)
          return concept !== undefined && within.has(concept) ? [concept] : []
        })
      )
      if (listed.size === 0) return found
      for (const concept of found) listed.delete(concept)
      return listed.size === 0 ? found : [...found, ...listed]
    }
  }
  byOverlay.set(overlay, wrapped)
  return wrapped
}

/** The provider with every overlay applied, in order. */
export const withDesignationOverlays = <C>(provider: CodeSystemProvider<C>, overlays: ReadonlyArray<DesignationOverlay>) =>
  overlays.reduce((current, overlay) => withDesignationOverlay(current, overlay), provider)
