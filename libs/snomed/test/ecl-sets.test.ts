import { describe, expect, it } from "@effect/vitest"
import { ConceptCollector, ConceptSet } from "../src/ecl/sets"

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
const random = (seed: number) => () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32

describe("concept sets", () => {
  it("agree with plain sets in both forms, sparse and dense, through AND, OR, MINUS and filter", () => {
    const universe = 5_000
    const next = random(7)
    const sample = (size: number) => Array.from({ length: size }, () => Math.floor(next() * universe))
    for (const [left, right] of [
      [10, 20],
      [10, 4_000],
      [3_000, 4_000],
      [0, 500],
      [2_000, 100]
    ] as const) {
      const a = sample(left)
      const b = sample(right)
      const setA = ConceptSet.fromUnsorted(universe, a)
      const setB = ConceptSet.fromUnsorted(universe, b)
      const plainA = new Set(a)
      const plainB = new Set(b)
      const sorted = (values: Iterable<number>) => [...new Set(values)].sort((x, y) => x - y)
      expect([...setA.toSorted()]).toEqual(sorted(plainA))
      expect(setA.size).toBe(plainA.size)
      expect([...setA.and(setB).toSorted()]).toEqual(sorted([...plainA].filter((x) => plainB.has(x))))
      expect([...setA.or(setB).toSorted()]).toEqual(sorted([...plainA, ...plainB]))
      expect([...setA.minus(setB).toSorted()]).toEqual(sorted([...plainA].filter((x) => !plainB.has(x))))
      expect([...setB.minus(setA).toSorted()]).toEqual(sorted([...plainB].filter((x) => !plainA.has(x))))
      expect([...setA.filter((x) => x % 2 === 0).toSorted()]).toEqual(sorted([...plainA].filter((x) => x % 2 === 0)))
      for (let probe = 0; probe < universe; probe += 97) expect(setA.has(probe)).toBe(plainA.has(probe))
      const collector = new ConceptCollector(universe, b.length)
      b.forEach((x) => collector.add(x))
      expect([...collector.done().toSorted()]).toEqual(sorted(plainB))
    }
  })

  it("keeps a set with more than one concept in 32 as a bitmap and a sparser one as a sorted array", () => {
    expect(ConceptSet.fromUnsorted(3_200, [1, 2, 3]).isBitmap).toBe(false)
    expect(
      ConceptSet.fromUnsorted(
        3_200,
        Array.from({ length: 101 }, (_, x) => x * 3)
      ).isBitmap
    ).toBe(true)
    expect(
      ConceptSet.fromUnsorted(
        3_200,
        Array.from({ length: 200 }, (_, x) => x)
      ).minus(
        ConceptSet.fromUnsorted(
          3_200,
          Array.from({ length: 190 }, (_, x) => x)
        )
      ).isBitmap
    ).toBe(false)
  })
})
