import type { SQL } from "drizzle-orm"
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core"
import { Effect } from "effect"
import { once } from "node:events"
import type { Writable } from "node:stream"
import { finished } from "node:stream/promises"
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
  /**
   * Bulk-inserts with `COPY … FROM STDIN` in text format: `lines` yields chunks of rows, each row
   * tab-separated and ending in a newline, with `\\N` for null and backslashes escaped.
   */
  readonly copyFrom: (table: string, columns: ReadonlyArray<string>, lines: AsyncIterable<string>) => Effect.Effect<void, DatabaseFailure>
}

/** Streams COPY data into one driver's connection. */
export type CopyIn = (table: string, columns: ReadonlyArray<string>, lines: AsyncIterable<string>) => Promise<void>

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`
const copyStatement = (table: string, columns: ReadonlyArray<string>, source: string) =>
  `copy ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(", ")}) from ${source}`

/** postgres.js streams COPY data over the connection, with backpressure. */
export const copyInPostgres =
  (client: { unsafe: (statement: string) => { writable: () => Promise<Writable> } }): CopyIn =>
  async (table, columns, lines) => {
    const writable = await client.unsafe(copyStatement(table, columns, "stdin")).writable()
    const done = finished(writable)
    done.catch(() => {})
    for await (const chunk of lines) {
      if (!writable.write(chunk)) await Promise.race([once(writable, "drain"), done])
    }
    writable.end()
    await done
  }

// PGlite reads COPY data from a Blob; batches bound the memory a large file takes.
const pgliteCopyBatchBytes = 16 * 1024 * 1024

/** PGlite takes COPY data as a `/dev/blob`, sent in batches. */
export const copyInPglite =
  (client: { query: (statement: string, params: Array<unknown>, options: { blob: Blob }) => Promise<unknown> }): CopyIn =>
  async (table, columns, lines) => {
    const statement = copyStatement(table, columns, "'/dev/blob'")
    let batch: Array<string> = []
    let size = 0
    const flush = async () => {
      if (batch.length === 0) return
      await client.query(statement, [], { blob: new Blob(batch) })
      batch = []
      size = 0
    }
    for await (const chunk of lines) {
      batch.push(chunk)
      size += chunk.length
      if (size >= pgliteCopyBatchBytes) await flush()
    }
    await flush()
  }

// postgres.js returns an array of rows; PGlite returns `{ rows }`.
const rowsOf = <Row>(result: unknown): ReadonlyArray<Row> =>
  Array.isArray(result) ? (result as Array<Row>) : (result as { rows: Array<Row> }).rows

export const makeSql = (drizzle: Drizzle, target: string, copyIn: CopyIn): Sql => {
  const run = <A>(f: (drizzle: Drizzle) => PromiseLike<A>) =>
    Effect.tryPromise({ try: () => f(drizzle), catch: (error) => classifyDatabaseError(error, target) })
  return {
    drizzle,
    run,
    copyFrom: (table, columns, lines) =>
      Effect.tryPromise({ try: () => copyIn(table, columns, lines), catch: (error) => classifyDatabaseError(error, target) }),
    query: <Row>(statement: SQL) => Effect.map(run((db) => db.execute(statement)), (result) => rowsOf<Row>(result))
  }
}
