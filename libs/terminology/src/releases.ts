/**
 * Code systems served from loaded releases rather than from FHIR resources: ICD-10, ICD-11, dm+d
 * and the like. Each domain library offers its own as a `ReleaseCodeSystemSource`; the API
 * gathers them in `ReleaseCodeSystems`, and the terminology operations find them by system URI
 * beside the stored CodeSystem resources. (SNOMED CT, with its editions and implicit value sets,
 * has its own resolution.)
 */
import { Context, Effect, Layer } from "effect"
import type { TranslationMatch } from "./conceptmap/translate"
import type { ValueSetResource } from "./fhir"
import type { CodeSystemProvider } from "./provider"

/**
 * A concept map a release defines and answers from its own index (dm+d's GTIN and history maps),
 * for `ConceptMap/$translate` by its url or found by its systems.
 */
export interface ReleaseConceptMap {
  readonly url: string
  /** The release's version. */
  readonly version: string
  /** The systems it maps from and to. */
  readonly source: string
  readonly target: string
  /** The mappings of a source code, or with `reverse` those to a target code. */
  translate(code: string, reverse: boolean): ReadonlyArray<TranslationMatch>
}

export interface ReleaseCodeSystem {
  readonly system: string
  /** The versions loaded, newest first. */
  readonly versions: ReadonlyArray<string>
  /** The provider for a version (exact match), or for the newest when none is named; undefined when it is not loaded. */
  provider(version: string | undefined): CodeSystemProvider | undefined
  /** A value set the code system defines by URL (dm+d's class value sets, an ICD chapter), when it has one. */
  valueSet?(url: string, version: string | undefined): ValueSetResource | undefined
  /**
   * Another code system's provider with this release's codes added, where they are that system's
   * codes too (dm+d's products are SNOMED CT identifiers); undefined leaves the provider as it is.
   */
  extend?(provider: CodeSystemProvider): CodeSystemProvider | undefined
  /** The concept maps the releases define, newest version first. */
  readonly conceptMaps?: ReadonlyArray<ReleaseConceptMap>
}

/**
 * What one library serves. `current` must answer the same array while nothing has changed, so the
 * API keeps the context it built over it; `refresh` picks up releases loaded since (the library
 * also refreshes on its own schedule, as SnomedReleases does every 30 seconds).
 */
export interface ReleaseCodeSystemSource {
  readonly current: Effect.Effect<ReadonlyArray<ReleaseCodeSystem>>
  readonly refresh: Effect.Effect<void, unknown>
}

/** Every release code system being served, from all sources. */
export class ReleaseCodeSystems extends Context.Tag("@ffynnon/terminology/ReleaseCodeSystems")<
  ReleaseCodeSystems,
  ReleaseCodeSystemSource
>() {}

/** The sources as one: their code systems in one list, which stays the same array until a source's changes. */
export const gatherReleaseCodeSystems = (sources: ReadonlyArray<ReleaseCodeSystemSource>): ReleaseCodeSystemSource => {
  let last: { readonly parts: ReadonlyArray<ReadonlyArray<ReleaseCodeSystem>>; readonly all: ReadonlyArray<ReleaseCodeSystem> } = {
    parts: [],
    all: []
  }
  // Each source's list read in a chain rather than with `Effect.all`: every terminology request reads them (measured).
  const parts = sources.reduce<Effect.Effect<ReadonlyArray<ReadonlyArray<ReleaseCodeSystem>>>>(
    (before, source) => Effect.flatMap(before, (read) => Effect.map(source.current, (part) => [...read, part])),
    Effect.succeed([])
  )
  return {
    current: Effect.map(parts, (parts) => {
      const unchanged = parts.length === last.parts.length && parts.every((part, position) => part === last.parts[position])
      if (!unchanged) last = { parts, all: parts.flat() }
      return last.all
    }),
    refresh: Effect.asVoid(Effect.all(sources.map((source) => source.refresh)))
  }
}

/** The service over sources that each come from their library's service (for example `Effect.map(IcdReleases, (icd) => icd.source)`). */
export const releaseCodeSystemsLayer = <const Sources extends ReadonlyArray<Effect.Effect<ReleaseCodeSystemSource, never, any>>>(
  sources: Sources
): Layer.Layer<ReleaseCodeSystems, never, Effect.Effect.Context<Sources[number]>> =>
  Layer.effect(
    ReleaseCodeSystems,
    Effect.map(
      Effect.forEach(sources, (source) => source),
      gatherReleaseCodeSystems
    )
  )
