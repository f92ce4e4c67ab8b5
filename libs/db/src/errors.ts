import { Data } from "effect"

/** The database could not be reached, or the connection was lost. Callers may retry later. */
export class DatabaseUnavailable extends Data.TaggedError("DatabaseUnavailable")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** A statement failed. `sqlState` is PostgreSQL's error code, for callers that expect some (23505: unique). */
export class DatabaseError extends Data.TaggedError("DatabaseError")<{
  readonly message: string
  readonly sqlState?: string
  readonly cause?: unknown
}> {}

export type DatabaseFailure = DatabaseUnavailable | DatabaseError

const connectionErrorCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EPIPE",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT"
])

// SQLSTATE class 08 is "connection exception"; 57P01-57P03 mean the server is shutting down or starting.
const isConnectionSqlState = (code: string) => code.startsWith("08") || /^57P0[123]$/.test(code)

/** drizzle wraps driver errors in `DrizzleQueryError`; the driver's own error is the innermost cause. */
const innermost = (error: unknown): unknown => {
  let current = error
  while (current instanceof Error && current.cause instanceof Error) current = current.cause
  return current
}

/** Turns a driver error into one of the two failures, keeping PostgreSQL's message and code. */
export const classifyDatabaseError = (error: unknown, target: string): DatabaseFailure => {
  const root = innermost(error)
  const code = typeof root === "object" && root !== null && "code" in root ? String(root.code) : undefined
  const message = root instanceof Error ? root.message : String(root)
  if (code !== undefined && (connectionErrorCodes.has(code) || isConnectionSqlState(code))) {
    return new DatabaseUnavailable({ message: `The database ${target} is unavailable (${code}: ${message})`, cause: error })
  }
  return new DatabaseError({ message, ...(code === undefined ? {} : { sqlState: code }), cause: error })
}
