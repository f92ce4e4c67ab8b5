import type { SQL } from "drizzle-orm"
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core"
import { Effect } from "effect"
import { classifyDatabaseError, type DatabaseFailure } from "./errors"
import type * as schema from "./schema"

/** drizzle over either driver: postgres.js and PGlite share the PostgreSQL dialect. */
export type Drizzle = PgDatabase<PgQueryResultHKT, typeof schema>

/** A connection or an open transaction. */
export interface Sql {
  readonly drizzle: Drizzle
  /** Runs raw SQL and returns its rows, whichever driver is underneath. */
  readonly query: <Row = Record<string, unknown>>(statement: SQL) => Effect.Effect<ReadonlyArray<Row>, DatabaseFailure>
  /** Runs a drizzle query builder (or any promise of the driver), classifying its failure. */
  readonly run: <A>(f: (drizzle: Drizzle) => PromiseLike<A>) => Effect.Effect<A, DatabaseFailure>
}

// postgres.js returns an array of rows; PGlite returns `{ rows }`.
const rowsOf = <Row>(result: unknown): ReadonlyArray<Row> =>
  Array.isArray(result) ? (result as Array<Row>) : (result as { rows: Array<Row> }).rows

export const makeSql = (drizzle: Drizzle, target: string): Sql => {
  const run = <A>(f: (drizzle: Drizzle) => PromiseLike<A>) =>
    Effect.tryPromise({ try: () => f(drizzle), catch: (error) => classifyDatabaseError(error, target) })
  return {
    drizzle,
    run,
    query: <Row>(statement: SQL) => Effect.map(run((db) => db.execute(statement)), (result) => rowsOf<Row>(result))
  }
}
