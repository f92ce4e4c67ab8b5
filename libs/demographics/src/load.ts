/**
 * Bulk load of patients (`ffynnon load patients <file>`): a CSV extract (the column mapping in
 * docs/demographics.md) or FHIR NDJSON (one Patient a line). Every row is checked as an API
 * write is; a row that fails goes to the rejects file with its line and reason and the rest
 * load. The load is one transaction through `Releases.load` (kind `patients`, version the
 * file's SHA-256, so the same file is not loaded twice): a crash or failure leaves no patient
 * of it written. Each batch of records is audited as one event naming them.
 */
import { LoadProgress, Releases, withIndexesBuiltAfter, type Sql } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Data, Effect, Either } from "effect"
import { parse } from "fast-csv"
import { createHash } from "node:crypto"
import { createReadStream, createWriteStream, type WriteStream } from "node:fs"
import { basename, extname } from "node:path"
import { createInterface } from "node:readline"
import { AuditTrail, type Actor } from "./Audit"
import { nhsNumberSystem } from "./NhsNumber"
import {
  checkPatient,
  nhsNumberOf,
  nhsNumberVerificationStatusSystem,
  nhsNumberVerificationStatusUrl,
  odsOrganisationSystem,
  type PatientResource
} from "./Patient"
import { insertNewPatients } from "./Patients"

/** A file that cannot be loaded at all (unknown format, a CSV header without a required column). */
export class PatientLoadError extends Data.TaggedError("PatientLoadError")<{ readonly message: string }> {}

export interface PatientLoadReport {
  readonly releaseId: number
  readonly source: string
  readonly loaded: number
  readonly rejected: number
  readonly rejectsFile: string
  readonly elapsedMs: number
}

/** The CSV columns read, in the documented order; the required ones must be in the header. */
export const csvColumns = [
  "nhs_number",
  "nhs_number_verification_status",
  "local_id",
  "local_id_system",
  "title",
  "given",
  "family",
  "gender",
  "birth_date",
  "deceased_date",
  "address_line1",
  "address_line2",
  "address_line3",
  "city",
  "postcode",
  "address_from",
  "phone",
  "mobile",
  "email",
  "gp_ods",
  "language",
  "interpreter_required"
] as const
const requiredColumns = ["family", "given", "gender", "birth_date"]

type CsvRow = Partial<Record<(typeof csvColumns)[number], string>>

const yes = new Set(["true", "y", "yes", "1"])
const genderCodes: Record<string, string> = {
  m: "male",
  f: "female",
  u: "unknown",
  male: "male",
  female: "female",
  other: "other",
  unknown: "unknown"
}

/** The Patient a CSV row describes (see docs/demographics.md for the mapping). */
export const patientFromCsv = (row: CsvRow): Record<string, unknown> => {
  const present = (value: string | undefined) => (value === undefined || value === "" ? undefined : value)
  const lines = [row.address_line1, row.address_line2, row.address_line3].flatMap((line) => (present(line) === undefined ? [] : [line!]))
  const address = {
    use: "home",
    ...(lines.length > 0 ? { line: lines } : {}),
    ...(present(row.city) === undefined ? {} : { city: row.city }),
    ...(present(row.postcode) === undefined ? {} : { postalCode: row.postcode }),
    ...(present(row.address_from) === undefined ? {} : { period: { start: row.address_from } })
  }
  const telecom = [
    ...(present(row.phone) === undefined ? [] : [{ system: "phone", value: row.phone, use: "home" }]),
    ...(present(row.mobile) === undefined ? [] : [{ system: "phone", value: row.mobile, use: "mobile" }]),
    ...(present(row.email) === undefined ? [] : [{ system: "email", value: row.email }])
  ]
  const nhs = present(row.nhs_number)?.replace(/\s+/g, "")
  const status = present(row.nhs_number_verification_status)
  return {
    resourceType: "Patient",
    identifier: [
      ...(nhs === undefined
        ? []
        : [
            {
              system: nhsNumberSystem,
              value: nhs,
              ...(status === undefined
                ? {}
                : {
                    extension: [
                      {
                        url: nhsNumberVerificationStatusUrl,
                        valueCodeableConcept: { coding: [{ system: nhsNumberVerificationStatusSystem, code: status.padStart(2, "0") }] }
                      }
                    ]
                  })
            }
          ]),
      ...(present(row.local_id) === undefined
        ? []
        : [{ ...(present(row.local_id_system) === undefined ? {} : { system: row.local_id_system }), value: row.local_id }])
    ],
    name: [
      {
        use: "official",
        ...(present(row.family) === undefined ? {} : { family: row.family }),
        ...(present(row.given) === undefined ? {} : { given: row.given!.split(/\s+/) }),
        ...(present(row.title) === undefined ? {} : { prefix: [row.title] })
      }
    ],
    ...(present(row.gender) === undefined ? {} : { gender: genderCodes[row.gender!.toLowerCase()] ?? row.gender }),
    ...(present(row.birth_date) === undefined ? {} : { birthDate: row.birth_date }),
    ...(present(row.deceased_date) === undefined ? {} : { deceasedDateTime: row.deceased_date }),
    ...(Object.keys(address).length > 1 ? { address: [address] } : {}),
    ...(telecom.length > 0 ? { telecom } : {}),
    ...(present(row.gp_ods) === undefined
      ? {}
      : { generalPractitioner: [{ identifier: { system: odsOrganisationSystem, value: row.gp_ods } }] }),
    ...(present(row.language) === undefined
      ? {}
      : { communication: [{ language: { coding: [{ system: "urn:ietf:bcp:47", code: row.language }] }, preferred: true }] }),
    ...(present(row.interpreter_required) === undefined
      ? {}
      : {
          extension: [
            {
              url: "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
              valueBoolean: yes.has(row.interpreter_required!.toLowerCase())
            }
          ]
        })
  }
}

/** One row of the file: the resource it describes, or why it has none. */
type Row = { readonly line: number } & ({ readonly resource: unknown } | { readonly problem: string })

/** Rows checked and ready to write, and the lines refused. */
interface Batch {
  readonly records: Array<{ readonly line: number; readonly id: string; readonly resource: PatientResource }>
  readonly rejects: Array<{ readonly line: number; readonly reason: string }>
}

async function* csvRows(path: string): AsyncGenerator<Row> {
  let header: ReadonlyArray<string> | undefined
  let line = 0
  for await (const fields of createReadStream(path).pipe(parse({ headers: false, ignoreEmpty: true, trim: true })) as AsyncIterable<
    Array<string>
  >) {
    line++
    if (header === undefined) {
      header = fields.map((name) => name.toLowerCase())
      const missing = requiredColumns.filter((name) => !header!.includes(name))
      if (missing.length > 0)
        throw new PatientLoadError({
          message: `${path}: the header has no ${missing.join(", ")} column (see docs/demographics.md for the columns).`
        })
      continue
    }
    if (fields.length !== header.length) {
      yield { line, problem: `the row has ${fields.length} fields, the header ${header.length}` }
      continue
    }
    yield { line, resource: patientFromCsv(Object.fromEntries(header.map((name, index) => [name, fields[index]]))) }
  }
}

async function* ndjsonRows(path: string): AsyncGenerator<Row> {
  let line = 0
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line++
    if (text.trim() === "") continue
    try {
      yield { line, resource: JSON.parse(text) }
    } catch {
      yield { line, problem: "the line is not valid JSON" }
    }
  }
}

/** The file's SHA-256 and its number of lines. */
const fileFacts = (path: string) =>
  Effect.tryPromise({
    try: async () => {
      const hash = createHash("sha256")
      let lines = 0
      for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
        hash.update(chunk)
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++
      }
      return { sha256: hash.digest("hex"), lines }
    },
    catch: (error) => new PatientLoadError({ message: `Cannot read ${path}: ${String(error)}` })
  })

// Each batch is five COPY statements (and a lookup of held NHS numbers): larger batches start
// fewer (see docs/benchmarks.md, 3 December).
const batchSize = 5000

// Below this many lines a first load keeps the indexes: building them over a handful of rows
// gains nothing, and leaves the planner statistics of a tiny table, which make a session's cached
// plans (the foreign key checks) scan the table when the next load grows it.
const firstLoadMinLines = 10_000

/** The tables a patient's rows go to. */
const patientTables = ["patient", "patient_version", "patient_key", "patient_match_key", "patient_match_record"]

const indexEmpty = (tx: Sql) =>
  Effect.map(tx.query<{ empty: boolean }>(sql`select not exists (select from patient) as empty`), ([row]) => row!.empty)

const lockPatientTables = (tx: Sql) => tx.query(sql.raw(`lock table ${patientTables.join(", ")} in access exclusive mode`))

/**
 * Loads the patients of a CSV or NDJSON file in one transaction, writing the rejected lines
 * (`line<TAB>reason`) to `rejectsFile` (default `<file>.rejects.tsv`, made only when a line is
 * rejected). `actor` is who is loading, for the audit.
 */
export const loadPatients = (path: string, options: { readonly rejectsFile?: string; readonly actor: Actor }) =>
  Effect.gen(function* () {
    const started = performance.now()
    const format = extname(path).toLowerCase()
    const rows = format === ".csv" ? csvRows : format === ".ndjson" || format === ".jsonl" ? ndjsonRows : undefined
    if (rows === undefined)
      return yield* new PatientLoadError({ message: `${path}: a patient file is .csv or .ndjson (FHIR Patients, one a line).` })
    const { sha256, lines } = yield* fileFacts(path)
    const rejectsFile = options.rejectsFile ?? `${path}.rejects.tsv`
    const progress = yield* LoadProgress
    const audit = yield* AuditTrail
    const today = new Date().toISOString().slice(0, 10)

    // Made at the first reject, so a clean load leaves no empty file behind.
    let rejects: WriteStream | undefined
    let rejected = 0
    const reject = (line: number, reason: string) => {
      rejected++
      rejects ??= createWriteStream(rejectsFile)
      rejects.write(`${line}\t${reason.replace(/[\t\n]/g, " ")}\n`)
    }

    const write = (tx: Sql) =>
      Effect.gen(function* () {
        // A first load (of 10,000 lines or more) into an empty index builds the tables' indexes after the rows are in (see
        // withIndexesBuiltAfter). The lock keeps anyone else from writing meanwhile, so no NHS
        // number can be held by a record outside the file.
        const initial =
          lines >= firstLoadMinLines && (yield* indexEmpty(tx)) && (yield* Effect.zipRight(lockPatientTables(tx), indexEmpty(tx)))
        if (!initial) return yield* rowsInto(tx, false)
        // Emptied in this transaction (they hold nothing; match_duplicate refers to patient), so
        // the rows are copied in frozen (see CopyOptions.freeze): no vacuum needed before $match
        // and searches read the keys by index-only scans.
        yield* tx.query(sql.raw(`truncate ${[...patientTables, "match_duplicate"].join(", ")}`))
        return yield* withIndexesBuiltAfter(tx, patientTables, rowsInto(tx, true))
      })

    const rowsInto = (tx: Sql, initial: boolean) =>
      Effect.gen(function* () {
        const seen = new Set<string>()
        let loaded = 0
        // One AuditEvent a batch, appended when the rows are all in: the append holds the audit
        // chain's lock until the load commits, and every other request waits for that lock.
        const audited: Array<ReadonlyArray<string>> = []
        /** Writes a batch's records; its rejected lines, with those whose NHS number the store holds, go out in line order. */
        const flush = ({ records, rejects }: Batch) =>
          Effect.gen(function* () {
            // NHS numbers already held by a live record in the store.
            const numbers = initial ? [] : records.flatMap(({ resource }) => nhsNumberOf(resource) ?? [])
            const held = new Set(
              numbers.length === 0
                ? []
                : (yield* tx.query<{ nhs_number: string }>(
                    sql`select nhs_number from patient where replaced_by is null and nhs_number in (${sql.join(
                      numbers.map((number) => sql`${number}`),
                      sql`, `
                    )})`
                  )).map((row) => row.nhs_number)
            )
            const accepted = records.filter(({ line, resource }) => {
              const number = nhsNumberOf(resource)
              const refused = number !== undefined && held.has(number)
              if (refused) rejects.push({ line, reason: `NHS number ${number} already belongs to a patient in the index` })
              return !refused
            })
            for (const { line, reason } of rejects.toSorted((a, b) => a.line - b.line)) reject(line, reason)
            const written = yield* insertNewPatients(tx, accepted, { freeze: initial })
            if (written.length > 0) audited.push(written.map((patient) => patient.id))
            loaded += written.length
          })
        const iterator = rows(path)[Symbol.asyncIterator]()
        // A batch's rows are read in one promise, not an effect a row.
        const nextRows = Effect.tryPromise({
          try: async () => {
            const read: Array<Row> = []
            while (read.length < batchSize) {
              const next = await iterator.next()
              if (next.done) break
              read.push(next.value)
            }
            return read
          },
          catch: (error) => (error instanceof PatientLoadError ? error : new PatientLoadError({ message: `${path}: ${String(error)}` }))
        })
        let lastReport = 0
        for (;;) {
          const read = yield* nextRows
          if (read.length === 0) break
          const batch: Batch = { records: [], rejects: [] }
          for (const row of read) {
            if ("problem" in row) {
              batch.rejects.push({ line: row.line, reason: row.problem })
              continue
            }
            const checked = checkPatient(row.resource, today)
            if (Either.isLeft(checked)) {
              batch.rejects.push({ line: row.line, reason: `${checked.left.expression}: ${checked.left.message}` })
              continue
            }
            const number = nhsNumberOf(checked.right)
            if (number !== undefined && seen.has(number)) {
              batch.rejects.push({ line: row.line, reason: `NHS number ${number} is on an earlier line of this file` })
              continue
            }
            if (number !== undefined) seen.add(number)
            batch.records.push({ line: row.line, id: crypto.randomUUID(), resource: checked.right })
          }
          yield* flush(batch)
          const line = read.at(-1)!.line
          if (line - lastReport >= 10_000) {
            lastReport = line
            yield* progress.report({ phase: "loading", item: basename(path), done: line, unit: "rows" })
          }
        }
        // Two batches' events a statement: each names up to 5,000 records.
        for (let start = 0; start < audited.length; start += 2) {
          yield* audit.appendAllIn(
            tx,
            audited.slice(start, start + 2).map((ids) => ({
              actor: options.actor,
              entry: {
                interaction: "create",
                entities: ids.map((id) => `Patient/${id}`),
                outcome: "0",
                description: `bulk load of ${basename(path)}`
              }
            }))
          )
        }
        yield* progress.report({ phase: "loading", item: basename(path), done: loaded + rejected, total: loaded + rejected, unit: "rows" })
        return { rowCounts: { patients: loaded, rejected }, sourceSha256: sha256 }
      })

    const release = yield* (yield* Releases)
      .load({ kind: "patients", codeSystem: "urn:ffynnon:patients", version: sha256, sourceName: basename(path) }, write)
      .pipe(
        Effect.ensuring(Effect.promise(() => new Promise<void>((resolve) => (rejects === undefined ? resolve() : rejects.end(resolve)))))
      )
    return {
      releaseId: release.id,
      source: path,
      loaded: release.rowCounts.patients ?? 0,
      rejected: release.rowCounts.rejected ?? 0,
      rejectsFile,
      elapsedMs: Math.round(performance.now() - started)
    } satisfies PatientLoadReport
  })
