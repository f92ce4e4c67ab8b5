// The matching model's evaluation on the public data sets in ../shared/fixtures/matching (read in
// place; a missing one is skipped with a message): trains unsupervised (and with labels where the
// data set has them), then prints blocking recall, pairwise precision/recall/F1 and B-cubed F1 of
// deduplication, and Hit@1 and the precision and coverage of `certain` answers of one-query
// linkage, against the issue's targets. See docs/matching.md.
//
//   bun bench/matching.ts [--fixtures DIR] [--json FILE] [--population N]
//
// DIR defaults to $FFYNNON_SHARED_DIR/fixtures/matching; N (default 20,000) is the size of the
// synthetic Welsh population whose queries are evaluated after the public data sets.
import {
  BlockingIndex,
  defaultModel,
  evaluateDeduplication,
  evaluateHouseholds,
  evaluateLinkage,
  linkageSplit,
  syntheticPopulation,
  preparePerson,
  readFake1000,
  readFake1000Labels,
  readFebrl,
  restrictToNamesBirthDatePostcode,
  Scorer,
  termFrequencies,
  trainUnsupervised,
  trainWithLabels,
  decodeModel,
  type Dataset,
  type HouseholdGrades,
  type LabelledPair,
  type MatchModel
} from "@ffynnon/matching"
import { Effect } from "effect"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { parseArgs } from "node:util"
import { machineInfo } from "./report.ts"

const { values } = parseArgs({ options: { fixtures: { type: "string" }, json: { type: "string" }, population: { type: "string" } } })
// `../shared` beside the repository, or `$FFYNNON_SHARED_DIR`, as the tests find it.
const shared = process.env.FFYNNON_SHARED_DIR ?? join(import.meta.dir, "..", "..", "shared")
const fixtures = resolve(values.fixtures ?? join(shared, "fixtures", "matching"))
const RESTRICTED = ["forename", "surname", "birthDate", "postcode"]
const people = Number(values.population ?? 20_000)
if (!Number.isInteger(people) || people < 100) {
  console.error(`--population takes a whole number of people, at least 100 (not ${values.population})`)
  process.exit(2)
}

interface Row {
  readonly dataset: string
  readonly method: string
  readonly records: number
  readonly trainSeconds: number
  /** Microseconds to prepare a record, and to score a blocked pair (weight and probability, no explanation). */
  readonly prepareMicros: number
  readonly scoreMicros: number
  readonly model: MatchModel
  readonly dedupe: ReturnType<typeof evaluateDeduplication>
  readonly linkage: ReturnType<typeof evaluateLinkage>
}

function evaluate(
  name: string,
  dataset: Dataset,
  options: { comparisons?: ReadonlyArray<string>; labels?: ReadonlyArray<LabelledPair> } = {}
): Row {
  const preparing = performance.now()
  const records = dataset.records.map(preparePerson)
  const prepareMicros = ((performance.now() - preparing) * 1000) / records.length
  const started = performance.now()
  const trainingOptions = { version: name, ...(options.comparisons === undefined ? {} : { comparisons: options.comparisons }) }
  const { model } = Effect.runSync(
    options.labels === undefined ? trainUnsupervised(records, trainingOptions) : trainWithLabels(records, options.labels, trainingOptions)
  )
  const trainSeconds = (performance.now() - started) / 1000
  const scorer = Scorer.make(model, termFrequencies(records))
  const pairs = new BlockingIndex(records).pairs()
  const scoring = performance.now()
  for (const [i, j] of pairs) scorer.score(records[i]!, records[j]!)
  const scoreMicros = ((performance.now() - scoring) * 1000) / pairs.length
  const split = linkageSplit(records, dataset.truth)
  const linkageScorer = Scorer.make(model, termFrequencies(split.index))
  return {
    dataset: name,
    method: options.labels === undefined ? "EM" : "labels",
    records: records.length,
    trainSeconds,
    prepareMicros,
    scoreMicros,
    model,
    dedupe: evaluateDeduplication(scorer, records, dataset.truth),
    linkage: evaluateLinkage(linkageScorer, split.index, split.indexTruth, split.queries, split.queryTruth)
  }
}

const rows: Array<Row> = []
const febrlDir = join(fixtures, "febrl")
for (const n of [1, 2, 3]) {
  const file = join(febrlDir, `dataset${n}.csv`)
  if (!existsSync(file)) {
    console.warn(`${file} is absent: FEBRL dataset ${n} skipped.`)
    continue
  }
  const dataset = readFebrl(readFileSync(file, "utf8"))
  rows.push(evaluate(`FEBRL${n}`, dataset))
  rows.push(
    evaluate(
      `FEBRL${n} restricted`,
      { records: dataset.records.map(restrictToNamesBirthDatePostcode), truth: dataset.truth },
      { comparisons: RESTRICTED }
    )
  )
}
const fake = join(fixtures, "splink", "fake_1000.csv")
const fakeLabels = join(fixtures, "splink", "fake_1000_labels.csv")
if (existsSync(fake)) {
  const dataset = readFake1000(readFileSync(fake, "utf8"))
  const comparisons = ["forename", "surname", "birthDate"]
  rows.push(evaluate("fake_1000", dataset, { comparisons }))
  if (existsSync(fakeLabels)) {
    rows.push(
      evaluate("fake_1000", dataset, { comparisons, labels: readFake1000Labels(readFileSync(fakeLabels, "utf8"), dataset.records) })
    )
  }
} else console.warn(`${fake} is absent: Splink fake_1000 skipped.`)

const number = (value: number, digits = 4) => value.toFixed(digits)
const header = [
  "data set",
  "training",
  "records",
  "train s",
  "µs/record",
  "µs/pair",
  "blocked pairs",
  "blocking recall",
  "precision",
  "recall",
  "F1",
  "B³ F1",
  "calibration error",
  "Hit@1",
  "certain precision",
  "certain coverage",
  "absent confident"
]
const table = rows.map((row) => [
  row.dataset,
  row.method,
  String(row.records),
  number(row.trainSeconds, 1),
  number(row.prepareMicros, 1),
  number(row.scoreMicros, 1),
  String(row.dedupe.blockedPairs),
  number(row.dedupe.blockingRecall),
  number(row.dedupe.pairwise.precision),
  number(row.dedupe.pairwise.recall),
  number(row.dedupe.pairwise.f1),
  number(row.dedupe.bcubed.f1),
  number(row.dedupe.calibrationError),
  number(row.linkage.hitAt1),
  number(row.linkage.certainPrecision),
  number(row.linkage.certainCoverage),
  number(row.linkage.absentConfident)
])
console.log(`| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`)
for (const cells of table) console.log(`| ${cells.join(" | ")} |`)

const target = (label: string, value: number | undefined, goal: number) =>
  console.log(
    `${label}: ${value === undefined ? "not measured" : `${number(value)} (target ≥ ${goal}: ${value >= goal ? "met" : "NOT met"})`}`
  )
target("FEBRL3 B-cubed F1", rows.find((row) => row.dataset === "FEBRL3")?.dedupe.bcubed.f1, 0.995)
for (const row of rows.filter((row) => row.dataset.endsWith("restricted")))
  target(`${row.dataset} pairwise F1`, row.dedupe.pairwise.f1, 0.98)

// The synthetic Welsh population: one query per person, a tenth of them for people not in the index.
const population = syntheticPopulation({ people })
const training = population.training.map(preparePerson)
const trainingStarted = performance.now()
const { model: welshModel } = Effect.runSync(trainUnsupervised(training, { version: "synthetic-welsh" }))
const welshTrainSeconds = (performance.now() - trainingStarted) / 1000
const index = population.index.map(preparePerson)
const queries = population.queries.map(preparePerson)
const linking = performance.now()
const welshScorer = Scorer.make(welshModel, termFrequencies(index))
const welsh = evaluateLinkage(welshScorer, index, population.indexTruth, queries, population.queryTruth)
const queryMillis = (performance.now() - linking) / queries.length
console.log(
  `\nSynthetic Welsh population: ${people} people indexed, ${training.length} training records (trained in ${number(welshTrainSeconds, 1)} s), ${welsh.queries} queries for indexed people, ${welsh.absentQueries} for absent ones; blocking recall ${number(welsh.blockingRecall)}; ${number(queryMillis, 3)} ms a query (in-memory blocking, ranking, explanation of the best)`
)
target("Hit@1", welsh.hitAt1, 0.97)
target("certain coverage", welsh.certainCoverage, 0.8)
console.log(
  `wrong certain answers: ${welsh.wrongCertain} in ${welsh.queries} queries (target ≤ 1 in 10,000: ${welsh.wrongCertain / welsh.queries <= 1e-4 ? "met" : "NOT met"})`
)
console.log(
  `absent people given a certain or probable candidate: ${number(welsh.absentConfident)} (target ≤ 0.005: ${welsh.absentConfident <= 0.005 ? "met" : "NOT met"})`
)

// Different people at one address: the pairs that independent comparisons would over-count.
const households = evaluateHouseholds(welshScorer, index, population.indexTruth)
const shippedModel = Effect.runSync(decodeModel(defaultModel))
const shippedHouseholds = evaluateHouseholds(Scorer.make(shippedModel, termFrequencies(index)), index, population.indexTruth)
const grades = (label: string, result: HouseholdGrades) =>
  console.log(
    `  ${label}: ${result.pairs} pairs, ${result.possible} possible or above, ${result.probable} probable or above, ${result.certain} at the certain probability; highest ${number(result.highestProbability, 6)}`
  )
for (const [label, result] of [
  ["trained here", households],
  [`shipped ${shippedModel.version}`, shippedHouseholds]
] as const) {
  console.log(`different people at one address, ${label}:`)
  grades("twins (one birth date)", result.twins)
  grades("others (partners, parents and children, care homes)", result.others)
}

if (values.json !== undefined) {
  writeFileSync(
    values.json,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: machineInfo(),
        rows,
        welsh: { people, model: welshModel, linkage: welsh, households, shippedHouseholds }
      },
      null,
      2
    )
  )
  console.log(`wrote ${values.json}`)
}
