// What `ffynnon match dedupe`'s candidate limit (DEDUPE_CANDIDATES) costs: on the synthetic Welsh population (a fifth
// of the people with a second, noisy record), the share of true duplicate pairs that scoring every
// blocked pair would link at 0.9 and that each record's top N candidates still reach (a pair
// counts when either record lists the other, as dedupe scores it). Prints a table. See
// docs/matching.md (Batch deduplication).
//
//   bun bench/dedupe-recall.ts [--people N]   (default 200,000)
import {
  BlockingIndex,
  decodeModel,
  defaultModel,
  preparePerson,
  runSteps,
  Scorer,
  syntheticPopulation,
  termFrequencies,
  topCandidates
} from "@ffynnon/matching"
import { Effect } from "effect"
import { parseArgs } from "node:util"
import { machineInfo } from "./report.ts"

const { values } = parseArgs({ options: { people: { type: "string", default: "200000" } } })
const limits = [5, 10, 20, 50, 200]
const population = syntheticPopulation({ people: Number(values.people), seed: 7 })
const records = population.training.map(preparePerson)
const scorer = Scorer.make(Effect.runSync(decodeModel(defaultModel)), termFrequencies(records))

const index = new BlockingIndex(records)
const most = Math.max(...limits)
const started = performance.now()
const lists = runSteps(topCandidates(index.keyBlocks(), most))
const seconds = (performance.now() - started) / 1000
const listed = (i: number, j: number, limit: number) => lists.subarray(i * most, i * most + limit).includes(j)
// Blocked: sharing a key of at most MAX_BLOCK records, so among the other's candidates when there is no limit.
const blocked = (i: number, j: number) => index.candidates(records[i]!, Infinity).includes(j)

const byPerson = new Map<string, Array<number>>()
population.trainingTruth.forEach((person, i) => byPerson.set(person, [...(byPerson.get(person) ?? []), i]))
const linkable: Array<readonly [number, number]> = []
for (const members of byPerson.values())
  for (let x = 0; x < members.length; x++)
    for (let y = x + 1; y < members.length; y++) {
      const [i, j] = [members[x]!, members[y]!]
      if (blocked(i, j)) if (scorer.score(records[i]!, records[j]!).probability >= 0.9) linkable.push([i, j])
    }

const machine = machineInfo()
console.log(`${machine.cpuModel}, ${machine.cores} cores, ${machine.totalMemoryGiB} GiB`)
console.log(
  `${records.length.toLocaleString("en-GB")} records; top ${most} candidates of each found in ${seconds.toFixed(1)} s; ${linkable.length.toLocaleString("en-GB")} true pairs linked at 0.9 when every blocked pair is scored\n`
)
console.log("| candidates a record | true linked pairs still reached |")
console.log("|---|---|")
for (const limit of limits) {
  const reached = linkable.filter(([i, j]) => listed(i, j, limit) || listed(j, i, limit)).length
  console.log(`| ${limit} | ${((100 * reached) / linkable.length).toFixed(2)}% (${reached.toLocaleString("en-GB")}) |`)
}
