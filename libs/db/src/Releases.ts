import { and, desc, eq, sql } from "drizzle-orm"
import { Cause, Data, Effect, FiberRef } from "effect"
import { Database } from "./Database"
import type { DatabaseFailure } from "./errors"
import { release, type Release } from "./schema"
import type { Sql } from "./Sql"

/** What a loader knows about a release before it writes any of it. */
export interface NewRelease {
  readonly kind: string
  readonly codeSystem: string
  readonly version: string
  readonly sourceName: string
  /** The release this one is served with (a SNOMED CT translation package: the release it translates). */
  readonly extendsReleaseId?: number
}

/** What a loader reports once it has written a release. */
export interface WrittenRelease {
  readonly rowCounts: Record<string, number>
  /** Of the content loaded, computed while reading it. */
  readonly sourceSha256: string
}

/** The same code system version is already active; loading it again would serve two copies. */
export class ReleaseAlreadyLoaded extends Data.TaggedError("ReleaseAlreadyLoaded")<{
  readonly codeSystem: string
  readonly version: string
  readonly loadedAt: Date | null
}> {
  override get message() {
    return `${this.codeSystem} version ${this.version} is already loaded (at ${this.loadedAt?.toISOString() ?? "an unknown time"}).`
  }
}

/** Whether the current load attempt has reached `load`, which records its own failures (see `attempt`). */
const loadReached = FiberRef.unsafeMake(false)

/**
 * The release registry. `load` is the one way data enters the store: the release's rows and its
 * registry entry are written in a single transaction, so a failed or interrupted load leaves the
 * previous release serving and nothing half-visible.
 */
export class Releases extends Effect.Service<Releases>()("@ffynnon/db/Releases", {
  effect: Effect.gen(function* () {
    const database = yield* Database

    /** Every attempt, newest first; optionally only one kind. */
    const list = (filter?: { readonly kind?: string }) =>
      database.run((db) =>
        db
          .select()
          .from(release)
          .where(filter?.kind === undefined ? undefined : eq(release.kind, filter.kind))
          .orderBy(desc(release.startedAt), desc(release.id))
      )

    const recordFailure = (meta: NewRelease, cause: Cause.Cause<unknown>) => {
      const error = Cause.isInterruptedOnly(cause) ? "interrupted" : Cause.squash(cause)
      if (error instanceof ReleaseAlreadyLoaded) return Effect.void
      const message = error instanceof Error ? error.message : String(error)
      return database
        .run((db) => db.insert(release).values({ ...meta, sourceSha256: "", status: "failed", error: message }))
        .pipe(Effect.ignore)
    }

    /** Writes a release with `write` and registers it as active, all in one transaction. */
    const load = <E, R>(
      meta: NewRelease,
      write: (tx: Sql, releaseId: number) => Effect.Effect<WrittenRelease, E, R>
    ): Effect.Effect<Release, E | DatabaseFailure | ReleaseAlreadyLoaded, R> =>
      database
        .transaction((tx) =>
          Effect.gen(function* () {
            const [existing] = yield* tx.run((db) =>
              db
                .select({ loadedAt: release.loadedAt })
                .from(release)
                .where(and(eq(release.codeSystem, meta.codeSystem), eq(release.version, meta.version), eq(release.status, "active")))
            )
            if (existing !== undefined) {
              return yield* new ReleaseAlreadyLoaded({ codeSystem: meta.codeSystem, version: meta.version, loadedAt: existing.loadedAt })
            }
            const [started] = yield* tx.run((db) =>
              db
                .insert(release)
                .values({ ...meta, sourceSha256: "", status: "loading" })
                .returning({ id: release.id })
            )
            const { rowCounts, sourceSha256 } = yield* write(tx, started!.id)
            const [loaded] = yield* tx.run((db) =>
              db
                .update(release)
                .set({ status: "active", rowCounts, sourceSha256, loadedAt: sql`now()` })
                .where(eq(release.id, started!.id))
                .returning()
            )
            return loaded!
          })
        )
        // Whatever the outcome, this attempt reached `load`, which has recorded any failure.
        .pipe(
          Effect.onError((cause) => recordFailure(meta, cause)),
          Effect.ensuring(FiberRef.set(loadReached, true))
        )

    /**
     * Runs a whole load attempt (reading the files, then `load`) so that a failure before `load`
     * (a file that is not the format, a bad row) is recorded as `failed` too, under what the command
     * knows before reading (`version` empty): every failed attempt shows in the registry, once.
     */
    const attempt =
      (meta: Omit<NewRelease, "version">) =>
      <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
        effect.pipe(
          Effect.onError((cause) =>
            Effect.flatMap(FiberRef.get(loadReached), (reached) => (reached ? Effect.void : recordFailure({ ...meta, version: "" }, cause)))
          ),
          Effect.locally(loadReached, false)
        )

    return { list, load, attempt }
  })
}) {}
