/**
 * Loads an RF2 release into the store in one transaction: each file's rows are checked and
 * streamed with COPY into a new partition per table (through staging tables for Full and Delta
 * files), the partitions are indexed and attached,
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
import { openPackage, type ReleaseType, type Rf2File } from "../rf2/files"
import { readRf2 } from "../rf2/read"
import { checkModuleDependencies } from "./dependencies"
import {
  componentKey,
  copyColumns,
  copyLine,
  textArrayLiteral,
  partitionIndexes,
  refsetFixedColumns,
  storeTables,
  tableFor,
  type StoreTable
} from "./tables"

export const snomedSystem = "http://snomed.info/sct"

export interface LoadSnomedOptions {
  /** The edition and version URI, overriding what the files imply (as the HL7 test subset needs). */
  readonly uri?: string
  /**
   * Which files to load: the Snapshot (default); the Full files, keeping each component's latest
   * row as of `asOf`; or the Delta files applied on top of `base`, making a new release.
   */
  readonly releaseType?: ReleaseType
  /** For Full: the date (yyyymmdd) to take the snapshot at; default the files' date. */
  readonly asOf?: string
  /** For Delta: the version URI of the loaded release it applies to; default the newest of the same edition. */
  readonly base?: string
  /**
   * Load the Snapshot as a translation package in this language (`cy`) on top of a loaded release
   * (`base`, by default the newest loaded): it must have Description files and a language
   * reference set in the language, every description must be of a concept of the base or the
   * package, and the base must satisfy its module dependencies. Only the package's rows are
   * stored, under its own version URI; it is served with its base (see SnomedReleases).
   */
  readonly translation?: string
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
  /** The release a Delta or an extension was applied to. */
  readonly base?: string
  readonly files: ReadonlyArray<FileReport>
  readonly skipped: ReadonlyArray<string>
  readonly warnings: ReadonlyArray<string>
  /** Milliseconds per phase. */
  readonly phases: Record<string, number>
}

// Loading order: components before the refsets that point at them (only matters for reading the report).
const order = [
  "Concept",
  "Description",
  "TextDefinition",
  "Relationship",
  "StatedRelationship",
  "RelationshipConcreteValues",
  "Identifier",
  "Refset"
]

const partitionName = (table: StoreTable, releaseId: number) => `${table}_${releaseId}`

const countName: Record<StoreTable, string> = {
  snomed_concept: "concepts",
  snomed_description: "descriptions",
  snomed_relationship: "relationships",
  snomed_concrete_value: "concreteValues",
  snomed_refset_member: "refsetMembers",
  snomed_identifier: "identifiers"
}

const timed = <A, E, R>(phases: Record<string, number>, phase: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const started = performance.now()
    const result = yield* effect
    phases[phase] = Math.round(performance.now() - started)
    return result
  })

/** Streams one file into `target` (its partition, or a staging table); returns its counts and the refsets it holds. */
const copyFile = (
  tx: Sql,
  releaseId: number,
  file: Rf2File,
  target: string,
  progress: (bytes: number) => void,
  conceptLines?: Map<string, ConceptReference>
) =>
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
        for await (const { fields, text, line } of reader.rows) {
          rows++
          if (fields[2] === "1") active++
          if (table === "snomed_refset_member") refsets.add(fields[4]!)
          else if (conceptLines !== undefined && table === "snomed_description" && !conceptLines.has(fields[4]!)) {
            conceptLines.set(fields[4]!, { file: file.path, line })
          }
          chunk += copyLine(file, fields, text)
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
      .copyFrom(target, copyColumns(file, reader.columns), lines())
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

/** Where a description first names a concept: the line to quote when the concept is missing. */
interface ConceptReference {
  readonly file: string
  readonly line: number
}

/** The releases' concepts: a translation's own with its base's. */
const conceptsOf = (releaseIds: ReadonlyArray<number>) =>
  sql.raw(`(select id from snomed_concept where release_id in (${releaseIds.join(", ")}))`)

/** A translation's descriptions must describe concepts it or its base has: the first that does not, by file and line. */
const missingConcept = (tx: Sql, releaseIds: ReadonlyArray<number>, references: ReadonlyMap<string, ConceptReference>) =>
  Effect.gen(function* () {
    if (references.size === 0) return
    const [row] = yield* tx.query<{ id: string }>(
      sql`select t.id::text as id from unnest(${`{${[...references.keys()].join(",")}}`}::bigint[]) with ordinality as t(id, position)
          where not exists (select 1 from ${conceptsOf(releaseIds)} c where c.id = t.id)
          order by t.position limit 1`
    )
    if (row === undefined) return
    const { file, line } = references.get(row.id)!
    return yield* new Rf2Error({
      file,
      lineNumber: line,
      detail: `the description is of concept ${row.id}, which the release it extends does not have`
    })
  })

/** Components that point at concepts the release (with its base, for a translation) does not have. */
const danglingReferences = (tx: Sql, releaseId: number, conceptReleaseIds: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    const concept = conceptsOf(conceptReleaseIds)
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

const stagingName = (table: StoreTable) => `staging_${table}`

/** A table's columns in order, with `release_id` replaced by `releaseId`: for copying rows into another release. */
const columnsAs = (tx: Sql, table: StoreTable, releaseId: number) =>
  Effect.map(
    tx.query<{ name: string }>(
      sql`select column_name as name from information_schema.columns where table_name = ${table} order by ordinal_position`
    ),
    (columns) => columns.map(({ name }) => (name === "release_id" ? String(releaseId) : `"${name}"`)).join(", ")
  )

/**
 * Full and Delta files go through staging tables: each component keeps its latest row (for Full,
 * as of `asOf`); a Delta's rows replace the base release's rows of the same components.
 */
const mergeStaged = (tx: Sql, releaseId: number, plan: { readonly asOf?: string; readonly baseId?: number }) =>
  Effect.forEach(storeTables, (table) =>
    Effect.gen(function* () {
      const partition = partitionName(table, releaseId)
      const staging = stagingName(table)
      const key = componentKey[table]
      const keyOf = (alias: string) => `(${key.replace(/(\w+)/g, `${alias}.$1`)})`
      if (plan.baseId !== undefined) {
        yield* tx.query(
          sql.raw(`insert into ${partition} select ${yield* columnsAs(tx, table, releaseId)} from ${table} b
          where b.release_id = ${plan.baseId} and not exists (select 1 from ${staging} s where ${keyOf("s")} = ${keyOf("b")})`)
        )
      }
      yield* tx.query(
        sql.raw(`insert into ${partition} select distinct on (${key}) * from ${staging}
        ${plan.asOf === undefined ? "" : `where effective_time <= '${plan.asOf}'`} order by ${key}, effective_time desc`)
      )
    })
  )

const versionDate = (uri: string) => versionUriPattern.exec(uri)?.[2] ?? ""

/**
 * The release a Delta or a translation goes on: the one `base` names, else for a Delta the newest
 * earlier release of its edition, for a translation the newest release loaded that is not itself
 * a translation (most recent load first among the same date).
 */
const baseRelease = (uri: string, base: string | undefined, what: "Delta" | "translation") =>
  Effect.gen(function* () {
    const edition = uri.replace(/\/version\/\d{8}$/, "")
    const candidates = (yield* (yield* Releases).list({ kind: "snomed" }))
      .filter(
        (release) =>
          release.status === "active" &&
          release.extendsReleaseId === null &&
          release.version !== uri &&
          (base !== undefined
            ? release.version === base
            : what === "translation" || (release.version.startsWith(`${edition}/version/`) && release.version < uri))
      )
      .toSorted((a, b) => versionDate(b.version).localeCompare(versionDate(a.version)))
    const [found] = candidates
    if (found === undefined) {
      return yield* new Rf2Error({
        file: uri,
        detail: `${what === "Delta" ? "a Delta" : "a translation"} applies to a loaded release, but ${
          base !== undefined ? `'${base}' is not` : what === "Delta" ? `no earlier release of ${edition} is` : "no SNOMED CT release is"
        } loaded`
      })
    }
    return found
  })

/** A translation package has descriptions in its language and a language reference set for them. */
const checkTranslation = (source: string, files: ReadonlyArray<Rf2File>, language: string) => {
  const inLanguage = (file: Rf2File) => file.languageCode?.toLowerCase() === language.toLowerCase()
  const missing = !files.some((file) => file.contentType === "Description" && inLanguage(file))
    ? `no Description file in '${language}' (sct2_Description_Snapshot-${language}_…)`
    : !files.some((file) => file.contentType === "Refset" && file.summary.startsWith("Language") && inLanguage(file))
      ? `no language reference set in '${language}' (der2_cRefset_LanguageSnapshot-${language}_…)`
      : undefined
  return missing === undefined
    ? Effect.void
    : Effect.fail(new Rf2Error({ file: source, detail: `this is not a translation package: ${missing}` }))
}

/** Loads the release at `source` (a zip or folder): its Snapshot, Full or Delta files. */
export const loadSnomed = (source: string, options: LoadSnomedOptions = {}) =>
  Effect.gen(function* () {
    const phases: Record<string, number> = {}
    const releaseType = options.releaseType ?? "Snapshot"
    if (options.asOf !== undefined && !/^\d{8}$/.test(options.asOf)) {
      return yield* new Rf2Error({ file: source, detail: `--as-of '${options.asOf}' is not a date (yyyymmdd)` })
    }
    const translation = options.translation
    if (translation !== undefined && releaseType !== "Snapshot") {
      return yield* new Rf2Error({ file: source, detail: "a translation is loaded from its Snapshot files" })
    }
    const pkg = yield* openPackage(source)
    const files = (yield* selectFiles(pkg, releaseType, { core: translation === undefined })).toSorted(
      (a, b) => order.indexOf(a.contentType) - order.indexOf(b.contentType) || a.path.localeCompare(b.path)
    )
    if (translation !== undefined) yield* checkTranslation(source, files, translation)
    const implied = options.uri ?? (yield* editionUri(files))
    const uri = options.asOf === undefined ? implied : implied.replace(/\d{8}$/, options.asOf)
    if (!versionUriPattern.test(uri)) {
      return yield* new Rf2Error({
        file: source,
        detail: `'${uri}' is not a SNOMED CT version URI (http://snomed.info/sct/<module>/version/<yyyymmdd>)`
      })
    }
    const base =
      releaseType === "Delta" || translation !== undefined
        ? yield* baseRelease(uri, options.base, translation !== undefined ? "translation" : "Delta")
        : undefined
    // A translation's rows are stored alone, not merged with its base's: they are served laid over it.
    const translates = translation === undefined ? undefined : base
    const staged = releaseType !== "Snapshot"
    const conceptLines = translates === undefined ? undefined : new Map<string, ConceptReference>()
    const stored = files.filter((file) => tableFor(file) !== undefined)
    const skipped = files.filter((file) => tableFor(file) === undefined).map((file) => file.path)
    const totalBytes = stored.reduce((sum, file) => sum + file.bytes, 0)
    const progress = yield* LoadProgress
    const report = Runtime.runSync(yield* Effect.runtime<never>())

    const releases = yield* Releases
    let result: Omit<SnomedLoadReport, "releaseId" | "uri" | "phases"> = { files: [], skipped, warnings: [] }
    const release = yield* releases.load(
      {
        kind: "snomed",
        codeSystem: snomedSystem,
        version: uri,
        sourceName: basename(source),
        ...(translates === undefined ? {} : { extendsReleaseId: translates.id })
      },
      (tx, releaseId) =>
        Effect.gen(function* () {
          if (translates !== undefined) yield* checkModuleDependencies(tx, files, translates)
          for (const table of storeTables) {
            // A separate table with the partition's constraint, attached at the end, so the parent is not locked during the load.
            yield* tx.query(
              sql.raw(`create table ${partitionName(table, releaseId)} (like ${table},
            check (release_id = ${releaseId}))`)
            )
            yield* tx.query(sql.raw(`alter table ${partitionName(table, releaseId)} alter column release_id set default ${releaseId}`))
            if (staged) {
              yield* tx.query(sql.raw(`create temporary table ${stagingName(table)} (like ${table}) on commit drop`))
              yield* tx.query(sql.raw(`alter table ${stagingName(table)} alter column release_id set default ${releaseId}`))
            }
          }
          let bytesBefore = 0
          const fileReports: Array<FileReport> = []
          // Of the files' names and contents, so a release has one checksum whether zipped or not.
          const digests: Array<string> = []
          yield* timed(
            phases,
            "copy",
            Effect.forEach(stored, (file) =>
              Effect.gen(function* () {
                const target = staged ? stagingName(tableFor(file)!) : partitionName(tableFor(file)!, releaseId)
                const { report: fileReport, sha256 } = yield* copyFile(
                  tx,
                  releaseId,
                  file,
                  target,
                  (bytes) =>
                    report(
                      progress.report({ phase: "load", item: file.path, done: bytesBefore + bytes, total: totalBytes, unit: "bytes" })
                    ),
                  conceptLines
                )
                bytesBefore += file.bytes
                fileReports.push(fileReport)
                digests.push(`${file.name}:${sha256}`)
              })
            )
          )
          if (staged) {
            yield* timed(
              phases,
              "merge",
              mergeStaged(tx, releaseId, {
                ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
                ...(base === undefined ? {} : { baseId: base.id })
              })
            )
            if (base !== undefined) {
              yield* tx.query(sql`insert into snomed_refset_columns select ${releaseId}, refset_id, pattern, columns, file_name
              from snomed_refset_columns where release_id = ${base.id} on conflict do nothing`)
            }
          }
          yield* timed(
            phases,
            "index",
            Effect.forEach(storeTables, (table, step) =>
              Effect.gen(function* () {
                report(progress.report({ phase: "index", item: table, done: step, total: storeTables.length, unit: "steps" }))
                const partition = partitionName(table, releaseId)
                for (const index of partitionIndexes[table]) {
                  yield* tx.query(
                    sql.raw(
                      index.startsWith("primary key")
                        ? `alter table ${partition} add ${index}`
                        : `create ${index.replace("index on", `index on ${partition}`)}`
                    )
                  )
                }
                yield* tx.query(sql.raw(`analyze ${partition}`))
                yield* tx.query(sql.raw(`alter table ${table} attach partition ${partition} for values in (${releaseId})`))
              })
            )
          )
          const conceptReleaseIds = translates === undefined ? [releaseId] : [releaseId, translates.id]
          if (conceptLines !== undefined) yield* missingConcept(tx, conceptReleaseIds, conceptLines)
          const warnings = yield* timed(phases, "check", danglingReferences(tx, releaseId, conceptReleaseIds))
          result = { files: fileReports, skipped, warnings }
          return {
            rowCounts: yield* storedCounts(tx, releaseId),
            sourceSha256: createHash("sha256").update(digests.toSorted().join("\n")).digest("hex")
          }
        })
    )
    return {
      releaseId: release.id,
      uri,
      ...(base === undefined ? {} : { base: base.version }),
      phases,
      ...result
    } satisfies SnomedLoadReport
  }).pipe(Effect.scoped)

/** Rows and active rows per kind of component in the release as stored. */
const storedCounts = (tx: Sql, releaseId: number) =>
  Effect.gen(function* () {
    const counts: Record<string, number> = {}
    for (const table of storeTables) {
      const [row] = yield* tx.query<{ rows: string; active: string }>(
        sql.raw(`select count(*)::text as rows, count(*) filter (where active)::text as active from ${partitionName(table, releaseId)}`)
      )
      counts[countName[table]] = Number(row!.rows)
      counts[`${countName[table]}.active`] = Number(row!.active)
    }
    return counts
  })
