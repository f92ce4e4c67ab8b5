/** The store migration (libs/db/drizzle/0003_dmd_store.sql) and the record specification agree: a table per record kind, its columns the fields in order. */
import { describe, expect, layer } from "@effect/vitest"
import { Database } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { columnName, recordSpecs, tableName } from "../src/release/spec"

for (const kind of testDatabases) {
  describe(`dm+d store tables on ${kind.name}`, () => {
    layer(freshDatabaseLayer(kind))((it) => {
      it.effect("has a table per record kind with the record's fields as columns, in order", () =>
        Effect.gen(function* () {
          const columns = yield* (yield* Database).query<{ table: string; column: string }>(
            sql`select table_name as table, column_name as column from information_schema.columns
                where table_name like 'dmd\\_%' order by table_name, ordinal_position`
          )
          const stored: Record<string, Array<string>> = {}
          for (const { table, column } of columns) (stored[table] ??= []).push(column)
          const expected = Object.fromEntries(
            recordSpecs.map(({ record }) => [tableName(record), ["release_id", ...Object.keys(record.fields).map(columnName)]])
          )
          expect(stored).toEqual(expected)
        })
      )
    })
  })
}
