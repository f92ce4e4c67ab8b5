import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { defaultModel } from "../src/defaultModel"
import { rankCandidates } from "../src/match"
import { decodeModel, Scorer } from "../src/model"
import { preparePerson } from "../src/record"

describe("the shipped default model", () => {
  it.effect("decodes against this version's comparisons and says how it was made", () =>
    Effect.gen(function* () {
      const model = yield* decodeModel(defaultModel)
      expect(model.version).toBe("welsh-synthetic-1")
      expect(model.training).toMatchObject({
        method: "unsupervised",
        command: "bun libs/matching/scripts/train-default-model.ts",
        data: expect.stringContaining("syntheticPopulation")
      })
      // A Welsh form of the forename, the same surname, day and month transposed, the same postcode: a match.
      const query = preparePerson({
        id: "q",
        names: [{ given: ["David"], family: "Jones" }],
        birthDate: "1975-02-11",
        addresses: [{ postcode: "CF10 1AA" }]
      })
      const record = preparePerson({
        id: "r",
        names: [{ given: ["Dafydd"], family: "Jones" }],
        birthDate: "1975-11-02",
        addresses: [{ postcode: "CF10 1AA" }]
      })
      expect(rankCandidates(Scorer.make(model), query, [record]).map((match) => match.grade)).toEqual(["certain"])
    })
  )
})
