import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { defaultModel } from "../src/defaultModel"
import { rankCandidates } from "../src/match"
import { decodeModel, Scorer, termFrequencies } from "../src/model"
import { syntheticPopulation } from "../src/population"
import { preparePerson, type Person } from "../src/record"

describe("the shipped default model", () => {
  it.effect("decodes against this version's comparisons and says how it was made", () =>
    Effect.gen(function* () {
      const model = yield* decodeModel(defaultModel)
      expect(model.version).toBe("welsh-synthetic-2")
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

  // A family at one address with a surname no one else in the index has: surname, postcode, house
  // and practice all agree, and with term frequencies the rare surname weighs heavily. Forenames,
  // birth dates and NHS numbers tell them apart.
  const home = { lines: ["7 Heol y Bont"], postcode: "LL57 2DG" }
  const member = (id: string, given: string, birthDate: string, sex: string, nhsNumber: string): Person => ({
    id,
    nhsNumber,
    names: [{ given: [given], family: "Prydderch-Vowles" }],
    birthDate,
    sex,
    addresses: [home],
    gpPractice: "W91234"
  })
  const family = [
    member("father", "Gareth", "1961-04-17", "male", "9434765919"),
    member("mother", "Eleri", "1963-09-02", "female", "9434765870"),
    member("son", "Osian", "1992-12-05", "male", "9434765862")
  ]
  const frequencies = termFrequencies([...syntheticPopulation({ people: 3000, seed: 11 }).index, ...family].map(preparePerson))

  it.effect("does not take members of one household for one another", () =>
    Effect.gen(function* () {
      const scorer = Scorer.make(yield* decodeModel(defaultModel), frequencies)
      const [father, ...others] = family.map(preparePerson)
      for (const other of others) expect(scorer.score(father!, other).probability, other.person.id).toBeLessThan(0.5)
      // Without the NHS numbers (half of all queries) still not probable.
      const withoutNumber = others.map((other) => preparePerson({ ...other.person, nhsNumber: undefined }))
      expect(rankCandidates(scorer, preparePerson({ ...family[0]!, nhsNumber: undefined }), withoutNumber)).toEqual([])
    })
  )

  it.effect("still finds the household's member from a record with an error", () =>
    Effect.gen(function* () {
      const scorer = Scorer.make(yield* decodeModel(defaultModel), frequencies)
      // The father's record from another source: a typo in the forename, no NHS number.
      const query = preparePerson({
        ...family[0]!,
        id: "q",
        nhsNumber: undefined,
        names: [{ given: ["Gareht"], family: "Prydderch-Vowles" }]
      })
      const answers = rankCandidates(scorer, query, family.map(preparePerson))
      expect(answers.map((match) => [match.record.person.id, match.grade])).toEqual([["father", "certain"]])
    })
  )
})
