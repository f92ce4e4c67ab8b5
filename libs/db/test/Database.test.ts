import { describe, expect, layer } from "@effect/vitest"
import { sql } from "drizzle-orm"
import { Cause, Context, Deferred, Effect, Exit, Layer, Redacted } from "effect"
import { Database, layerPostgres } from "../src/Database"
import { DatabaseError, DatabaseUnavailable } from "../src/errors"
import { migrate } from "../src/migrate"
import { copyLine } from "../src/Sql"
import { ReleaseAlreadyLoaded, Releases } from "../src/Releases"
import migrations from "../drizzle/migrations.json" with { type: "json" }
import { existsSync } from "node:fs"
import { freshDatabaseLayer, testDatabases, testDatabaseUrl } from "./databases"

const newRelease = (version: string) => ({
  kind: "test",
  codeSystem: "http://example.org/fhir/CodeSystem/test",
  version,
  sourceName: `test-${version}.zip`
})
const written = (rowCounts: Record<string, number>) => Effect.succeed({ rowCounts, sourceSha256: "ab".repeat(32) })

for (const kind of testDatabases) {
  describe(`on ${kind.name}`, () => {
    layer(Releases.Default.pipe(Layer.provideMerge(freshDatabaseLayer(kind))))((it) => {
      it.effect("migrates at start-up, and again without changing anything", () =>
        Effect.gen(function* () {
          const database = yield* Database
          yield* migrate(database)
          const applied = yield* database.query<{ tag: string }>(sql`select tag from ffynnon_migration`)
          expect(applied.map((row) => row.tag)).toEqual(migrations.map((migration) => migration.tag))
        })
      )

      it.effect("commits a transaction that succeeds and rolls back one that fails", () =>
        Effect.gen(function* () {
          const database = yield* Database
          yield* database.query(sql`create table tx_probe (value int)`)
          yield* database.transaction((tx) => tx.query(sql`insert into tx_probe values (1)`))
          const failed = yield* database
            .transaction((tx) => Effect.zipRight(tx.query(sql`insert into tx_probe values (2)`), Effect.fail("no" as const)))
            .pipe(Effect.exit)
          expect(failed).toEqual(Exit.fail("no"))
          const rows = yield* database.query<{ value: number }>(sql`select value from tx_probe`)
          expect(rows).toEqual([{ value: 1 }])
        })
      )

      it.effect("runs a statement again after its table changes, and statements with many parameters", () =>
        Effect.gen(function* () {
          const database = yield* Database
          yield* database.query(sql`create table prepared_probe (id int primary key)`)
          yield* database.query(sql`insert into prepared_probe select generate_series(1, 40)`)
          const byId = (id: number) => database.query<Record<string, number | null>>(sql`select * from prepared_probe where id = ${id}`)
          // Prepared on every pooled connection, then the table's row type changes under the statement.
          yield* Effect.all([byId(1), byId(2), byId(3)], { concurrency: "unbounded" })
          yield* database.query(sql`alter table prepared_probe add column extra int`)
          expect(yield* byId(4)).toEqual([{ id: 4, extra: null }])
          const ids = Array.from({ length: 40 }, (_, index) => index + 1)
          const many = yield* database.query<{ count: number }>(
            sql`select count(*)::int as count from prepared_probe where id in (${sql.join(
              ids.map((id) => sql`${id}`),
              sql`, `
            )})`
          )
          expect(many).toEqual([{ count: 40 }])
        })
      )

      it.effect("bulk-inserts with COPY, in and outside a transaction, keeping escapes and nulls", () =>
        Effect.gen(function* () {
          const database = yield* Database
          yield* database.query(sql`create table copy_probe (id bigint, term text)`)
          async function* lines(from: number, count: number) {
            for (let i = from; i < from + count; i += 1000) {
              yield Array.from(
                { length: Math.min(1000, from + count - i) },
                (_, k) => `${i + k}\tterm ${i + k} with a back\\\\slash\n`
              ).join("")
            }
          }
          yield* database.copyFrom("copy_probe", ["id", "term"], lines(0, 50_000))
          yield* database.transaction((tx) => tx.copyFrom("copy_probe", ["id", "term"], lines(50_000, 10)))
          yield* database.copyFrom(
            "copy_probe",
            ["id", "term"],
            (async function* () {
              yield "-1\t\\N\n"
            })()
          )
          const [summary] = yield* database.query<{ count: string; nulls: string; sample: string }>(
            sql`select count(*)::text as count, count(*) filter (where term is null)::text as nulls,
                max(term) filter (where id = 7) as sample from copy_probe`
          )
          expect(summary).toEqual({ count: "50011", nulls: "1", sample: "term 7 with a back\\slash" })
          const streamed: Array<ReadonlyArray<string | null>> = []
          const count = yield* database.copyTo("select id, left(term, 6) from copy_probe where id < 2 order by id", (row) =>
            streamed.push(row)
          )
          expect({ count, streamed }).toEqual({
            count: 3,
            streamed: [
              ["-1", null],
              ["0", "term 0"],
              ["1", "term 1"]
            ]
          })
          // Statements sent while a copy streams (a release's index built while patients are served) are answered too.
          const streaming = yield* Deferred.make<void>()
          const [copied, answers] = yield* Effect.all(
            [
              database.copyTo("select generate_series(1, 1000000)", () => Deferred.unsafeDone(streaming, Exit.void)),
              Effect.zipRight(
                Deferred.await(streaming),
                Effect.all(
                  Array.from({ length: 20 }, () => database.query<{ one: number }>(sql`select 1 as one`)),
                  { concurrency: "unbounded" }
                )
              )
            ],
            { concurrency: "unbounded" }
          )
          expect({ copied, answers: answers.flat() }).toEqual({ copied: 1_000_000, answers: Array(20).fill({ one: 1 }) })
        })
      )

      it.effect("stores copyLine's fields as they were: tabs, line breaks, backslashes, numbers and nulls", () =>
        Effect.gen(function* () {
          const database = yield* Database
          yield* database.query(sql`create table copy_line_probe (id bigint, term text, note text)`)
          const rows = [
            [1, "tab\there, line\nbreak\r\nand a back\\slash", null],
            [2, "plain", "\\N is not null"]
          ] as const
          yield* database.copyFrom(
            "copy_line_probe",
            ["id", "term", "note"],
            (async function* () {
              yield rows.map(copyLine).join("")
            })()
          )
          const stored = yield* database.query<{ id: string; term: string; note: string | null }>(
            sql`select id::text, term, note from copy_line_probe order by id`
          )
          expect(stored.map(({ id, term, note }) => [Number(id), term, note])).toEqual(rows)
        })
      )

      it.effect("rejects a bad COPY row with PostgreSQL's message and keeps nothing of it", () =>
        Effect.gen(function* () {
          const database = yield* Database
          yield* database.query(sql`create table copy_reject (id bigint)`)
          const error = yield* Effect.flip(
            database.transaction((tx) =>
              tx.copyFrom(
                "copy_reject",
                ["id"],
                (async function* () {
                  yield "1\nnot-a-number\n"
                })()
              )
            )
          )
          expect(error).toBeInstanceOf(DatabaseError)
          expect(error.message).toMatch(/invalid input syntax for type bigint/)
          expect(yield* database.query(sql`select * from copy_reject`)).toEqual([])
        })
      )

      it.effect("reports a failing statement with PostgreSQL's code", () =>
        Effect.gen(function* () {
          const database = yield* Database
          const error = yield* Effect.flip(database.query(sql`select * from no_such_table`))
          expect(error).toBeInstanceOf(DatabaseError)
          expect(error).toMatchObject({ sqlState: "42P01" })
        })
      )

      it.effect("registers a loaded release as active with its row counts", () =>
        Effect.gen(function* () {
          const releases = yield* Releases
          const loaded = yield* releases.load(newRelease("1"), () => written({ concepts: 3 }))
          expect(loaded).toMatchObject({ status: "active", rowCounts: { concepts: 3 }, version: "1", sourceSha256: "ab".repeat(32) })
          expect(loaded.loadedAt).toBeInstanceOf(Date)
          const again = yield* Effect.flip(releases.load(newRelease("1"), () => written({})))
          expect(again).toBeInstanceOf(ReleaseAlreadyLoaded)
        })
      )

      it.effect("leaves nothing of a failed load but a failed entry, and keeps the previous release", () =>
        Effect.gen(function* () {
          const database = yield* Database
          const releases = yield* Releases
          yield* releases.load(newRelease("2"), () => written({ concepts: 1 }))
          yield* database.query(sql`create table loaded_rows (release_id bigint)`)
          const exit = yield* releases
            .load(newRelease("3"), (tx, releaseId) =>
              Effect.zipRight(tx.query(sql`insert into loaded_rows values (${releaseId})`), Effect.fail(new Error("bad row at line 7")))
            )
            .pipe(Effect.exit)
          expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toEqual(new Error("bad row at line 7"))
          expect(yield* database.query(sql`select * from loaded_rows`)).toEqual([])
          const attempts = yield* releases.list()
          const versions = attempts.map(({ version, status, error }) => ({ version, status, error }))
          expect(versions).toContainEqual({ version: "3", status: "failed", error: "bad row at line 7" })
          expect(versions).toContainEqual({ version: "2", status: "active", error: null })
          expect(versions.filter((entry) => entry.status === "loading")).toEqual([])
        })
      )

      it.effect("records an attempt that fails before writing as failed, and one that fails in load only once", () =>
        Effect.gen(function* () {
          const releases = yield* Releases
          const meta = { kind: "attempt", codeSystem: "http://example.org/fhir/CodeSystem/attempt", sourceName: "bad.zip" }
          const attempts = () =>
            Effect.map(releases.list({ kind: "attempt" }), (all) => all.map(({ version, error }) => ({ version, error })))
          yield* Effect.exit(releases.attempt(meta)(Effect.fail(new Error("bad.zip:1: not a release"))))
          expect(yield* attempts()).toEqual([{ version: "", error: "bad.zip:1: not a release" }])
          const inLoad = releases.load({ ...meta, version: "4" }, () => Effect.fail(new Error("bad row at line 9")))
          yield* Effect.exit(releases.attempt(meta)(inLoad))
          expect(yield* attempts()).toEqual([
            { version: "4", error: "bad row at line 9" },
            { version: "", error: "bad.zip:1: not a release" }
          ])
          // A failure after a load that committed (printing the report) is not a failed load.
          const thenFails = Effect.zipRight(
            releases.load({ ...meta, version: "5" }, () => written({})),
            Effect.fail(new Error("could not print"))
          )
          yield* Effect.exit(releases.attempt(meta)(thenFails))
          expect((yield* attempts()).map(({ version }) => version)).toEqual(["5", "4", ""])
        })
      )
    })
  })
}

describe("PostgreSQL that cannot be reached", () => {
  layer(Layer.empty)((it) => {
    it.effect("fails with DatabaseUnavailable naming the server without the password", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(
          Layer.build(layerPostgres({ url: Redacted.make("postgres://someone:secret@127.0.0.1:1/nowhere") })).pipe(Effect.scoped)
        )
        expect(error).toBeInstanceOf(DatabaseUnavailable)
        expect(error.message).toContain("postgres://someone@127.0.0.1:1/nowhere")
        expect(error.message).not.toContain("secret")
      })
    )
  })
})

// libpq names a Unix socket by a `host` query parameter; data teams copy such URLs from psql.
const socketDirectory = "/var/run/postgresql"
const socketUrl = (() => {
  if (testDatabaseUrl === undefined) return undefined
  const tcp = new URL(testDatabaseUrl)
  const port = tcp.port || "5432"
  if (!existsSync(`${socketDirectory}/.s.PGSQL.${port}`)) return undefined
  return `postgresql://${tcp.username}@localhost${tcp.pathname}?host=${socketDirectory}&port=${port}`
})()
if (socketUrl === undefined)
  console.warn(`PostgreSQL over a Unix socket is not tested: TEST_DATABASE_URL is unset or ${socketDirectory} holds no socket for it.`)

describe.skipIf(socketUrl === undefined)("PostgreSQL named by libpq's socket URL", () => {
  layer(Layer.empty)((it) => {
    it.effect("connects through the socket with host and port as query parameters", () =>
      Effect.gen(function* () {
        const database = yield* Layer.build(layerPostgres({ url: Redacted.make(socketUrl!) })).pipe(
          Effect.map((context) => Context.get(context, Database))
        )
        const [row] = yield* database.query<{ socket: boolean }>(sql`select inet_client_addr() is null as socket`)
        expect(row?.socket).toBe(true)
        expect(database.target).toContain(`?host=${socketDirectory}`)
      }).pipe(Effect.scoped)
    )
  })
})
