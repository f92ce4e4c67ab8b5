/**
 * Probabilistic matching over the patient index (`Patient/$match`): candidates come from blocking
 * queries on the store, mirroring the matching library's rules (`@ffynnon/matching` blocking.ts),
 * and are scored with the active model against every name and address a record has held. Each
 * match is audited like a search.
 */
import { Database, type DatabaseFailure, type Sql } from "@ffynnon/db"
import {
  comparisons,
  decodeModel,
  defaultModel,
  preparePerson,
  rankCandidates,
  Scorer,
  type Match,
  type MatchModel,
  type Person,
  type PreparedPerson
} from "@ffynnon/matching"
import { sql, type SQL } from "drizzle-orm"
import { Duration, Effect } from "effect"
import { AuditTrail, type Actor } from "./Audit"
import { nhsNumberOf, normalisePostcode, normaliseText, odsCodeOf, type PatientResource } from "./Patient"
import type { StoredPatient } from "./Patients"

/** A key shared by more records than this is skipped, as the in-memory `BlockingIndex` does: it carries no signal. */
export const MAX_BLOCK = 1000

/**
 * Term frequencies are used once the index holds this many live records. Below, a value's share is
 * noise (in ten records every surname is "common") and would drag every exact agreement down, so
 * the model's own u stands.
 */
export const MIN_FREQUENCY_RECORDS = 1000

/** How long term frequencies (and the surnames by sound) are used before they are read from the index again. */
export const FREQUENCIES_TTL = Duration.seconds(60)

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
    names: currentFirst(patient.name ?? []).map((name) => ({ given: name.given, family: name.family })),
    birthDate: patient.birthDate,
    sex: patient.gender,
    addresses: currentFirst(patient.address ?? []).map((address) => ({ lines: address.line, postcode: address.postalCode })),
    gpPractice: gp === undefined ? undefined : odsCodeOf(gp)
  }
}

const resourceOf = (resource: StoredPatient | string): StoredPatient =>
  typeof resource === "string" ? (JSON.parse(resource) as StoredPatient) : resource

/** What scoring needs from the whole index: the scorer with its term frequencies, and the surnames sharing a sound. */
interface IndexView {
  readonly scorer: Scorer
  /** Double Metaphone code → the surnames of the index (as `patient_key` holds them) with that sound. */
  readonly surnamesBySound: ReadonlyMap<string, ReadonlyArray<string>>
}

/**
 * The distinct values the term-frequency comparisons read, with the number of live records holding
 * each, counted by the database: memory grows with the distinct names, not with the records.
 */
const valueCounts = (database: Sql) =>
  database.query<{ kind: "family" | "given" | "postcode" | "birthDate"; value: string; records: string | number }>(sql`
    select 'family' as kind, n ->> 'family' as value, count(distinct p.id) as records
      from patient p, jsonb_array_elements(coalesce(p.resource -> 'name', '[]'::jsonb)) n
      where p.replaced_by is null and n ->> 'family' is not null group by 2
    union all
    select 'given', n -> 'given' ->> 0, count(distinct p.id)
      from patient p, jsonb_array_elements(coalesce(p.resource -> 'name', '[]'::jsonb)) n
      where p.replaced_by is null and n -> 'given' ->> 0 is not null group by 2
    union all
    select 'postcode', a ->> 'postalCode', count(distinct p.id)
      from patient p, jsonb_array_elements(coalesce(p.resource -> 'address', '[]'::jsonb)) a
      where p.replaced_by is null and a ->> 'postalCode' is not null group by 2
    union all
    select 'birthDate', p.resource ->> 'birthDate', count(*) from patient p
      where p.replaced_by is null and p.resource ->> 'birthDate' is not null group by 2`)

// A one-value record, so the library's own normalisation says what each stored value counts as.
const recordOf = (kind: "family" | "given" | "postcode" | "birthDate", value: string) =>
  preparePerson(
    kind === "family"
      ? { id: "", names: [{ family: value }] }
      : kind === "given"
        ? { id: "", names: [{ given: [value] }] }
        : kind === "postcode"
          ? { id: "", addresses: [{ postcode: value }] }
          : { id: "", birthDate: value }
  )

const readIndexView = (database: Sql, model: MatchModel) =>
  Effect.gen(function* () {
    const [live] = yield* database.query<{ records: string | number }>(
      sql`select count(*) as records from patient where replaced_by is null`
    )
    const records = Number(live?.records ?? 0)
    const counts = new Map<string, Map<string, number>>()
    const surnamesBySound = new Map<string, Set<string>>()
    for (const row of yield* valueCounts(database)) {
      const record = recordOf(row.kind, row.value)
      for (const comparison of comparisons.values()) {
        if (comparison.termFrequency === undefined) continue
        const table = counts.get(comparison.name) ?? new Map<string, number>()
        counts.set(comparison.name, table)
        for (const value of comparison.termFrequency.values(record)) table.set(value, (table.get(value) ?? 0) + Number(row.records))
      }
      if (row.kind !== "family") continue
      for (const sound of record.names[0]?.surnameSounds ?? []) {
        const surnames = surnamesBySound.get(sound) ?? new Set<string>()
        surnames.add(normaliseText(row.value))
        surnamesBySound.set(sound, surnames)
      }
    }
    return {
      scorer: Scorer.make(model, records >= MIN_FREQUENCY_RECORDS ? { records, counts } : undefined),
      surnamesBySound: new Map([...surnamesBySound].map(([sound, surnames]) => [sound, [...surnames]]))
    } satisfies IndexView
  })

const list = (values: ReadonlyArray<string>) =>
  sql.join(
    values.map((value) => sql`${value}`),
    sql`, `
  )

// A LIKE pattern for values starting with the text's first character (`%` and `_` taken literally).
const initial = (text: string) => `${text[0]!.replace(/[\\%_]/, (character) => `\\${character}`)}%`

const withKey = (key: string, condition: SQL) => sql`select patient_id as id from patient_key where key = ${key} and ${condition}`

/**
 * The blocking rules as queries on the store, each answering record ids: the same rules as the
 * library's `blockingRules`, over the normalised values `patient_key` holds.
 */
const blockingQueries = (query: PreparedPerson, surnamesBySound: IndexView["surnamesBySound"]): Array<SQL> => {
  const queries: Array<SQL> = []
  if (query.nhsNumber?.valid === true) queries.push(sql`select id from patient where nhs_number = ${query.nhsNumber.value}`)
  const birthDate = query.birthDate
  if (birthDate !== null) {
    const date = `${birthDate.digits.slice(0, 4)}-${birthDate.digits.slice(4, 6)}-${birthDate.digits.slice(6, 8)}`
    queries.push(sql`select id from patient where birth_date_low = ${date} and birth_date_high = ${date}`)
  }
  for (const postcode of new Set(query.postcodes.map((code) => normalisePostcode(code.unit))))
    queries.push(withKey("postcode", sql`value = ${postcode}`))
  const names = (query.person.names ?? []).flatMap((name) => {
    const forename = name.given?.[0] === undefined ? "" : normaliseText(name.given[0])
    const surname = name.family === undefined ? "" : normaliseText(name.family)
    return forename === "" || surname === "" ? [] : [{ forename, surname }]
  })
  if (birthDate !== null) {
    const sounds = query.names.flatMap((name) => name.surnameSounds)
    const surnames = [...new Set(sounds.flatMap((sound) => surnamesBySound.get(sound) ?? []))]
    if (surnames.length > 0)
      queries.push(
        sql`select k.patient_id as id from patient_key k join patient p on p.id = k.patient_id where k.key = 'family' and k.value in (${list(surnames)})
          and p.birth_date_low >= ${`${birthDate.year}-01-01`} and p.birth_date_high <= ${`${birthDate.year}-12-31`}`
      )
  }
  for (const { forename, surname } of names) {
    // Either order: the swapped names of a record keyed the other way round are found too.
    queries.push(
      sql`${withKey("family", sql`value in (${list([forename, surname])})`)} intersect ${withKey("given", sql`value in (${list([forename, surname])})`)}`
    )
    queries.push(sql`${withKey("family", sql`value = ${surname}`)} intersect ${withKey("given", sql`value like ${initial(forename)}`)}`)
    queries.push(sql`${withKey("given", sql`value = ${forename}`)} intersect ${withKey("family", sql`value like ${initial(surname)}`)}`)
  }
  return queries
}

export interface MatchRequest {
  /** The Patient to find, already checked (`checkPatient`). */
  readonly resource: PatientResource
  readonly count: number
  readonly onlyCertainMatches: boolean
}

export interface MatchAnswer {
  readonly modelVersion: string
  readonly matches: ReadonlyArray<Match & { readonly patient: StoredPatient }>
}

export class PatientMatcher extends Effect.Service<PatientMatcher>()("@ffynnon/demographics/PatientMatcher", {
  dependencies: [AuditTrail.Default],
  effect: Effect.gen(function* () {
    const database = yield* Database
    const audit = yield* AuditTrail
    // A shipped model that does not decode is a build fault: the service does not start.
    const model = yield* Effect.orDie(decodeModel(defaultModel))
    // Read lazily and reused for a minute: frequencies move slowly, and a new record is still found by the other rules.
    const indexView = yield* Effect.cachedWithTTL(readIndexView(database, model), FREQUENCIES_TTL)

    const candidates = (query: PreparedPerson, view: IndexView) =>
      Effect.gen(function* () {
        const blocks = blockingQueries(query, view.surnamesBySound)
        // A family name and a 1 January birth date (a placeholder, so no evidence) leave no rule to run.
        if (blocks.length === 0) return []
        // Every rule in one statement (one round trip), each cut at MAX_BLOCK + 1 rows so an over-full block shows.
        const found = yield* database.query<{ rule: number; id: string }>(
          sql.join(
            blocks.map((block, rule) => sql`(select ${rule}::int as rule, id from (${block}) as block limit ${MAX_BLOCK + 1})`),
            sql` union all `
          )
        )
        const sizes = new Map<number, number>()
        for (const { rule } of found) sizes.set(rule, (sizes.get(rule) ?? 0) + 1)
        const ids = new Set(found.flatMap(({ rule, id }) => (sizes.get(rule)! <= MAX_BLOCK ? [id] : [])))
        if (ids.size === 0) return []
        const rows = yield* database.query<{ id: string; resource: StoredPatient | string }>(
          sql`select id, resource from patient where replaced_by is null and id in (${list([...ids])})`
        )
        return rows.map((row) => {
          const patient = resourceOf(row.resource)
          return { patient, record: preparePerson(personOf(row.id, patient)) }
        })
      })

    const find = (request: MatchRequest) =>
      Effect.gen(function* () {
        const view = yield* indexView
        const query = preparePerson(personOf("query", request.resource))
        const found = yield* candidates(query, view)
        const patients = new Map(found.map(({ patient, record }) => [record, patient]))
        const ranked = rankCandidates(
          view.scorer,
          query,
          found.map(({ record }) => record),
          { count: request.count, onlyCertain: request.onlyCertainMatches }
        )
        return {
          modelVersion: model.version,
          matches: ranked.map((match) => ({ ...match, patient: patients.get(match.record)! }))
        } satisfies MatchAnswer
      })

    return {
      /** The index's candidates for the Patient, best first, audited (who asked, which records were answered). */
      match: (actor: Actor, request: MatchRequest): Effect.Effect<MatchAnswer, DatabaseFailure> => {
        const query = `$match count=${request.count} onlyCertainMatches=${request.onlyCertainMatches} model=${model.version}`
        return find(request).pipe(
          Effect.tap((answer) =>
            audit.append(actor, {
              interaction: "match",
              outcome: "0",
              entities: answer.matches.map((match) => `Patient/${match.patient.id}`),
              query
            })
          ),
          Effect.tapError(() =>
            audit
              .append(actor, { interaction: "match", outcome: "8", outcomeDesc: "server error", entities: [], query })
              .pipe(Effect.ignore)
          )
        )
      }
    }
  })
}) {}
