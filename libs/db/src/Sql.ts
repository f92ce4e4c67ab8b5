import type { SQL } from "drizzle-orm"
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core"
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
   * tab-separated and ending in a newline, with `\\N` for null and backslashes escaped (see `copyLine`).
   */
  readonly copyFrom: (
    table: string,
    columns: ReadonlyArray<string>,
    lines: AsyncIterable<string>,
    options?: CopyOptions
  ) => Effect.Effect<void, DatabaseFailure>
  /**
   * Streams a query's rows out with `COPY (…) TO STDOUT` in text format and hands each row's
   * fields to `onRow` (`null` for SQL null). The fastest way to read millions of rows. A field is
   * cut from the text of many rows: one kept beyond `onRow` keeps all that text alive unless it is
   * kept `detached`.
   */
  readonly copyTo: (query: string, onRow: (fields: ReadonlyArray<string | null>) => void) => Effect.Effect<number, DatabaseFailure>
}

/** A copy of `value` that shares no memory with the string it was cut from. */
export const detached = (value: string) => ` ${value}`.slice(1)

/** Streams COPY output from one driver's connection, as text chunks. */
export type CopyOut = (statement: string) => AsyncIterable<string>

export interface CopyOptions {
  /**
   * Writes the rows frozen and all-visible (`COPY … FREEZE`), as a vacuum would leave them: their
   * first readers set no hint bits and index-only scans skip the table. Only for a table created or
   * truncated earlier in the same transaction; PostgreSQL refuses it otherwise.
   */
  readonly freeze?: boolean
}

/** Streams COPY data into one driver's connection. */
export type CopyIn = (table: string, columns: ReadonlyArray<string>, lines: AsyncIterable<string>, options?: CopyOptions) => Promise<void>

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`
const copyStatement = (table: string, columns: ReadonlyArray<string>, source: string, options?: CopyOptions) =>
  `copy ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(", ")}) from ${source}${options?.freeze === true ? " with (freeze)" : ""}`

/** postgres.js streams COPY data over the connection, with backpressure. */
export const copyInPostgres =
  (client: { unsafe: (statement: string) => { writable: () => Promise<Writable> } }): CopyIn =>
  async (table, columns, lines, options) => {
    const writable = await client.unsafe(copyStatement(table, columns, "stdin", options)).writable()
    const done = finished(writable)
    done.catch(() => {})
    try {
      for await (const chunk of lines) {
        if (!writable.write(chunk)) await Promise.race([once(writable, "drain"), done])
      }
    } catch (error) {
      // Sends CopyFail, so the connection leaves COPY mode and the transaction can roll back.
      writable.destroy(error as Error)
      await done.catch(() => {})
      throw error
    }
    writable.end()
    await done
  }

/** postgres.js streams COPY output over the connection. */
export const copyOutPostgres = (client: {
  reserve: () => Promise<{
    unsafe: (statement: string) => { readable: () => Promise<AsyncIterable<Uint8Array>> }
    release: () => void
  }>
}): CopyOut =>
  async function* (statement) {
    // On a connection of its own: postgres.js would otherwise send other statements down the one that is copying.
    const connection = await client.reserve()
    try {
      const decoder = new TextDecoder()
      for await (const chunk of await connection.unsafe(statement).readable()) yield decoder.decode(chunk, { stream: true })
    } finally {
      connection.release()
    }
  }

/** PGlite writes COPY output to a Blob, whole. */
export const copyOutPglite = (client: { query: (statement: string, params: Array<unknown>) => Promise<{ blob?: Blob }> }): CopyOut =>
  async function* (statement) {
    const result = await client.query(statement.replace(/ to stdout$/, " to '/dev/blob'"), [])
    if (result.blob !== undefined) yield await result.blob.text()
  }

const copyEscapes: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" }
const needsEscape = /[\\\t\n\r]/
/** One row of COPY text input: `\N` for null; backslash, tab and line breaks escaped; the line's end. */
export const copyLine = (fields: ReadonlyArray<string | number | null>) => {
  let line = ""
  for (let at = 0; at < fields.length; at++) {
    const value = fields[at]!
    const text = value === null ? "\\N" : String(value)
    // Most fields have nothing to escape, and skip the replace.
    line +=
      (at === 0 ? "" : "\t") +
      (value !== null && needsEscape.test(text) ? text.replace(/[\\\t\n\r]/g, (character) => copyEscapes[character]!) : text)
  }
  return `${line}\n`
}

const copyUnescapes: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" }
const unescapeCopy = (field: string) =>
  field === "\\N"
    ? null
    : field.includes("\\")
      ? field.replace(/\\(.)/g, (_, character: string) => copyUnescapes[character] ?? character)
      : field

/** Splits COPY text output into rows of fields. */
const forEachCopyRow = async (chunks: AsyncIterable<string>, onRow: (fields: ReadonlyArray<string | null>) => void) => {
  let rows = 0
  let rest = ""
  for await (const chunk of chunks) {
    const text = rest + chunk
    let start = 0
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      onRow(text.slice(start, end).split("\t").map(unescapeCopy))
      rows++
      start = end + 1
    }
    rest = text.slice(start)
  }
  return rows
}

// PGlite reads COPY data from a Blob; batches bound the memory a large file takes.
const pgliteCopyBatchBytes = 16 * 1024 * 1024

/** PGlite takes COPY data as a `/dev/blob`, sent in batches. */
export const copyInPglite =
  (client: { query: (statement: string, params: Array<unknown>, options: { blob: Blob }) => Promise<unknown> }): CopyIn =>
  async (table, columns, lines, options) => {
    const statement = copyStatement(table, columns, "'/dev/blob'", options)
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

/** Runs one statement and returns the driver's result. */
export type Execute = (statement: SQL) => PromiseLike<unknown>

const dialect = new PgDialect()

/**
 * The most parameters a statement may have and still be prepared. postgres.js sends an unprepared
 * statement with parameters in two round trips (it describes the statement first, for the
 * parameters' types), a prepared one in one; but it keeps each prepared statement for the life of
 * its connection. A statement with few parameters comes in few shapes (an `in` list of up to this
 * many), so preparing those bounds what is kept, while large ones pay the extra round trip.
 */
const maxPreparedParameters = 16

/** Statements through postgres.js, the small ones prepared (drizzle's `execute` prepares none). */
export const executePostgres =
  (client: { unsafe: (query: string, params: Array<unknown>, options: { prepare: boolean }) => PromiseLike<unknown> }): Execute =>
  (statement) => {
    const { sql, params } = dialect.sqlToQuery(statement)
    return client.unsafe(sql, params, { prepare: params.length > 0 && params.length <= maxPreparedParameters })
  }

export const makeSql = (drizzle: Drizzle, target: string, copyIn: CopyIn, copyOut: CopyOut, execute: Execute): Sql => {
  const run = <A>(f: (drizzle: Drizzle) => PromiseLike<A>) =>
    Effect.tryPromise({ try: () => f(drizzle), catch: (error) => classifyDatabaseError(error, target) })
  return {
    drizzle,
    run,
    copyTo: (query, onRow) =>
      Effect.tryPromise({
        try: () => forEachCopyRow(copyOut(`copy (${query}) to stdout`), onRow),
        catch: (error) => classifyDatabaseError(error, target)
      }),
    copyFrom: (table, columns, lines, options) =>
      Effect.tryPromise({ try: () => copyIn(table, columns, lines, options), catch: (error) => classifyDatabaseError(error, target) }),
    query: <Row>(statement: SQL) =>
      Effect.map(
        run(() => execute(statement)),
        (result) => rowsOf<Row>(result)
      )
  }
}
