/**
 * A curated list of Welsh terms, for any code system: a CSV file (RFC 4180, UTF-8) with the header
 * `system,code,term,type,status,english` — code system URI, code, Welsh term, `preferred` or
 * `synonym`, `active` or `inactive`, and an optional English term for the translators' checking.
 * A list is a release like any other: named after its file, versioned by a hash of its content,
 * written in one transaction. The first bad line stops the load, named by file and line.
 */
import { Releases } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Data, Effect } from "effect"
import { parseString } from "fast-csv"
import { createHash } from "node:crypto"
import { readFile } from "node:fs/promises"
import { basename, extname } from "node:path"

export class WelshListError extends Data.TaggedError("WelshListError")<{
  readonly file: string
  /** Not `line`: under Bun every Error has a `line` of its own (where it was made in the code). */
  readonly lineNumber?: number
  readonly detail: string
}> {
  override get message() {
    return `${this.file}${this.lineNumber === undefined ? "" : `:${this.lineNumber}`}: ${this.detail}`
  }
}

export const welshListKind = "welsh"
export const listHeader = ["system", "code", "term", "type", "status", "english"] as const
/** Terms may be as long as SNOMED CT's descriptions. */
const maxTermLength = 4096

export interface WelshTermRow {
  readonly line: number
  readonly system: string
  readonly code: string
  readonly term: string
  readonly preferred: boolean
  readonly active: boolean
  readonly english: string | null
}

export interface WelshListReport {
  readonly releaseId: number
  readonly name: string
  readonly version: string
  /** Rows per code system: terms, active, preferred. */
  readonly systems: ReadonlyArray<{ readonly system: string; readonly terms: number; readonly active: number; readonly preferred: number }>
  readonly elapsedMs: number
}

/** The line of the first byte that is not UTF-8. */
const lineOfInvalidUtf8 = (bytes: Uint8Array) => {
  const decoder = new TextDecoder("utf-8", { fatal: true })
  let line = 1
  let start = 0
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 10) continue
    try {
      decoder.decode(bytes.subarray(start, i))
    } catch {
      return line
    }
    line++
    start = i + 1
  }
  return line
}

// UTF-8 read as Windows-1252 and saved again turns "ô" into "Ã´" and "ŵ" into "Åµ".
const doubleEncoded = /[ÃÅ][\u0080-\u00bf\u0152-\u0178\u2018-\u203a\u20ac\u2122]/

const absoluteUri = /^[a-z][a-z0-9+.-]*:[^\s]+$/i

/** Why a data row is wrong, or its parsed form. */
const parseRow = (fields: ReadonlyArray<string>, columns: number, line: number): WelshTermRow | string => {
  if (fields.length !== columns) return `expected ${columns} columns, found ${fields.length}`
  const [system = "", code = "", rawTerm = "", type = "", status = "", english = ""] = fields
  const term = rawTerm.trim().normalize("NFC")
  if (!absoluteUri.test(system)) return `column 'system': '${system}' is not a code system URI`
  if (code.trim().length === 0 || code !== code.trim()) return `column 'code': '${code}' is empty or has spaces around it`
  if (term.length === 0) return "column 'term': the term is empty"
  if (term.length > maxTermLength) return `column 'term': the term is longer than ${maxTermLength} characters`
  if (doubleEncoded.test(term)) return `column 'term': '${term}' looks like UTF-8 read as Windows-1252 (mojibake); save the file as UTF-8`
  if (/[\u0000-\u001f\u007f]/.test(term)) return "column 'term': the term holds a control character"
  if (type !== "preferred" && type !== "synonym") return `column 'type': '${type}' is not 'preferred' or 'synonym'`
  if (status !== "active" && status !== "inactive") return `column 'status': '${status}' is not 'active' or 'inactive'`
  return {
    line,
    system,
    code,
    term,
    preferred: type === "preferred",
    active: status === "active",
    english: english.trim() === "" ? null : english.trim().normalize("NFC")
  }
}

/** Reads and checks a list: every row, then one active preferred term per code at most. */
export const readWelshList = (path: string) =>
  Effect.gen(function* () {
    const bytes = yield* Effect.tryPromise({
      try: () => readFile(path),
      catch: (error) => new WelshListError({ file: path, detail: `cannot read the file: ${String(error)}` })
    })
    const text = yield* Effect.try({
      try: () => new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, ""),
      catch: () =>
        new WelshListError({ file: path, lineNumber: lineOfInvalidUtf8(bytes), detail: "the file is not valid UTF-8; save it as UTF-8" })
    })
    const records = yield* Effect.async<Array<ReadonlyArray<string>>, WelshListError>((resume) => {
      const rows: Array<ReadonlyArray<string>> = []
      parseString(text, { headers: false, ignoreEmpty: true })
        .on("error", (error: Error) =>
          resume(Effect.fail(new WelshListError({ file: path, lineNumber: rows.length + 1, detail: `not CSV: ${error.message}` })))
        )
        .on("data", (row: ReadonlyArray<string>) => rows.push(row))
        .on("end", () => resume(Effect.succeed(rows)))
    })
    const [header = [], ...data] = records
    // The English column is optional: a list may leave it out.
    const expected = header.length === listHeader.length - 1 ? listHeader.slice(0, -1) : listHeader
    if (header.length !== expected.length || header.some((name, position) => name.trim() !== expected[position])) {
      return yield* new WelshListError({
        file: path,
        lineNumber: 1,
        detail: `the header is '${header.join(",")}', expected '${listHeader.join(",")}'`
      })
    }
    const rows: Array<WelshTermRow> = []
    const preferredAt = new Map<string, number>()
    for (const [position, fields] of data.entries()) {
      // Line numbers assume no line breaks inside quoted fields, which terms do not have.
      const line = position + 2
      const row = parseRow(fields, header.length, line)
      if (typeof row === "string") return yield* new WelshListError({ file: path, lineNumber: line, detail: row })
      if (row.preferred && row.active) {
        const key = `${row.system}|${row.code}`
        const earlier = preferredAt.get(key)
        if (earlier !== undefined) {
          return yield* new WelshListError({
            file: path,
            lineNumber: line,
            detail: `${row.system}#${row.code} already has an active preferred term, on line ${earlier}`
          })
        }
        preferredAt.set(key, line)
      }
      rows.push(row)
    }
    if (rows.length === 0) return yield* new WelshListError({ file: path, detail: "the list has no terms" })
    return { rows, sha256: createHash("sha256").update(bytes).digest("hex") }
  })

const batchSize = 500

/** Loads a list as one release: named after its file, versioned by a hash of its content. */
export const loadWelshList = (path: string) =>
  Effect.gen(function* () {
    const started = performance.now()
    const { rows, sha256 } = yield* readWelshList(path)
    const name = basename(path, extname(path))
    const version = sha256.slice(0, 12)
    const systems = [...new Set(rows.map((row) => row.system))].map((system) => {
      const terms = rows.filter((row) => row.system === system)
      return {
        system,
        terms: terms.length,
        active: terms.filter((term) => term.active).length,
        preferred: terms.filter((term) => term.active && term.preferred).length
      }
    })
    const release = yield* (yield* Releases).load(
      { kind: welshListKind, codeSystem: name, version, sourceName: basename(path) },
      (tx, releaseId) =>
        Effect.gen(function* () {
          for (let start = 0; start < rows.length; start += batchSize) {
            const values = rows
              .slice(start, start + batchSize)
              .map(
                (row) =>
                  sql`(${releaseId}, ${row.line}, ${row.system}, ${row.code}, ${row.term}, ${row.preferred}, ${row.active}, ${row.english})`
              )
            yield* tx.query(
              sql`insert into welsh_term (release_id, line, system, code, term, preferred, active, english) values ${sql.join(values, sql`, `)}`
            )
          }
          return {
            rowCounts: { terms: rows.length, "terms.active": rows.filter((row) => row.active).length, systems: systems.length },
            sourceSha256: sha256
          }
        })
    )
    return { releaseId: release.id, name, version, systems, elapsedMs: Math.round(performance.now() - started) } satisfies WelshListReport
  })
