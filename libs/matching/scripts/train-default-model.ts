/**
 * Trains the default model `$match` serves (`libs/matching/models/welsh-synthetic-2.json`): the
 * unsupervised training of this library on the synthetic Welsh population (its training records:
 * one golden record per person plus noisy second records), seeded, so a rerun gives the same
 * weights (only `trainedAt` changes).
 *
 *   bun libs/matching/scripts/train-default-model.ts
 */
import { Effect } from "effect"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { preparePerson, syntheticPopulation, trainUnsupervised } from "../src"

const people = 20_000
const seed = 2026
const version = "welsh-synthetic-2"

const population = syntheticPopulation({ people, seed })
const { model } = Effect.runSync(trainUnsupervised(population.training.map(preparePerson), { version }))
const artefact = {
  ...model,
  training: {
    ...model.training,
    data: `syntheticPopulation({ people: ${people}, seed: ${seed} }).training (libs/matching/src/population.ts)`,
    command: "bun libs/matching/scripts/train-default-model.ts"
  }
}
const file = join(import.meta.dirname, "..", "models", `${version}.json`)
writeFileSync(file, `${JSON.stringify(artefact, null, 2)}\n`)
console.error(`wrote ${file}`)
