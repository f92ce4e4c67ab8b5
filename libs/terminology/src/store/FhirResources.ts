/**
 * The stored CodeSystem, ValueSet and ConceptMap resources being served: FHIR's own code systems
 * that Ffynnon's resources use (built in, `fhirCore.ts`) and every active `fhir` release's
 * resources, read into an immutable snapshot when the service starts and again when the set of
 * active releases changes (checked every 30 seconds, or on `refresh`). Reading the
 * snapshot is a reference read, cheap enough for every request.
 */
import { Database, fhirResource, Releases } from "@ffynnon/db"
import { eq } from "drizzle-orm"
import { Duration, Effect, Schedule, SynchronizedRef } from "effect"
import type { TerminologyResource } from "../fhir"
import { fhirCoreResources } from "./fhirCore"
import { buildSnapshot, type ResourceSnapshot, type StoredResource } from "./snapshot"

interface Served {
  /** The rows of each release served, by release id; kept so a refresh reads only new releases. */
  readonly releases: ReadonlyMap<number, ReadonlyArray<StoredResource>>
  readonly snapshot: ResourceSnapshot
}

export class FhirResources extends Effect.Service<FhirResources>()("@ffynnon/terminology/FhirResources", {
  scoped: Effect.gen(function* () {
    const database = yield* Database
    const releases = yield* Releases
    const served = yield* SynchronizedRef.make<Served>({ releases: new Map(), snapshot: buildSnapshot(fhirCoreResources) })

    const rowsOf = (releaseId: number) =>
      Effect.map(
        database.run((db) =>
          db
            .select({ resourceType: fhirResource.resourceType, id: fhirResource.id, content: fhirResource.content })
            .from(fhirResource)
            .where(eq(fhirResource.releaseId, releaseId))
        ),
        (rows): ReadonlyArray<StoredResource> =>
          rows.map((row) => ({ ...row, releaseId, content: row.content as unknown as TerminologyResource }))
      )

    /** Reads the releases activated since the last look and rebuilds the snapshot if the set changed. */
    const refresh = SynchronizedRef.updateEffect(served, (current) =>
      Effect.gen(function* () {
        const active = (yield* releases.list({ kind: "fhir" })).filter((release) => release.status === "active")
        if (active.length === current.releases.size && active.every((release) => current.releases.has(release.id))) return current
        const next = new Map(
          yield* Effect.forEach(active, (release) => {
            const known = current.releases.get(release.id)
            return Effect.map(known === undefined ? rowsOf(release.id) : Effect.succeed(known), (rows) => [release.id, rows] as const)
          })
        )
        const resources = [...next.values()].reduce((total, rows) => total + rows.length, 0)
        yield* Effect.logInfo("serving FHIR resources").pipe(Effect.annotateLogs({ releases: next.size, resources }))
        return { releases: next, snapshot: buildSnapshot([...fhirCoreResources, ...[...next.values()].flat()]) }
      })
    )

    yield* refresh
    yield* refresh.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning("could not refresh the FHIR resources", cause)),
      Effect.schedule(Schedule.spaced(Duration.seconds(30))),
      Effect.forkScoped
    )

    return {
      /** The resources being served now. */
      snapshot: Effect.map(SynchronizedRef.get(served), (current) => current.snapshot),
      /** Picks up releases loaded or gone since the last look, without waiting for the next check. */
      refresh
    }
  })
}) {}
