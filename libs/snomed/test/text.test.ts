import { describe, expect, it } from "vitest"
import { cutsWelshDigraph, PrefixIndex, tokens } from "../src/index/text"

// Documents 0..39: "alpha<n> beta<n>" for even n, "alpha<n> gamma<n>" for odd n, so "alpha",
// "beta" and "gamma" each start 20 words, and are checked in the shared bitmap.
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

describe("word-prefix matching at random", () => {
  // A seeded corpus with a skewed vocabulary: common words with long postings beside rare ones, so
  // queries take both ways of checking a token (walking its postings, the bitmap) and mixes of them.
  let seed = 42
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const syllables = ["ca", "car", "di", "dis", "ma", "mal", "pe", "per", "to", "tor", "a", "an"]
  const word = () =>
    Array.from({ length: 1 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() ** 2 * syllables.length)]).join("")
  const corpus = Array.from({ length: 3000 }, () => Array.from({ length: 1 + Math.floor(random() * 5) }, word).join(" "))
  const corpusIndex = PrefixIndex.build(corpus.length, (document) => corpus[document]!)
  const naive = (query: ReadonlyArray<string>) =>
    corpus.flatMap((text, document) => (query.every((prefix) => tokens(text).some((token) => token.startsWith(prefix))) ? [document] : []))

  it("finds exactly the documents a scan of every document finds", () => {
    let nonEmpty = 0
    for (let q = 0; q < 300; q++) {
      // A whole word (often rare, so few candidates) and prefixes of others.
      const query = [word(), ...Array.from({ length: Math.floor(random() * 3) }, () => word().slice(0, 1 + Math.floor(random() * 4)))]
      const expected = naive(query)
      if (expected.length > 0) nonEmpty++
      expect(corpusIndex.matching(query, corpus.length), query.join(" ")).toEqual(expected)
    }
    expect(nonEmpty).toBeGreaterThan(100)
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
