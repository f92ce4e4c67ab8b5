/**
 * The SNOMED CT releases being served: an index per active release in the registry, built when
 * the service starts and whenever a newly loaded release appears (checked every 30 seconds), so
 * a load is picked up without a restart. Built indexes are cached under
 * `FFYNNON_DATA_DIR/cache`, keyed by the release's checksum, so a restart reads them back.
 *
 * A translation package is not an index of its own: the index of the release it translates is
 * built with the translation's rows laid over it (the newest version of each translated edition
 * loaded on it), and the translated edition is that same index under the translation's URI. The
 * release keeps its place as the default, and gains the translation's terms.
 */
import { Database, DatabaseConfig, Releases, type Release } from "@ffynnon/db"
import { cachedIndex, message, sayInEnglish } from "@ffynnon/terminology"
import { Data, Duration, Effect, Schedule, SynchronizedRef } from "effect"
import * as Path from "node:path"
import { warmUpEclCached } from "./ecl/Ecl"
import { buildIndex } from "./index/build"
import { cacheFormat, snomedCacheFormat } from "./index/cache"
import type { SnomedIndex } from "./index/SnomedIndex"
import { versionUriPattern } from "./rf2/edition"
import { snomedSystem } from "./store/load"

/** The requested SNOMED CT edition or version is not loaded. */
export class UnknownSnomedVersion extends Data.TaggedError("UnknownSnomedVersion")<{
  readonly version: string
  readonly loaded: ReadonlyArray<string>
}> {
  get said() {
    return this.loaded.length === 0
      ? message("snomed-none-loaded")
      : message("snomed-version-not-loaded", { version: this.version, loaded: this.loaded.join(", ") })
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}

const versionDate = (uri: string) => versionUriPattern.exec(uri)?.[2] ?? ""
const editionOf = (uri: string) => uri.replace(/\/version\/\d{8}$/, "")

/**
 * Building an index leaves gigabytes of garbage at monolith scale. Under Bun, collect it now and
 * again once the builder's stack frames are gone (JavaScriptCore scans stacks conservatively),
 * so the memory goes back to the system before the release is served for long.
 */
const collectGarbage = Effect.gen(function* () {
  const gc = () => (globalThis as { Bun?: { gc: (force: boolean) => void } }).Bun?.gc(true)
  gc()
  yield* Effect.forkDaemon(Effect.delay(Effect.sync(gc), Duration.seconds(2)))
})

/** Releases first, newest version first (for the same version, the most recent load); then translated editions. */
const newestFirst = (a: SnomedIndex, b: SnomedIndex) =>
  Number(a.translates !== undefined) - Number(b.translates !== undefined) ||
  versionDate(b.uri).localeCompare(versionDate(a.uri)) ||
  b.releaseId - a.releaseId

/** A release served with the translations loaded on it. */
interface Translated {
  readonly release: Release
  /** For each translated edition, its newest version loaded on the release, in load order. */
  readonly translations: ReadonlyArray<Release>
}

const translated = (active: ReadonlyArray<Release>): ReadonlyArray<Translated> =>
  active
    .filter((release) => release.extendsReleaseId === null)
    .map((release) => {
      const newest = new Map<string, Release>()
      const oldestFirst = active
        .filter((translation) => translation.extendsReleaseId === release.id)
        .toSorted((a, b) => versionDate(a.version).localeCompare(versionDate(b.version)) || a.id - b.id)
      for (const translation of oldestFirst) newest.set(editionOf(translation.version), translation)
      return { release, translations: [...newest.values()].toSorted((a, b) => a.id - b.id) }
    })

export class SnomedReleases extends Effect.Service<SnomedReleases>()("@ffynnon/snomed/SnomedReleases", {
  scoped: Effect.gen(function* () {
    const database = yield* Database
    const releases = yield* Releases
    /** The indexes built, by cache file name, and the indexes served (translated editions too). */
    const served = yield* SynchronizedRef.make<{
      readonly built: ReadonlyMap<string, SnomedIndex>
      readonly indexes: ReadonlyArray<SnomedIndex>
    }>({
      built: new Map(),
      indexes: []
    })
    const cacheDirectory = Path.join(Path.resolve((yield* DatabaseConfig).dataDir), "cache")

    /** Names the release and the translations laid over it: a new translation is a new index. */
    const cacheName = ({ release, translations }: Translated) =>
      `snomed-${[release, ...translations].map(({ id, sourceSha256 }) => `${id}-${sourceSha256.slice(0, 16)}`).join("+")}-v${cacheFormat}.index`

    const cachePath = (wanted: Translated) => Path.join(cacheDirectory, cacheName(wanted))

    /**
     * The release's index (with its translations) from the cache, or built from the store and then
     * cached; ECL's tables for it likewise, beside it.
     */
    const indexOf = (wanted: Translated) =>
      cachedIndex(
        snomedCacheFormat,
        cachePath(wanted),
        buildIndex(
          database,
          wanted.release.id,
          wanted.release.version,
          wanted.translations.map((translation) => translation.id)
        ),
        (cached) => cached.uri === wanted.release.version && cached.releaseId === wanted.release.id
      ).pipe(Effect.tap((index) => warmUpEclCached(index, `${cachePath(wanted)}.ecl`)))

    const activeReleases = Effect.map(releases.list({ kind: "snomed" }), (list) =>
      list.filter((release): release is Release => release.status === "active" && release.codeSystem === snomedSystem)
    )

    /** Builds indexes for releases (and translations) loaded since the last look; keeps the ones already built. */
    const refresh = SynchronizedRef.updateEffect(served, (current) =>
      Effect.gen(function* () {
        const wanted = translated(yield* activeReleases)
        const names = wanted.map(cacheName)
        if (names.length === current.built.size && names.every((name) => current.built.has(name))) return current
        const built = new Map<string, SnomedIndex>()
        const indexes: Array<SnomedIndex> = []
        for (const [position, release] of wanted.entries()) {
          const index =
            current.built.get(names[position]!) ??
            (yield* indexOf(release).pipe(
              Effect.tap((index) =>
                Effect.logInfo("serving SNOMED CT release").pipe(
                  Effect.annotateLogs({
                    uri: index.uri,
                    concepts: index.conceptCount,
                    translations: release.translations.map((translation) => translation.version).join(" ")
                  })
                )
              )
            ))
          built.set(names[position]!, index)
          indexes.push(index, ...release.translations.map((translation) => index.servedAs(translation.id, translation.version)))
        }
        if ([...built.values()].some((index) => ![...current.built.values()].includes(index))) yield* collectGarbage
        return { built, indexes: indexes.toSorted(newestFirst) }
      })
    )

    yield* refresh
    yield* refresh.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning("could not refresh the SNOMED CT releases", cause)),
      Effect.schedule(Schedule.spaced(Duration.seconds(30))),
      Effect.forkScoped
    )

    /** Every served index, the default (the newest release) first, translated editions after the releases. */
    const all = Effect.map(SynchronizedRef.get(served), (current) => current.indexes)

    /**
     * The index for a `version` as FHIR clients give it: a version URI, an edition URI (its
     * newest version), or nothing (the newest release loaded, never a translated edition: its
     * translations' terms are served with it).
     */
    const resolve = (version?: string) =>
      Effect.flatMap(all, (indexes) => {
        const found =
          version === undefined
            ? indexes[0]
            : (indexes.find((index) => index.uri === version) ?? indexes.find((index) => editionOf(index.uri) === version))
        return found !== undefined
          ? Effect.succeed(found)
          : Effect.fail(new UnknownSnomedVersion({ version: version ?? "(latest)", loaded: indexes.map((index) => index.uri) }))
      })

    return { all, resolve, refresh }
  })
}) {}
