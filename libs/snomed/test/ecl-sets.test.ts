import { describe, expect, it } from "@effect/vitest"
import { ConceptCollector, ConceptSet } from "../src/ecl/sets"

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
const random = (seed: number) => () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32

describe("concept sets", () => {
  it("agree with plain sets in both forms, sparse and dense, through AND, OR, MINUS and filter", () => {
    const next = random(7)
    // At 5,000 concepts most are bitmaps; at 200,000 lists of like and unlike size meet (merged or searched).
    for (const [universe, left, right] of [
      [5_000, 10, 20],
      [5_000, 10, 4_000],
      [5_000, 3_000, 4_000],
      [5_000, 0, 500],
      [5_000, 2_000, 100],
      [200_000, 3_000, 5_000],
      [200_000, 50, 6_000],
      [200_000, 6_000, 50]
    ] as const) {
      const sample = (size: number) => Array.from({ length: size }, () => Math.floor(next() * universe))
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

  it("reads a bitmap's members off in order and leaves it clear for reuse", () => {
    const universe = 10_000
    const members = [3, 31, 32, 1_000, 4_095, 9_999]
    const bits = new Uint32Array((universe + 31) >>> 5)
    for (const member of members) bits[member >>> 5]! |= 1 << (member & 31)
    const set = ConceptSet.drainBits(universe, bits, 50)
    expect([...set.toSorted()]).toEqual(members)
    expect(set.size).toBe(members.length)
    expect(bits.every((word) => word === 0)).toBe(true)
  })

  it("collects into a shared bitmap, leaving it clear after a sparse result and putting a clear one in place of a dense one it takes", () => {
    const universe = 10_000
    const shared = { visited: new Uint32Array((universe + 31) >>> 5) }
    const original = shared.visited
    const sparse = new ConceptCollector(universe, 5_000, shared)
    for (const member of [9, 7, 9, 4_000]) sparse.add(member)
    expect([...sparse.done().toSorted()]).toEqual([7, 9, 4_000])
    expect(shared.visited).toBe(original)
    expect(original.every((word) => word === 0)).toBe(true)
    const dense = new ConceptCollector(universe, 5_000, shared)
    for (let member = 0; member < universe; member += 3) dense.add(member)
    const set = dense.done()
    expect(set.isBitmap).toBe(true)
    expect(set.size).toBe(Math.ceil(universe / 3))
    expect(shared.visited).not.toBe(original)
    expect(shared.visited.every((word) => word === 0)).toBe(true)
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
