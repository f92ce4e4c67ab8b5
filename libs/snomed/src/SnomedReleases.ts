/**
 * The SNOMED CT releases being served: an index per active release in the registry, built when
 * the service starts and whenever a newly loaded release appears (checked every 30 seconds), so
 * a load is picked up without a restart. Built indexes are cached under
 * `FFYNNON_DATA_DIR/cache`, keyed by the release's checksum, so a restart reads them back.
 */
import { Database, DatabaseConfig, Releases, type Release } from "@ffynnon/db"
import { cachedIndex } from "@ffynnon/terminology"
import { Data, Duration, Effect, Schedule, SynchronizedRef } from "effect"
import * as Path from "node:path"
import { warmUpEcl } from "./ecl/Ecl"
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
  override get message() {
    return this.loaded.length === 0
      ? "No SNOMED CT release is loaded."
      : `SNOMED CT version '${this.version}' is not loaded. Loaded: ${this.loaded.join(", ")}.`
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

/** Newest version first; for the same version, the most recent load. */
const newestFirst = (a: SnomedIndex, b: SnomedIndex) => versionDate(b.uri).localeCompare(versionDate(a.uri)) || b.releaseId - a.releaseId

export class SnomedReleases extends Effect.Service<SnomedReleases>()("@ffynnon/snomed/SnomedReleases", {
  scoped: Effect.gen(function* () {
    const database = yield* Database
    const releases = yield* Releases
    const served = yield* SynchronizedRef.make<ReadonlyArray<SnomedIndex>>([])
    const cacheDirectory = Path.join(Path.resolve((yield* DatabaseConfig).dataDir), "cache")

    /** The release's index from the cache, or built from the store and then cached. */
    const indexOf = (release: Release) =>
      cachedIndex(
        snomedCacheFormat,
        Path.join(cacheDirectory, `snomed-${release.id}-${release.sourceSha256.slice(0, 16)}-v${cacheFormat}.index`),
        buildIndex(database, release.id, release.version),
        (cached) => cached.uri === release.version && cached.releaseId === release.id
      )

    const activeReleases = Effect.map(releases.list({ kind: "snomed" }), (list) =>
      list.filter((release): release is Release => release.status === "active" && release.codeSystem === snomedSystem)
    )

    /** Builds indexes for releases loaded since the last look; keeps the ones already built. */
    const refresh = SynchronizedRef.updateEffect(served, (current) =>
      Effect.gen(function* () {
        const active = yield* activeReleases
        const next = yield* Effect.forEach(active, (release) => {
          const built = current.find((index) => index.releaseId === release.id)
          return built !== undefined
            ? Effect.succeed(built)
            : indexOf(release).pipe(
                Effect.tap((index) => Effect.sync(() => warmUpEcl(index))),
                Effect.tap((index) =>
                  Effect.logInfo("serving SNOMED CT release").pipe(Effect.annotateLogs({ uri: index.uri, concepts: index.conceptCount }))
                )
              )
        })
        if (next.some((index) => !current.includes(index))) yield* collectGarbage
        return next.toSorted(newestFirst)
      })
    )

    yield* refresh
    yield* refresh.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning("could not refresh the SNOMED CT releases", cause)),
      Effect.schedule(Schedule.spaced(Duration.seconds(30))),
      Effect.forkScoped
    )

    const all = SynchronizedRef.get(served)

    /**
     * The index for a `version` as FHIR clients give it: a version URI, an edition URI (its
     * newest version), or nothing (the newest release loaded).
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
