/**
 * Batch deduplication of the index (`ffynnon match dedupe`). The live records are read from
 * `patient_match_record` and prepared once; the blocks of records sharing a key come from
 * `patient_match_key` (keys held by more than MAX_BLOCK records left out, as in `$match`). Each
 * record's DEDUPE_CANDIDATES candidates with the most key evidence are scored with the active
 * model, each pair once, and the pairs at or above the threshold are written to `match_duplicate`
 * for data stewards. A pair whose forenames, birth dates or valid NHS numbers disagree outright is
 * held for review and joins no cluster: members of one household (twins, a father and son) can
 * score high on everything else, and would chain the household into one cluster. The other pairs
 * are linked, and the links make the clusters.
 */
import { Database, detached, LoadProgress } from "@ffynnon/db"
import {
  bcubed,
  clusters,
  forEachCandidatePair,
  KeyBlocks,
  MAX_BLOCK,
  pairwise,
  probabilityOf,
  Scorer,
  sharingPreparer,
  termFrequencies,
  topCandidates,
  type PairwiseMetrics,
  type PreparedPerson
} from "@ffynnon/matching"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { AuditTrail, type Actor } from "./Audit"
import { personFromStored, TERM_FREQUENCY_PREFIX } from "./MatchKeys"
import { completeMatchData, MIN_FREQUENCY_RECORDS } from "./Matcher"
import { activeModel } from "./MatchModels"

/**
 * How many candidates of each record are scored, those sharing the most key evidence: a pair is
 * scored when either record has the other among its own. Scoring every pair sharing a key would be
 * hundreds of pairs a record at millions of records; see docs/matching.md for what fewer costs.
 */
export const DEDUPE_CANDIDATES = 20

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

// In the table's order: in the ids' order, a read of millions of records jumps about the table.
const liveRecords = "select patient_id, person from patient_match_record"

/** The blocking keys' blocks of two records or more, each as its records' ids separated by spaces. */
const sharedKeyBlocks = `select string_agg(patient_id, ' ') from patient_match_key
  where key < '${TERM_FREQUENCY_PREFIX}' or key >= '${TERM_FREQUENCY_PREFIX.slice(0, -1)};'
  group by key having count(*) between 2 and ${MAX_BLOCK}`

/** Runs a stepping loop, reporting each step and yielding to other fibers, so that a run can be interrupted between steps. */
const stepping = <A>(steps: Generator<number, A>, onStep: (done: number) => void) =>
  Effect.gen(function* () {
    for (;;) {
      const step = steps.next()
      if (step.done === true) return step.value
      onStep(step.value)
      yield* Effect.sleep(0)
    }
  })

/**
 * Finds the likely duplicates of the live records, writes them to `match_duplicate` as run `run`
 * and audits the run. `truth` (record id → true cluster) adds metrics over the records it names.
 */
export const dedupe = (actor: Actor, options: { readonly threshold: number; readonly truth?: ReadonlyMap<string, string> }) =>
  Effect.gen(function* () {
    const database = yield* Database
    const audit = yield* AuditTrail
    const progress = yield* LoadProgress
    const report = (phase: string, done: number, total: number) => Effect.runSync(progress.report({ phase, done, total, unit: "rows" }))
    const started = performance.now()
    const run = new Date().toISOString()
    const model = yield* activeModel(database)
    const [live] = yield* database.query<{ records: string | number }>(
      sql`select count(*) as records from patient where replaced_by is null`
    )
    yield* completeMatchData(database)
    const prepare = sharingPreparer()
    const read: Array<{ readonly id: string; readonly record: PreparedPerson }> = []
    yield* database.copyTo(liveRecords, ([id, person]) => {
      const kept = detached(id!)
      // Scoring reads only the prepared values: the record's own are dropped.
      read.push({ id: kept, record: { ...prepare(personFromStored(kept, person!)), person: { id: kept } } })
      if (read.length % 65536 === 0) report("reading records", read.length, Number(live?.records ?? 0))
    })
    // Indexes in id order: ties between candidates go to the lower id, as `BlockingIndex` breaks them.
    read.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    const ids = read.map(({ id }) => id)
    const records = read.map(({ record }) => record)
    read.length = 0
    // The frequencies the index's `tf:` keys count, counted here from the records just read.
    const scorer = Scorer.make(model, records.length < MIN_FREQUENCY_RECORDS ? undefined : termFrequencies(records))
    const position = new Map(ids.map((id, i) => [id, i]))
    const blocks = new KeyBlocks(records.length)
    yield* database.copyTo(sharedKeyBlocks, ([members]) =>
      // A record written since the records were read is left for the next run.
      blocks.add(members!.split(" ").flatMap((id) => position.get(id) ?? []))
    )
    const lists = yield* stepping(topCandidates(blocks, DEDUPE_CANDIDATES), (done) => report("finding candidates", done, records.length))
    const linked: Array<{ i: number; j: number; probability: number; weight: number }> = []
    let pairsScored = 0
    yield* stepping(
      forEachCandidatePair(lists, DEDUPE_CANDIDATES, (i, j) => {
        const weight = scorer.weight(records[i]!, records[j]!)
        const probability = probabilityOf(weight)
        if (probability >= options.threshold) linked.push({ i, j, probability, weight })
        pairsScored++
      }),
      (done) => report("scoring pairs", done, records.length)
    )
    // In id order, as people read them.
    linked.sort((a, b) => a.i - b.i || a.j - b.j)
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
