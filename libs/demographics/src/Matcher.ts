/**
 * Probabilistic matching over the patient index (`Patient/$match`): candidates are the records
 * sharing a blocking key with the query (`patient_match_key`, the matching library's own keys, so
 * the same candidates as its in-memory `BlockingIndex`), scored with the active model against every
 * name and address a record has held. Each match is audited like a search.
 */
import { Database, type DatabaseFailure, type Sql } from "@ffynnon/db"
import {
  cachingPreparer,
  MAX_BLOCK,
  MAX_CANDIDATES,
  preparePerson,
  rankCandidates,
  Scorer,
  type Match,
  type Person,
  type PreparedPerson
} from "@ffynnon/matching"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { LRUCache } from "lru-cache"
import { AuditTrail, type Actor } from "./Audit"
import { blockingKeysOf, matchKeyRows, matchRecordRows, personFromStored, personOf, TERM_FREQUENCY_PREFIX } from "./MatchKeys"
import { activeModel } from "./MatchModels"
import type { PatientResource } from "./Patient"
import type { StoredPatient } from "./Patients"

/**
 * Term frequencies are used once the index holds this many live records. Below, a value's share is
 * noise (in ten records every surname is "common") and would drag every exact agreement down, so
 * the model's own u stands.
 */
export const MIN_FREQUENCY_RECORDS = 1000

/**
 * How long the model and term frequencies are used before they are read again (in the background):
 * a minute, or fifty times as long as the last read took, so re-reading costs the server at most 2%
 * of its time (at 3.1 M records a read takes about 5 s of the database's time).
 */
export const frequenciesTtl = (lastReadMs: number) => Math.max(60_000, 50 * lastReadMs)

const resourceOf = (resource: StoredPatient | string): StoredPatient =>
  typeof resource === "string" ? (JSON.parse(resource) as StoredPatient) : resource

/**
 * How many live records hold each value of the term-frequency comparisons (comparison → value →
 * records), counted over the `tf:` keys (one index range): memory grows with the distinct values,
 * not with the records.
 */
export const termFrequencyCounts = (database: Sql) =>
  Effect.gen(function* () {
    const counts = new Map<string, Map<string, number>>()
    const rows = yield* database.query<{ key: string; records: string | number }>(
      sql`select key, count(*) as records from patient_match_key where key >= ${TERM_FREQUENCY_PREFIX} and key < ${`${TERM_FREQUENCY_PREFIX.slice(0, -1)};`} group by key`
    )
    for (const row of rows) {
      const rest = row.key.slice(TERM_FREQUENCY_PREFIX.length)
      const colon = rest.indexOf(":")
      const comparison = rest.slice(0, colon)
      const table = counts.get(comparison) ?? new Map<string, number>()
      counts.set(comparison, table)
      table.set(rest.slice(colon + 1), Number(row.records))
    }
    return counts
  })

/** The active model with the term frequencies of the index (none below MIN_FREQUENCY_RECORDS live records). */
export const indexScorer = (database: Sql) =>
  Effect.gen(function* () {
    const model = yield* activeModel(database)
    const [live] = yield* database.query<{ records: string | number }>(
      sql`select count(*) as records from patient where replaced_by is null`
    )
    const records = Number(live?.records ?? 0)
    if (records < MIN_FREQUENCY_RECORDS) return Scorer.make(model)
    return Scorer.make(model, { records, counts: yield* termFrequencyCounts(database) })
  })

/** Which parts of the matching data every live record has (`keys`, `records`). */
const completeParts = (database: Sql) =>
  Effect.map(database.query<{ part: string }>(sql`select part from match_data_complete`), (rows) => new Set(rows.map((row) => row.part)))

/**
 * Adds the matching data of live records stored before it was kept: their records
 * (`patient_match_record`), and their keys too when `withKeys`. Walks the ids in order, 2,000
 * records a statement; once done, `match_data_complete` says so and later starts skip the walk (a
 * scan of the whole index). Another process adding the same rows is no conflict.
 */
const addMatchData = (database: Sql, withKeys: boolean) =>
  Effect.gen(function* () {
    let after = ""
    for (;;) {
      const rows = yield* database.query<{ id: string; resource: StoredPatient | string }>(
        sql`select id, resource from patient p where replaced_by is null and id > ${after}
          and not exists (select 1 from patient_match_record r where r.patient_id = p.id) order by id limit 2000`
      )
      if (rows.length === 0) break
      after = rows[rows.length - 1]!.id
      const patients = rows.map((row) => resourceOf(row.resource))
      // Two parameters a key, three a record: within PostgreSQL's 65,535 a statement.
      if (withKeys) {
        const keys = matchKeyRows(patients)
        for (let start = 0; start < keys.length; start += 20_000)
          yield* database.query(
            sql`insert into patient_match_key (key, patient_id) values ${sql.join(
              keys.slice(start, start + 20_000).map(([key, id]) => sql`(${key}, ${id})`),
              sql`, `
            )} on conflict do nothing`
          )
      }
      yield* database.query(
        sql`insert into patient_match_record (patient_id, version_id, person) values ${sql.join(
          matchRecordRows(patients).map(([id, versionId, person]) => sql`(${id}, ${versionId}, ${person})`),
          sql`, `
        )} on conflict do nothing`
      )
    }
    yield* database.query(sql`insert into match_data_complete (part) values ('keys'), ('records') on conflict do nothing`)
  })

/** Adds whatever matching data live records lack (deduplication reads every record's). */
export const completeMatchData = (database: Sql) =>
  Effect.gen(function* () {
    const complete = yield* completeParts(database)
    if (!complete.has("records")) yield* addMatchData(database, !complete.has("keys"))
  })

/** A PostgreSQL array literal of texts, each quoted. */
const textArray = (values: ReadonlyArray<string>) =>
  `{${values.map((value) => `"${value.replace(/["\\]/g, (character) => `\\${character}`)}"`).join(",")}}`

/**
 * Prepared records by id and version, the most recently used kept: preparing (folding, phonetic
 * codes, parsing dates and postcodes) is most of a candidate's cost, and the same records come back
 * for the common names and postcodes. A new version is prepared afresh, from parts (names,
 * addresses, postcodes, birth dates) kept prepared too: at 3.1 M records few candidates have been
 * seen before, but most of their names and postcodes have.
 */
export class PreparedRecords {
  // Not a Map re-inserted on each use: evicting a Map's oldest entry costs Bun time in proportion to the entries evicted before (tens of µs at 20,000).
  private readonly records: LRUCache<string, PreparedPerson>
  private readonly prepare = cachingPreparer(PREPARED_PARTS)

  constructor(readonly capacity: number) {
    this.records = new LRUCache({ max: capacity })
  }

  /** Version `versionId` of record `id` prepared, from its `Person` (called only when not kept). */
  get(id: string, versionId: number, person: () => Person): PreparedPerson {
    const key = `${id}/${versionId}`
    const known = this.records.get(key)
    if (known !== undefined) return known
    const record = this.prepare(person())
    this.records.set(key, record)
    return record
  }
}

/** How many prepared names, and as many addresses, postcodes and birth dates, a matcher keeps. */
export const PREPARED_PARTS = 50_000

/** How many prepared records a matcher keeps (a few KB each). */
export const PREPARED_RECORDS = 20_000

/**
 * Blocking keys known to have more than MAX_BLOCK records, so left out of a query without being read
 * again: common names and birth years make full blocks, and reading each to its MAX_BLOCK + 1st row
 * was most of the candidate statement's work. Learned from the statements themselves; forgotten in
 * bulk (`clear`), since a block can shrink below the limit when records merge.
 */
export class OversizedKeys {
  private readonly keys = new Set<string>()

  constructor(readonly capacity: number) {}

  has(key: string) {
    return this.keys.has(key)
  }

  add(key: string) {
    if (this.keys.size >= this.capacity) this.keys.clear()
    this.keys.add(key)
  }

  clear() {
    this.keys.clear()
  }
}

/** How many full blocks a matcher remembers (a key is tens of bytes). */
export const OVERSIZED_KEYS = 100_000

/**
 * The live records sharing a blocking key with the query, the MAX_CANDIDATES with the most evidence
 * (`keyEvidence`, ties by id: as `BlockingIndex.candidates`), prepared, in one statement: each key's
 * lookup is cut at MAX_BLOCK + 1 rows, and a key with more is left out, and remembered in `oversized`.
 */
export const candidates = (database: Sql, prepared: PreparedRecords, oversized: OversizedKeys, query: PreparedPerson) =>
  Effect.gen(function* () {
    const keys = blockingKeysOf(query).filter((key) => !oversized.has(key))
    // A family name and a 1 January birth date (a placeholder, so no evidence) leave no key.
    if (keys.length === 0) return []
    // The keys as one array parameter: the statement's text never changes, so the driver prepares it once.
    const rows = yield* database.query<{
      id: string | null
      version_id: number | null
      person: string | null
      resource: StoredPatient | string | null
      oversized: string | null
    }>(
      sql`with found as (
          select k.key, b.patient_id from unnest(${textArray(keys)}::text[]) as k (key)
          cross join lateral (select patient_id from patient_match_key where key = k.key limit ${MAX_BLOCK + 1}) as b
        ), blocks as (
          select key, count(*) as records from found group by key
        ), shortlist as (
          select f.patient_id, sum(round(1000 * ln(${MAX_BLOCK + 1}::float8 / b.records))::int) as evidence
          from found f join blocks b using (key) where b.records <= ${MAX_BLOCK}
          group by f.patient_id order by evidence desc, f.patient_id collate "C" limit ${MAX_CANDIDATES}
        )
        select c.patient_id as id, coalesce(r.version_id, p.version_id) as version_id, r.person, p.resource, null as oversized
          from shortlist as c
          -- One primary-key lookup a candidate, whatever the planner guesses of the tables' sizes.
          left join lateral (select version_id, person from patient_match_record where patient_id = c.patient_id limit 1) as r on true
          -- The whole resource only for a record stored before it had a row there (added in the background).
          left join lateral (select version_id, resource from patient where r.person is null and id = c.patient_id and replaced_by is null limit 1) as p on true
          where r.person is not null or p.resource is not null
        union all
        select null, null, null, null, key from blocks where records > ${MAX_BLOCK}`
    )
    return rows.flatMap((row) => {
      if (row.oversized !== null) {
        oversized.add(row.oversized)
        return []
      }
      const id = row.id!
      const person = row.person
      return [
        prepared.get(id, row.version_id!, () => (person !== null ? personFromStored(id, person) : personOf(id, resourceOf(row.resource!))))
      ]
    })
  })

/** The current resources of the live records among `ids`, by id. */
const liveResources = (database: Sql, ids: ReadonlyArray<string>) =>
  Effect.map(
    database.query<{ resource: StoredPatient | string }>(
      sql`select resource from patient where id = any(${textArray(ids)}::text[]) and replaced_by is null`
    ),
    (rows) => new Map(rows.map((row) => resourceOf(row.resource)).map((patient) => [patient.id, patient]))
  )

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
  scoped: Effect.gen(function* () {
    const database = yield* Database
    const audit = yield* AuditTrail
    const scope = yield* Effect.scope
    // Keys decide who is a candidate, so a start waits for missing ones; a record without its row is
    // scored from its resource meanwhile, so those rows are added in the background.
    const complete = yield* completeParts(database)
    if (!complete.has("keys")) yield* addMatchData(database, true)
    else if (!complete.has("records"))
      yield* Effect.forkIn(
        addMatchData(database, false).pipe(
          Effect.catchAllCause((cause) => Effect.logWarning("matching: the records' matching rows could not be added", cause))
        ),
        scope
      )
    const prepared = new PreparedRecords(PREPARED_RECORDS)
    const oversized = new OversizedKeys(OVERSIZED_KEYS)

    // The scorer is read at the first $match and then again in the background once it is older than
    // `frequenciesTtl`, so no request waits for the count: frequencies move slowly, a record created
    // since is still found and scored (only its own values not yet counted), and a newly activated
    // model is taken up within the TTL.
    let scorer: Scorer | undefined
    let readAt = 0
    let readMs = 0
    let refreshing = false
    const read = Effect.suspend(() => {
      const started = Date.now()
      return Effect.tap(indexScorer(database), (fresh) =>
        Effect.sync(() => {
          scorer = fresh
          oversized.clear()
          readAt = Date.now()
          readMs = readAt - started
        })
      )
    })
    const firstRead = Effect.unsafeMakeSemaphore(1).withPermits(1)(
      Effect.suspend(() => (scorer === undefined ? read : Effect.succeed(scorer)))
    )
    const refresh = read.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning("matching: the term frequencies could not be read again", cause)),
      Effect.ensuring(Effect.sync(() => (refreshing = false)))
    )
    const currentScorer = Effect.suspend(() => {
      if (scorer === undefined) return firstRead
      if (!refreshing && Date.now() - readAt > frequenciesTtl(readMs)) {
        refreshing = true
        return Effect.as(Effect.forkIn(refresh, scope), scorer)
      }
      return Effect.succeed(scorer)
    })

    const find = (scorer: Scorer, request: MatchRequest) =>
      Effect.gen(function* () {
        const query = preparePerson(personOf("query", request.resource))
        const found = yield* candidates(database, prepared, oversized, query)
        const ranked = rankCandidates(scorer, query, found, { count: request.count, onlyCertain: request.onlyCertainMatches })
        // Only the answers are read whole; one merged since it was scored is no longer an answer.
        const patients =
          ranked.length === 0
            ? new Map<string, StoredPatient>()
            : yield* liveResources(
                database,
                ranked.map((match) => match.record.person.id)
              )
        return {
          modelVersion: scorer.model.version,
          matches: ranked.flatMap((match) => {
            const patient = patients.get(match.record.person.id)
            return patient === undefined ? [] : [{ ...match, patient }]
          })
        } satisfies MatchAnswer
      })

    return {
      /** The index's candidates for the Patient, best first, audited (who asked, which records were answered). */
      match: (actor: Actor, request: MatchRequest): Effect.Effect<MatchAnswer, DatabaseFailure> => {
        const query = (version: string) => `$match count=${request.count} onlyCertainMatches=${request.onlyCertainMatches} model=${version}`
        return currentScorer.pipe(
          Effect.flatMap((scorer) =>
            find(scorer, request).pipe(
              Effect.tap((answer) =>
                audit.append(actor, {
                  interaction: "match",
                  outcome: "0",
                  entities: answer.matches.map((match) => `Patient/${match.patient.id}`),
                  query: query(answer.modelVersion)
                })
              )
            )
          ),
          Effect.tapError(() =>
            audit
              .append(actor, {
                interaction: "match",
                outcome: "8",
                outcomeDesc: "server error",
                entities: [],
                query: query(scorer?.model.version ?? "unknown")
              })
              .pipe(Effect.ignore)
          )
        )
      }
    }
  })
}) {}
