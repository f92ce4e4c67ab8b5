/**
 * Scoring one query against its candidates: ranked by match weight, graded, explained. What
 * `Patient/$match` answers, less the FHIR.
 */
import type { ExplainedScore, Scorer } from "./model"
import type { PreparedPerson } from "./record"

/** FHIR's match-grade codes. */
export type MatchGrade = "certain" | "probable" | "possible"

export interface Match {
  readonly record: PreparedPerson
  readonly grade: MatchGrade
  readonly score: ExplainedScore
}

export interface RankOptions {
  /** At most this many answers (default 10). */
  readonly count?: number
  /** Only a `certain` answer, or none: `$match`'s `onlyCertainMatches`. */
  readonly onlyCertain?: boolean
}

/**
 * The candidates at `possible` or above, best first. The best is `certain` only when its
 * probability clears the certain threshold and no other candidate reaches `possible`: two
 * plausible people (twins, a father and son at one address) are never a certain answer.
 */
export function rankCandidates(
  scorer: Scorer,
  query: PreparedPerson,
  candidates: Iterable<PreparedPerson>,
  options: RankOptions = {}
): Array<Match> {
  const { certain, probable, possible } = scorer.model.thresholds
  const scored: Array<{ record: PreparedPerson; weight: number; probability: number }> = []
  for (const record of candidates) {
    const score = scorer.score(query, record)
    if (score.probability >= possible) scored.push({ record, ...score })
  }
  scored.sort((a, b) => b.weight - a.weight)
  const unambiguous = scored.length === 1
  const graded = scored.slice(0, Math.max(0, options.count ?? 10)).map(({ record, probability }, index): Match => ({
    record,
    grade: index === 0 && unambiguous && probability >= certain ? "certain" : probability >= probable ? "probable" : "possible",
    score: scorer.explain(query, record)
  }))
  return options.onlyCertain === true ? graded.filter((match) => match.grade === "certain") : graded
}
