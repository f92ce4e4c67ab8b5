/**
 * WHO's ICD-10 ↔ ICD-11 mapping tables (the `mapping.zip` of an ICD-11 release): tab-separated
 * files named for their direction and kind, `10To11MapToOneCategory.txt` (each ICD-10 class to
 * its one best ICD-11 class), `10To11MapToMultipleCategories.txt` (to each ICD-11 class it
 * spreads over) and `11To10MapToOneCategory.txt`. The header names the columns and ends with the
 * table's date (`2019-Apr-06`); one row per mapping, in the source classification's order.
 *
 * 10To11: `10ClassKind 10DepthInKind icd10Code icd10Chapter icd10Title 11ClassKind 11DepthInKind
 * ICD-11 FoundationURI Linearization (releaseURI) icd11Code icd11Chapter icd11Title`;
 * 11To10: `Linearization (release) URI icd11Code icd11Chapter icd11Title icd10Code icd10Chapter
 * icd10Title`. Columns are found by name, ignoring case, spaces and punctuation, as WHO's
 * spelling varies between files (`Linearization (releaseURI)`, `Linearization (release) URI`).
 */
import { Effect } from "effect"
import { IcdReleaseError } from "../errors"
import type { SourceFile } from "../source"

/** A table's file name: its direction and whether a class maps to one category or several. */
export const whoMapFile = /^(10To11|11To10)MapTo(OneCategory|MultipleCategories)\.txt$/i

/** One row of a table as released. A side without a code (an ICD-11 grouping) has '' and its linearization URI. */
export interface IcdMapRow {
  readonly line: number
  readonly sourceCode: string
  readonly sourceKind: string | undefined
  readonly sourceTitle: string
  readonly sourceUri: string | undefined
  readonly targetCode: string
  readonly targetKind: string | undefined
  readonly targetTitle: string
  readonly targetUri: string | undefined
}

export interface WhoMapTable {
  /** The table's name as its file gives it: `10To11MapToOneCategory`, … */
  readonly name: string
  readonly direction: "10To11" | "11To10"
  /** The header's date as `yyyy-mm-dd`, or the header's last cell as written. */
  readonly version: string | undefined
  readonly rows: ReadonlyArray<IcdMapRow>
}

const normal = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "")

/** Where each side's code, title, kind and URI are, per direction (undefined: the table has no such column). */
const layouts = {
  "10To11": {
    source: { code: "icd10Code", title: "icd10Title", kind: "10ClassKind", uri: undefined, chapter: undefined },
    target: { code: "icd11Code", title: "icd11Title", kind: "11ClassKind", uri: "Linearization (release) URI", chapter: "icd11Chapter" }
  },
  "11To10": {
    source: { code: "icd11Code", title: "icd11Title", kind: undefined, uri: "Linearization (release) URI", chapter: undefined },
    target: { code: "icd10Code", title: "icd10Title", kind: undefined, uri: undefined, chapter: undefined }
  }
} as const

const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

/** `2019-Apr-06` as `2019-04-06`; another non-empty cell (our sample's `sample`) as it is. */
const versionOf = (cell: string | undefined) => {
  const dated = cell === undefined ? null : /^(\d{4})-([A-Za-z]{3})-(\d{1,2})$/.exec(cell.trim())
  const month = dated === null ? -1 : months.indexOf(dated[2]!.toLowerCase())
  if (month >= 0) return `${dated![1]}-${String(month + 1).padStart(2, "0")}-${dated![3]!.padStart(2, "0")}`
  return cell?.trim() || undefined
}

export const parseWhoMap = (source: SourceFile) =>
  Effect.gen(function* () {
    const fail = (line: number, detail: string) => new IcdReleaseError({ file: source.name, lineNumber: line, detail })
    const fileName = source.name.split(/[/!]/).at(-1)!
    const named = whoMapFile.exec(fileName)
    if (named === null) {
      return yield* new IcdReleaseError({
        file: source.name,
        detail:
          "not one of WHO's ICD-10/ICD-11 mapping tables (10To11MapToOneCategory.txt, 10To11MapToMultipleCategories.txt, 11To10MapToOneCategory.txt)"
      })
    }
    const direction = named[1]!.toLowerCase() === "10to11" ? "10To11" : "11To10"
    const name = `${direction}MapTo${named[2]!.toLowerCase() === "onecategory" ? "OneCategory" : "MultipleCategories"}`
    const lines = source.text.split(/\r?\n/)
    const header = lines[0]!.split("\t")
    const find = (column: string | undefined) => {
      if (column === undefined) return Effect.succeed(undefined)
      const at = header.findIndex((cell) => normal(cell) === normal(column))
      return at >= 0
        ? Effect.succeed(at)
        : Effect.fail(fail(1, `not a WHO ${direction} mapping table: the column '${column}' is missing (columns: ${header.join(", ")})`))
    }
    const side = (columns: (typeof layouts)[keyof typeof layouts]["source" | "target"]) =>
      Effect.all({
        code: find(columns.code),
        title: find(columns.title),
        kind: find(columns.kind),
        uri: find(columns.uri),
        chapter: find(columns.chapter)
      })
    const sourceColumns = yield* side(layouts[direction].source)
    const targetColumns = yield* side(layouts[direction].target)
    const needed = Math.max(...[...Object.values(sourceColumns), ...Object.values(targetColumns)].map((at) => at ?? 0)) + 1
    // The date WHO puts after the last column.
    const version = versionOf(header.length > needed ? header.at(-1) : undefined)
    const one = name.endsWith("OneCategory")
    const rows: Array<IcdMapRow> = []
    const seen = new Set<string>()
    for (let at = 1; at < lines.length; at++) {
      const text = lines[at]!
      if (text.trim() === "") continue
      const line = at + 1
      const cells = text.split("\t")
      if (cells.length < needed) return yield* fail(line, `the row has ${cells.length} columns, the header ${needed} or more`)
      const cell = (index: number | undefined) => (index === undefined ? undefined : cells[index]!.trim() || undefined)
      const kind = cell(targetColumns.kind)
      // An ICD-11 chapter is known by its number, which the table gives in the chapter column.
      const targetCode = cell(targetColumns.code) ?? (kind === "chapter" ? cell(targetColumns.chapter) : undefined) ?? ""
      const sourceCode = cell(sourceColumns.code) ?? ""
      if (direction === "10To11" && sourceCode === "") return yield* fail(line, "the row has no ICD-10 code")
      if (direction === "11To10" && targetCode === "") return yield* fail(line, "the row has no ICD-10 code")
      if (one && sourceCode !== "" && seen.has(sourceCode)) {
        return yield* fail(line, `'${sourceCode}' is mapped a second time in a table of one category per class`)
      }
      seen.add(sourceCode)
      rows.push({
        line,
        sourceCode,
        sourceKind: cell(sourceColumns.kind),
        sourceTitle: cell(sourceColumns.title) ?? "",
        sourceUri: cell(sourceColumns.uri),
        targetCode,
        targetKind: kind,
        targetTitle: cell(targetColumns.title) ?? "",
        targetUri: cell(targetColumns.uri)
      })
    }
    return { name, direction, version, rows } satisfies WhoMapTable
  })
