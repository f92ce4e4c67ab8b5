/**
 * The matching data of patient records, written with each record in the same transaction: its keys
 * (`patient_match_key`: the library's blocking keys, so `$match` finds candidates by index lookups
 * exactly as the in-memory `BlockingIndex` does, and the values its term-frequency comparisons
 * count) and its `Person` (`patient_match_record`, what `$match` scores). Only live records have
 * them: a merged record is never a candidate and no longer counts.
 */
import type { Sql } from "@ffynnon/db"
import { blockingKeys, comparisons, preparePerson, type Person, type PreparedPerson } from "@ffynnon/matching"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { nhsNumberSystem } from "./NhsNumber"
import { nhsNumberOf, odsCodeOf, type PatientResource } from "./Patient"
import type { StoredPatient } from "./Patients"

interface Dated {
  readonly use?: string | undefined
  readonly period?: { readonly end?: string | undefined } | undefined
}

const notOld = (entry: Dated) => entry.use !== "old" && entry.period?.end === undefined

/** Current entries first, then earlier ones: the order the matching library expects. */
const currentFirst = <A extends Dated>(entries: ReadonlyArray<A>) => [
  ...entries.filter(notOld),
  ...entries.filter((entry) => !notOld(entry))
]

/** A Patient as the matching library sees it: every name and address it has held. */
export const personOf = (id: string, patient: PatientResource): Person => {
  const gp = patient.generalPractitioner?.[0]
  return {
    id,
    nhsNumber: nhsNumberOf(patient),
    localIdentifiers: (patient.identifier ?? []).flatMap((identifier) =>
      identifier.system === nhsNumberSystem || identifier.value === undefined
        ? []
        : [{ system: identifier.system, value: identifier.value }]
    ),
    names: currentFirst(patient.name ?? []).map((name) => ({ given: name.given, family: name.family })),
    birthDate: patient.birthDate,
    sex: patient.gender,
    addresses: currentFirst(patient.address ?? []).map((address) => ({ lines: address.line, postcode: address.postalCode })),
    gpPractice: gp === undefined ? undefined : odsCodeOf(gp)
  }
}

/** The prefix of the term-frequency keys: `tf:<comparison>:<value>`. */
export const TERM_FREQUENCY_PREFIX = "tf:"

const frequencyComparisons = [...comparisons.values()].filter((comparison) => comparison.termFrequency !== undefined)

/** A prepared record's blocking keys, `<rule>:<key>`: what a query looks up. */
export const blockingKeysOf = (record: PreparedPerson): Array<string> => [
  ...new Set(blockingKeys(record).map(({ rule, key }) => `${rule}:${key}`))
]

/** Every key a stored record has: its blocking keys and its term-frequency values (each once). */
export const matchKeysOf = (record: PreparedPerson): Array<string> => [
  ...blockingKeysOf(record),
  ...frequencyComparisons.flatMap((comparison) =>
    [...new Set(comparison.termFrequency!.values(record))].map((value) => `${TERM_FREQUENCY_PREFIX}${comparison.name}:${value}`)
  )
]

/** A `Person` as `patient_match_record` holds it: JSON without the id, which is the row's. */
const storedPerson = (person: Person) => JSON.stringify({ ...person, id: undefined })

/** The `Person` of a `patient_match_record` row. */
export const personFromStored = (id: string, stored: string): Person => ({ ...(JSON.parse(stored) as Omit<Person, "id">), id })

/** The `[key, patient_id]` rows of new live records, for `patient_match_key`. */
export const matchKeyRows = (patients: ReadonlyArray<StoredPatient>) =>
  patients.flatMap((patient) => matchKeysOf(preparePerson(personOf(patient.id, patient))).map((key) => [key, patient.id] as const))

/** The `[patient_id, version_id, person]` rows of new live records, for `patient_match_record`. */
export const matchRecordRows = (patients: ReadonlyArray<StoredPatient>) =>
  patients.map((patient) => [patient.id, Number(patient.meta.versionId), storedPerson(personOf(patient.id, patient))] as const)

/**
 * Replaces the matching data of one record written by `tx`: a live record gets that of its new
 * version, a merged one none.
 */
export const replaceMatchData = (tx: Sql, patient: StoredPatient, live: boolean) =>
  Effect.gen(function* () {
    yield* tx.query(sql`delete from patient_match_key where patient_id = ${patient.id}`)
    yield* tx.query(sql`delete from patient_match_record where patient_id = ${patient.id}`)
    if (!live) return
    const keys = matchKeyRows([patient])
    if (keys.length > 0)
      yield* tx.query(
        sql`insert into patient_match_key (key, patient_id) values ${sql.join(
          keys.map(([key, id]) => sql`(${key}, ${id})`),
          sql`, `
        )}`
      )
    const [id, versionId, person] = matchRecordRows([patient])[0]!
    // A matcher adding the rows of records stored before them may have added this one meanwhile.
    yield* tx.query(
      sql`insert into patient_match_record (patient_id, version_id, person) values (${id}, ${versionId}, ${person})
        on conflict (patient_id) do update set version_id = excluded.version_id, person = excluded.person`
    )
  })
