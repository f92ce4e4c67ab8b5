import { describe, expect, it } from "@effect/vitest"
import { isAdjacentTransposition, isOneEdit, isOneSubstitution, jaro, jaroWinkler } from "../src/strings"

describe("Jaro–Winkler", () => {
  // The worked examples of Winkler (1990), as reproduced in Christen, Data Matching (2012).
  it.each([
    ["martha", "marhta", 0.944, 0.961],
    ["dwayne", "duane", 0.822, 0.84],
    ["dixon", "dicksonx", 0.767, 0.813]
  ])("%s / %s", (a, b, expectedJaro, expectedWinkler) => {
    expect(jaro(a, b)).toBeCloseTo(expectedJaro, 3)
    expect(jaroWinkler(a, b)).toBeCloseTo(expectedWinkler, 3)
    expect(jaroWinkler(b, a)).toBeCloseTo(expectedWinkler, 3)
  })

  it("is 1 for equal strings and 0 with nothing in common", () => {
    expect(jaroWinkler("rhys", "rhys")).toBe(1)
    expect(jaroWinkler("abc", "xyz")).toBe(0)
    expect(jaroWinkler("", "abc")).toBe(0)
  })
})

describe("one-edit tests", () => {
  it("tells transpositions, substitutions and insertions apart", () => {
    expect(isAdjacentTransposition("9434765919", "9437465919")).toBe(true)
    expect(isAdjacentTransposition("9434765919", "9434765919")).toBe(false)
    expect(isAdjacentTransposition("abcd", "badc")).toBe(false)
    expect(isOneSubstitution("19700314", "19700315")).toBe(true)
    expect(isOneSubstitution("19700314", "19700341")).toBe(false)
    expect(isOneEdit("CF103AT", "CF103AU")).toBe(true)
    expect(isOneEdit("CF103AT", "CF13AT")).toBe(true)
    expect(isOneEdit("CF103AT", "CF130AT")).toBe(true)
    expect(isOneEdit("CF103AT", "CF1AT")).toBe(false)
  })
})
