/**
 * Loads an RF2 release into the store in one transaction: each file's rows are checked and
 * streamed with COPY into a new partition per table, the partitions are indexed and attached,
 * and the release registry entry becomes active at commit. Any bad row, missing file or database
 * failure rolls everything back, leaving the releases already loaded serving.
 */
import { LoadProgress, Releases, type Sql } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect, Runtime } from "effect"
import { createHash } from "node:crypto"
import { basename } from "node:path"
import { editionUri, selectFiles, versionUriPattern } from "../rf2/edition"
import { Rf2Error } from "../rf2/errors"
import { openPackage, type Rf2File } from "../rf2/files"
import { readRf2 } from "../rf2/read"
import { copyColumns, copyLine, textArrayLiteral, partitionIndexes, refsetFixedColumns, storeTables, tableFor, type StoreTable } from "./tables"

export const snomedSystem = "http://snomed.info/sct"

export interface LoadSnomedOptions {
  /** The edition and version URI, overriding what the files imply (as the HL7 test subset needs). */
  readonly uri?: string
}

export interface FileReport {
  readonly path: string
  readonly contentType: string
  readonly rows: number
  readonly active: number
}

export interface SnomedLoadReport {
  readonly releaseId: number
  readonly uri: string
  readonly files: ReadonlyArray<FileReport>
  readonly skipped: ReadonlyArray<string>
  readonly warnings: ReadonlyArray<string>
  /** Milliseconds per phase. */
  readonly phases: Record<string, number>
}

// Loading order: components before the refsets that point at them (only matters for reading the report).
const order = ["Concept", "Description", "TextDefinition", "Relationship", "StatedRelationship", "RelationshipConcreteValues", "Refset"]

const partitionName = (table: StoreTable, releaseId: number) => `${table}_${releaseId}`

const countName: Record<StoreTable, string> = {
  snomed_concept: "concepts",
  snomed_description: "descriptions",
  snomed_relationship: "relationships",
  snomed_concrete_value: "concreteValues",
  snomed_refset_member: "refsetMembers"
}

const timed = <A, E, R>(phases: Record<string, number>, phase: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const started = performance.now()
    const result = yield* effect
    phases[phase] = Math.round(performance.now() - started)
    return result
  })

/** Streams one file into its partition; returns its counts and the refsets it holds. */
const copyFile = (tx: Sql, releaseId: number, file: Rf2File, progress: (bytes: number) => void) =>
  Effect.gen(function* () {
    const table = tableFor(file)!
    const reader = yield* Effect.tryPromise({
      try: () => readRf2(file),
      catch: (error) => (error instanceof Rf2Error ? error : new Rf2Error({ file: file.path, detail: String(error) }))
    })
    let rows = 0
    let active = 0
    const refsets = new Set<string>()
    // A bad row ends the COPY; keep its Rf2Error, which names the file and line, over the database's complaint.
    let readFailure: Rf2Error | undefined
    async function* lines() {
      let chunk = ""
      try {
        for await (const { fields } of reader.rows) {
          rows++
          if (fields[2] === "1") active++
          if (table === "snomed_refset_member") refsets.add(fields[4]!)
          chunk += copyLine(file, fields)
          if (chunk.length >= 256 * 1024) {
            yield chunk
            chunk = ""
            progress(reader.bytesRead())
          }
        }
      } catch (error) {
        readFailure = error as Rf2Error
        throw error
      }
      if (chunk.length > 0) yield chunk
      progress(reader.bytesRead())
    }
    yield* tx
      .copyFrom(partitionName(table, releaseId), copyColumns(file, reader.columns), lines())
      .pipe(Effect.catchAll((error) => Effect.fail(readFailure ?? error)))
    if (table === "snomed_refset_member") {
      const columns = reader.columns.slice(refsetFixedColumns)
      for (const refsetId of refsets) {
        yield* tx.query(sql`insert into snomed_refset_columns (release_id, refset_id, pattern, columns, file_name)
          values (${releaseId}, ${refsetId}, ${file.refsetPattern ?? ""}, ${textArrayLiteral(columns)}, ${file.name})`)
      }
    }
    return { report: { path: file.path, contentType: file.contentType, rows, active } satisfies FileReport, sha256: reader.sha256() }
  })

/** Components that point at concepts the release does not have: expected for an extension loaded alone. */
const danglingReferences = (tx: Sql, releaseId: number) =>
  Effect.gen(function* () {
    const concept = sql.raw(partitionName("snomed_concept", releaseId))
    const checks = [
      { what: "descriptions refer to concepts", table: "snomed_description", column: "concept_id" },
      { what: "relationships have source concepts", table: "snomed_relationship", column: "source_id" },
      { what: "relationships have destination concepts", table: "snomed_relationship", column: "destination_id" }
    ] as const
    const warnings: Array<string> = []
    for (const { what, table, column } of checks) {
      const [row] = yield* tx.query<{ count: string }>(
        sql`select count(*)::text as count from ${sql.raw(partitionName(table, releaseId))} t
            where not exists (select 1 from ${concept} c where c.id = t.${sql.raw(column)})`
      )
      if (row!.count !== "0") warnings.push(`${row!.count} ${what} that are not in this release`)
    }
    return warnings
  })

/** Loads the Snapshot of the release at `source` (a zip or folder). */
export const loadSnomed = (source: string, options: LoadSnomedOptions = {}) =>
  Effect.gen(function* () {
    const phases: Record<string, number> = {}
    const pkg = yield* openPackage(source)
    const files = (yield* selectFiles(pkg, "Snapshot")).toSorted(
      (a, b) => order.indexOf(a.contentType) - order.indexOf(b.contentType) || a.path.localeCompare(b.path)
    )
    const uri = options.uri ?? (yield* editionUri(files))
    if (!versionUriPattern.test(uri)) {
      return yield* new Rf2Error({ file: source, detail: `'${uri}' is not a SNOMED CT version URI (http://snomed.info/sct/<module>/version/<yyyymmdd>)` })
    }
    const stored = files.filter((file) => tableFor(file) !== undefined)
    const skipped = files.filter((file) => tableFor(file) === undefined).map((file) => file.path)
    const totalBytes = stored.reduce((sum, file) => sum + file.bytes, 0)
    const progress = yield* LoadProgress
    const report = Runtime.runSync(yield* Effect.runtime<never>())

    const releases = yield* Releases
    let result: Omit<SnomedLoadReport, "releaseId" | "uri" | "phases"> = { files: [], skipped, warnings: [] }
    const release = yield* releases.load({ kind: "snomed", codeSystem: snomedSystem, version: uri, sourceName: basename(source) }, (tx, releaseId) =>
      Effect.gen(function* () {
        for (const table of storeTables) {
          // A separate table with the partition's constraint, attached at the end, so the parent is not locked during the load.
          yield* tx.query(sql.raw(`create table ${partitionName(table, releaseId)} (like ${table},
            check (release_id = ${releaseId}))`))
          yield* tx.query(sql.raw(`alter table ${partitionName(table, releaseId)} alter column release_id set default ${releaseId}`))
        }
        let bytesBefore = 0
        const fileReports: Array<FileReport> = []
        const digests: Array<string> = []
        yield* timed(
          phases,
          "copy",
          Effect.forEach(stored, (file) =>
            Effect.gen(function* () {
              const { report: fileReport, sha256 } = yield* copyFile(tx, releaseId, file, (bytes) =>
                report(progress.report({ phase: "load", item: file.path, done: bytesBefore + bytes, total: totalBytes, unit: "bytes" }))
              )
              bytesBefore += file.bytes
              fileReports.push(fileReport)
              digests.push(`${file.path}:${sha256}`)
            })
          )
        )
        yield* timed(
          phases,
          "index",
          Effect.forEach(storeTables, (table, step) =>
            Effect.gen(function* () {
              report(progress.report({ phase: "index", item: table, done: step, total: storeTables.length, unit: "steps" }))
              const partition = partitionName(table, releaseId)
              for (const index of partitionIndexes[table]) {
                yield* tx.query(sql.raw(index.startsWith("primary key") ? `alter table ${partition} add ${index}` : `create ${index.replace("index on", `index on ${partition}`)}`))
              }
              yield* tx.query(sql.raw(`analyze ${partition}`))
              yield* tx.query(sql.raw(`alter table ${table} attach partition ${partition} for values in (${releaseId})`))
            })
          )
        )
        const warnings = yield* timed(phases, "check", danglingReferences(tx, releaseId))
        result = { files: fileReports, skipped, warnings }
        const rowCounts: Record<string, number> = {}
        for (const fileReport of fileReports) {
          const name = countName[tableFor(fileReport)!]
          rowCounts[name] = (rowCounts[name] ?? 0) + fileReport.rows
          rowCounts[`${name}.active`] = (rowCounts[`${name}.active`] ?? 0) + fileReport.active
        }
        return {
          rowCounts,
          sourceSha256: createHash("sha256").update(digests.toSorted().join("\n")).digest("hex")
        }
      })
    )
    return { releaseId: release.id, uri, phases, ...result } satisfies SnomedLoadReport
  }).pipe(Effect.scoped)
