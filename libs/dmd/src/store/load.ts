/**
 * Loads a dm+d release into the store in one transaction (`Releases.load`): the files are read in
 * referential order (lookups, ingredients, VTM, VMP, AMP, VMPP, AMPP, GTIN, then the bonus files),
 * each record kind streamed with COPY into its table, then every reference between products is
 * checked. Any failure rolls everything back, leaving the releases already loaded serving.
 */
import { copyLine, LoadProgress, Releases, type Sql } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { basename } from "node:path"
import { DmdError } from "../errors"
import { openRelease, type ReleaseFile } from "../release/files"
import { readRecords, type Row } from "../release/read"
import { columnName, references, tableName, type RecordSpec } from "../release/spec"

export const dmdSystem = "https://dmd.nhs.uk"

export interface LoadDmdOptions {
  /** The bonus zip or folder (BNF/ATC/DDD, HISTORIC_CODES, VTM_INGREDIENTS). */
  readonly bonus?: string
}

export interface Cardinality {
  readonly what: string
  readonly count: number
  /** The code that has that many. */
  readonly code: string
}

export interface DmdLoadReport {
  readonly releaseId: number
  readonly version: string
  readonly date: string
  readonly files: ReadonlyArray<{ readonly path: string; readonly rows: number }>
  /** Rows per store table, without the `dmd_` prefix. */
  readonly rows: Record<string, number>
  /** The largest one-to-many relations seen, for sizing and sanity checks. */
  readonly largest: ReadonlyArray<Cardinality>
  readonly warnings: ReadonlyArray<string>
  readonly milliseconds: number
}

/** COPY text for a table, gathered while its file is read: a release's largest file (AMPP) makes tens of megabytes. */
class CopyBuffer {
  readonly chunks: Array<string> = []
  private pending: Array<string> = []
  constructor(private readonly releaseId: number) {}
  add(row: Row) {
    this.pending.push(`${this.releaseId}\t${copyLine(row)}`)
    if (this.pending.length >= 2000) this.flush()
  }
  flush() {
    if (this.pending.length > 0) this.chunks.push(this.pending.join(""))
    this.pending = []
  }
}

const cardinalities = [
  { what: "VMPs of one VTM", record: "vmp", column: "VTMID" },
  { what: "AMPs of one VMP", record: "amp", column: "VPID" },
  { what: "VMPPs of one VMP", record: "vmpp", column: "VPID" },
  { what: "AMPPs of one AMP", record: "ampp", column: "APID" },
  { what: "AMPPs of one VMPP", record: "ampp", column: "VPPID" },
  { what: "ingredients of one VMP", record: "vpi", column: "VPID" },
  { what: "GTINs of one AMPP", record: "gtin", column: "AMPPID" },
  { what: "packs in one combination pack (AMPP)", record: "ampp_comb_content", column: "PRNTAPPID" }
] as const

const largestOf = (tx: Sql, releaseId: number) =>
  Effect.forEach(cardinalities, ({ what, record, column }) =>
    Effect.map(
      tx.query<{ code: string; count: number }>(
        sql.raw(`select ${columnName(column)}::text as code, count(*)::int as count from dmd_${record}
          where release_id = ${releaseId} and ${columnName(column)} is not null group by 1 order by 2 desc, 1 limit 1`)
      ),
      ([row]) => (row === undefined ? [] : [{ what, count: Number(row.count), code: row.code }])
    )
  ).pipe(Effect.map((found) => found.flat()))

/** References to products or ingredients the release does not have: fatal in the main files, warnings in the bonus files. */
const checkReferences = (tx: Sql, releaseId: number, fileOf: Map<string, ReleaseFile>, elementOf: Map<string, string>) =>
  Effect.gen(function* () {
    const warnings: Array<string> = []
    for (const reference of references) {
      const file = fileOf.get(reference.from)
      if (file === undefined || !fileOf.has(reference.to)) continue
      const column = columnName(reference.column)
      const [row] = yield* tx.query<{ count: number; example: string | null }>(
        sql.raw(`select count(*)::int as count, min(f.${column})::text as example from dmd_${reference.from} f
          where f.release_id = ${releaseId} and f.${column} is not null and not exists
          (select 1 from dmd_${reference.to} t where t.release_id = ${releaseId} and t.${columnName(reference.toColumn)} = f.${column})`)
      )
      const count = Number(row!.count)
      if (count === 0) continue
      const target = reference.to.toUpperCase()
      const detail = `${count} record${count === 1 ? "" : "s"} name${count === 1 ? "s" : ""} ${/^[AEIOU]/.test(target) ? "an" : "a"} ${target} that is not in the release (for example ${row!.example})`
      const element = `${elementOf.get(reference.from)}/${reference.column}`
      if (file.spec.bonus || reference.warnOnly === true) warnings.push(`${file.path}: <${element}> ${detail}`)
      else return yield* new DmdError({ file: file.path, element, detail })
    }
    return warnings
  })

/** Loads the release at `main` (a zip or folder) with its bonus files, if given, as one new release. */
export const loadDmd = (main: string, options: LoadDmdOptions = {}) =>
  Effect.scoped(
    Effect.gen(function* () {
      const started = performance.now()
      const release = yield* openRelease(main, options.bonus)
      const progress = yield* LoadProgress
      const releases = yield* Releases
      const totalBytes = release.files.reduce((sum, file) => sum + file.bytes, 0)
      const files: Array<{ path: string; rows: number }> = []
      const rows: Record<string, number> = {}
      const warnings: Array<string> = release.unknown.map((path) => `${path}: not a dm+d file this loader knows, skipped`)
      let largest: ReadonlyArray<Cardinality> = []
      const sourceName = options.bonus === undefined ? basename(main) : `${basename(main)} + ${basename(options.bonus)}`

      const loaded = yield* releases.load({ kind: "dmd", codeSystem: dmdSystem, version: release.version, sourceName }, (tx, releaseId) =>
        Effect.gen(function* () {
          const hash = createHash("sha256")
          const fileOf = new Map<string, ReleaseFile>()
          const elementOf = new Map<string, string>()
          let bytesBefore = 0
          for (const file of release.files) {
            yield* progress.report({ phase: "reading", item: file.path, done: bytesBefore, total: totalBytes, unit: "bytes" })
            const buffers = new Map<RecordSpec, CopyBuffer>(file.spec.records.map((record) => [record, new CopyBuffer(releaseId)]))
            const read = yield* Effect.tryPromise({
              try: () => readRecords(file, (record, row) => buffers.get(record)!.add(row)),
              catch: (error) => (error instanceof DmdError ? error : new DmdError({ file: file.path, detail: String(error) }))
            })
            for (const [record, buffer] of buffers) {
              buffer.flush()
              yield* tx.copyFrom(tableName(record), ["release_id", ...Object.keys(record.fields).map(columnName)], toAsync(buffer.chunks))
              fileOf.set(record.name, file)
              elementOf.set(record.name, record.path.at(-1) === "*" ? "record" : record.path.at(-1)!)
              rows[record.name] = (rows[record.name] ?? 0) + read.rows[record.name]!
            }
            hash.update(read.sha256)
            warnings.push(...read.warnings)
            files.push({ path: file.path, rows: Object.values(read.rows).reduce((sum, count) => sum + count, 0) })
            bytesBefore += file.bytes
          }
          yield* progress.report({ phase: "checking references", done: 0, unit: "steps" })
          warnings.push(...(yield* checkReferences(tx, releaseId, fileOf, elementOf)))
          largest = yield* largestOf(tx, releaseId)
          return { rowCounts: rows, sourceSha256: hash.digest("hex") }
        })
      )
      return {
        releaseId: loaded.id,
        version: release.version,
        date: release.date,
        files,
        rows,
        largest,
        warnings,
        milliseconds: Math.round(performance.now() - started)
      } satisfies DmdLoadReport
    })
  )

async function* toAsync(chunks: ReadonlyArray<string>) {
  yield* chunks
}
