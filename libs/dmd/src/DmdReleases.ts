/**
 * The dm+d releases being served: an index per active release in the registry, built when the
 * service starts and whenever a newly loaded release appears (checked every 30 seconds), newest
 * first. Built indexes are cached under `FFYNNON_DATA_DIR/cache`, keyed by the release's
 * checksum, so a restart reads them back. Other services use the indexes directly for navigation
 * (`resolve`); the API serves them as the code system `https://dmd.nhs.uk` through `source`.
 */
import { Database, DatabaseConfig, Releases, type Release } from "@ffynnon/db"
import {
  cachedIndex,
  message,
  sayInEnglish,
  PackedStrings,
  type IndexCacheFormat,
  type ReleaseCodeSystem,
  type ReleaseCodeSystemSource
} from "@ffynnon/terminology"
import { Data, Duration, Effect, Schedule, SynchronizedRef } from "effect"
import * as Path from "node:path"
import { DmdIndex } from "./serving/DmdIndex"
import { dmdCodeSystem, dmdLookupCodeSystems } from "./serving/provider"
import { dmdSystem } from "./store/load"

/** The requested dm+d version is not loaded. */
export class UnknownDmdVersion extends Data.TaggedError("UnknownDmdVersion")<{
  readonly version: string
  readonly loaded: ReadonlyArray<string>
}> {
  get said() {
    return this.loaded.length === 0
      ? message("dmd-none-loaded")
      : message("dmd-version-not-loaded", { version: this.version, loaded: this.loaded.join(", ") })
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}

/** The date part of a version (`4.0.1_20190401` or `20190401`), then the release number, for newest-first order. */
const versionKey = (version: string) => {
  const [first = "", second] = version.split("_")
  const date = second ?? first
  const number = second === undefined ? [] : first.split(".").map(Number)
  return { date, number }
}
const newestFirst = (a: DmdIndex, b: DmdIndex) => {
  const left = versionKey(a.version)
  const right = versionKey(b.version)
  if (left.date !== right.date) return right.date.localeCompare(left.date)
  for (let part = 0; part < 3; part++) {
    const difference = (right.number[part] ?? -1) - (left.number[part] ?? -1)
    if (difference !== 0) return difference
  }
  return b.releaseId - a.releaseId
}

/** The index files' format: change it whenever `DmdIndex`'s fields change. */
const cacheFormat: IndexCacheFormat = { format: 4, classes: { DmdIndex, PackedStrings } }

interface Served {
  readonly indexes: ReadonlyArray<DmdIndex>
  readonly systems: ReadonlyArray<ReleaseCodeSystem>
}

export class DmdReleases extends Effect.Service<DmdReleases>()("@ffynnon/dmd/DmdReleases", {
  scoped: Effect.gen(function* () {
    const database = yield* Database
    const releases = yield* Releases
    const served = yield* SynchronizedRef.make<Served>({ indexes: [], systems: [] })
    const cacheDirectory = Path.join(Path.resolve((yield* DatabaseConfig).dataDir), "cache")

    /** The release's index from the cache, or built from the store and then cached. */
    const indexOf = (release: Release) =>
      cachedIndex(
        cacheFormat,
        Path.join(cacheDirectory, `dmd-${release.id}-${release.sourceSha256.slice(0, 16)}-v${cacheFormat.format}.index`),
        DmdIndex.build(database, release.id, release.version),
        (cached) => cached.releaseId === release.id && cached.version === release.version
      )

    /** Builds indexes for releases loaded since the last look; keeps the ones built and the same `systems` array while nothing changed. */
    const refresh = SynchronizedRef.updateEffect(served, (current) =>
      Effect.gen(function* () {
        const active = (yield* releases.list({ kind: "dmd" })).filter(
          (release): release is Release => release.status === "active" && release.codeSystem === dmdSystem
        )
        const indexes = yield* Effect.forEach(active, (release) => {
          const built = current.indexes.find((index) => index.releaseId === release.id)
          return built !== undefined
            ? Effect.succeed(built)
            : indexOf(release).pipe(
                Effect.tap((index) =>
                  Effect.logInfo("serving dm+d release").pipe(Effect.annotateLogs({ version: index.version, concepts: index.size }))
                )
              )
        })
        const unchanged = indexes.length === current.indexes.length && indexes.every((index) => current.indexes.includes(index))
        if (unchanged) return current
        const sorted = indexes.toSorted(newestFirst)
        return { indexes: sorted, systems: sorted.length === 0 ? [] : [dmdCodeSystem(sorted), ...dmdLookupCodeSystems(sorted)] }
      })
    )

    yield* refresh
    yield* refresh.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning("could not refresh the dm+d releases", cause)),
      Effect.schedule(Schedule.spaced(Duration.seconds(30))),
      Effect.forkScoped
    )

    /** Every release served, newest first. */
    const all = Effect.map(SynchronizedRef.get(served), (current) => current.indexes)

    /** The release for a version, or the newest when none is named. */
    const resolve = (version?: string) =>
      Effect.flatMap(all, (indexes) => {
        const found = version === undefined ? indexes[0] : indexes.find((index) => index.version === version)
        return found !== undefined
          ? Effect.succeed(found)
          : Effect.fail(new UnknownDmdVersion({ version: version ?? "(latest)", loaded: indexes.map((index) => index.version) }))
      })

    const source: ReleaseCodeSystemSource = {
      current: Effect.map(SynchronizedRef.get(served), (current) => current.systems),
      refresh: Effect.asVoid(refresh)
    }

    return { all, resolve, refresh: Effect.asVoid(refresh), source }
  })
}) {}
