/**
 * Batch deduplication of the index (`ffynnon match dedupe`): every pair of live records sharing a
 * blocking key (from `patient_match_key`, keys held by more than MAX_BLOCK records left out, as in
 * `$match`) is scored with the active model, and the pairs at or above the threshold are written
 * to `match_duplicate` for data stewards. A pair whose forenames, birth dates or valid NHS numbers
 * disagree outright is held for review and joins no cluster: members of one household (twins, a
 * father and son) can score high on everything else, and would chain the household into one
 * cluster. The other pairs are linked, and the links make the clusters.
 */
import { Database } from "@ffynnon/db"
import { bcubed, clusters, MAX_BLOCK, pairwise, preparePerson, type PairwiseMetrics, type PreparedPerson } from "@ffynnon/matching"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { AuditTrail, type Actor } from "./Audit"
import { personOf, TERM_FREQUENCY_PREFIX } from "./MatchKeys"
import { indexScorer } from "./Matcher"
import type { PatientResource } from "./Patient"

export interface DuplicatePair {
  /** Null for a pair held for review. */
  readonly cluster: number | null
  readonly patientId: string
  readonly otherId: string
  readonly probability: number
  readonly weight: number
  /** Why a data steward should look closely before merging, if they should. */
  readonly review: string | null
}

export interface DedupeReport {
  /** Names this run in `match_duplicate`. */
  readonly run: string
  readonly model: string
  readonly threshold: number
  readonly records: number
  readonly pairsScored: number
  readonly pairs: ReadonlyArray<DuplicatePair>
  /** Clusters of two or more records, from the pairs not held for review. */
  readonly clusters: number
  readonly seconds: number
  /** Against the ground truth, over the records it names: pairwise and B-cubed precision, recall and F1. */
  readonly metrics?: { readonly records: number; readonly pairwise: PairwiseMetrics; readonly bcubed: PairwiseMetrics }
}

const disagreements: ReadonlyArray<readonly [comparison: string, reason: string]> = [
  ["forename", "forenames disagree"],
  ["birthDate", "birth dates disagree"],
  ["nhsNumber", "different NHS numbers"]
]

/** The blocked pairs, each once (first id < second), streamed in id order. */
const blockedPairs = `select distinct a.patient_id, b.patient_id from patient_match_key a
  join patient_match_key b on b.key = a.key and b.patient_id > a.patient_id
  where (a.key < '${TERM_FREQUENCY_PREFIX}' or a.key >= '${TERM_FREQUENCY_PREFIX.slice(0, -1)};')
    and a.key not in (select key from patient_match_key group by key having count(*) > ${MAX_BLOCK})
  order by 1, 2`

/**
 * Finds the likely duplicates of the live records, writes them to `match_duplicate` as run `run`
 * and audits the run. `truth` (record id → true cluster) adds metrics over the records it names.
 */
export const dedupe = (actor: Actor, options: { readonly threshold: number; readonly truth?: ReadonlyMap<string, string> }) =>
  Effect.gen(function* () {
    const database = yield* Database
    const audit = yield* AuditTrail
    const started = performance.now()
    const run = new Date().toISOString()
    const scorer = yield* indexScorer(database)
    const rows = yield* database.query<{ id: string; resource: PatientResource | string }>(
      sql`select id, resource from patient where replaced_by is null order by id`
    )
    const ids = rows.map((row) => row.id)
    const position = new Map(ids.map((id, i) => [id, i]))
    const records: Array<PreparedPerson> = rows.map((row) =>
      preparePerson(personOf(row.id, typeof row.resource === "string" ? (JSON.parse(row.resource) as PatientResource) : row.resource))
    )
    const linked: Array<{ i: number; j: number; probability: number; weight: number }> = []
    const pairsScored = yield* database.copyTo(blockedPairs, ([a, b]) => {
      const i = position.get(a!)
      const j = position.get(b!)
      // A record written since it was read is left for the next run.
      if (i === undefined || j === undefined) return
      const score = scorer.score(records[i]!, records[j]!)
      if (score.probability >= options.threshold) linked.push({ i, j, ...score })
    })
    const reviewed = linked.map(({ i, j }) => {
      const explained = scorer.explain(records[i]!, records[j]!).comparisons
      const reasons = disagreements.flatMap(([name, reason]) =>
        explained.some((comparison) => comparison.comparison === name && comparison.level === "else") ? [reason] : []
      )
      return reasons.length === 0 ? null : reasons.join("; ")
    })
    const links = linked.flatMap(({ i, j }, k) => (reviewed[k] === null ? [[i, j] as const] : []))
    const cluster = clusters(records.length, links)
    // Clusters numbered 1, 2, … in the order their first pair was found, for people to read.
    const numbers = new Map<number, number>()
    const numberOf = (i: number) => numbers.get(cluster[i]!) ?? numbers.set(cluster[i]!, numbers.size + 1).get(cluster[i]!)!
    const pairs = linked.map(({ i, j, probability, weight }, k): DuplicatePair => ({
      cluster: reviewed[k] === null ? numberOf(i) : null,
      patientId: ids[i]!,
      otherId: ids[j]!,
      probability,
      weight,
      review: reviewed[k]!
    }))
    yield* database.transaction((tx) =>
      Effect.gen(function* () {
        // Eight parameters a pair, within PostgreSQL's 65,535 a statement.
        for (let start = 0; start < pairs.length; start += 5000)
          yield* tx.query(
            sql`insert into match_duplicate (run, cluster, patient_id, other_id, probability, weight, review) values ${sql.join(
              pairs
                .slice(start, start + 5000)
                .map(
                  (pair) =>
                    sql`(${run}, ${pair.cluster}, ${pair.patientId}, ${pair.otherId}, ${pair.probability}, ${pair.weight}, ${pair.review})`
                ),
              sql`, `
            )}`
          )
        yield* audit.appendIn(tx, actor, {
          interaction: "match",
          outcome: "0",
          entities: [],
          query: `match dedupe threshold=${options.threshold} model=${scorer.model.version} run=${run}`
        })
      })
    )
    const metrics = options.truth === undefined ? undefined : measure(ids, cluster, links, options.truth)
    return {
      run,
      model: scorer.model.version,
      threshold: options.threshold,
      records: records.length,
      pairsScored,
      pairs,
      clusters: numbers.size,
      seconds: (performance.now() - started) / 1000,
      ...(metrics === undefined ? {} : { metrics })
    } satisfies DedupeReport
  })

/** Pairwise and B-cubed metrics over the records the ground truth names. */
const measure = (
  ids: ReadonlyArray<string>,
  cluster: Int32Array,
  linked: ReadonlyArray<readonly [number, number]>,
  truth: ReadonlyMap<string, string>
) => {
  const named = ids.flatMap((id, i) => (truth.has(id) ? [i] : []))
  const local = new Map(named.map((i, k) => [i, k]))
  const truths = named.map((i) => truth.get(ids[i]!)!)
  const links = linked.flatMap(([i, j]) => (local.has(i) && local.has(j) ? [[local.get(i)!, local.get(j)!] as const] : []))
  return {
    records: named.length,
    pairwise: pairwise(links, truths),
    bcubed: bcubed(
      Int32Array.from(named, (i) => cluster[i]!),
      truths
    )
  }
}
