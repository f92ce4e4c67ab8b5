/**
 * WHO's ICD-11 MMS simple tabulation (`SimpleTabulation-ICD-11-MMS-<lang>.txt`, tab-separated,
 * in every release zip): one row per chapter, block and category in the classification's order,
 * titles prefixed with one "- " per level below the chapter. The parent of a row is the nearest
 * row above it one level up; the dashes are stripped from the stored title.
 */
import { Effect } from "effect"
import { IcdReleaseError } from "../errors"
import type { IcdClass, IcdKind } from "../model"
import type { SourceFile } from "../source"

/** The columns read, by their header names (compared without case). */
const columns = {
  foundationUri: "Foundation URI",
  linearizationUri: "Linearization URI",
  code: "Code",
  blockId: "BlockId",
  title: "Title",
  classKind: "ClassKind",
  isResidual: "IsResidual",
  chapterNo: "ChapterNo",
  isLeaf: "isLeaf"
} as const

const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

/**
 * The release's version from the header's last cell, `Version:2024 Jan 21 - 22:30 UTC` (WHO's
 * release, `2024-01`) or `Version:<name>` (our sample), else from the file name.
 */
const versionOf = (header: ReadonlyArray<string>, name: string) => {
  for (const cell of header) {
    const dated = /^Version:\s*(\d{4})\s+([A-Za-z]{3})/.exec(cell)
    const month = dated === null ? -1 : months.indexOf(dated[2]!.toLowerCase())
    if (month >= 0) return `${dated![1]}-${String(month + 1).padStart(2, "0")}`
    const named = /^Version:\s*([\w.-]+)\s*$/.exec(cell)
    if (named !== null) return named[1]
  }
  return /(\d{4}-\d{2})(?!.*\d{4}-\d{2})/.exec(name)?.[1]
}

/** A cell without its spreadsheet quoting: `"a ""b"""` is `a "b"`. */
const unquote = (cell: string) =>
  cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell

const kinds: ReadonlyArray<IcdKind> = ["chapter", "block", "category"]

/**
 * What a row is known by: a chapter by its number (01 … 26, V, X), a block by its BlockId, a
 * category by its code. The blocks of chapters V and X have no BlockId; they go by their entity
 * id, the last segment of their linearization URI (as the ICD-API names them).
 */
const codeOf = (kind: IcdKind, cell: (key: keyof typeof columns) => string) => {
  if (kind === "chapter") return cell("chapterNo")
  if (kind === "category") return cell("code")
  return cell("blockId") || (cell("linearizationUri").split("/").at(-1) ?? "")
}

export interface Tabulation {
  readonly version: string | undefined
  readonly classes: ReadonlyArray<IcdClass>
}

export const parseTabulation = (source: SourceFile) =>
  Effect.gen(function* () {
    const lines = source.text.split(/\r?\n/)
    const fail = (line: number, detail: string) => new IcdReleaseError({ file: source.name, lineNumber: line, detail })
    const header = lines[0]!.split("\t")
    const index = {} as Record<keyof typeof columns, number>
    for (const [key, name] of Object.entries(columns) as Array<[keyof typeof columns, string]>) {
      const at = header.findIndex((cell) => cell.trim().toLowerCase() === name.toLowerCase())
      if (at < 0) {
        return yield* fail(1, `not an ICD-11 simple tabulation: the column '${name}' is missing (columns: ${header.join(", ")})`)
      }
      index[key] = at
    }
    const needed = Math.max(...Object.values(index)) + 1
    const classes: Array<IcdClass> = []
    const seen = new Set<string>()
    // The codes of the rows open at each level: a row at level n is the child of the open row at level n - 1.
    const open: Array<string> = []
    for (let number = 2; number <= lines.length; number++) {
      const line = lines[number - 1]!
      if (line.trim() === "") continue
      const cells = line.split("\t")
      if (cells.length < needed) return yield* fail(number, `${cells.length} columns where the header names ${needed}`)
      const cell = (key: keyof typeof columns) => unquote(cells[index[key]]!.trim())
      const kind = cell("classKind") as IcdKind
      if (!kinds.includes(kind)) return yield* fail(number, `ClassKind '${cell("classKind")}' is not chapter, block or category`)
      const code = codeOf(kind, cell)
      if (code === "")
        return yield* fail(number, `a ${kind} without its ${kind === "chapter" ? "ChapterNo" : kind === "block" ? "BlockId" : "Code"}`)
      if (seen.has(code)) return yield* fail(number, `'${code}' appears twice`)
      seen.add(code)
      const dashes = /^(?:- ?)*/.exec(cell("title"))![0]
      const level = (dashes.match(/-/g) ?? []).length
      if ((kind === "chapter") !== (level === 0)) return yield* fail(number, `a ${kind} at level ${level} (dashes in its title)`)
      if (level > open.length) return yield* fail(number, `'${code}' is at level ${level} but no row above it is at level ${level - 1}`)
      open.length = level
      const foundationUri = cell("foundationUri")
      classes.push({
        code,
        kind,
        parent: level === 0 ? undefined : open[level - 1],
        title: cell("title").slice(dashes.length),
        rubrics: [],
        isLeaf: cell("isLeaf").toLowerCase() === "true",
        isResidual: cell("isResidual").toLowerCase() === "true",
        ...(foundationUri === "" ? {} : { foundationUri }),
        linearizationUri: cell("linearizationUri")
      })
      open.push(code)
    }
    return { version: versionOf(header, source.name), classes } satisfies Tabulation
  })
