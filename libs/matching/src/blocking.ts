/**
 * Blocking: the candidate pairs worth scoring are those sharing a key under at least one rule (the
 * rules are OR-ed). The in-memory version here serves training and evaluation; the database
 * version of `$match` mirrors the same rules as indexed queries.
 */
import type { PreparedPerson } from "./record"

export interface BlockingRule {
  readonly name: string
  readonly description: string
  /** The comparisons this rule's keys come from: training cannot learn their m from the pairs it finds. */
  readonly uses: ReadonlyArray<string>
  /** The record's keys under this rule; records sharing one are candidates. */
  readonly keys: (record: PreparedPerson) => ReadonlyArray<string>
  /**
   * False when training's EM must not see the rule's pairs: the different people it pairs are alike
   * beyond what random pairs (u) say, so EM would take them for matches (in m and in the prior).
   */
  readonly inTraining?: false
}

const unique = (values: ReadonlyArray<string>) => [...new Set(values)]

export const blockingRules: ReadonlyArray<BlockingRule> = [
  {
    name: "nhs-number",
    description: "the same valid NHS number",
    uses: ["nhsNumber"],
    keys: (r) => (r.nhsNumber?.valid === true ? [r.nhsNumber.value] : [])
  },
  {
    name: "local-identifier",
    description: "the same local identifier from the same issuer",
    uses: ["localIdentifier"],
    keys: (r) => unique(r.localIdentifiers.map((identifier) => `${identifier.system}|${identifier.value}`))
  },
  {
    name: "birth-date",
    description: "the same birth date",
    uses: ["birthDate"],
    keys: (r) => (r.birthDate === null ? [] : [r.birthDate.digits])
  },
  {
    name: "postcode",
    description: "the same postcode, current or earlier",
    uses: ["postcode"],
    keys: (r) => unique(r.postcodes.map((code) => code.unit)),
    // The different people at one postcode are households and care homes: one surname, one
    // generation, one practice. Weighed against random pairs they look like matches.
    inTraining: false
  },
  {
    name: "surname-sound-birth-year",
    description: "a surname sounding the same (Double Metaphone) and the same birth year",
    uses: ["surname", "birthDate"],
    keys: (r) =>
      r.birthDate === null ? [] : unique(r.names.flatMap((name) => name.surnameSounds.map((code) => `${code} ${r.birthDate!.year}`)))
  },
  {
    name: "names-either-order",
    description: "the same forename and surname, in either order",
    uses: ["forename", "surname"],
    keys: (r) =>
      unique(
        r.names.flatMap((name) => (name.forename === null || name.surname === null ? [] : [[name.forename, name.surname].sort().join("|")]))
      )
  },
  {
    name: "surname-forename-initial",
    description: "the same surname and forename initial",
    uses: ["forename", "surname"],
    keys: (r) =>
      unique(r.names.flatMap((name) => (name.forename === null || name.surname === null ? [] : [`${name.surname}|${name.forename[0]}`])))
  },
  {
    name: "forename-surname-initial",
    description: "the same forename and surname initial",
    uses: ["forename", "surname"],
    keys: (r) =>
      unique(r.names.flatMap((name) => (name.forename === null || name.surname === null ? [] : [`${name.forename}|${name.surname[0]}`])))
  }
]

/**
 * Every blocking key of a record, tagged with its rule: what the database version stores (one row a
 * key, indexed on rule and key) so that its candidates are exactly the ones `BlockingIndex` finds.
 */
export function blockingKeys(
  record: PreparedPerson,
  rules: ReadonlyArray<BlockingRule> = blockingRules
): Array<{ rule: string; key: string }> {
  return rules.flatMap((rule) => rule.keys(record).map((key) => ({ rule: rule.name, key })))
}

/** Blocks with more records than this are left out: a key that common carries no signal. */
export const MAX_BLOCK = 1000

/**
 * How many candidates a query scores at most: those with the most evidence (`keyEvidence`). At
 * millions of records a query's keys reach thousands of records, nearly all sharing one common key
 * (a forename and surname initial, a birth date); fetching and scoring them all made `$match` at 3.1 M
 * records take 500–620 ms (p50, 8 in flight). Fewer cost recall: see docs/matching.md (Blocking).
 */
export const MAX_CANDIDATES = 200

/**
 * What sharing a key held by `blockSize` records says: ln((maxBlock + 1) / blockSize) in
 * thousandths, so a key of one record weighs 6,909 and one of a full block 1. A candidate's
 * evidence is the sum over the keys it shares with the query: a cheap stand-in for the match
 * weight (as term frequencies adjust it) that needs only the key index. Whole numbers, so the
 * database's sums are the same as these whatever order it adds them in.
 */
export const keyEvidence = (blockSize: number, maxBlock = MAX_BLOCK) => Math.round(1000 * Math.log((maxBlock + 1) / blockSize))

/** Records grouped by their keys under each rule, for finding the candidates of a record. */
export class BlockingIndex {
  private readonly blocks: ReadonlyArray<Map<string, Array<number>>>

  /** Blocks with more records than `maxBlock` are left out (and counted in `skippedBlocks`): a key that common carries no signal. */
  constructor(
    readonly records: ReadonlyArray<PreparedPerson>,
    readonly rules: ReadonlyArray<BlockingRule> = blockingRules,
    readonly maxBlock = MAX_BLOCK
  ) {
    this.blocks = rules.map((rule) => {
      const block = new Map<string, Array<number>>()
      records.forEach((record, index) => {
        for (const key of rule.keys(record)) {
          const members = block.get(key)
          if (members === undefined) block.set(key, [index])
          else members.push(index)
        }
      })
      return block
    })
  }

  get skippedBlocks(): number {
    let skipped = 0
    for (const block of this.blocks) for (const members of block.values()) if (members.length > this.maxBlock) skipped++
    return skipped
  }

  /**
   * The indexes of the records sharing a key with `query` under any rule, the `limit` with the most
   * evidence (`keyEvidence`) first, ties in the order of the records' ids (as `$match` takes them).
   */
  candidates(query: PreparedPerson, limit = MAX_CANDIDATES): Array<number> {
    const evidence = new Map<number, number>()
    this.rules.forEach((rule, r) => {
      for (const key of rule.keys(query)) {
        const members = this.blocks[r]!.get(key)
        if (members === undefined || members.length > this.maxBlock) continue
        const weight = keyEvidence(members.length, this.maxBlock)
        for (const index of members) evidence.set(index, (evidence.get(index) ?? 0) + weight)
      }
    })
    const id = (index: number) => this.records[index]!.person.id
    return [...evidence.keys()]
      .sort((a, b) => evidence.get(b)! - evidence.get(a)! || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0))
      .slice(0, limit)
  }

  /** The blocks as `KeyBlocks`, for `topCandidates`. */
  keyBlocks(): KeyBlocks {
    const blocks = new KeyBlocks(this.records.length)
    for (const block of this.blocks) for (const members of block.values()) blocks.add(members)
    return blocks
  }

  /** Every pair of records sharing a key under any rule, once, as `[i, j]` with i < j. */
  pairs(): Array<readonly [number, number]> {
    const seen = new Set<number>()
    const pairs: Array<readonly [number, number]> = []
    const n = this.records.length
    for (const block of this.blocks) {
      for (const members of block.values()) {
        if (members.length > this.maxBlock) continue
        for (let x = 0; x < members.length; x++) {
          for (let y = x + 1; y < members.length; y++) {
            const i = Math.min(members[x]!, members[y]!)
            const j = Math.max(members[x]!, members[y]!)
            if (i === j || seen.has(i * n + j)) continue
            seen.add(i * n + j)
            pairs.push([i, j])
          }
        }
      }
    }
    return pairs
  }
}

/**
 * Blocks of record indexes (the records sharing one key), stored flat in two integer arrays: the
 * millions of blocks of a whole index in little memory, for `topCandidates`.
 */
export class KeyBlocks {
  private readonly starts: Array<number> = [0]
  private readonly members: Array<number> = []

  /** `records` is how many records the indexes run over (0 to records - 1). */
  constructor(readonly records: number) {}

  /** Adds one block. A block of one record pairs nothing, and one over MAX_BLOCK carries no signal: both are left out. */
  add(block: ReadonlyArray<number>): void {
    if (block.length < 2 || block.length > MAX_BLOCK) return
    for (const member of block) this.members.push(member)
    this.starts.push(this.members.length)
  }

  get size(): number {
    return this.starts.length - 1
  }

  /** The blocks as `starts` (block b is `members[starts[b]]` up to `members[starts[b + 1]]`) and `members`. */
  flat(): { readonly starts: Int32Array; readonly members: Int32Array } {
    return { starts: Int32Array.from(this.starts), members: Int32Array.from(this.members) }
  }
}

/**
 * For every record, its `limit` candidates with the most evidence (`keyEvidence` summed over the
 * blocks shared), ties to the lower index: what `BlockingIndex.candidates` picks, less the record
 * itself, over the whole index at once. Record i's list is `lists[i * limit]` onwards, padded with
 * -1. Yields how many records are done every 8,192 (`runSteps` runs it through), so that a caller
 * can report progress and be interrupted.
 */
export function* topCandidates(blocks: KeyBlocks, limit: number): Generator<number, Int32Array> {
  const { starts, members } = blocks.flat()
  const records = blocks.records
  const weights = Int32Array.from({ length: blocks.size }, (_, b) => keyEvidence(starts[b + 1]! - starts[b]!))
  // Each record's blocks, inverted from the blocks' members.
  const recordStarts = new Int32Array(records + 1)
  for (const member of members) recordStarts[member + 1]!++
  for (let i = 0; i < records; i++) recordStarts[i + 1]! += recordStarts[i]!
  const recordBlocks = new Int32Array(members.length)
  const filled = recordStarts.slice(0, records)
  for (let b = 0; b < blocks.size; b++) for (let at = starts[b]!; at < starts[b + 1]!; at++) recordBlocks[filled[members[at]!]!++] = b
  const evidence = new Int32Array(records)
  const touched = new Int32Array(records)
  const lists = new Int32Array(records * limit).fill(-1)
  const best = new Int32Array(limit)
  const bestEvidence = new Int32Array(limit)
  for (let i = 0; i < records; i++) {
    let reached = 0
    for (let at = recordStarts[i]!; at < recordStarts[i + 1]!; at++) {
      const b = recordBlocks[at]!
      const weight = weights[b]!
      for (let m = starts[b]!; m < starts[b + 1]!; m++) {
        const other = members[m]!
        if (other === i) continue
        if (evidence[other] === 0) touched[reached++] = other
        evidence[other]! += weight
      }
    }
    // Insertion into the best `limit` so far, kept in order: most records fail the first test.
    let kept = 0
    for (let t = 0; t < reached; t++) {
      const other = touched[t]!
      const score = evidence[other]!
      evidence[other] = 0
      if (kept === limit && !outranks(score, other, bestEvidence[kept - 1]!, best[kept - 1]!)) continue
      let at = kept < limit ? kept++ : kept - 1
      for (; at > 0 && outranks(score, other, bestEvidence[at - 1]!, best[at - 1]!); at--) {
        best[at] = best[at - 1]!
        bestEvidence[at] = bestEvidence[at - 1]!
      }
      best[at] = other
      bestEvidence[at] = score
    }
    lists.set(best.subarray(0, kept), i * limit)
    if ((i + 1) % STEP === 0) yield i + 1
  }
  return lists
}

const outranks = (evidence: number, index: number, otherEvidence: number, otherIndex: number) =>
  evidence > otherEvidence || (evidence === otherEvidence && index < otherIndex)

/** How many records the long loops below go through between yields. */
const STEP = 8192

/** Runs one of the stepping loops here to its end, for callers with no use for its steps. */
export const runSteps = <A>(steps: Generator<number, A>): A => {
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
  }
}

/**
 * The pairs the lists of `topCandidates` name, each once as (i, j) with i < j: a pair both records
 * list is given for the lower one only. Yields how many records' lists are done every 8,192.
 */
export function* forEachCandidatePair(lists: Int32Array, limit: number, onPair: (i: number, j: number) => void): Generator<number, void> {
  const listed = (record: number, other: number) => {
    for (let at = record * limit; at < (record + 1) * limit; at++) if (lists[at] === other) return true
    return false
  }
  const records = lists.length / limit
  for (let i = 0; i < records; i++) {
    for (let at = i * limit; at < (i + 1) * limit; at++) {
      const j = lists[at]!
      if (j < 0) break
      if (j > i) onPair(i, j)
      else if (!listed(j, i)) onPair(j, i)
    }
    if ((i + 1) % STEP === 0) yield i + 1
  }
}
