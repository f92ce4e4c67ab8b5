/**
 * Text for search: lower case, diacritics folded (ŵ → w, ö → o), split into words at anything
 * that is not a letter or digit. lunr's own pipeline stems and drops stop words, which suits
 * prose but not clinical terms (searching "on" or "ct" must work), so only its idea of a
 * token-prefix index is kept: a sorted vocabulary with postings per word.
 */
import { PackedStrings } from "@ffynnon/terminology"

const combiningMarks = /[\u0300-\u036f]/g

export const foldText = (text: string) => text.normalize("NFD").replace(combiningMarks, "").toLowerCase()

export const tokens = (text: string): Array<string> =>
  foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0)

// Welsh letters written with two characters: a search for "l" is not a search for "ll" (another letter).
const welshDigraphs = new Set(["ch", "dd", "ff", "ng", "ll", "ph", "rh", "th"])

/** Whether a prefix of `length` characters of a Welsh word ends inside one of its two-character letters. */
export const cutsWelshDigraph = (word: string, length: number) =>
  length > 0 && length < word.length && welshDigraphs.has(word.slice(length - 1, length + 1))

const bitmaps = new WeakMap<PrefixIndex, Uint8Array>()

/**
 * What marking a posting in the bitmap (and clearing it after) costs in steps of a walk: random
 * writes into megabytes, against a walk's reads in order. Measured at monolith scale with the
 * processor's caches cold, as between unrelated requests: 8 halved the median against 2.
 */
const bitmapStepsPerPosting = 8

/** A word-prefix index over documents numbered 0..n-1. */
export class PrefixIndex {
  private constructor(
    private readonly vocabulary: PackedStrings,
    private readonly postingStarts: Uint32Array,
    private readonly postings: Uint32Array
  ) {}

  /** Two passes over the documents (count, then fill) keep the postings in one typed array. */
  static build(documentCount: number, textOf: (document: number) => string) {
    const wordsOf = (document: number) => new Set(tokens(textOf(document)))
    const counts = new Map<string, number>()
    for (let document = 0; document < documentCount; document++) {
      for (const token of wordsOf(document)) counts.set(token, (counts.get(token) ?? 0) + 1)
    }
    const vocabulary = [...counts.keys()].sort()
    const postingStarts = new Uint32Array(vocabulary.length + 1)
    const slot = new Map<string, number>()
    vocabulary.forEach((token, index) => {
      postingStarts[index + 1] = postingStarts[index]! + counts.get(token)!
      slot.set(token, postingStarts[index]!)
    })
    counts.clear()
    const postings = new Uint32Array(postingStarts[vocabulary.length]!)
    for (let document = 0; document < documentCount; document++) {
      for (const token of wordsOf(document)) {
        const at = slot.get(token)!
        postings[at] = document
        slot.set(token, at + 1)
      }
    }
    return new PrefixIndex(PackedStrings.from(vocabulary), postingStarts, postings)
  }

  /** The vocabulary positions of the words starting with `prefix`. */
  private range(prefix: string): [number, number] {
    let low = 0
    let high = this.vocabulary.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.vocabulary.get(middle) < prefix) low = middle + 1
      else high = middle
    }
    let end = low
    while (end < this.vocabulary.length && this.vocabulary.get(end).startsWith(prefix)) end++
    return [low, end]
  }

  /** How many postings the words starting with `prefix` have: the cost of scanning them. */
  size(prefix: string) {
    const [from, to] = this.range(prefix)
    return this.postingStarts[to]! - this.postingStarts[from]!
  }

  /** The documents with a word starting with `prefix`, ascending, each once. */
  documents(prefix: string): Uint32Array {
    const [from, to] = this.range(prefix)
    const all = this.postings.subarray(this.postingStarts[from]!, this.postingStarts[to]!)
    if (to - from <= 1) return all
    const sorted = all.slice().sort()
    let unique = 0
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i]!
    return sorted.subarray(0, unique)
  }

  /** The vocabulary positions of the words containing `fragment` (already folded), and how many postings they have. */
  wordsContaining(fragment: string): { readonly words: ReadonlyArray<number>; readonly postings: number } {
    const words = this.vocabulary.containing(fragment)
    let postings = 0
    for (const word of words) postings += this.postingStarts[word + 1]! - this.postingStarts[word]!
    return { words, postings }
  }

  /** The documents of those words, each once per word (a document with two such words comes twice). */
  postingsOf(words: ReadonlyArray<number>): Uint32Array {
    let size = 0
    for (const word of words) size += this.postingStarts[word + 1]! - this.postingStarts[word]!
    const found = new Uint32Array(size)
    let at = 0
    for (const word of words) {
      found.set(this.postings.subarray(this.postingStarts[word]!, this.postingStarts[word + 1]!), at)
      at += this.postingStarts[word + 1]! - this.postingStarts[word]!
    }
    return found
  }

  /**
   * The documents (of `documentCount`) in which every query token starts some word, ascending.
   * The rarest token's documents are the candidates. Each other token is checked the cheaper way:
   * walking its words' postings alongside the ascending candidates, galloping (few words), or a
   * bit in a bitmap of its documents (a short prefix of many words with many postings; see
   * `bitmapStepsPerPosting`).
   */
  matching(query: ReadonlyArray<string>, documentCount: number): Array<number> {
    const bySize = [...query].sort((a, b) => this.size(a) - this.size(b))
    const candidates = this.documents(bySize[0]!)
    // Short prefixes share one bitmap per index, a bit each, cleared after the query: a bitmap per
    // query was megabytes of garbage per search at monolith scale.
    let bitmap = bitmaps.get(this)
    if (bitmap === undefined || bitmap.length < documentCount) bitmaps.set(this, (bitmap = new Uint8Array(documentCount)))
    const marked: Array<readonly [number, number]> = []
    const walked: Array<PostingCursors> = []
    for (const token of bySize.slice(1)) {
      const [from, to] = this.range(token)
      const postings = this.postingStarts[to]! - this.postingStarts[from]!
      if (postings === 0) return []
      const walkSteps = (to - from) * candidates.length * Math.log2(2 + postings / ((to - from) * candidates.length))
      if (marked.length === 8 || walkSteps < bitmapStepsPerPosting * postings)
        walked.push(new PostingCursors(this.postings, this.postingStarts, from, to))
      else marked.push([from, to])
    }
    const everyBit = (1 << marked.length) - 1
    const found: Array<number> = []
    try {
      for (let bit = 0; bit < marked.length; bit++) {
        const [from, to] = marked[bit]!
        for (let i = this.postingStarts[from]!; i < this.postingStarts[to]!; i++) bitmap[this.postings[i]!]! |= 1 << bit
      }
      next: for (let i = 0; i < candidates.length; i++) {
        const document = candidates[i]!
        if ((bitmap[document]! & everyBit) !== everyBit) continue
        for (const cursors of walked) if (!cursors.reach(document)) continue next
        found.push(document)
      }
    } finally {
      for (const [from, to] of marked)
        for (let i = this.postingStarts[from]!; i < this.postingStarts[to]!; i++) bitmap[this.postings[i]!] = 0
    }
    return found
  }
}

/**
 * A cursor in the postings of each of a run of words, for documents asked about in ascending
 * order: each cursor gallops forward (1, 2, 4… steps, then a binary search), so a walk costs about
 * the logarithm of the gap between the documents asked about, not of the whole postings.
 */
class PostingCursors {
  private readonly at: Uint32Array
  constructor(
    private readonly postings: Uint32Array,
    private readonly postingStarts: Uint32Array,
    private readonly from: number,
    to: number
  ) {
    this.at = postingStarts.slice(from, to)
  }

  /** Whether one of the words has `document`, which is not below any document asked about before. */
  reach(document: number) {
    let has = false
    for (let word = 0; word < this.at.length; word++) {
      const end = this.postingStarts[this.from + word + 1]!
      let low = this.at[word]!
      if (low >= end || this.postings[low]! > document) continue
      let step = 1
      while (low + step < end && this.postings[low + step]! < document) {
        low += step
        step *= 2
      }
      // The first posting not below `document` lies in (low, min(low + step, end)].
      let high = Math.min(low + step, end)
      while (low < high) {
        const middle = (low + high) >>> 1
        if (this.postings[middle]! < document) low = middle + 1
        else high = middle
      }
      this.at[word] = low
      if (low < end && this.postings[low] === document) has = true
    }
    return has
  }
}
