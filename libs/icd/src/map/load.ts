/**
 * `ffynnon load icd-map`: WHO's ICD-10 ↔ ICD-11 mapping tables, from WHO's `mapping.zip` (every
 * table in it; the spreadsheet copies are ignored) or one table's `.txt`, stored as one release
 * (`icd_map`) in one transaction and served as ConceptMaps.
 */
import { LoadProgress, Releases } from "@ffynnon/db"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { basename } from "node:path"
import { IcdReleaseError } from "../errors"
import { readSources } from "../source"
import { copyRows } from "../store"
import { parseWhoMap, whoMapFile, type WhoMapTable } from "./who"

/** The registry's code system for WHO's mapping tables, and the base of the ConceptMaps' URLs (`<base>/10To11MapToOneCategory`). */
export const icdMapSystem = "http://ffynnon.example/fhir/ConceptMap/who-icd10-icd11"

export interface IcdMapLoadReport {
  readonly releaseId: number
  readonly version: string
  readonly source: string
  /** Rows per table. */
  readonly counts: Record<string, number>
  readonly elapsedMs: number
}

export interface LoadIcdMapOptions {
  /** The version, when the tables' headers state none. */
  readonly version?: string
}

const columns = [
  "release_id",
  "map",
  "line",
  "source_code",
  "source_kind",
  "source_title",
  "source_uri",
  "target_code",
  "target_kind",
  "target_title",
  "target_uri"
]

export const loadIcdMap = (path: string, options: LoadIcdMapOptions = {}) =>
  Effect.gen(function* () {
    const started = performance.now()
    const progress = yield* LoadProgress
    yield* progress.report({ phase: "reading", item: path, done: 0, unit: "steps" })
    const sources = yield* readSources(path, (name) => whoMapFile.test(name), "WHO mapping table (10To11MapToOneCategory.txt, …)")
    const tables: Array<WhoMapTable> = []
    for (const source of sources) tables.push(yield* parseWhoMap(source))
    const stated = [...new Set(tables.flatMap((table) => table.version ?? []))]
    if (options.version === undefined && stated.length !== 1) {
      return yield* new IcdReleaseError({
        file: basename(path),
        lineNumber: 1,
        detail:
          stated.length === 0
            ? "the tables' headers state no date (2019-Apr-06): give a version with --release-version"
            : `the tables state different dates (${stated.join(", ")}): load them separately or give a version with --release-version`
      })
    }
    const version = options.version ?? stated[0]!
    const counts = Object.fromEntries(tables.map((table) => [table.name, table.rows.length]))
    const total = tables.reduce((sum, table) => sum + table.rows.length, 0)
    const sha256 = createHash("sha256")
      .update(sources.map((source) => source.sha256).join(""))
      .digest("hex")
    yield* progress.report({ phase: "storing", item: basename(path), done: 0, total, unit: "rows" })
    const releases = yield* Releases
    const loaded = yield* releases.load(
      { kind: "icd-map", codeSystem: icdMapSystem, version, sourceName: basename(path) },
      (tx, releaseId) =>
        Effect.as(
          tx.copyFrom(
            "icd_map",
            columns,
            copyRows(
              tables.flatMap((table) =>
                table.rows.map((row) => [
                  releaseId,
                  table.name,
                  row.line,
                  row.sourceCode,
                  row.sourceKind,
                  row.sourceTitle,
                  row.sourceUri,
                  row.targetCode,
                  row.targetKind,
                  row.targetTitle,
                  row.targetUri
                ])
              )
            )
          ),
          { rowCounts: counts, sourceSha256: sha256 }
        )
    )
    yield* progress.report({ phase: "storing", item: basename(path), done: total, total, unit: "rows" })
    return {
      releaseId: loaded.id,
      version,
      source: basename(path),
      counts,
      elapsedMs: Math.round(performance.now() - started)
    } satisfies IcdMapLoadReport
  })
