/**
 * The Fellegi–Sunter model: per comparison level, m (the chance a true match reaches it) and u (the
 * chance a random non-matching pair does); a pair's match weight is the prior's log2 odds plus
 * log2(m/u) of each level reached plus term-frequency adjustments, and its probability is the
 * logistic of that weight. A model is a versioned JSON artefact (`MatchModel`), decoded with
 * `decodeModel` and compiled once into a `Scorer`.
 */
import { Data, Effect, ParseResult, Schema } from "effect"
import { comparisons, NO_EVIDENCE, type Comparison } from "./comparisons"
import type { PreparedPerson } from "./record"

export const MODEL_FORMAT = "ffynnon-match-model"
export const MODEL_FORMAT_VERSION = 1

const Probability = Schema.Number.pipe(Schema.greaterThan(0), Schema.lessThan(1))

const ModelLevel = Schema.Struct({
  name: Schema.String,
  m: Probability,
  u: Probability,
  /** The exact level's weight is adjusted by the frequency of the value agreed on. */
  termFrequency: Schema.optional(Schema.Boolean)
})

const ModelComparison = Schema.Struct({ name: Schema.String, levels: Schema.Array(ModelLevel) })

const Thresholds = Schema.Struct({
  /** `certain`: at least this probability, and no other candidate at `possible` or above. */
  certain: Probability,
  probable: Probability,
  /** Candidates below this are not answered. */
  possible: Probability
})
export type Thresholds = typeof Thresholds.Type

export const MatchModel = Schema.Struct({
  format: Schema.Literal(MODEL_FORMAT),
  formatVersion: Schema.Literal(MODEL_FORMAT_VERSION),
  /** Names this trained model (for audit: which model scored an answer). */
  version: Schema.String,
  trainedAt: Schema.String,
  /** How it was trained, for the record: method, pair counts, EM iterations, data set. */
  training: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  /** The probability that two records drawn at random are the same person. */
  prior: Probability,
  comparisons: Schema.Array(ModelComparison),
  thresholds: Thresholds
})
export type MatchModel = typeof MatchModel.Type

/** A model that is not valid JSON of this format, or names comparisons or levels this code does not have. */
export class ModelInvalid extends Data.TaggedError("ModelInvalid")<{ readonly message: string }> {}

export const DEFAULT_THRESHOLDS: Thresholds = { certain: 0.99, probable: 0.9, possible: 0.5 }

/** Decodes and checks a stored model. */
export const decodeModel = (input: unknown): Effect.Effect<MatchModel, ModelInvalid> =>
  Schema.decodeUnknown(MatchModel)(input).pipe(
    Effect.mapError((error) => new ModelInvalid({ message: ParseResult.TreeFormatter.formatErrorSync(error) })),
    Effect.tap((model) => Effect.try({ try: () => resolveComparisons(model), catch: (error) => error as ModelInvalid }))
  )

function resolveComparisons(model: MatchModel): Array<Comparison> {
  return model.comparisons.map((stored) => {
    const comparison = comparisons.get(stored.name)
    if (comparison === undefined) throw new ModelInvalid({ message: `the model uses an unknown comparison '${stored.name}'` })
    const expected = comparison.levels.map((level) => level.name).join(", ")
    const actual = stored.levels.map((level) => level.name).join(", ")
    if (expected !== actual) {
      throw new ModelInvalid({ message: `the model's levels of '${stored.name}' are ${actual}; this version has ${expected}` })
    }
    return comparison
  })
}

/** How often each value occurs in the index, per comparison with term-frequency adjustment. */
export interface TermFrequencies {
  /** Records counted. */
  readonly records: number
  readonly counts: ReadonlyMap<string, ReadonlyMap<string, number>>
}

/** Counts the values of every term-frequency comparison over the records (each value once a record). */
export function termFrequencies(records: ReadonlyArray<PreparedPerson>): TermFrequencies {
  const counts = new Map<string, Map<string, number>>()
  for (const comparison of comparisons.values()) {
    const values = comparison.termFrequency?.values
    if (values === undefined) continue
    const table = new Map<string, number>()
    for (const record of records) for (const value of new Set(values(record))) table.set(value, (table.get(value) ?? 0) + 1)
    counts.set(comparison.name, table)
  }
  return { records: records.length, counts }
}

/** One comparison's part of a score. */
export interface ComparisonExplanation {
  readonly comparison: string
  /** The level reached, or null when either record has no value (no evidence, weight 0). */
  readonly level: string | null
  /** log2(m/u) of the level. */
  readonly weight: number
  /** log2(u/frequency) for an exact agreement on a value of known frequency (negative for a common surname). */
  readonly termFrequencyAdjustment: number
}

export interface Score {
  readonly weight: number
  readonly probability: number
}

export interface ExplainedScore extends Score {
  readonly priorWeight: number
  readonly comparisons: ReadonlyArray<ComparisonExplanation>
}

export const probabilityOf = (weight: number) => 1 / (1 + 2 ** -weight)
const log2Odds = (probability: number) => Math.log2(probability / (1 - probability))

/** A model compiled for scoring: weights precomputed per level. */
export class Scorer {
  readonly comparisons: ReadonlyArray<Comparison>
  readonly priorWeight: number
  private readonly weights: ReadonlyArray<Float64Array>
  private readonly exactU: Float64Array
  private readonly adjusted: ReadonlyArray<boolean>

  private constructor(
    readonly model: MatchModel,
    readonly frequencies: TermFrequencies | undefined
  ) {
    this.comparisons = resolveComparisons(model)
    this.priorWeight = log2Odds(model.prior)
    this.weights = model.comparisons.map((comparison) => Float64Array.from(comparison.levels, (level) => Math.log2(level.m / level.u)))
    this.exactU = Float64Array.from(model.comparisons, (comparison) => comparison.levels[0]?.u ?? 1)
    this.adjusted = model.comparisons.map((comparison) => comparison.levels[0]?.termFrequency === true)
  }

  /** Compiles a decoded model; with frequencies from the index, exact agreements on common values weigh less. */
  static make(model: MatchModel, frequencies?: TermFrequencies): Scorer {
    return new Scorer(model, frequencies)
  }

  private adjustment(index: number, a: PreparedPerson, b: PreparedPerson): number {
    const comparison = this.comparisons[index]!
    const counts = this.frequencies?.counts.get(comparison.name)
    const value = comparison.termFrequency?.agreed(a, b)
    if (this.frequencies === undefined || counts === undefined || value === undefined) return 0
    // A value the index has not seen counts as seen once: rare, not infinitely informative.
    const frequency = (counts.get(value) ?? 1) / Math.max(this.frequencies.records, 1)
    return Math.log2(this.exactU[index]! / frequency)
  }

  /** The match weight and probability of a pair, without the explanation. */
  score(a: PreparedPerson, b: PreparedPerson): Score {
    const weight = this.weight(a, b)
    return { weight, probability: probabilityOf(weight) }
  }

  /** The match weight of a pair alone: the cheapest path, for batches of millions. */
  weight(a: PreparedPerson, b: PreparedPerson): number {
    let weight = this.priorWeight
    for (let i = 0; i < this.comparisons.length; i++) {
      const reached = this.comparisons[i]!.compare(a, b)
      if (reached === NO_EVIDENCE) continue
      weight += this.weights[i]![reached]!
      if (reached === 0 && this.adjusted[i]) weight += this.adjustment(i, a, b)
    }
    return weight
  }

  /** The score with each comparison's level, weight and term-frequency adjustment. */
  explain(a: PreparedPerson, b: PreparedPerson): ExplainedScore {
    let weight = this.priorWeight
    const explained = this.comparisons.map((comparison, i): ComparisonExplanation => {
      const reached = comparison.compare(a, b)
      if (reached === NO_EVIDENCE) return { comparison: comparison.name, level: null, weight: 0, termFrequencyAdjustment: 0 }
      const levelWeight = this.weights[i]![reached]!
      const termFrequencyAdjustment = reached === 0 && this.adjusted[i] ? this.adjustment(i, a, b) : 0
      weight += levelWeight + termFrequencyAdjustment
      return { comparison: comparison.name, level: comparison.levels[reached]!.name, weight: levelWeight, termFrequencyAdjustment }
    })
    return { weight, probability: probabilityOf(weight), priorWeight: this.priorWeight, comparisons: explained }
  }
}
