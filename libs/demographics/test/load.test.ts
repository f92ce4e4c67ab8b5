import { describe, expect, it, layer } from "@effect/vitest"
import { Database, LoadProgress, Releases } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect, Exit, Layer } from "effect"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { AuditTrail } from "../src/Audit"
import { loadPatients } from "../src/load"
import { Patients } from "../src/Patients"
import { writePopulation } from "../../../bench/population/generate"
import { nhsNumber, patient } from "./patients"

const sampleCsv = join(import.meta.dirname, "..", "..", "..", "data", "sample", "patients", "ffynnon-sample-patients.csv")
const operator = { client: "test-loader", user: "data-team" }
const folder = mkdtempSync(join(tmpdir(), "ffynnon-patients-"))
const header = readFileSync(sampleCsv, "utf8").split("\n")[0]!

for (const kind of testDatabases) {
  describe(`bulk load of patients on ${kind.name}`, () => {
    layer(Layer.mergeAll(Patients.Default, AuditTrail.Default, Releases.Default).pipe(Layer.provideMerge(freshDatabaseLayer(kind))))(
      (it) => {
        it.effect("loads the sample CSV, searchable at once, and refuses the same file twice", () =>
          Effect.gen(function* () {
            const database = yield* Database
            const schema = database.query<{ definition: string }>(
              sql`select indexdef as definition from pg_indexes where tablename like 'patient%'
                union all select conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where conrelid::regclass::text like 'patient%'
                order by 1`
            )
            const before = yield* schema
            expect(before.length).toBeGreaterThan(10)
            // A first load of 10,000 lines or more, interrupted at its first progress report (two batches in,
            // indexes dropped): the schema is as it was.
            const csv = join(folder, `${kind.name}-first.csv`)
            yield* Effect.promise(() => writePopulation(csv, 12_000, "csv", 4, 999_600_000))
            const interruptAtReport = Layer.succeed(LoadProgress, { report: () => Effect.interrupt })
            const interrupted = yield* Effect.exit(loadPatients(csv, { actor: operator }).pipe(Effect.provide(interruptAtReport)))
            expect(Exit.isInterrupted(interrupted)).toBe(true)
            expect(yield* schema).toEqual(before)
            // Loaded whole, its rows are copied in frozen: its pages all-visible, as a vacuum leaves them.
            expect((yield* loadPatients(csv, { actor: operator })).loaded).toBe(12_000)
            expect(yield* schema).toEqual(before)
            const visibility = yield* database.query<{ table: string; pages: number; visible: number }>(
              sql`select relname as table, relpages as pages, relallvisible as visible from pg_class
                where relname in ('patient', 'patient_version', 'patient_key', 'patient_match_key') order by relname`
            )
            // Without it none would be until a vacuum; with it most (PGlite's newer PostgreSQL extends a
            // table several pages at a time and leaves those not yet filled unmarked).
            expect(visibility.map(({ table, pages, visible }) => [table, pages > 0 && visible > pages / 2])).toEqual([
              ["patient", true],
              ["patient_key", true],
              ["patient_match_key", true],
              ["patient_version", true]
            ])
            const report = yield* loadPatients(sampleCsv, { actor: operator, rejectsFile: join(folder, `${kind.name}-sample.tsv`) })
            expect([report.loaded, report.rejected]).toEqual([12, 0])
            expect(yield* schema).toEqual(before)
            const found = yield* (yield* Patients).search(
              operator,
              { family: ["jones"], postalCode: ["CF10 1AA"] },
              { count: 10, offset: 0 },
              ""
            )
            expect(found.total).toBe(4)
            const twin = found.patients.find((patient) => patient.name?.[0]?.given?.[0] === "Gwenllian")!
            expect(twin).toMatchObject({
              gender: "female",
              birthDate: "2012-06-20",
              generalPractitioner: [{ identifier: { value: "W97001" } }]
            })
            expect((yield* (yield* AuditTrail).forEntity(`Patient/${twin.id}`, { count: 5, offset: 0 })).events.at(-1)).toMatchObject({
              entity: expect.arrayContaining([
                { what: { reference: `Patient/${twin.id}` }, description: "bulk load of ffynnon-sample-patients.csv" }
              ])
            })
            expect((yield* Effect.flip(loadPatients(sampleCsv, { actor: operator })))._tag).toBe("ReleaseAlreadyLoaded")
          })
        )

        it.effect("rejects bad lines with their reasons and loads the rest", () =>
          Effect.gen(function* () {
            const csv = join(folder, `${kind.name}-bad.csv`)
            const good = `${nhsNumber(920000001)},,,,,Aled,Roberts,male,1970-01-01,,"Fflat 2\\B, ""Tŷ Gwyn""",,,,LL11 1AA,,,,,,,`
            writeFileSync(
              csv,
              [
                header,
                good,
                `9990000018,,,,,Already,Loaded,female,1978-03-14,,,,,,,,,,,,,`,
                `1234567890,,,,,Bad,Number,male,1970-01-01,,,,,,,,,,,,,`,
                `${nhsNumber(920000100)},,,,,Bad,Date,female,1970-02-30,,,,,,,,,,,,,`,
                `${nhsNumber(920000200)},,,,,Missing,Column`,
                good.replace("Aled", "Aled-again")
              ].join("\n")
            )
            const rejectsFile = join(folder, `${kind.name}-bad.tsv`)
            const report = yield* loadPatients(csv, { actor: operator, rejectsFile })
            expect([report.loaded, report.rejected]).toEqual([1, 5])
            const [aled] = (yield* (yield* Patients).search(
              operator,
              { identifier: [{ value: nhsNumber(920000001) }] },
              { count: 1, offset: 0 },
              ""
            )).patients
            expect(aled?.address?.[0]?.line).toEqual(['Fflat 2\\B, "Tŷ Gwyn"'])
            const rejects = readFileSync(rejectsFile, "utf8").trim().split("\n")
            // In line order, those found in the file and those the store holds alike.
            expect(rejects).toEqual([
              expect.stringMatching(/^3\tNHS number 9990000018 already belongs to a patient in the index$/),
              expect.stringMatching(/^4\tPatient.identifier\[0\].value: .*not a valid NHS number/),
              expect.stringMatching(/^5\tPatient.birthDate: .*not a real date/),
              expect.stringMatching(/^6\tthe row has 7 fields, the header 22$/),
              expect.stringMatching(/^7\tNHS number \d+ is on an earlier line of this file$/)
            ])
          })
        )

        it.effect("interrupted mid-file (after batches were written), leaves none of its patients and records the attempt", () =>
          Effect.gen(function* () {
            const csv = join(folder, `${kind.name}-large.csv`)
            yield* Effect.promise(() => writePopulation(csv, 12_000, "csv", 3, 999_500_000))
            const database = yield* Database
            const count = Effect.map(database.query<{ n: number }>(sql`select count(*)::int as n from patient`), ([row]) => row!.n)
            const before = yield* count
            // The first progress report comes after 10,000 lines, two batches already written in the transaction.
            const interruptAtFirstReport = Layer.succeed(LoadProgress, { report: () => Effect.interrupt })
            const exit = yield* Effect.exit(loadPatients(csv, { actor: operator }).pipe(Effect.provide(interruptAtFirstReport)))
            expect(Exit.isInterrupted(exit)).toBe(true)
            expect(yield* count).toBe(before)
            const [attempt] = yield* (yield* Releases).list({ kind: "patients" })
            expect(attempt).toMatchObject({ status: "failed", error: "interrupted", sourceName: `${kind.name}-large.csv` })
          })
        )

        it.effect("loads FHIR NDJSON, and stops on a file it cannot read as patients", () =>
          Effect.gen(function* () {
            const ndjson = join(folder, `${kind.name}.ndjson`)
            writeFileSync(
              ndjson,
              [JSON.stringify(patient({}, nhsNumber(920000300))), "{not json", JSON.stringify({ resourceType: "Observation" })].join("\n")
            )
            const report = yield* loadPatients(ndjson, { actor: operator, rejectsFile: join(folder, `${kind.name}-ndjson.tsv`) })
            expect([report.loaded, report.rejected]).toEqual([1, 2])
            const headless = join(folder, `${kind.name}-headless.csv`)
            writeFileSync(headless, "nhs_number,surname\n1,2\n")
            expect((yield* Effect.flip(loadPatients(headless, { actor: operator }))).message).toMatch(
              /the header has no family, given, gender, birth_date column/
            )
          })
        )
      }
    )
  })
}

describe("patient files", () => {
  it("the sample CSV has the documented header", () => {
    expect(header.split(",")).toHaveLength(22)
  })
})
