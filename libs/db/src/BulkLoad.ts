/**
 * Bulk loads into empty tables, as `pg_restore` does them: the rows first, the indexes and
 * constraints after. Building an index over loaded rows is one sort, where maintaining it costs
 * a descent of the tree per row (and, once the index outgrows memory, a random read); a foreign
 * key added afterwards is checked by one join, where it costs a lookup and a row lock per row.
 */
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import type { DatabaseFailure } from "./errors"
import type { Sql } from "./Sql"

interface Definition {
  /** The statement that removes it. */
  readonly drop: string
  /** The statement that builds it again. */
  readonly create: string
}

/**
 * The primary keys, unique and foreign key constraints and indexes of `tables`, in the order to
 * build them (keys, then indexes, then the foreign keys that need the keys). A key that a foreign
 * key of another table refers to stays: it cannot be dropped without that constraint.
 */
const definitionsOf = (tx: Sql, tables: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const tableList = sql`array[${sql.join(
      tables.map((table) => sql`${table}`),
      sql`, `
    )}]::regclass[]`
    const constraints = yield* tx.query<Definition & { kind: string }>(sql`
      select c.contype as kind,
        format('alter table %s drop constraint %I', c.conrelid::regclass, c.conname) as drop,
        format('alter table %s add constraint %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) as create
      from pg_constraint c
      where c.conrelid = any(${tableList}) and c.contype in ('p', 'u', 'f')
        and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = c.conindid
          and c.contype <> 'f' and f.conrelid <> all(${tableList}))
      order by c.contype = 'f' desc, c.conname`)
    const indexes = yield* tx.query<Definition>(sql`
      select format('drop index %s', i.indexrelid::regclass) as drop, pg_get_indexdef(i.indexrelid) as create
      from pg_index i
      where i.indrelid = any(${tableList})
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.contype in ('p', 'u', 'x'))
      order by i.indexrelid::regclass::text`)
    const foreignKeys = constraints.filter(({ kind }) => kind === "f")
    const keys = constraints.filter(({ kind }) => kind !== "f")
    return [...keys, ...indexes, ...foreignKeys]
  })

/**
 * Runs `work` (inserts into `tables`, inside the transaction `tx`) with the tables' indexes and
 * constraints dropped, then builds them again and checks the constraints over the loaded rows.
 * Schema changes are transactional in PostgreSQL: should anything fail, the rows go and the
 * indexes are back as they were. Dropping takes an ACCESS EXCLUSIVE lock on each table until the
 * transaction ends, so other sessions wait for the load even to read: for loads into tables that
 * hold nothing yet. The tables are analysed after.
 */
export const withIndexesBuiltAfter = <A, E, R>(
  tx: Sql,
  tables: ReadonlyArray<string>,
  work: Effect.Effect<A, E, R>
): Effect.Effect<A, E | DatabaseFailure, R> =>
  Effect.gen(function* () {
    const definitions = yield* definitionsOf(tx, tables)
    for (const { drop } of [...definitions].reverse()) yield* tx.query(sql.raw(drop))
    const result = yield* work
    for (const { create } of definitions) yield* tx.query(sql.raw(create))
    // The planner's statistics of tables that were empty describe them no longer.
    for (const table of tables) yield* tx.query(sql`analyze ${sql.identifier(table)}`)
    return result
  })
