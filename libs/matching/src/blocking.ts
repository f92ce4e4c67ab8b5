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
