/**
 * WHO's mapping tables as they are served: one map per table of an active `icd-map` release, its
 * rows found by source code (and by target code, for reverse translation).
 */
import type { Database, Release } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { icd10System, icd11System } from "../model"
import { icdMapSystem } from "./load"
import type { IcdMapRow } from "./who"

export interface IcdConceptMap {
  /** `<icdMapSystem>/<table>`, e.g. `…/who-icd10-icd11/10To11MapToOneCategory`. */
  readonly url: string
  readonly version: string
  /** The table's name, `10To11MapToOneCategory`, … */
  readonly name: string
  readonly sourceSystem: string
  readonly targetSystem: string
  readonly bySource: ReadonlyMap<string, ReadonlyArray<IcdMapRow>>
  readonly byTarget: ReadonlyMap<string, ReadonlyArray<IcdMapRow>>
  /** Every row of the table, in its order. */
  readonly rows: ReadonlyArray<IcdMapRow>
}

interface MapRow {
  map: string
  line: number
  source_code: string
  source_kind: string | null
  source_title: string
  source_uri: string | null
  target_code: string
  target_kind: string | null
  target_title: string
  target_uri: string | null
}

const indexBy = (rows: ReadonlyArray<IcdMapRow>, key: (row: IcdMapRow) => string) => {
  const index = new Map<string, Array<IcdMapRow>>()
  for (const row of rows) {
    if (key(row) === "") continue
    const list = index.get(key(row))
    if (list === undefined) index.set(key(row), [row])
    else list.push(row)
  }
  return index
}

/**
 * A map whose ICD-11 groupings without a code (blocks, by their linearization URI) are given the
 * code the served ICD-11 release knows them by, so they translate to that block rather than to
 * nothing. A grouping the release lacks keeps no code.
 */
export const withGroupingCodes = (map: IcdConceptMap, codeOf: (linearizationUri: string) => string | undefined): IcdConceptMap => {
  const coded = (code: string, uri: string | undefined) => (code === "" && uri !== undefined ? (codeOf(uri) ?? "") : code)
  const rows = map.rows.map((row) => ({
    ...row,
    sourceCode: coded(row.sourceCode, row.sourceUri),
    targetCode: coded(row.targetCode, row.targetUri)
  }))
  return { ...map, ...indexRows(rows) }
}

const indexRows = (rows: ReadonlyArray<IcdMapRow>) => ({
  rows,
  bySource: indexBy(rows, (row) => row.sourceCode),
  byTarget: indexBy(rows, (row) => row.targetCode)
})

/** The maps of one `icd-map` release, read from the store. */
export const readIcdConceptMaps = (database: Database.Service, release: Release) =>
  Effect.map(
    database.query<MapRow>(
      sql`select map, line, source_code, source_kind, source_title, source_uri, target_code, target_kind, target_title, target_uri
          from icd_map where release_id = ${release.id} order by map, line`
    ),
    (stored): ReadonlyArray<IcdConceptMap> =>
      [...new Set(stored.map((row) => row.map))].map((name) => {
        const rows = stored
          .filter((row) => row.map === name)
          .map((row): IcdMapRow => ({
            line: row.line,
            sourceCode: row.source_code,
            sourceKind: row.source_kind ?? undefined,
            sourceTitle: row.source_title,
            sourceUri: row.source_uri ?? undefined,
            targetCode: row.target_code,
            targetKind: row.target_kind ?? undefined,
            targetTitle: row.target_title,
            targetUri: row.target_uri ?? undefined
          }))
        const toIcd11 = name.startsWith("10To11")
        return {
          url: `${icdMapSystem}/${name}`,
          version: release.version,
          name,
          sourceSystem: toIcd11 ? icd10System : icd11System,
          targetSystem: toIcd11 ? icd11System : icd10System,
          ...indexRows(rows)
        }
      })
  )
