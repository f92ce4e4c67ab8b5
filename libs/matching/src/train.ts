/**
 * Training a model from the records themselves: u from randomly drawn pairs (almost all of which
 * are different people), m by expectation–maximisation in one session per blocking rule, and the
 * prior by EM with m fixed over all blocked pairs, started from the pairs that deterministic rules
 * call matches. With labelled pairs from a data steward, m comes from the labelled matches instead.
 */
import { Data, Effect } from "effect"
import { BlockingIndex, blockingRules, type BlockingRule } from "./blocking"
import { comparisons as allComparisons, NO_EVIDENCE, type Comparison } from "./comparisons"
import { DEFAULT_THRESHOLDS, MODEL_FORMAT, MODEL_FORMAT_VERSION, type MatchModel, type Thresholds } from "./model"
import type { PreparedPerson } from "./record"

export interface TrainingOptions {
  /** The comparisons to use, by name (default: all of them); an unknown name fails training. */
  readonly comparisons?: ReadonlyArray<string>
  /** The blocking rules giving the EM sessions and the blocked pairs (default: `blockingRules`). */
  readonly rules?: ReadonlyArray<BlockingRule>
  readonly version?: string
  /** Random pairs drawn to estimate u (default 300,000). */
  readonly uSamplePairs?: number
  readonly seed?: number
  readonly maxIterations?: number
  /** The share of true matches the deterministic rules are assumed to find, for EM's starting prior (default 0.5). */
  readonly deterministicRecall?: number
  readonly thresholds?: Thresholds
}

export interface LabelledPair {
  readonly a: number
  readonly b: number
  readonly match: boolean
}

/** What training did, also kept in the model's `training`. */
export interface TrainingReport {
  readonly method: "unsupervised" | "labelled"
  readonly records: number
  readonly blockedPairs: number
  readonly uSamplePairs: number
  readonly deterministicPairs: number
  readonly priorFromRules: number
  /** The EM sessions that learnt m, one a blocking rule. */
  readonly sessions: ReadonlyArray<{
    readonly rule: string
    readonly pairs: number
    readonly iterations: number
    readonly converged: boolean
    readonly matchShare: number
  }>
  /** Levels no sampled or blocked pair reached, made neutral (weight 0); comparisons no session learnt are neutral too. */
  readonly unobserved: ReadonlyArray<string>
  /** The final EM for the prior. */
  readonly emIterations: number
  readonly converged: boolean
  /** The share of matches among blocked pairs that EM settled on. */
  readonly blockedMatchShare: number
}

/** A small seeded generator (mulberry32), so a training run can be repeated exactly. */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Pairs with the same levels are counted together: EM then runs over a few hundred patterns, not millions of pairs.
interface Pattern {
  readonly levels: Int8Array
  count: number
}

function patternsOf(
  records: ReadonlyArray<PreparedPerson>,
  comparisons: ReadonlyArray<Comparison>,
  pairs: Iterable<readonly [number, number]>
) {
  const patterns = new Map<string, Pattern>()
  for (const [i, j] of pairs) {
    const levels = Int8Array.from(comparisons, (comparison) => comparison.compare(records[i]!, records[j]!))
    const key = levels.join(",")
    const pattern = patterns.get(key)
    if (pattern === undefined) patterns.set(key, { levels, count: 1 })
    else pattern.count++
  }
  return [...patterns.values()]
}

// Level shares with one pseudo-count a level, so no level is impossible.
function shares(counts: ReadonlyArray<Float64Array>): Array<Float64Array> {
  return counts.map((levels) => {
    const total = levels.reduce((sum, count) => sum + count, 0) + levels.length
    return levels.map((count) => (count + 1) / total)
  })
}

function countLevels(patterns: ReadonlyArray<Pattern>, comparisons: ReadonlyArray<Comparison>, weightOf: (pattern: Pattern) => number) {
  const counts = comparisons.map((comparison) => new Float64Array(comparison.levels.length))
  for (const pattern of patterns) {
    const weight = weightOf(pattern)
    pattern.levels.forEach((level, k) => {
      if (level !== NO_EVIDENCE) counts[k]![level]! += weight
    })
  }
  return counts
}

function sampleU(records: ReadonlyArray<PreparedPerson>, comparisons: ReadonlyArray<Comparison>, pairs: number, seed: number) {
  const next = random(seed)
  const n = records.length
  function* draws(): Generator<readonly [number, number]> {
    for (let drawn = 0; drawn < pairs;) {
      const i = Math.floor(next() * n)
      const j = Math.floor(next() * n)
      if (i === j) continue
      drawn++
      yield [i, j]
    }
  }
  return countLevels(patternsOf(records, comparisons, draws()), comparisons, (pattern) => pattern.count)
}

// The posterior probability that a pattern is a match, under m, u and the share of matches.
function posterior(pattern: Pattern, m: ReadonlyArray<Float64Array>, u: ReadonlyArray<Float64Array>, share: number) {
  let logRatio = Math.log(share / (1 - share))
  pattern.levels.forEach((level, k) => {
    if (level !== NO_EVIDENCE) logRatio += Math.log(m[k]![level]! / u[k]![level]!)
  })
  return 1 / (1 + Math.exp(-logRatio))
}

// A starting m that puts most of a match's weight on the best levels.
const initialM = (comparisons: ReadonlyArray<Comparison>) =>
  comparisons.map((comparison) => {
    const levels = comparison.levels.length
    const raw = Float64Array.from({ length: levels }, (_, l) => (l === levels - 1 ? 0.05 : 0.5 ** l))
    const total = raw.reduce((sum, value) => sum + value, 0)
    return raw.map((value) => value / total)
  })

function em(
  patterns: ReadonlyArray<Pattern>,
  comparisons: ReadonlyArray<Comparison>,
  u: ReadonlyArray<Float64Array>,
  start: { m: Array<Float64Array>; share: number; fixedM: boolean },
  maxIterations: number
) {
  let { m, share } = start
  const total = patterns.reduce((sum, pattern) => sum + pattern.count, 0)
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const matchWeight = new Map(patterns.map((pattern) => [pattern, pattern.count * posterior(pattern, m, u, share)]))
    const matches = [...matchWeight.values()].reduce((sum, weight) => sum + weight, 0)
    const nextShare = Math.min(Math.max(matches / total, 1e-9), 1 - 1e-9)
    const nextM = start.fixedM ? m : shares(countLevels(patterns, comparisons, (pattern) => matchWeight.get(pattern)!))
    let change = Math.abs(nextShare - share)
    nextM.forEach((levels, k) => levels.forEach((value, l) => (change = Math.max(change, Math.abs(value - m[k]![l]!)))))
    m = nextM
    share = nextShare
    if (change < 1e-6) return { m, share, iterations: iteration, converged: true }
  }
  return { m, share, iterations: maxIterations, converged: false }
}

// Pairs any of these would call the same person without a model: the start of EM's prior.
function deterministicMatch(a: PreparedPerson, b: PreparedPerson): boolean {
  if (a.nhsNumber?.valid === true && a.nhsNumber.value === b.nhsNumber?.value) return true
  if (a.birthDate === null || a.birthDate.digits !== b.birthDate?.digits) return false
  if (a.localIdentifiers.some((x) => b.localIdentifiers.some((y) => x.system === y.system && x.value === y.value))) return true
  return a.names.some((x) =>
    b.names.some((y) => x.forename !== null && x.forename === y.forename && x.surname !== null && x.surname === y.surname)
  )
}

/** Training asked of what cannot give a model: too few records, unknown comparisons, labels naming no record. */
export class TrainingFailed extends Data.TaggedError("TrainingFailed")<{ readonly message: string }> {}

export interface Trained {
  readonly model: MatchModel
  readonly report: TrainingReport
}

/**
 * m by EM in sessions, one a blocking rule, as Splink does: the pairs a rule finds agree on the
 * comparisons its keys come from whether they match or not, so a session learns m only for the
 * other comparisons; each comparison's m is the mean over the sessions that learnt it.
 */
function emSessions(
  records: ReadonlyArray<PreparedPerson>,
  comparisons: ReadonlyArray<Comparison>,
  u: ReadonlyArray<Float64Array>,
  rules: ReadonlyArray<BlockingRule>,
  maxIterations: number
) {
  const sums = comparisons.map((comparison) => new Float64Array(comparison.levels.length))
  const sessions = new Array<number>(comparisons.length).fill(0)
  const report: Array<{ rule: string; pairs: number; iterations: number; converged: boolean; matchShare: number }> = []
  for (const rule of rules) {
    const learnt = comparisons.flatMap((comparison, k) => (rule.uses.includes(comparison.name) ? [] : [k]))
    const pairs = new BlockingIndex(records, [rule]).pairs()
    if (pairs.length === 0 || learnt.length === 0) continue
    const session = learnt.map((k) => comparisons[k]!)
    const deterministic = pairs.filter(([i, j]) => deterministicMatch(records[i]!, records[j]!)).length
    const start = { m: initialM(session), share: Math.min(Math.max(deterministic / pairs.length, 0.01), 0.9), fixedM: false }
    const patterns = patternsOf(records, session, pairs)
    const fitted = em(
      patterns,
      session,
      learnt.map((k) => u[k]!),
      start,
      maxIterations
    )
    // A comparison with no value in any of the session's pairs learnt nothing there.
    learnt.forEach((k, s) => {
      if (!patterns.some((pattern) => pattern.levels[s] !== NO_EVIDENCE)) return
      sessions[k]!++
      fitted.m[s]!.forEach((value, l) => (sums[k]![l]! += value))
    })
    report.push({
      rule: rule.name,
      pairs: pairs.length,
      iterations: fitted.iterations,
      converged: fitted.converged,
      matchShare: fitted.share
    })
  }
  // A comparison no session learnt (no values, or used by every rule) is neutral: m = u.
  const m = sums.map((levels, k) => (sessions[k] === 0 ? Float64Array.from(u[k]!) : levels.map((value) => value / sessions[k]!)))
  return { m, report }
}

function train(
  records: ReadonlyArray<PreparedPerson>,
  options: TrainingOptions,
  labelled: ReadonlyArray<LabelledPair> | undefined
): Trained {
  const comparisons = (options.comparisons ?? [...allComparisons.keys()]).map((name) => allComparisons.get(name)!)
  // Rules whose pairs do not fit EM's two classes (households, care homes) serve blocking, not training.
  const rules = (options.rules ?? blockingRules).filter((rule) => rule.inTraining !== false)
  const maxIterations = options.maxIterations ?? 200
  const n = records.length
  const allPairs = (n * (n - 1)) / 2
  const uSamplePairs = options.uSamplePairs ?? 300_000
  const uCounts = sampleU(records, comparisons, uSamplePairs, options.seed ?? 1)
  const u = shares(uCounts)

  const { m, report: sessions } =
    labelled === undefined
      ? emSessions(records, comparisons, u, rules, maxIterations)
      : {
          m: shares(
            countLevels(
              patternsOf(
                records,
                comparisons,
                labelled.filter((pair) => pair.match).map((pair) => [pair.a, pair.b] as const)
              ),
              comparisons,
              (pattern) => pattern.count
            )
          ),
          report: []
        }

  // The prior: EM with m and u fixed over all blocked pairs, started from the pairs deterministic rules call matches.
  const blocked = new BlockingIndex(records, rules).pairs()
  const deterministicPairs = blocked.filter(([i, j]) => deterministicMatch(records[i]!, records[j]!)).length
  const priorFromRules = Math.max(deterministicPairs / (options.deterministicRecall ?? 0.5), 1) / allPairs
  const startShare = Math.min(Math.max((priorFromRules * allPairs) / Math.max(blocked.length, 1), 1e-6), 0.5)
  const patterns = patternsOf(records, comparisons, blocked)
  // A level no pair reached (a postcode sector in data without UK postcodes) would get its weight
  // from the pseudo-counts alone: it is made neutral instead (m = u).
  const blockedCounts = countLevels(patterns, comparisons, (pattern) => pattern.count)
  const unobserved: Array<string> = []
  comparisons.forEach((comparison, k) =>
    comparison.levels.forEach((level, l) => {
      if (uCounts[k]![l] === 0 && blockedCounts[k]![l] === 0) {
        m[k]![l] = u[k]![l]!
        unobserved.push(`${comparison.name}.${level.name}`)
      }
    })
  )
  const fitted = em(patterns, comparisons, u, { m, share: startShare, fixedM: true }, maxIterations)
  // The share of matches among blocked pairs, spread over all pairs: blocking is built to miss few.
  const prior = Math.min(Math.max((fitted.share * blocked.length) / allPairs, 1e-12), 0.5)

  const report: TrainingReport = {
    method: labelled === undefined ? "unsupervised" : "labelled",
    records: n,
    blockedPairs: blocked.length,
    uSamplePairs,
    deterministicPairs,
    priorFromRules,
    sessions,
    unobserved,
    emIterations: fitted.iterations,
    converged: fitted.converged,
    blockedMatchShare: fitted.share
  }
  const trainedAt = new Date().toISOString()
  const model: MatchModel = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    version: options.version ?? `${report.method}-${trainedAt}`,
    trainedAt,
    training: { ...report },
    prior,
    comparisons: comparisons.map((comparison, k) => ({
      name: comparison.name,
      levels: comparison.levels.map((level, l) => ({
        name: level.name,
        m: m[k]![l]!,
        u: u[k]![l]!,
        ...(l === 0 && comparison.termFrequency !== undefined ? { termFrequency: true } : {})
      }))
    })),
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS
  }
  return { model, report }
}

function checked(records: ReadonlyArray<PreparedPerson>, options: TrainingOptions, labelled?: ReadonlyArray<LabelledPair>) {
  return Effect.suspend(() => {
    const unknown = (options.comparisons ?? []).filter((name) => !allComparisons.has(name))
    if (unknown.length > 0) return Effect.fail(new TrainingFailed({ message: `unknown comparisons: ${unknown.join(", ")}` }))
    if (records.length < 2)
      return Effect.fail(new TrainingFailed({ message: `training needs at least two records, not ${records.length}` }))
    const outside = labelled?.find((pair) => !(pair.a >= 0 && pair.b >= 0 && pair.a < records.length && pair.b < records.length))
    if (outside !== undefined)
      return Effect.fail(
        new TrainingFailed({ message: `a labelled pair names record ${outside.a} or ${outside.b}, beyond the ${records.length} given` })
      )
    if (labelled !== undefined && !labelled.some((pair) => pair.match))
      return Effect.fail(new TrainingFailed({ message: "the labelled pairs hold no match" }))
    return Effect.sync(() => train(records, options, labelled))
  })
}

/** Trains a model on unlabelled records. */
export const trainUnsupervised = (
  records: ReadonlyArray<PreparedPerson>,
  options: TrainingOptions = {}
): Effect.Effect<Trained, TrainingFailed> => checked(records, options)

/** Trains a model with m taken from pairs a data steward labelled (indexes into `records`). */
export const trainWithLabels = (
  records: ReadonlyArray<PreparedPerson>,
  labelled: ReadonlyArray<LabelledPair>,
  options: TrainingOptions = {}
): Effect.Effect<Trained, TrainingFailed> => checked(records, options, labelled)
