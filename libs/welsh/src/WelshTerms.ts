/**
 * The curated Welsh lists being served: the newest active load of each list, gathered into one
 * designation overlay that the terminology context lays over whichever provider serves each code
 * system. Read at start and every 30 seconds, so a newly loaded list is picked up without a
 * restart; `current` answers the same array while the lists served are the same.
 */
import { Database, Releases, type Release } from "@ffynnon/db"
import { DesignationOverlays, type DesignationOverlay, type OverlayTerm } from "@ffynnon/terminology"
import { sql } from "drizzle-orm"
import { Duration, Effect, Layer, Schedule, SynchronizedRef } from "effect"
import { welshListKind } from "./csv"
import { welshLanguage } from "./rf2"

/** The newest active load of each list (lists are named after their files). */
const servedLists = (releases: ReadonlyArray<Release>) => {
  const newest = new Map<string, Release>()
  for (const release of releases) {
    if (release.kind !== welshListKind || release.status !== "active") continue
    const other = newest.get(release.codeSystem)
    if (other === undefined || release.id > other.id) newest.set(release.codeSystem, release)
  }
  return [...newest.values()].sort((a, b) => a.id - b.id)
}

export class WelshTerms extends Effect.Service<WelshTerms>()("@ffynnon/welsh/WelshTerms", {
  scoped: Effect.gen(function* () {
    const database = yield* Database
    const releases = yield* Releases
    const served = yield* SynchronizedRef.make<{ readonly ids: string; readonly overlays: ReadonlyArray<DesignationOverlay> }>({
      ids: "",
      overlays: []
    })

    /** The active terms of the lists, the newest list's first: its preferred term is the one a display takes. */
    const overlayOf = (lists: ReadonlyArray<Release>) =>
      Effect.gen(function* () {
        const ids = sql.join(
          lists.map((list) => sql`${list.id}`),
          sql`, `
        )
        const rows = yield* database.query<{ system: string; code: string; term: string; preferred: boolean }>(
          sql`select system, code, term, preferred from welsh_term where active and release_id in (${ids}) order by release_id desc, line`
        )
        const terms = new Map<string, Map<string, Array<OverlayTerm>>>()
        for (const { system, code, term, preferred } of rows) {
          let bySystem = terms.get(system)
          if (bySystem === undefined) terms.set(system, (bySystem = new Map()))
          const list = bySystem.get(code)
          if (list === undefined) bySystem.set(code, [{ term, preferred }])
          else list.push({ term, preferred })
        }
        return { language: welshLanguage, terms } satisfies DesignationOverlay
      })

    const refresh = SynchronizedRef.updateEffect(served, (current) =>
      Effect.gen(function* () {
        const lists = servedLists(yield* releases.list({ kind: welshListKind }))
        const ids = lists.map((list) => list.id).join(",")
        if (ids === current.ids) return current
        const overlays = lists.length === 0 ? [] : [yield* overlayOf(lists)]
        yield* Effect.logInfo("serving Welsh term lists").pipe(
          Effect.annotateLogs({ lists: lists.map((list) => list.codeSystem).join(", ") })
        )
        return { ids, overlays }
      })
    )

    yield* refresh
    yield* refresh.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning("could not refresh the Welsh term lists", cause)),
      Effect.schedule(Schedule.spaced(Duration.seconds(30))),
      Effect.forkScoped
    )

    return { current: Effect.map(SynchronizedRef.get(served), (state) => state.overlays), refresh }
  })
}) {}

/** The lists as the terminology context's designation overlays. */
export const welshDesignationOverlays = Layer.effect(
  DesignationOverlays,
  Effect.map(WelshTerms, (terms) => DesignationOverlays.of({ current: terms.current, refresh: terms.refresh }))
)
