/**
 * Measuring a model against ground truth: pairwise precision/recall/F1 and B-cubed F1 for
 * deduplication, Hit@1 and the precision and coverage of `certain` answers for one-query linkage,
 * and the recall of blocking. `truth[i]` is the person record i belongs to.
 */
import { BlockingIndex } from "./blocking"
import { rankCandidates } from "./match"
import type { Scorer } from "./model"
import type { PreparedPerson } from "./record"

export interface PairwiseMetrics {
  readonly precision: number
  readonly recall: number
  readonly f1: number
}

const f1 = (precision: number, recall: number) => (precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall))
const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole)

/** The number of pairs of records belonging to the same person. */
export function truePairCount(truth: ReadonlyArray<string>): number {
  const sizes = new Map<string, number>()
  for (const person of truth) sizes.set(person, (sizes.get(person) ?? 0) + 1)
  let pairs = 0
  for (const size of sizes.values()) pairs += (size * (size - 1)) / 2
  return pairs
}

export function pairwise(predicted: ReadonlyArray<readonly [number, number]>, truth: ReadonlyArray<string>): PairwiseMetrics {
  const correct = predicted.filter(([i, j]) => truth[i] === truth[j]).length
  const precision = ratio(correct, predicted.length)
  const recall = ratio(correct, truePairCount(truth))
  return { precision, recall, f1: f1(precision, recall) }
}

/** Clusters as the connected components of the linked pairs (union–find): `cluster[i]` for record i. */
export function clusters(records: number, links: ReadonlyArray<readonly [number, number]>): Int32Array {
  const parent = Int32Array.from({ length: records }, (_, i) => i)
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!
    return i
  }
  for (const [i, j] of links) parent[root(i)] = root(j)
  return parent.map((_, i) => root(i))
}

/** B-cubed precision, recall and F1 of predicted clusters: per record, the overlap of its predicted and true clusters. */
export function bcubed(predicted: ArrayLike<number>, truth: ReadonlyArray<string>): PairwiseMetrics {
  const overlap = new Map<string, number>()
  const predictedSize = new Map<number, number>()
  const trueSize = new Map<string, number>()
  for (let i = 0; i < truth.length; i++) {
    const key = `${predicted[i]}|${truth[i]}`
    overlap.set(key, (overlap.get(key) ?? 0) + 1)
    predictedSize.set(predicted[i]!, (predictedSize.get(predicted[i]!) ?? 0) + 1)
    trueSize.set(truth[i]!, (trueSize.get(truth[i]!) ?? 0) + 1)
  }
  let precision = 0
  let recall = 0
  for (let i = 0; i < truth.length; i++) {
    const shared = overlap.get(`${predicted[i]}|${truth[i]}`)!
    precision += shared / predictedSize.get(predicted[i]!)!
    recall += shared / trueSize.get(truth[i]!)!
  }
  precision /= truth.length
  recall /= truth.length
  return { precision, recall, f1: f1(precision, recall) }
}

/**
 * Expected calibration error: pairs in ten bins of predicted probability; the mean gap between a
 * bin's mean probability and its share of true matches, weighted by the bin's size. 0 is perfect.
 */
export function calibrationError(probabilities: ReadonlyArray<number>, matches: ReadonlyArray<boolean>): number {
  const bins = Array.from({ length: 10 }, () => ({ pairs: 0, predicted: 0, matches: 0 }))
  probabilities.forEach((probability, k) => {
    const bin = bins[Math.min(9, Math.floor(probability * 10))]!
    bin.pairs++
    bin.predicted += probability
    if (matches[k]) bin.matches++
  })
  return bins.reduce((sum, bin) => sum + Math.abs(bin.predicted - bin.matches), 0) / Math.max(probabilities.length, 1)
}

export interface DeduplicationResult {
  readonly blockedPairs: number
  /** Expected calibration error of the blocked pairs' probabilities (see `calibrationError`). */
  readonly calibrationError: number
  readonly blockingRecall: number
  readonly pairwise: PairwiseMetrics
  readonly bcubed: PairwiseMetrics
}

/** Scores every blocked pair, links those at `threshold` or above, and compares pairs and clusters with the truth. */
export function evaluateDeduplication(
  scorer: Scorer,
  records: ReadonlyArray<PreparedPerson>,
  truth: ReadonlyArray<string>,
  threshold = scorer.model.thresholds.possible
): DeduplicationResult {
  const blocked = new BlockingIndex(records).pairs()
  const probabilities = blocked.map(([i, j]) => scorer.score(records[i]!, records[j]!).probability)
  const links = blocked.filter((_, k) => probabilities[k]! >= threshold)
  return {
    blockedPairs: blocked.length,
    calibrationError: calibrationError(
      probabilities,
      blocked.map(([i, j]) => truth[i] === truth[j])
    ),
    blockingRecall: ratio(blocked.filter(([i, j]) => truth[i] === truth[j]).length, truePairCount(truth)),
    pairwise: pairwise(links, truth),
    bcubed: bcubed(clusters(records.length, links), truth)
  }
}

export interface LinkageResult {
  /** Queries for people in the index, and for people not in it. */
  readonly queries: number
  readonly absentQueries: number
  /** Share of queries for people in the index whose best candidate is them. */
  readonly hitAt1: number
  /** Share of queries for people in the index whose person is among the blocked candidates. */
  readonly blockingRecall: number
  readonly certainPrecision: number
  /** Share of queries for people in the index answered `certain`. */
  readonly certainCoverage: number
  readonly wrongCertain: number
  /** Share of queries for people not in the index that got a `certain` or `probable` candidate. */
  readonly absentConfident: number
}

/**
 * Each query is matched against the index as `$match` would: blocked candidates, ranked and graded.
 * `indexTruth` and `queryTruth` name the person of each record.
 */
export function evaluateLinkage(
  scorer: Scorer,
  index: ReadonlyArray<PreparedPerson>,
  indexTruth: ReadonlyArray<string>,
  queries: ReadonlyArray<PreparedPerson>,
  queryTruth: ReadonlyArray<string>
): LinkageResult {
  const blocking = new BlockingIndex(index)
  const positions = new Map(index.map((record, i) => [record, i]))
  const present = new Set(indexTruth)
  let inIndex = 0
  let hits = 0
  let blockedIn = 0
  let certain = 0
  let certainRight = 0
  let absentConfident = 0
  queries.forEach((query, q) => {
    const person = queryTruth[q]!
    const candidates = blocking.candidates(query)
    const best = rankCandidates(
      scorer,
      query,
      candidates.map((i) => index[i]!),
      { count: 1 }
    )[0]
    const bestPerson = best === undefined ? undefined : indexTruth[positions.get(best.record)!]
    if (!present.has(person)) {
      if (best !== undefined && best.grade !== "possible") absentConfident++
      return
    }
    inIndex++
    if (candidates.some((i) => indexTruth[i] === person)) blockedIn++
    if (bestPerson === person) hits++
    if (best?.grade === "certain") {
      certain++
      if (bestPerson === person) certainRight++
    }
  })
  const absent = queries.length - inIndex
  return {
    queries: inIndex,
    absentQueries: absent,
    hitAt1: ratio(hits, inIndex),
    blockingRecall: ratio(blockedIn, inIndex),
    certainPrecision: ratio(certainRight, certain),
    certainCoverage: ratio(certain, inIndex),
    wrongCertain: certain - certainRight,
    absentConfident: ratio(absentConfident, absent)
  }
}

/** How many pairs of different people sharing a home reach each grade's probability. */
export interface HouseholdGrades {
  readonly pairs: number
  readonly possible: number
  readonly probable: number
  readonly certain: number
  readonly highestProbability: number
}

export interface HouseholdResult {
  /** Twins: one birth date, so only the forename and NHS number tell them apart. */
  readonly twins: HouseholdGrades
  /** Everyone else at one address: partners, parents and children, a father and son, care home residents. */
  readonly others: HouseholdGrades
}

const homeOf = (record: PreparedPerson) => {
  const house = record.addresses[0]
  const postcode = record.postcodes[0]
  return house === undefined || postcode === undefined ? undefined : `${postcode.unit}|${house.houseNumber ?? ""}|${house.street}`
}

/**
 * Scores every pair of different people who share a current address (postcode and house): the
 * pairs that independent comparisons would over-count, since surname, postcode, address and
 * practice agree at once. None but twins should reach `probable`.
 */
export function evaluateHouseholds(scorer: Scorer, index: ReadonlyArray<PreparedPerson>, truth: ReadonlyArray<string>): HouseholdResult {
  const homes = new Map<string, Array<number>>()
  index.forEach((record, i) => {
    const home = homeOf(record)
    if (home !== undefined) homes.set(home, [...(homes.get(home) ?? []), i])
  })
  const { thresholds } = scorer.model
  const grades = () => ({ pairs: 0, possible: 0, probable: 0, certain: 0, highestProbability: 0 })
  const twins = grades()
  const others = grades()
  for (const members of homes.values()) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const [a, b] = [members[x]!, members[y]!]
        if (truth[a] === truth[b]) continue
        const { probability } = scorer.score(index[a]!, index[b]!)
        const counted = index[a]!.birthDate?.digits === index[b]!.birthDate?.digits ? twins : others
        counted.pairs++
        if (probability >= thresholds.possible) counted.possible++
        if (probability >= thresholds.probable) counted.probable++
        if (probability >= thresholds.certain) counted.certain++
        counted.highestProbability = Math.max(counted.highestProbability, probability)
      }
    }
  }
  return { twins, others }
}

/**
 * Turns a deduplication data set into a linkage one: the index holds each person's first record,
 * except for one person in `absentEvery` who is left out so that some queries have no right answer;
 * every other record is a query.
 */
export function linkageSplit<A>(records: ReadonlyArray<A>, truth: ReadonlyArray<string>, absentEvery = 10) {
  const seen = new Set<string>()
  const index: Array<A> = []
  const indexTruth: Array<string> = []
  const queries: Array<A> = []
  const queryTruth: Array<string> = []
  const people = [...new Set(truth)]
  const absent = new Set(people.filter((_, i) => i % absentEvery === 0))
  records.forEach((record, i) => {
    const person = truth[i]!
    if (seen.has(person) || absent.has(person)) {
      queries.push(record)
      queryTruth.push(person)
    } else {
      seen.add(person)
      index.push(record)
      indexTruth.push(person)
    }
  })
  return { index, indexTruth, queries, queryTruth }
}
