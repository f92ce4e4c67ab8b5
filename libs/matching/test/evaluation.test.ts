import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { readFebrl, restrictToNamesBirthDatePostcode, type Dataset } from "../src/datasets"
import { bcubed, clusters, evaluateDeduplication, evaluateHouseholds, evaluateLinkage, linkageSplit, pairwise } from "../src/evaluation"
import { Scorer, termFrequencies } from "../src/model"
import { syntheticPopulation } from "../src/population"
import { preparePerson } from "../src/record"
import { trainUnsupervised } from "../src/train"

describe("metrics", () => {
  it("B-cubed and pairwise scores of a small clustering", () => {
    const truth = ["a", "a", "a", "b", "b"]
    // Predicted: {0,1}, {2,3}, {4}.
    const predicted = clusters(5, [
      [0, 1],
      [2, 3]
    ])
    const b3 = bcubed(predicted, truth)
    // Precision: 1, 1, 1/2, 1/2, 1 → 0.8; recall: 2/3, 2/3, 1/3, 1/2, 1/2 → 0.5333.
    expect(b3.precision).toBeCloseTo(0.8, 10)
    expect(b3.recall).toBeCloseTo(8 / 15, 10)
    const pairs = pairwise(
      [
        [0, 1],
        [2, 3]
      ],
      truth
    )
    expect(pairs).toEqual({ precision: 0.5, recall: 0.25, f1: 1 / 3 })
  })
})

// `../shared` beside the repository, or `$FFYNNON_SHARED_DIR` (a worktree elsewhere).
const shared = process.env.FFYNNON_SHARED_DIR ?? join(import.meta.dirname, "..", "..", "..", "..", "shared")
const febrl = join(shared, "fixtures", "matching", "febrl")
const hasFebrl = existsSync(join(febrl, "dataset3.csv"))
if (!hasFebrl) console.warn(`${febrl} is absent: the evaluation on FEBRL is skipped (set FFYNNON_SHARED_DIR).`)
const read = (n: number) => readFebrl(readFileSync(join(febrl, `dataset${n}.csv`), "utf8"))

function deduplicate(dataset: Dataset, comparisons?: ReadonlyArray<string>) {
  const records = dataset.records.map(preparePerson)
  const { model } = Effect.runSync(trainUnsupervised(records, comparisons === undefined ? {} : { comparisons }))
  return { model, records, result: evaluateDeduplication(Scorer.make(model, termFrequencies(records)), records, dataset.truth) }
}

describe.skipIf(!hasFebrl)("evaluation on FEBRL, trained without labels (the issue's targets)", () => {
  it("FEBRL3: B-cubed F1 of deduplication at least 0.995; certain linkage answers right", () => {
    const dataset = read(3)
    const { model, records, result } = deduplicate(dataset)
    expect(result.blockingRecall).toBeGreaterThan(0.99)
    expect(result.bcubed.f1).toBeGreaterThanOrEqual(0.995)
    const split = linkageSplit(records, dataset.truth)
    const linkage = evaluateLinkage(
      Scorer.make(model, termFrequencies(split.index)),
      split.index,
      split.indexTruth,
      split.queries,
      split.queryTruth
    )
    expect(linkage.hitAt1).toBeGreaterThan(0.99)
    expect(linkage.wrongCertain).toBe(0)
    expect(linkage.certainCoverage).toBeGreaterThan(0.95)
    expect(linkage.absentConfident).toBeLessThan(0.005)
  })

  it.each([1, 2, 3])("FEBRL%i restricted to forename, surname, birth date and postcode: pairwise F1 at least 0.98", (n) => {
    const dataset = read(n)
    const { result } = deduplicate({ records: dataset.records.map(restrictToNamesBirthDatePostcode), truth: dataset.truth }, [
      "forename",
      "surname",
      "birthDate",
      "postcode"
    ])
    expect(result.pairwise.f1).toBeGreaterThanOrEqual(0.98)
  })
})

describe("evaluation on the synthetic Welsh population (the issue's query targets, at small scale)", () => {
  it("finds the right person, says certain only when right, and is not confident about strangers", () => {
    const population = syntheticPopulation({ people: 3000 })
    const training = population.training.map(preparePerson)
    const { model } = Effect.runSync(trainUnsupervised(training))
    const index = population.index.map(preparePerson)
    const scorer = Scorer.make(model, termFrequencies(index))
    const result = evaluateLinkage(scorer, index, population.indexTruth, population.queries.map(preparePerson), population.queryTruth)
    expect(result.absentQueries).toBeGreaterThan(250)
    expect(result.hitAt1).toBeGreaterThanOrEqual(0.97)
    expect(result.certainCoverage).toBeGreaterThanOrEqual(0.8)
    expect(result.wrongCertain).toBe(0)
    expect(result.absentConfident).toBeLessThanOrEqual(0.005)
    // Partners, parents and children, a father and son, care home residents: one surname, postcode,
    // house and practice between them, and still different people to the model.
    const { others } = evaluateHouseholds(scorer, index, population.indexTruth)
    expect(others.pairs).toBeGreaterThan(1000)
    expect(others.certain).toBe(0)
    expect(others.probable / others.pairs).toBeLessThan(0.001)
  })
})
