/**
 * The UK's ICD-10 5th edition as NHS England distributes it on TRUD: a tab-separated codes,
 * titles and metadata file (`ICD10_Edition5_CodesAndTitlesAndMetadata_GB_<date>.txt`) with the
 * dotted `CODE` (A00.0), the undotted and X-padded `ALT_CODE` (A000, A00X), dagger/asterisk
 * `USAGE`, and the sex (`GENDER_MASK`: 1 male, 2 female) and age (`MIN_AGE`, `MAX_AGE`) a code
 * is valid for. It lists categories only: a code's parent is the code one character shorter, and
 * a three-character category's its ICD-10 chapter (by the chapters' code ranges).
 */
import { Effect } from "effect"
import { IcdReleaseError } from "../errors"
import type { IcdClass } from "../model"
import type { SourceFile } from "../source"
import { icd10ChapterOf, icd10Chapters } from "./chapters"

export const trudColumns = [
  "CODE",
  "ALT_CODE",
  "USAGE",
  "USAGE_UK",
  "DESCRIPTION",
  "MODIFIER_4",
  "MODIFIER_5",
  "QUALIFIERS",
  "GENDER_MASK",
  "MIN_AGE",
  "MAX_AGE",
  "TREE_DESCRIPTION"
] as const

/** A00.0's parent is A00, A00.00's A00.0, and A00's its chapter. */
const parentOf = (code: string) =>
  /^[A-Z]\d\d\.\d$/.test(code) ? code.slice(0, 3) : /^[A-Z]\d\d\.\d\d$/.test(code) ? code.slice(0, 5) : icd10ChapterOf(code)?.code
const sexes: Record<string, "male" | "female"> = { "1": "male", "2": "female" }
const usages: Record<string, "dagger" | "asterisk"> = { DAGGER: "dagger", ASTERISK: "asterisk" }

export const parseTrud = (source: SourceFile) =>
  Effect.gen(function* () {
    const lines = source.text.split(/\r?\n/)
    const fail = (line: number, detail: string) => new IcdReleaseError({ file: source.name, lineNumber: line, detail })
    const header = lines[0]!.split("\t").map((cell) => cell.trim().toUpperCase())
    const index = {} as Record<(typeof trudColumns)[number], number>
    for (const column of trudColumns) {
      const at = header.indexOf(column)
      if (at < 0) return yield* fail(1, `not a UK ICD-10 codes, titles and metadata file: the column '${column}' is missing`)
      index[column] = at
    }
    const chapters = new Set<string>()
    const classes: Array<IcdClass> = []
    const seen = new Set<string>()
    for (let number = 2; number <= lines.length; number++) {
      const line = lines[number - 1]!
      if (line.trim() === "") continue
      const cells = line.split("\t")
      const cell = (column: (typeof trudColumns)[number]) => (cells[index[column]] ?? "").trim()
      const code = cell("CODE")
      if (!/^[A-Z]\d\d(\.\d{1,2})?$/.test(code)) return yield* fail(number, `CODE '${code}' is not an ICD-10 code (A00, A00.0, M00.00)`)
      if (seen.has(code)) return yield* fail(number, `'${code}' appears twice`)
      const parent = parentOf(code)
      if (parent === undefined) return yield* fail(number, `'${code}' is in no ICD-10 chapter`)
      if (code.length === 3) chapters.add(parent)
      else if (!seen.has(parent)) return yield* fail(number, `'${code}' comes before its parent '${parent}'`)
      if (cell("DESCRIPTION") === "") return yield* fail(number, `'${code}' has no DESCRIPTION`)
      seen.add(code)
      const usage = usages[cell("USAGE").toUpperCase()]
      const sex = sexes[cell("GENDER_MASK")]
      classes.push({
        code,
        kind: "category",
        parent,
        title: cell("DESCRIPTION"),
        rubrics: [],
        ...(usage === undefined ? {} : { usage }),
        ...(sex === undefined ? {} : { sex }),
        ...(cell("MIN_AGE") === "" ? {} : { minAge: cell("MIN_AGE") }),
        ...(cell("MAX_AGE") === "" ? {} : { maxAge: cell("MAX_AGE") })
      })
    }
    const chapterClasses = icd10Chapters
      .filter((chapter) => chapters.has(chapter.code))
      .map((chapter): IcdClass => ({ code: chapter.code, kind: "chapter", parent: undefined, title: chapter.title, rubrics: [] }))
    return [...chapterClasses, ...classes]
  })
