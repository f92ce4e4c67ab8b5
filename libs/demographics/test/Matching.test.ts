/**
 * What `$match` keeps in the database: the matching keys and record of every live record, written
 * with each create, update, merge, unmerge and load in the same transaction (and added at start for
 * records stored before they existed), and the stored models with one active.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Database } from "@ffynnon/db"
import {
  BlockingIndex,
  defaultModel,
  MAX_BLOCK,
  MAX_CANDIDATES,
  preparePerson,
  syntheticPopulation,
  termFrequencies
} from "@ffynnon/matching"
import { sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { AuditTrail } from "../src/Audit"
import { dedupe } from "../src/Dedupe"
import { matchKeysOf, personFromStored, personOf } from "../src/MatchKeys"
import { candidates, OversizedKeys, PatientMatcher, PreparedRecords, termFrequencyCounts } from "../src/Matcher"
import { MatchModels } from "../src/MatchModels"
import type { PatientResource } from "../src/Patient"
import { insertNewPatients, Patients, type StoredPatient } from "../src/Patients"
import { nhsNumber, patient } from "./patients"

const clinician = { client: "test-epr", user: "dr-evans" }

const storedKeys = (id: string) =>
  Effect.flatMap(Database, (database) =>
    Effect.map(database.query<{ key: string }>(sql`select key from patient_match_key where patient_id = ${id} order by key`), (rows) =>
      rows.map((row) => row.key)
    )
  )

const expectedKeys = (stored: StoredPatient) => matchKeysOf(preparePerson(personOf(stored.id, stored))).sort()

/** A record's keys and stored `Person` (none when it has no `patient_match_record` row). */
const storedMatchData = (id: string) =>
  Effect.gen(function* () {
    const database = yield* Database
    const records = yield* database.query<{ version_id: number; person: string }>(
      sql`select version_id, person from patient_match_record where patient_id = ${id}`
    )
    const record = records[0]
    return {
      keys: yield* storedKeys(id),
      version: record?.version_id,
      person: record === undefined ? undefined : personFromStored(id, record.person)
    }
  })

const expectedMatchData = (stored: StoredPatient) => ({
  keys: expectedKeys(stored),
  version: Number(stored.meta.versionId),
  person: personOf(stored.id, stored)
})

const noMatchData = { keys: [], version: undefined, person: undefined }

const request = (resource: Record<string, unknown>) => ({ resource: resource as PatientResource, count: 10, onlyCertainMatches: false })

const it_ = (kind: (typeof testDatabases)[number]) =>
  layer(
    Layer.mergeAll(Patients.Default, PatientMatcher.Default, MatchModels.Default).pipe(
      Layer.provideMerge(AuditTrail.Default),
      Layer.provideMerge(freshDatabaseLayer(kind))
    )
  )

describe("PreparedRecords", () => {
  it("prepares a version once, a new version afresh, and keeps at most its capacity", () => {
    const cache = new PreparedRecords(2)
    const person = () => personOf("a", patient() as PatientResource)
    const first = cache.get("a", 1, person)
    expect(first).toEqual(preparePerson(person()))
    expect(cache.get("a", 1, person)).toBe(first)
    expect(cache.get("a", 2, person)).not.toBe(first)
    cache.get("b", 1, person)
    // "a/1" was the least recently used of three: it is prepared again.
    expect(cache.get("a", 1, person)).not.toBe(first)
  })
})

for (const kind of testDatabases) {
  describe(`matching keys and models on ${kind.name}`, () => {
    it_(kind)((it) => {
      it.effect("writes a record's keys and record with every write, and none for a merged record", () =>
        Effect.gen(function* () {
          const patients = yield* Patients
          const { patient: source } = yield* patients.create(clinician, patient({}, nhsNumber(910000001)))
          expect(yield* storedMatchData(source.id)).toEqual(expectedMatchData(source))
          const keys = yield* storedKeys(source.id)
          expect(keys).toContain("birth-date:19780314")
          expect(keys).toContain("names-either-order:jones|sian")
          // The maiden name and the old address are keys too: a query by them finds the record.
          expect(keys).toContain("surname-forename-initial:pritchard|s")
          expect(keys).toContain("postcode:SY23 1DE")
          expect(keys).toContain("tf:surname:jones")
          // The hospital number, with its issuer.
          expect(keys).toContain("local-identifier:https://fhir.cardiffandvale.wales.nhs.uk/Id/hospital-number|C123456")
          const matcher = yield* PatientMatcher
          const answer = yield* matcher.match(
            clinician,
            request({ identifier: source.identifier, name: [{ family: "Jones", given: ["Sian"] }], birthDate: "1978-03-14" })
          )
          expect(answer.matches[0]?.score.comparisons.find((comparison) => comparison.comparison === "localIdentifier")?.level).toBe(
            "exact"
          )

          const { patient: updated } = yield* patients.update(clinician, source.id, { ...source, birthDate: "1978-04-14" })
          expect(yield* storedMatchData(source.id)).toEqual(expectedMatchData(updated))
          expect(yield* storedKeys(source.id)).not.toContain("birth-date:19780314")

          const { patient: target } = yield* patients.create(
            clinician,
            patient({ name: [{ family: "Evans", given: ["Dafydd"] }] }, nhsNumber(910000002))
          )
          yield* patients.merge(clinician, source.id, target.id, "duplicate")
          expect(yield* storedMatchData(source.id)).toEqual(noMatchData)
          expect(yield* storedKeys(target.id)).toContain("names-either-order:dafydd|evans")
          const { source: restored } = yield* patients.unmerge(clinician, source.id, "not the same person")
          expect(yield* storedMatchData(source.id)).toEqual(expectedMatchData(restored))
        })
      )

      it.effect("writes the keys and records of a load, and finds the loaded records by them", () =>
        Effect.gen(function* () {
          const database = yield* Database
          const people = syntheticPopulation({ people: 40, seed: 3 }).index.slice(0, 40)
          const resources = people.map((person) => ({
            id: `load-${person.id}`,
            resource: {
              resourceType: "Patient",
              name: (person.names ?? []).map((name) => ({ given: [...(name.given ?? [])], family: name.family })),
              birthDate: person.birthDate,
              address: (person.addresses ?? []).map((address) => ({ postalCode: address.postcode }))
            } as PatientResource
          }))
          const stored = yield* database.transaction((tx) => insertNewPatients(tx, resources))
          for (const record of stored) expect(yield* storedMatchData(record.id)).toEqual(expectedMatchData(record))
          // Counted as the library counts them over the same records.
          const counts = yield* termFrequencyCounts(database)
          const expected = termFrequencies(stored.map((record) => preparePerson(personOf(record.id, record))))
          for (const [comparison, values] of expected.counts)
            for (const [value, records] of values) expect(counts.get(comparison)?.get(value)).toBeGreaterThanOrEqual(records)
          expect(counts.get("surname")?.size).toBeGreaterThan(5)
          const matcher = yield* PatientMatcher
          const wanted = stored[7]!
          const answer = yield* matcher.match(clinician, request({ name: wanted.name, birthDate: wanted.birthDate }))
          expect(answer.matches[0]?.patient.id).toBe(wanted.id)
        })
      )

      it.effect("shortlists the candidates with the most evidence, as the in-memory blocking does", () =>
        Effect.gen(function* () {
          const database = yield* Database
          const resource = (name: { family: string; given: Array<string> }, postalCode: string) =>
            ({ resourceType: "Patient", name: [name], birthDate: "1941-06-22", address: [{ postalCode }] }) as PatientResource
          // More records share the birth date than a query scores; the one who is the person shares every key.
          const crowd = Array.from({ length: MAX_CANDIDATES + 50 }, (_, i) => ({
            id: `crowd-${String(i).padStart(3, "0")}`,
            resource: resource({ family: `Crowd${i}`, given: [`Person${i}`] }, `LL${10 + (i % 50)} 1AB`)
          }))
          const stored = yield* database.transaction((tx) =>
            insertNewPatients(tx, [...crowd, { id: "person", resource: resource({ family: "Bowen", given: ["Eluned"] }, "LD1 5AA") }])
          )
          const query = preparePerson(personOf("query", resource({ family: "Bowen", given: ["Eluned"] }, "LD1 5AA")))
          const found = (yield* candidates(database, new PreparedRecords(10), new OversizedKeys(10), query)).map(
            (record) => record.person.id
          )
          const records = stored.map((record) => preparePerson(personOf(record.id, record)))
          const inMemory = new BlockingIndex(records).candidates(query).map((i) => records[i]!.person.id)
          expect(found).toHaveLength(MAX_CANDIDATES)
          expect(new Set(found)).toEqual(new Set(inMemory))
          expect(inMemory[0]).toBe("person")
        })
      )

      it.effect("leaves out a key with more records than a block holds, and then does not read it again", () =>
        Effect.gen(function* () {
          const database = yield* Database
          const resource = (family: string, birthDate: string, postalCode: string) =>
            ({ resourceType: "Patient", name: [{ family, given: ["Morfudd"] }], birthDate, address: [{ postalCode }] }) as PatientResource
          const crowd = Array.from({ length: MAX_BLOCK + 1 }, (_, i) => ({
            id: `born-${String(i).padStart(4, "0")}`,
            resource: resource(`Crowd${i}`, "1950-03-17", `CF${10 + (i % 40)} 2XY`)
          }))
          yield* database.transaction((tx) =>
            insertNewPatients(tx, [...crowd, { id: "oversized-person", resource: resource("Pryce", "1950-03-17", "SY23 1AA") }])
          )
          const query = preparePerson(personOf("query", resource("Pryce", "1950-03-17", "SY23 1AA")))
          const oversized = new OversizedKeys(10)
          const ids = Effect.map(candidates(database, new PreparedRecords(10), oversized, query), (found) =>
            found.map((record) => record.person.id)
          )
          // The birth date's block is full (1,002 records): only the name and postcode keys find anyone.
          expect(yield* ids).toEqual(["oversized-person"])
          expect(oversized.has("birth-date:19500317")).toBe(true)
          expect(yield* ids).toEqual(["oversized-person"])
        })
      )

      it.effect("adds the matching data of records stored before it was kept when the matcher starts", () =>
        Effect.gen(function* () {
          const patients = yield* Patients
          const database = yield* Database
          const { patient: stored } = yield* patients.create(
            clinician,
            patient({ name: [{ family: "Prydderch", given: ["Gwenllian"] }] }, nhsNumber(910000003))
          )
          const matcherLayer = PatientMatcher.DefaultWithoutDependencies.pipe(Layer.provide(AuditTrail.Default))
          const startMatcher = Effect.scoped(Layer.build(matcherLayer))
          const forget = Effect.all([
            database.query(sql`delete from patient_match_key where patient_id = ${stored.id}`),
            database.query(sql`delete from patient_match_record where patient_id = ${stored.id}`)
          ])
          const completeParts = database.query(sql`select part from match_data_complete order by part`)
          // A database that held records before it kept their keys and records.
          yield* forget
          yield* database.query(sql`delete from match_data_complete`)
          yield* startMatcher
          expect(yield* storedMatchData(stored.id)).toEqual(expectedMatchData(stored))
          expect(yield* completeParts).toEqual([{ part: "keys" }, { part: "records" }])
          // One that kept every record's keys: a record without its row is scored from its resource,
          // and the rows are added in the background, the keys not looked for.
          yield* forget
          yield* database.query(
            sql`insert into patient_match_key (key, patient_id) values ('names-either-order:gwenllian|prydderch', ${stored.id})`
          )
          const query = preparePerson(personOf("query", { resourceType: "Patient", name: [{ family: "Prydderch", given: ["Gwenllian"] }] }))
          const found = yield* candidates(database, new PreparedRecords(10), new OversizedKeys(10), query)
          expect(found).toEqual([preparePerson(personOf(stored.id, stored))])
          yield* database.query(sql`delete from match_data_complete where part = 'records'`)
          // Asked again at once (the test clock stands still): each ask is a round trip to the database.
          const recordAdded = Effect.flatMap(storedMatchData(stored.id), (data) =>
            data.person === undefined ? Effect.fail("not yet") : Effect.succeed(data)
          ).pipe(Effect.retry({ times: 5000 }))
          const added = yield* Effect.scoped(Effect.zipRight(Layer.build(matcherLayer), recordAdded))
          expect(added).toEqual({ ...expectedMatchData(stored), keys: ["names-either-order:gwenllian|prydderch"] })
          yield* database.query(sql`delete from patient_match_key where patient_id = ${stored.id}`)
          // Every write keeps both since: later starts do not look for records without them.
          yield* forget
          yield* startMatcher
          expect(yield* storedMatchData(stored.id)).toEqual(noMatchData)
          yield* database.query(sql`delete from match_data_complete`)
          yield* startMatcher
        })
      )

      it.effect("stores models, scores with the active one, and goes back to the shipped one", () =>
        Effect.gen(function* () {
          const models = yield* MatchModels
          const invalid = yield* Effect.flip(models.import({ format: "something else" }))
          expect(invalid._tag).toBe("ModelInvalid")
          const copy = { ...(defaultModel as Record<string, unknown>), version: "welsh-synthetic-2-copy" }
          yield* models.import(copy)
          expect((yield* Effect.flip(models.import(copy)))._tag).toBe("MatchModelRefused")
          expect((yield* Effect.flip(models.activate("no-such-model")))._tag).toBe("MatchModelRefused")
          expect((yield* models.list).map((model) => [model.version, model.active])).toEqual([["welsh-synthetic-2-copy", false]])

          yield* models.activate("welsh-synthetic-2-copy")
          expect((yield* models.list)[0]?.active).toBe(true)
          // A matcher started now reads the active model at its first $match.
          const version = (matcher: PatientMatcher) =>
            Effect.map(
              matcher.match(clinician, request({ name: [{ family: "Jones", given: ["Siân"] }], birthDate: "1978-03-14" })),
              (answer) => answer.modelVersion
            )
          const fresh = Effect.flatMap(PatientMatcher, version).pipe(
            Effect.provide(PatientMatcher.DefaultWithoutDependencies.pipe(Layer.provide(AuditTrail.Default)))
          )
          expect(yield* fresh).toBe("welsh-synthetic-2-copy")
          yield* models.activate(undefined)
          expect(yield* fresh).toBe("welsh-synthetic-2")
        })
      )

      it.effect("trains a model on the index itself and stores it inactive", () =>
        Effect.gen(function* () {
          const database = yield* Database
          const population = syntheticPopulation({ people: 300, seed: 11 })
          yield* database.transaction((tx) =>
            insertNewPatients(
              tx,
              population.training.map((person, i) => ({
                id: `train-${i}`,
                resource: {
                  resourceType: "Patient",
                  name: (person.names ?? []).map((name) => ({ given: [...(name.given ?? [])], family: name.family })),
                  birthDate: person.birthDate,
                  gender: person.sex,
                  address: (person.addresses ?? []).map((address) => ({ line: [...(address.lines ?? [])], postalCode: address.postcode }))
                } as PatientResource
              }))
            )
          )
          const models = yield* MatchModels
          const model = yield* models.train(clinician, "index-1", { limit: 10_000 })
          expect(model.version).toBe("index-1")
          // The records of the tests before are in the index too.
          expect(model.training.records).toBeGreaterThanOrEqual(population.training.length)
          expect((yield* models.list).find((stored) => stored.version === "index-1")?.active).toBe(false)
        })
      )

      it.effect("deduplicates the index: pairs stored for data stewards, metrics against the truth, audited", () =>
        Effect.gen(function* () {
          const database = yield* Database
          // The 300-person population of the test before: a fifth of the people have a second, noisy record.
          const population = syntheticPopulation({ people: 300, seed: 11 })
          const truth = new Map(population.trainingTruth.map((cluster, i) => [`train-${i}`, cluster]))
          const report = yield* dedupe(clinician, { threshold: 0.9, truth })
          expect(report.metrics?.records).toBe(population.training.length)
          expect(report.metrics!.bcubed.f1).toBeGreaterThan(0.95)
          expect(report.metrics!.pairwise.precision).toBeGreaterThan(0.9)
          const [stored] = yield* database.query<{ pairs: string | number }>(
            sql`select count(*) as pairs from match_duplicate where run = ${report.run}`
          )
          expect(Number(stored?.pairs)).toBe(report.pairs.length)
          expect(report.pairs.every((pair) => pair.probability >= 0.9 && pair.patientId < pair.otherId)).toBe(true)
          // A pair held for review (twins, say) joins no cluster.
          expect(report.pairs.every((pair) => (pair.review === null) === (pair.cluster !== null))).toBe(true)
          const [audited] = yield* database.query<{ event: string }>(sql`select event from audit_event order by seq desc limit 1`)
          expect(Buffer.from(JSON.parse(audited!.event).entity[0].query, "base64").toString()).toContain(`match dedupe threshold=0.9`)
        })
      )
    })
  })
}
