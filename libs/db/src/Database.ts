import type { PGlite } from "@electric-sql/pglite"
import { sql, type SQL } from "drizzle-orm"
import { drizzle as drizzlePglite } from "drizzle-orm/pglite"
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js"
import { FileSystem, Path } from "@effect/platform"
import { Cause, Config, Context, Effect, Exit, Layer, Option, Redacted, Runtime } from "effect"
import postgres from "postgres"
import { classifyDatabaseError, DatabaseUnavailable, type DatabaseFailure } from "./errors"
import { migrate } from "./migrate"
import * as schema from "./schema"
import { PgliteThread, type PgliteAssetsService } from "./PgliteThread"
import { copyInPglite, copyInPostgres, copyOutPglite, copyOutPostgres, executePostgres, makeSql, type Drizzle, type Sql } from "./Sql"

/**
 * The database: embedded PGlite by default, PostgreSQL when `DATABASE_URL` is set.
 * Every layer migrates the schema before it is provided, so holding a `Database` means the
 * schema is current.
 */
export class Database extends Context.Tag("@ffynnon/db/Database")<Database, Database.Service>() {}

export declare namespace Database {
  interface Service extends Sql {
    readonly driver: "pglite" | "postgres"
    /** Where the data lives, without credentials: a directory or `postgres://user@host:port/db`. */
    readonly target: string
    /** Runs `f` in one transaction: committed when `f` succeeds, rolled back when it fails or is interrupted. */
    readonly transaction: <A, E, R>(f: (tx: Sql) => Effect.Effect<A, E, R>) => Effect.Effect<A, E | DatabaseFailure, R>
    /** Succeeds when the database answers. */
    readonly ping: Effect.Effect<void, DatabaseFailure>
  }
}

/** PGlite's runtime files and its worker's script, for the compiled binary, where they cannot be found on disk. */
export class PgliteAssets extends Context.Tag("@ffynnon/db/PgliteAssets")<PgliteAssets, PgliteAssetsService>() {}

/** Carries the failure of a transaction's effect through drizzle's promise-based rollback. */
class Rollback extends Error {
  constructor(readonly failure: Cause.Cause<unknown>) {
    super("rollback")
  }
}

/** The driver's own client behind a drizzle database or transaction, for COPY. */
const clientOf = (drizzle: unknown) => (drizzle as { session: { client: never } }).session.client

const make = (driver: Database.Service["driver"], drizzle: Drizzle, target: string): Database.Service => {
  const copyIn = (db: Drizzle) => (driver === "postgres" ? copyInPostgres(clientOf(db)) : copyInPglite(clientOf(db)))
  const copyOut = (db: Drizzle) => (driver === "postgres" ? copyOutPostgres(clientOf(db)) : copyOutPglite(clientOf(db)))
  const execute = (db: Drizzle) => (driver === "postgres" ? executePostgres(clientOf(db)) : (statement: SQL) => db.execute(statement))
  const sqlOver = (db: Drizzle) => makeSql(db, target, copyIn(db), copyOut(db), execute(db))
  const connection = sqlOver(drizzle)
  const transaction = <A, E, R>(f: (tx: Sql) => Effect.Effect<A, E, R>) =>
    Effect.flatMap(Effect.runtime<R>(), (runtime) =>
      Effect.tryPromise({
        try: (signal) =>
          drizzle.transaction(async (tx) => {
            const exit = await Runtime.runPromiseExit(runtime)(f(sqlOver(tx as unknown as Drizzle)), { signal })
            if (Exit.isFailure(exit)) throw new Rollback(exit.cause)
            return exit.value
          }),
        catch: (error) => (error instanceof Rollback ? error : classifyDatabaseError(error, target))
      })
    ).pipe(
      Effect.catchIf(
        (error): error is Rollback => error instanceof Rollback,
        (rollback) => Effect.failCause(rollback.failure as Cause.Cause<E>)
      )
    )
  return {
    ...connection,
    driver,
    target,
    transaction,
    ping: Effect.asVoid(connection.query(sql`select 1`))
  }
}

const migrated = (database: Database.Service) => Effect.as(migrate(database), database)

/**
 * Embedded PostgreSQL (PGlite) in `dataDir`, locked against a second process opening it. It runs
 * in its own thread (`PgliteThread`), so its memory stays out of the serving thread's heap.
 */
export const layerPglite = (options: { readonly dataDir: string }) =>
  Layer.scoped(
    Database,
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const dataDir = path.resolve(options.dataDir)
      yield* fs.makeDirectory(dataDir, { recursive: true }).pipe(Effect.orDie)
      yield* lockDataDir(fs, path.join(dataDir, "pglite.lock"), dataDir)
      const assets = yield* Effect.serviceOption(PgliteAssets)
      const client = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () => PgliteThread.open(path.join(dataDir, "pglite"), Option.getOrUndefined(assets)),
          catch: (cause) => new DatabaseUnavailable({ message: `Cannot open the embedded database in ${dataDir}: ${String(cause)}`, cause })
        }),
        (client) => Effect.promise(() => client.close())
      )
      return yield* migrated(make("pglite", drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Drizzle, dataDir))
    })
  )

/** PGlite allows one process per data directory; a second one would corrupt it. */
const lockDataDir = (fs: FileSystem.FileSystem, lockPath: string, dataDir: string) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const holder = yield* fs.readFileString(lockPath).pipe(
        Effect.map((text) => Number.parseInt(text, 10)),
        Effect.orElseSucceed(() => Number.NaN)
      )
      if (Number.isInteger(holder) && isRunning(holder)) {
        return yield* new DatabaseUnavailable({
          message: `The embedded database in ${dataDir} is in use by process ${holder}. Stop that process, or set DATABASE_URL to use PostgreSQL, which allows many.`
        })
      }
      yield* fs.writeFileString(lockPath, String(process.pid)).pipe(Effect.orDie)
    }),
    () => fs.remove(lockPath).pipe(Effect.ignore)
  )

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** `postgres://user@host:port/db`, without the password, for messages and logs; a socket directory as libpq writes it (`?host=`). */
export const describeUrl = (url: string) => {
  try {
    const parsed = new URL(url)
    const socket = parsed.searchParams.get("host")
    return `${parsed.protocol}//${parsed.username ? `${parsed.username}@` : ""}${parsed.host}${parsed.pathname}${socket === null ? "" : `?host=${socket}`}`
  } catch {
    return "(unparseable DATABASE_URL)"
  }
}

/**
 * The URL and options for postgres.js. libpq's `host` and `port` query parameters (how a Unix
 * socket is named: `postgresql:///ffynnon?host=/var/run/postgresql`) become options; postgres.js
 * would send them to the server as settings, which it refuses.
 */
const connectionOf = (url: string): { readonly url: string; readonly host?: string; readonly port?: number } => {
  const parsed = new URL(url)
  const host = parsed.searchParams.get("host")
  const port = parsed.searchParams.get("port")
  if (host === null && port === null) return { url }
  parsed.searchParams.delete("host")
  parsed.searchParams.delete("port")
  return { url: parsed.href, ...(host === null ? {} : { host }), ...(port === null ? {} : { port: Number(port) }) }
}

/** PostgreSQL through postgres.js, with a connection pool of `max` connections. */
export const layerPostgres = (options: { readonly url: Redacted.Redacted<string>; readonly max?: number }) =>
  Layer.scoped(
    Database,
    Effect.gen(function* () {
      const target = describeUrl(Redacted.value(options.url))
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => {
          const { url, ...socket } = connectionOf(Redacted.value(options.url))
          return postgres(url, {
            ...socket,
            max: options.max ?? 10,
            connect_timeout: 10,
            onnotice: () => {},
            connection: { application_name: "ffynnon" }
          })
        }),
        (client) => Effect.promise(() => client.end({ timeout: 5 }))
      )
      const database = make("postgres", drizzlePostgres(client, { schema }) as unknown as Drizzle, target)
      yield* database.ping
      return yield* migrated(database)
    })
  )

/** The configuration every Ffynnon process reads from its environment. */
export const DatabaseConfig = Config.all({
  // An empty DATABASE_URL (as `DATABASE_URL=` leaves it) means unset.
  url: Config.option(Config.redacted("DATABASE_URL")).pipe(Config.map(Option.filter((url) => Redacted.value(url).length > 0))),
  dataDir: Config.string("FFYNNON_DATA_DIR").pipe(Config.withDefault(".ffynnon"))
})

/** PostgreSQL when `DATABASE_URL` is set, otherwise PGlite in `FFYNNON_DATA_DIR` (default `./.ffynnon`). */
export const layerFromConfig = Layer.unwrapEffect(
  Effect.map(DatabaseConfig, ({ url, dataDir }) =>
    Option.match(url, {
      onNone: () => layerPglite({ dataDir }),
      onSome: (url) => layerPostgres({ url })
    })
  )
)
