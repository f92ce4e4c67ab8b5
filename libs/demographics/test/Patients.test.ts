import { describe, expect, it, layer } from "@effect/vitest"
import { Database } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect, Either, Layer } from "effect"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { AuditTrail } from "../src/Audit"
import { checkPatient } from "../src/Patient"
import { Patients } from "../src/Patients"
import { nhsNumber, patient } from "./patients"

const clinician = { client: "test-epr", user: "dr-evans", purpose: "TREAT" }
const page = { count: 10, offset: 0 }

const problem = (resource: unknown) =>
  Either.match(checkPatient(resource, "2026-11-30"), { onLeft: (error) => `${error.expression}: ${error.message}`, onRight: () => "valid" })

describe("checkPatient", () => {
  it("names the element at fault", () => {
    expect(problem(patient())).toBe("valid")
    expect(problem(patient({ birthDate: "1990-02-30" }))).toMatch(/^Patient.birthDate: .*not a real date/)
    expect(problem(patient({ birthDate: "2030-01-01" }))).toMatch(/in the future/)
    expect(problem(patient({ gender: "F" }))).toMatch(/^Patient.gender: .*not one of/)
    expect(problem(patient({}, "9434765918"))).toMatch(/^Patient.identifier\[0\].value: .*not a valid NHS number/)
    expect(problem(patient({ deceasedDateTime: "1970-01-01" }))).toMatch(/before the birth date/)
    expect(problem(patient({ name: [{ family: "Jones", period: { start: "2010-01-01", end: "2009-01-01" } }] }))).toMatch(
      /^Patient.name\[0\].period: .*ends before it starts/
    )
    expect(problem({ resourceType: "Observation" })).toMatch(/^Patient.resourceType/)
  })
})

const it_ = (kind: (typeof testDatabases)[number]) =>
  layer(Patients.Default.pipe(Layer.provideMerge(AuditTrail.Default), Layer.provideMerge(freshDatabaseLayer(kind))))

for (const kind of testDatabases) {
  describe(`the patient index on ${kind.name}`, () => {
    it_(kind)((it) => {
      it.effect("creates, reads, updates against a version, and keeps every version", () =>
        Effect.gen(function* () {
          const patients = yield* Patients
          const { patient: created } = yield* patients.create(clinician, patient({}, nhsNumber(900000001)))
          expect(created.meta.versionId).toBe("1")
          expect(yield* patients.read(clinician, created.id)).toEqual(created)
          const { patient: updated } = yield* patients.update(clinician, created.id, { ...created, gender: "other" }, { ifMatch: 1 })
          expect(updated.meta.versionId).toBe("2")
          const conflict = yield* Effect.flip(patients.update(clinician, created.id, created, { ifMatch: 1 }))
          expect(conflict._tag).toBe("VersionConflict")
          expect((yield* patients.vread(clinician, created.id, 1)).gender).toBe("female")
          expect((yield* patients.history(clinician, created.id)).map((version) => version.meta.versionId)).toEqual(["2", "1"])
          expect((yield* Effect.flip(patients.vread(clinician, created.id, 3)))._tag).toBe("PatientNotFound")
        })
      )

      it.effect("refuses a second live record with the same NHS number, and a conditional create finds the first", () =>
        Effect.gen(function* () {
          const patients = yield* Patients
          const nhs = nhsNumber(900000100)
          const { patient: first } = yield* patients.create(clinician, patient({}, nhs))
          const duplicate = yield* Effect.flip(patients.create(clinician, patient({}, nhs)))
          expect(duplicate._tag).toBe("DuplicateNhsNumber")
          const again = yield* patients.create(clinician, patient({}, nhs), {
            ifNoneExist: { identifier: [{ system: "https://fhir.nhs.uk/Id/nhs-number", value: nhs }] }
          })
          expect(again).toEqual({ patient: first, created: false })
        })
      )

      it.effect("searches by names of every period, postcode, practice, birth date and identifier; strings are matched as data", () =>
        Effect.gen(function* () {
          const patients = yield* Patients
          const nhs = nhsNumber(900000200)
          const { patient: created } = yield* patients.create(
            clinician,
            patient({ name: [{ family: "ap Rhys-Llewelyn", given: ["Owain"] }] }, nhs)
          )
          const ids = (search: Parameters<typeof patients.search>[1]) =>
            Effect.map(patients.search(clinician, search, page, ""), (found) => found.patients.map((found) => found.id))
          expect(yield* ids({ family: ["llew"], given: ["OWA"] })).toEqual([created.id])
          expect(yield* ids({ name: ["rhys"], postalCode: ["SY231DE"], generalPractitioner: ["W97001"] })).toEqual([created.id])
          expect(
            yield* ids({
              identifier: [{ value: nhs }],
              birthdate: [
                { prefix: "ge", value: "1978" },
                { prefix: "le", value: "1978-03-14" }
              ]
            })
          ).toEqual([created.id])
          expect(yield* ids({ identifier: [{ value: nhs }], birthdate: [{ prefix: "eq", value: "1979" }] })).toEqual([])
          expect(yield* ids({ family: ["%"] })).toEqual([])
          expect(yield* ids({ family: ["x'; drop table patient; --"] })).toEqual([])
          expect(yield* ids({ identifier: [{ value: nhs }], gender: ["female"] })).toEqual([created.id])
        })
      )

      it.effect("merges a record into another and unmerges it, keeping both", () =>
        Effect.gen(function* () {
          const patients = yield* Patients
          const nhs = nhsNumber(900000300)
          const { patient: source } = yield* patients.create(clinician, patient({}, nhs))
          const { patient: target } = yield* patients.create(clinician, patient({}, undefined))
          const merged = yield* patients.merge(clinician, source.id, target.id, "duplicate registration")
          expect(merged.source.link).toEqual([{ type: "replaced-by", other: { reference: `Patient/${target.id}` } }])
          expect(merged.source.active).toBe(false)
          expect(merged.target.link).toEqual([{ type: "replaces", other: { reference: `Patient/${source.id}` } }])
          // The NHS number is free for the survivor once its holder is merged away.
          yield* patients.update(clinician, target.id, { ...merged.target, identifier: source.identifier })
          expect((yield* Effect.flip(patients.merge(clinician, source.id, target.id, "again")))._tag).toBe("MergeRefused")
          const search = yield* patients.search(clinician, { identifier: [{ value: nhs }] }, page, "")
          expect(search.patients.map((found) => found.id)).toEqual([target.id])
          // Both now hold the number: the unmerge must not make two live records share it.
          expect((yield* Effect.flip(patients.unmerge(clinician, source.id, "wrong merge")))._tag).toBe("DuplicateNhsNumber")
          yield* patients.update(clinician, target.id, { ...(yield* patients.read(clinician, target.id)), identifier: [] })
          const unmerged = yield* patients.unmerge(clinician, source.id, "wrong merge")
          expect(unmerged.source.link).toBeUndefined()
          expect(unmerged.source.active).toBe(true)
          expect(unmerged.target.link).toBeUndefined()
        })
      )

      it.effect("audits every access in a hash chain that detects a changed or removed row", () =>
        Effect.gen(function* () {
          const patients = yield* Patients
          const audit = yield* AuditTrail
          const database = yield* Database
          const { patient: created } = yield* patients.create(clinician, patient({}, nhsNumber(900000400)))
          yield* patients.read({ client: "other-app" }, created.id)
          yield* Effect.flip(patients.update(clinician, created.id, { ...created, birthDate: "1990-13-01" }))
          const { events } = yield* audit.forEntity(`Patient/${created.id}`, page)
          expect(events.slice(0, 3).map((event) => [event.subtype, event.outcome])).toEqual([
            [[{ system: "http://hl7.org/fhir/restful-interaction", code: "update" }], "4"],
            [[{ system: "http://hl7.org/fhir/restful-interaction", code: "read" }], "0"],
            [[{ system: "http://hl7.org/fhir/restful-interaction", code: "create" }], "0"]
          ])
          expect(events[2]).toMatchObject({ agent: [{ who: { identifier: { value: "dr-evans" } }, altId: "test-epr" }] })
          // Concurrent reads and writes share the chain (reads by group commit): it stays one unbroken line.
          yield* Effect.all(
            Array.from({ length: 30 }, (_, n) =>
              n % 3 === 0 ? patients.update(clinician, created.id, { ...created, gender: "unknown" }) : patients.read(clinician, created.id)
            ),
            { concurrency: 10 }
          )
          // The database hashes the UTF-8 bytes of the text, as verify does: accents and characters beyond 16 bits too.
          yield* patients.read({ client: "test-epr", user: "Siân Ŵyn 🏴" }, created.id)
          expect(yield* audit.verify).toEqual({
            rows: (yield* database.query<{ n: number }>(sql`select count(*)::int as n from audit_event`))[0]!.n
          })

          // The table refuses changes; someone who can disable the trigger is still found out.
          const refused = yield* Effect.flip(database.query(sql`delete from audit_event`))
          expect(refused.message).toMatch(/append-only/)
          yield* database.query(sql`alter table audit_event disable trigger audit_event_no_change`)
          const [second] = yield* database.query<{ seq: string }>(sql`select seq::text from audit_event where event like '%other-app%'`)
          yield* database.query(sql`update audit_event set event = replace(event, 'other-app', 'someone-else') where seq = ${second!.seq}`)
          expect((yield* audit.verify).broken).toMatchObject({ seq: Number(second!.seq), reason: expect.stringMatching(/changed/) })
          yield* database.query(sql`delete from audit_event where seq = ${second!.seq}`)
          expect((yield* audit.verify).broken?.reason).toMatch(/removed/)
          yield* database.query(sql`alter table audit_event enable trigger audit_event_no_change`)
        })
      )
    })
  })
}
