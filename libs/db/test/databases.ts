/**
 * The databases integration tests run against: embedded PGlite always, and real PostgreSQL when
 * TEST_DATABASE_URL is set (CI sets it). Each test gets a fresh, empty database of its own.
 */
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import postgres from "postgres"
import { layerPglite, layerPostgres, type Database } from "../src/Database"
import type { DatabaseFailure } from "../src/errors"

export interface FreshDatabase {
  readonly layer: Layer.Layer<Database, DatabaseFailure>
  /** Environment that points a Ffynnon process at this database. */
  readonly env: Record<string, string>
}

export interface TestDatabase {
  readonly name: "pglite" | "postgres"
  readonly create: () => Promise<FreshDatabase & { readonly drop: () => Promise<void> }>
}

const pglite: TestDatabase = {
  name: "pglite",
  create: async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ffynnon-test-"))
    return {
      layer: layerPglite({ dataDir }).pipe(Layer.provide(NodeContext.layer)),
      env: { FFYNNON_DATA_DIR: dataDir },
      drop: async () => rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

const adminQuery = async (adminUrl: string, statement: string) => {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(statement)
  } finally {
    await admin.end()
  }
}

const postgresAt = (adminUrl: string): TestDatabase => ({
  name: "postgres",
  create: async () => {
    const name = `ffynnon_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
    await adminQuery(adminUrl, `create database ${name}`)
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    return {
      layer: layerPostgres({ url: Redacted.make(url.href), max: 4 }),
      env: { DATABASE_URL: url.href },
      drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`)
    }
  }
})

// An empty TEST_DATABASE_URL means none, as DATABASE_URL does for the server.
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined

export const testDatabases: ReadonlyArray<TestDatabase> = testDatabaseUrl ? [pglite, postgresAt(testDatabaseUrl)] : [pglite]

if (!testDatabaseUrl) {
  console.warn("TEST_DATABASE_URL is not set: integration tests run on embedded PGlite only, not on PostgreSQL.")
}

/** Runs `test` against a fresh database of `kind`, dropping it afterwards. */
export const withFreshDatabase = async <A>(kind: TestDatabase, test: (database: FreshDatabase) => Promise<A>) => {
  const database = await kind.create()
  try {
    return await test(database)
  } finally {
    await database.drop()
  }
}

/** A fresh database of `kind` as a layer, dropped when the layer's scope closes. */
export const freshDatabaseLayer = (kind: TestDatabase) =>
  Layer.unwrapScoped(
    Effect.map(
      Effect.acquireRelease(
        Effect.promise(() => kind.create()),
        (database) => Effect.promise(() => database.drop())
      ),
      (database) => database.layer
    )
  )
