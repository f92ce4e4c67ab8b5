import { describe, expect, it } from "@effect/vitest"
import { BlockingIndex, blockingKeys, forEachCandidatePair, keyEvidence, MAX_BLOCK, runSteps, topCandidates } from "../src/blocking"
import { syntheticPopulation } from "../src/population"
import { preparePerson, type Person } from "../src/record"

const dai: Person = {
  id: "dai",
  nhsNumber: "943 476 5919",
  names: [
    { given: ["Dai"], family: "Powell" },
    { given: ["Dai"], family: "ap Hywel" }
  ],
  birthDate: "1970-03-14",
  addresses: [{ postcode: "CF10 3AT" }, { postcode: "ZZ99 3VZ" }]
}

describe("blocking", () => {
  it("gives a record's keys under every rule, from its whole history, without placeholders", () => {
    expect(blockingKeys(preparePerson(dai))).toEqual([
      { rule: "nhs-number", key: "9434765919" },
      { rule: "birth-date", key: "19700314" },
      { rule: "postcode", key: "CF10 3AT" },
      { rule: "surname-sound-birth-year", key: "PL 1970" },
      { rule: "surname-sound-birth-year", key: "AFL 1970" },
      { rule: "names-either-order", key: "dai|powell" },
      { rule: "names-either-order", key: "ap hywel|dai" },
      { rule: "surname-forename-initial", key: "powell|d" },
      { rule: "surname-forename-initial", key: "ap hywel|d" },
      { rule: "forename-surname-initial", key: "dai|p" },
      { rule: "forename-surname-initial", key: "dai|a" }
    ])
  })

  it("finds candidates sharing a key under any rule, and pairs them once", () => {
    const records = [
      dai,
      { id: "same NHS number", nhsNumber: "9434765919" },
      { id: "names swapped", names: [{ given: ["Powell"], family: "Dai" }] },
      { id: "stranger", names: [{ given: ["Ffion"], family: "Cadwaladr" }], birthDate: "1985-09-30", addresses: [{ postcode: "ZZ99 3VZ" }] }
    ].map(preparePerson)
    const index = new BlockingIndex(records)
    expect([...index.candidates(records[0]!)].sort()).toEqual([0, 1, 2])
    expect(index.pairs()).toEqual([
      [0, 1],
      [0, 2]
    ])
  })

  it("takes the candidates with the most evidence first: more keys, and keys fewer records share", () => {
    const query = preparePerson({
      id: "query",
      names: [{ given: ["Dai"], family: "Powell" }],
      birthDate: "1970-03-14",
      addresses: [{ postcode: "CF10 3AT" }]
    })
    const records = [
      ...["e", "d", "c", "b", "a"].map((id): Person => ({ id, birthDate: "1970-03-14" })),
      { id: "neighbour", addresses: [{ postcode: "CF10 3AT" }] },
      { id: "dai", names: [{ given: ["Dai"], family: "Powell" }], birthDate: "1970-03-14", addresses: [{ postcode: "CF10 3AT" }] },
      { id: "stranger", birthDate: "1985-09-30" }
    ].map(preparePerson)
    const index = new BlockingIndex(records)
    const ids = (limit: number) => index.candidates(query, limit).map((i) => records[i]!.person.id)
    // The birth date is held by six records, the postcode by two: the neighbour has more evidence than each of the five.
    expect(keyEvidence(6)).toBeLessThan(keyEvidence(2))
    expect(ids(4)).toEqual(["dai", "neighbour", "a", "b"])
    expect(ids(100)).toEqual(["dai", "neighbour", "a", "b", "c", "d", "e"])
  })

  it("leaves out a key shared by more records than the limit", () => {
    const crowd = Array.from({ length: 5 }, (_, i): Person => ({ id: String(i), birthDate: "1970-03-14" })).map(preparePerson)
    const index = new BlockingIndex(crowd, undefined, 4)
    expect(index.pairs()).toEqual([])
    expect(index.skippedBlocks).toBe(1)
  })

  it("picks each record's candidates over the whole index as BlockingIndex does for one, and pairs them once", () => {
    // Ids in index order, so that ties go the same way in both.
    const records = syntheticPopulation({ people: 3000, seed: 11 }).training.map((person, i) =>
      preparePerson({ ...person, id: String(i).padStart(6, "0") })
    )
    const byKey = new Map<string, Array<number>>()
    records.forEach((record, i) => {
      for (const { rule, key } of blockingKeys(record)) byKey.set(`${rule}:${key}`, [...(byKey.get(`${rule}:${key}`) ?? []), i])
    })
    const index = new BlockingIndex(records)
    const blocks = index.keyBlocks()
    expect(blocks.size).toBe([...byKey.values()].filter((block) => block.length >= 2 && block.length <= MAX_BLOCK).length)
    const limit = 5
    const lists = runSteps(topCandidates(blocks, limit))
    const expected = new Set<string>()
    records.forEach((record, i) => {
      const candidates = index
        .candidates(record, limit + 1)
        .filter((other) => other !== i)
        .slice(0, limit)
      expect([...lists.subarray(i * limit, (i + 1) * limit)].filter((other) => other >= 0)).toEqual(candidates)
      for (const other of candidates) expected.add(`${Math.min(i, other)} ${Math.max(i, other)}`)
    })
    const pairs: Array<string> = []
    runSteps(
      forEachCandidatePair(lists, limit, (i, j) => {
        expect(i).toBeLessThan(j)
        pairs.push(`${i} ${j}`)
      })
    )
    expect(pairs.length).toBe(expected.size)
    expect(new Set(pairs)).toEqual(expected)
    // Some records list fewer than the limit, and many pairs are listed from both sides.
    expect(lists.includes(-1)).toBe(true)
    expect(pairs.length).toBeLessThan(records.length * limit)
  })
})
