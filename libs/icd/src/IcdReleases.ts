/**
 * The ICD releases being served: a provider per active ICD-10 and ICD-11 release in the registry,
 * built from the store when the service starts and whenever a newly loaded release appears
 * (checked every 30 seconds), offered to the terminology operations as a `ReleaseCodeSystemSource`;
 * and WHO's ICD-10 ↔ ICD-11 mapping tables (`icd-map` releases) as maps for `$translate`.
 */
import { Database, Releases, type Release } from "@ffynnon/db"
import type { CodeSystemProvider, FhirConcept, ReleaseCodeSystem, ReleaseCodeSystemSource, ValueSetResource } from "@ffynnon/terminology"
import { sql } from "drizzle-orm"
import { Duration, Effect, Schedule, SynchronizedRef } from "effect"
import { icd10System, icd11System, type IcdClass, type IcdKind, type IcdRubric } from "./model"
import { readIcdConceptMaps, withGroupingCodes, type IcdConceptMap } from "./map/serve"
import { makeIcdProvider } from "./provider"

interface Served {
  readonly release: Release
  readonly provider: CodeSystemProvider<FhirConcept>
  /** ICD-11: the code of each class by its linearization URI (a block is known by its BlockId). */
  readonly codeByLinearizationUri: ReadonlyMap<string, string>
}

interface ClassRow {
  code: string
  kind: IcdKind
  parent_code: string | null
  title: string
  usage: "dagger" | "asterisk" | null
  sex: "male" | "female" | null
  min_age: string | null
  max_age: string | null
  is_leaf: boolean | null
  is_residual: boolean | null
  foundation_uri: string | null
  linearization_uri: string | null
}

const names: Record<string, { name: string; title: string }> = {
  [icd10System]: { name: "ICD10", title: "ICD-10" },
  [icd11System]: { name: "ICD11MMS", title: "ICD-11 for Mortality and Morbidity Statistics" }
}

/** Reads a release's classes back from the store, in the classification's order. */
export const readIcdClasses = (database: Database.Service, releaseId: number) =>
  Effect.gen(function* () {
    const rows = yield* database.query<ClassRow>(
      sql`select code, kind, parent_code, title, usage, sex, min_age, max_age, is_leaf, is_residual, foundation_uri, linearization_uri
          from icd_class where release_id = ${releaseId} order by position`
    )
    const rubrics = new Map<string, Array<IcdRubric>>()
    for (const row of yield* database.query<{ code: string; kind: string; text: string }>(
      sql`select code, kind, text from icd_rubric where release_id = ${releaseId} order by code, position`
    )) {
      const list = rubrics.get(row.code) ?? []
      list.push({ kind: row.kind, text: row.text })
      rubrics.set(row.code, list)
    }
    return rows.map((row): IcdClass => ({
      code: row.code,
      kind: row.kind,
      parent: row.parent_code ?? undefined,
      title: row.title,
      rubrics: rubrics.get(row.code) ?? [],
      ...(row.usage === null ? {} : { usage: row.usage }),
      ...(row.sex === null ? {} : { sex: row.sex }),
      ...(row.min_age === null ? {} : { minAge: row.min_age }),
      ...(row.max_age === null ? {} : { maxAge: row.max_age }),
      ...(row.is_leaf === null ? {} : { isLeaf: row.is_leaf }),
      ...(row.is_residual === null ? {} : { isResidual: row.is_residual }),
      ...(row.foundation_uri === null ? {} : { foundationUri: row.foundation_uri }),
      ...(row.linearization_uri === null ? {} : { linearizationUri: row.linearization_uri })
    }))
  })

/** The bundled samples' versions (`sample`, `uk-5-sample`): never the default over a real release. */
const isSample = (served: Served) => /(^|-)sample$/.test(served.release.version)

/** Newest version first, samples last; for the same version, the latest load. */
const newestFirst = (a: Served, b: Served) =>
  Number(isSample(a)) - Number(isSample(b)) || b.release.version.localeCompare(a.release.version) || b.release.id - a.release.id

/**
 * The implicit value sets of a classification, named as SNOMED CT's are: `<system>?fhir_vs` (every
 * class) and `<system>?fhir_vs=isa/<code>` (a chapter, block or category and everything under it).
 */
const implicitValueSet = (system: string, url: string, version: string): ValueSetResource | undefined => {
  const match = /^\?fhir_vs(?:=isa\/(.+))?$/.exec(url.slice(system.length))
  if (!url.startsWith(system) || match === null) return undefined
  const filter = match[1] === undefined ? {} : { filter: [{ property: "concept", op: "is-a", value: decodeURIComponent(match[1]) }] }
  return { resourceType: "ValueSet", url, version, status: "active", compose: { include: [{ system, version, ...filter }] } }
}

/** The code systems the served releases make, one per system URI with its versions. */
const codeSystemsOf = (served: ReadonlyArray<Served>): ReadonlyArray<ReleaseCodeSystem> =>
  [...new Set(served.map(({ release }) => release.codeSystem))].map((system) => {
    const own = served.filter(({ release }) => release.codeSystem === system)
    const find = (version: string | undefined) => (version === undefined ? own[0] : own.find(({ release }) => release.version === version))
    return {
      system,
      versions: own.map(({ release }) => release.version),
      provider: (version) => find(version)?.provider,
      valueSet: (url, version) => {
        const release = find(version)?.release
        return release === undefined ? undefined : implicitValueSet(system, url, release.version)
      }
    }
  })

export class IcdReleases extends Effect.Service<IcdReleases>()("@ffynnon/icd/IcdReleases", {
  scoped: Effect.gen(function* () {
    const database = yield* Database
    const releases = yield* Releases
    const state = yield* SynchronizedRef.make<{
      served: ReadonlyArray<Served>
      codeSystems: ReadonlyArray<ReleaseCodeSystem>
      maps: ReadonlyArray<{ release: Release; maps: ReadonlyArray<IcdConceptMap> }>
      /** The maps' tables, the newest release's first, their groupings coded by the default ICD-11 release. */
      tables: ReadonlyArray<IcdConceptMap>
    }>({ served: [], codeSystems: [], maps: [], tables: [] })

    const servedOf = (release: Release) =>
      Effect.map(readIcdClasses(database, release.id), (classes): Served => ({
        release,
        provider: makeIcdProvider({ system: release.codeSystem, version: release.version, ...names[release.codeSystem]!, classes }),
        codeByLinearizationUri: new Map(classes.flatMap((c) => (c.linearizationUri === undefined ? [] : [[c.linearizationUri, c.code]])))
      }))

    /** Builds providers for releases loaded since the last look; keeps the ones already built. */
    const refresh = SynchronizedRef.updateEffect(state, (current) =>
      Effect.gen(function* () {
        const all = (yield* releases.list()).filter((release) => release.status === "active")
        const active = all.filter((release) => release.kind === "icd10" || release.kind === "icd11")
        const mapReleases = all.filter((release) => release.kind === "icd-map")
        const known = [...current.served, ...current.maps].map(({ release }) => release.id)
        const unchanged =
          active.length + mapReleases.length === known.length && [...active, ...mapReleases].every((release) => known.includes(release.id))
        if (unchanged) return current
        const served = yield* Effect.forEach(active, (release) => {
          const built = current.served.find((s) => s.release.id === release.id)
          return built !== undefined
            ? Effect.succeed(built)
            : servedOf(release).pipe(
                Effect.tap(() =>
                  Effect.logInfo("serving ICD release").pipe(Effect.annotateLogs({ system: release.codeSystem, version: release.version }))
                )
              )
        })
        const sorted = served.toSorted(newestFirst)
        // Newest version first, as for the classifications.
        const maps = yield* Effect.forEach(
          mapReleases.toSorted((a, b) => b.version.localeCompare(a.version) || b.id - a.id),
          (release) => {
            const built = current.maps.find((loaded) => loaded.release.id === release.id)
            return built !== undefined
              ? Effect.succeed(built)
              : Effect.map(readIcdConceptMaps(database, release), (maps) => ({ release, maps }))
          }
        )
        const icd11 = sorted.find(({ release }) => release.codeSystem === icd11System)
        const tables = maps.flatMap((loaded) => loaded.maps)
        return {
          served: sorted,
          codeSystems: codeSystemsOf(sorted),
          maps,
          tables: icd11 === undefined ? tables : tables.map((map) => withGroupingCodes(map, (uri) => icd11.codeByLinearizationUri.get(uri)))
        }
      })
    )

    /** WHO's mapping tables being served, the newest release's first. */
    const maps = Effect.map(SynchronizedRef.get(state), ({ tables }) => tables)

    yield* refresh
    yield* refresh.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning("could not refresh the ICD releases", cause)),
      Effect.schedule(Schedule.spaced(Duration.seconds(30))),
      Effect.forkScoped
    )

    const source: ReleaseCodeSystemSource = {
      current: Effect.map(SynchronizedRef.get(state), ({ codeSystems }) => codeSystems),
      refresh
    }
    return { source, refresh, maps }
  })
}) {}
