/**
 * The matching keys of patient records (`patient_match_key`), written with each record in the same
 * transaction: the library's blocking keys, so `$match` finds candidates by index lookups exactly as
 * the in-memory `BlockingIndex` does, and the values its term-frequency comparisons count. Only
 * live records have keys: a merged record is never a candidate and no longer counts.
 */
import type { Sql } from "@ffynnon/db"
import { blockingKeys, comparisons, preparePerson, type Person, type PreparedPerson } from "@ffynnon/matching"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { nhsNumberSystem } from "./NhsNumber"
import { nhsNumberOf, odsCodeOf, type PatientResource } from "./Patient"

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

interface KeyedPatient {
  readonly id: string
  readonly resource: PatientResource
}

/** The `[key, patient_id]` rows of new live records, for a bulk insert. */
export const matchKeyRows = (patients: ReadonlyArray<KeyedPatient>) =>
  patients.flatMap(({ id, resource }) => matchKeysOf(preparePerson(personOf(id, resource))).map((key) => [key, id] as const))

/**
 * Replaces the keys of one record written by `tx`: a live record gets the keys of its new version,
 * a merged one none.
 */
export const replaceMatchKeys = (tx: Sql, patient: KeyedPatient, live: boolean) =>
  Effect.gen(function* () {
    yield* tx.query(sql`delete from patient_match_key where patient_id = ${patient.id}`)
    const rows = live ? matchKeyRows([patient]) : []
    if (rows.length > 0)
      yield* tx.query(
        sql`insert into patient_match_key (key, patient_id) values ${sql.join(
          rows.map(([key, id]) => sql`(${key}, ${id})`),
          sql`, `
        )}`
      )
  })
