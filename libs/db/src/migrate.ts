import { sql } from "drizzle-orm"
import { Effect } from "effect"
import migrations from "../drizzle/migrations.json" with { type: "json" }
import { DatabaseError } from "./errors"
import type { Database } from "./Database"

// Any constant works; it only has to be the same in every Ffynnon process sharing a database.
const migrationLockKey = 4_711_2026

/**
 * Applies the embedded migrations that the database has not seen, in one transaction under an
 * advisory lock, so replicas starting together migrate once and a failure changes nothing.
 */
export const migrate = (database: Pick<Database.Service, "transaction">) =>
  database.transaction((tx) =>
    Effect.gen(function* () {
      yield* tx.query(sql`select pg_advisory_xact_lock(${migrationLockKey})`)
      yield* tx.query(sql`create table if not exists ffynnon_migration (
        tag text primary key,
        applied_at timestamptz not null default now()
      )`)
      const applied = new Set((yield* tx.query<{ tag: string }>(sql`select tag from ffynnon_migration`)).map((row) => row.tag))
      const known = new Set(migrations.map((migration) => migration.tag))
      const unknown = [...applied].filter((tag) => !known.has(tag))
      if (unknown.length > 0) {
        return yield* new DatabaseError({
          message: `The database has migrations this version of Ffynnon does not know (${unknown.join(", ")}); run a newer version.`
        })
      }
      for (const migration of migrations.filter((migration) => !applied.has(migration.tag))) {
        for (const statement of migration.statements) yield* tx.query(sql.raw(statement))
        yield* tx.query(sql`insert into ffynnon_migration (tag) values (${migration.tag})`)
      }
    })
  )
