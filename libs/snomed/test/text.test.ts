import { describe, expect, it } from "vitest"
import { cutsWelshDigraph, PrefixIndex, tokens } from "../src/index/text"

// Documents 0..39: "alpha<n> beta<n>" for even n, "alpha<n> gamma<n>" for odd n, so "alpha",
// "beta" and "gamma" each start more than 16 words and are checked in the shared bitmap.
const documents = Array.from({ length: 40 }, (_, n) => `Alpha${n} ${n % 2 === 0 ? "Beta" : "Gamma"}${n}`)
const index = PrefixIndex.build(documents.length, (document) => documents[document]!)
const matching = (query: string) => index.matching(tokens(query), documents.length)

describe("word-prefix matching", () => {
  it("finds the documents where every word of the query starts a word", () => {
    expect(matching("alp bet")).toEqual(Array.from({ length: 20 }, (_, k) => 2 * k))
    expect(matching("GAMMA3 alpha")).toEqual([3, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39].filter((n) => n % 2 === 1))
    expect(matching("zeta")).toEqual([])
  })

  it("leaves nothing behind in the shared bitmap from one query to the next", () => {
    expect(matching("alp bet")).toHaveLength(20)
    expect(matching("alp gam")).toEqual(Array.from({ length: 20 }, (_, k) => 2 * k + 1))
    expect(matching("bet gam")).toEqual([])
  })
})

describe("Welsh text", () => {
  it("folds case and the circumflex (to bach) on every vowel, w and y included", () => {
    expect(tokens("Strôc DŴR Tŷ âê îû")).toEqual(["stroc", "dwr", "ty", "ae", "iu"])
    // Composed and decomposed forms fold alike.
    expect(tokens("ŵ".normalize("NFD"))).toEqual(tokens("ŵ"))
  })

  it("keeps two-character letters whole: a prefix ending inside one is a different letter", () => {
    expect(tokens("Llid y pendics")).toEqual(["llid", "y", "pendics"])
    expect(cutsWelshDigraph("llid", 1)).toBe(true)
    expect(cutsWelshDigraph("llid", 2)).toBe(false)
    expect(cutsWelshDigraph("chwarren", 1)).toBe(true)
    expect(cutsWelshDigraph("gwddf", 3)).toBe(true)
    expect(cutsWelshDigraph("clefyd", 1)).toBe(false)
    expect(cutsWelshDigraph("llid", 4)).toBe(false)
  })
})
