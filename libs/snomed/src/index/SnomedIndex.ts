/**
 * The serving index of one SNOMED CT release: immutable, in memory, dense integer positions for
 * concepts and descriptions, typed arrays for flags and graphs, built once from the store
 * (`build.ts`). Every question the FHIR operations ask is answered here without the database.
 */
import { neighbours, type Adjacency, type PackedStrings } from "@ffynnon/terminology"
import { cutsWelshDigraph, PrefixIndex, tokens } from "./text"

export const fieldSeparator = "\u001f"

export const DescriptionType = { fullySpecifiedName: 0, synonym: 1, definition: 2 } as const
/** A description's case significance: which differences in letter case still name the same term. */
export const CaseSignificance = { sensitive: 0, initialInsensitive: 1, insensitive: 2 } as const
export const Acceptability = { none: 0, acceptable: 1, preferred: 2 } as const

export { neighbours, type Adjacency }

export interface ConceptTable {
  /** SCTIDs in ascending order: a concept's position is its index here. */
  readonly ids: BigUint64Array
  readonly active: Uint8Array
  readonly defined: Uint8Array
  /** Index into `modules`. */
  readonly module: Uint16Array
  /** The modules of concepts and descriptions. */
  readonly modules: ReadonlyArray<string>
  /** yyyymmdd as a number. */
  readonly effectiveTime: Uint32Array
}

export interface DescriptionTable {
  /** The descriptions' SCTIDs (ECL `id` filters). */
  readonly ids: BigUint64Array
  readonly concept: Uint32Array
  readonly terms: PackedStrings
  readonly type: Uint8Array
  readonly active: Uint8Array
  /** Index into `languages`. */
  readonly language: Uint8Array
  readonly languages: ReadonlyArray<string>
  /** CaseSignificance.* */
  readonly caseSignificance: Uint8Array
  /** Index into the concept table's `modules`. */
  readonly module: Uint16Array
  /** yyyymmdd as a number. */
  readonly effectiveTime: Uint32Array
  /** Descriptions of concept n: byConcept.targets[byConcept.starts[n]..]. */
  readonly byConcept: Adjacency
}

/** Active inferred attribute relationships (not is-a), as concept positions, grouped by source concept. */
export interface AttributeTable {
  /** Row numbers of concept n's attributes. */
  readonly byConcept: Adjacency
  readonly type: Uint32Array
  readonly value: Uint32Array
  readonly group: Uint16Array
}

export interface Attribute {
  readonly group: number
  readonly type: string
  /** A concept id, or a concrete value (`#250`, `"text"`, `true`). */
  readonly value: string
  readonly concrete: boolean
}

export interface RefsetMember {
  readonly referencedComponentId: string
  readonly fields: ReadonlyArray<string>
}

/**
 * Every row of a reference set whose member is a concept, active or not (ECL member filters on
 * `active`, `moduleId` and `effectiveTime`). A row's module and effective time are held once per
 * distinct pair (`stamps`), so a row costs 7 bytes.
 */
export interface RefsetRows {
  readonly concept: Uint32Array
  readonly active: Uint8Array
  /** Row → its number in `stamps`. */
  readonly stamp: Uint16Array | Uint32Array
  /** Index into the concept table's `modules`, and yyyymmdd as a number, per stamp. */
  readonly stamps: { readonly module: Uint16Array; readonly effectiveTime: Uint32Array }
}

export interface Refset {
  readonly id: string
  readonly pattern: string
  readonly columns: ReadonlyArray<string>
  /** Positions of the concepts that are active members, ascending. */
  readonly concepts: Uint32Array
  readonly members: RefsetRows
  /**
   * For associations, maps and the MRCM (refsets with a targetComponentId, mapTarget, domainId or
   * rangeConstraint), the fields of every row of `members` (active or not, same order): row r's
   * fields are `fields.get(r)`, joined by U+001F; concept n's active rows are
   * `neighbours(byConcept, n)`. `concept` is `members.concept`.
   */
  readonly rows?: { readonly concept: Uint32Array; readonly fields: PackedStrings; readonly byConcept: Adjacency }
}

export interface Designation {
  readonly term: string
  readonly type: "fullySpecifiedName" | "synonym" | "definition"
  readonly languageCode: string
  readonly active: boolean
}

const typeNames = ["fullySpecifiedName", "synonym", "definition"] as const

/** The largest hierarchies' members, kept per index for paging through them (a few MB each). */
const largeHierarchies = new WeakMap<SnomedIndex, Map<number, Uint32Array>>()
const largeHierarchySize = 10_000
const largeHierarchiesKept = 16

/** Reverse lookups of map and association rows, built on first use per index. */
const reverseMembers = new WeakMap<SnomedIndex, Map<string, Map<string, Array<number>>>>()

/** Translated editions (see `servedAs`) → the index whose data they serve. */
const servedData = new WeakMap<SnomedIndex, SnomedIndex>()

/**
 * A search's working arrays, kept per index and grown as needed (allocating arrays of a hundred
 * thousand matches per search cost more than ranking them, measured): the ranking keys, the
 * matches' concepts, and one mark a concept (for each concept once), cleared after each search.
 */
const searchScratches = new WeakMap<SnomedIndex, { keys: Float64Array; conceptOf: Uint32Array; readonly seen: Uint8Array }>()

const searchScratch = (index: SnomedIndex, matches: number) => {
  let scratch = searchScratches.get(index)
  if (scratch === undefined) {
    scratch = { keys: new Float64Array(0), conceptOf: new Uint32Array(0), seen: new Uint8Array(index.conceptCount) }
    searchScratches.set(index, scratch)
  }
  if (scratch.keys.length < matches) {
    scratch.keys = new Float64Array(matches)
    scratch.conceptOf = new Uint32Array(matches)
  }
  return scratch
}

/**
 * The index whose data `index` serves: itself, or for a translated edition the index it shares.
 * What is derived from an index's data (ECL's tables, kept hierarchies) is kept once, keyed by it.
 */
export const dataOf = (index: SnomedIndex) => servedData.get(index) ?? index

export class SnomedIndex {
  /** Word-prefix search over the descriptions. */
  private readonly textIndex: PrefixIndex
  /** For a translated edition (see `servedAs`), the version URI of the release it translates. */
  declare readonly translates?: string

  constructor(
    readonly releaseId: number,
    /** `http://snomed.info/sct/<module>/version/<yyyymmdd>` (or `xsct`). */
    readonly uri: string,
    readonly concepts: ConceptTable,
    readonly descriptions: DescriptionTable,
    /** Active inferred is-a: child → parents. */
    readonly parents: Adjacency,
    /** Active inferred is-a: parent → children. */
    readonly children: Adjacency,
    /** Active inferred attribute relationships (not is-a); ECL refinements read them directly. */
    readonly attributes: AttributeTable,
    /** Active concrete values by source concept (value as in RF2: `#250`, `"text"`, `true`). */
    readonly concreteValues: ReadonlyMap<number, ReadonlyArray<Attribute>>,
    /** Acceptability (Acceptability.*) of every description, per language refset id. */
    readonly languageRefsets: ReadonlyMap<string, Int8Array>,
    readonly refsets: ReadonlyMap<string, Refset>,
    /** Active alternate identifiers of concepts (RF2 Identifier files): identifier scheme id → code → concept position. */
    readonly alternateIdentifiers: ReadonlyMap<string, ReadonlyMap<string, number>>
  ) {
    this.textIndex = PrefixIndex.build(descriptions.terms.length, (description) => descriptions.terms.get(description))
  }

  /**
   * This index served as another release, under that release's id and version URI: a translated
   * edition answers from the index of the release it translates, built with its rows, sharing
   * everything (and what is derived from it) rather than holding a second copy.
   */
  servedAs(releaseId: number, uri: string): SnomedIndex {
    const edition: SnomedIndex = Object.assign(Object.create(SnomedIndex.prototype), this, { releaseId, uri, translates: this.uri })
    servedData.set(edition, dataOf(this))
    return edition
  }

  /** The language refsets whose descriptions are in `languageCode` (`cy`, `en`, …). */
  refsetsForLanguage(languageCode: string): Array<string> {
    const language = languageCode.toLowerCase().split("-")[0]!
    return [...this.languageRefsets]
      .filter(([, acceptability]) => {
        const first = acceptability.findIndex((value) => value !== Acceptability.none)
        return first !== -1 && this.languageOf(first).toLowerCase() === language
      })
      .map(([refsetId]) => refsetId)
  }

  get conceptCount() {
    return this.concepts.ids.length
  }

  /** The concept's position, or undefined when the release does not have it. */
  position(code: string): number | undefined {
    if (!/^\d{1,18}$/.test(code)) return undefined
    const id = BigInt(code)
    const ids = this.concepts.ids
    let low = 0
    let high = ids.length - 1
    while (low <= high) {
      const middle = (low + high) >>> 1
      const found = ids[middle]!
      if (found === id) return middle
      if (found < id) low = middle + 1
      else high = middle - 1
    }
    return undefined
  }

  code(concept: number) {
    return this.concepts.ids[concept]!.toString()
  }

  moduleId(concept: number) {
    return this.concepts.modules[this.concepts.module[concept]!]!
  }

  effectiveTime(concept: number) {
    return String(this.concepts.effectiveTime[concept]!)
  }

  private languageOf(description: number) {
    return this.descriptions.languages[this.descriptions.language[description]!]!
  }

  isActive(concept: number) {
    return this.concepts.active[concept] === 1
  }

  designations(concept: number): ReadonlyArray<Designation> {
    return [...neighbours(this.descriptions.byConcept, concept)].map((description) => ({
      term: this.descriptions.terms.get(description),
      type: typeNames[this.descriptions.type[description]!]!,
      languageCode: this.languageOf(description),
      active: this.descriptions.active[description] === 1
    }))
  }

  /** The preferred description of `type` in the first of `refsets` that has one. */
  private preferred(concept: number, type: number, refsets: Iterable<string>) {
    const own = neighbours(this.descriptions.byConcept, concept)
    for (const refsetId of refsets) {
      const acceptability = this.languageRefsets.get(refsetId)
      if (acceptability === undefined) continue
      for (const description of own) {
        if (
          this.descriptions.type[description] === type &&
          this.descriptions.active[description] === 1 &&
          acceptability[description] === Acceptability.preferred
        ) {
          return description
        }
      }
    }
    return undefined
  }

  /**
   * The description that is the concept's display: the preferred synonym in the first of
   * `refsets` that has one, then in any loaded language refset, then the fully specified name,
   * then any active description.
   */
  displayDescription(concept: number, refsets: ReadonlyArray<string>): number | undefined {
    return (
      this.preferred(concept, DescriptionType.synonym, refsets) ??
      this.preferred(concept, DescriptionType.synonym, this.languageRefsets.keys()) ??
      this.fullySpecifiedNameDescription(concept, refsets) ??
      [...neighbours(this.descriptions.byConcept, concept)].find((description) => this.descriptions.terms.lengthOf(description) > 0)
    )
  }

  /** The concept's display (see `displayDescription`). */
  preferredTerm(concept: number, refsets: ReadonlyArray<string>) {
    const description = this.displayDescription(concept, refsets)
    return description === undefined ? undefined : this.descriptions.terms.get(description)
  }

  /** The language code (`en`, `cy`) of a description. */
  descriptionLanguage(description: number) {
    return this.languageOf(description)
  }

  private fullySpecifiedNameDescription(concept: number, refsets: ReadonlyArray<string>) {
    return (
      this.preferred(concept, DescriptionType.fullySpecifiedName, [...refsets, ...this.languageRefsets.keys()]) ??
      [...neighbours(this.descriptions.byConcept, concept)].find(
        (description) => this.descriptions.type[description] === DescriptionType.fullySpecifiedName
      )
    )
  }

  fullySpecifiedName(concept: number, refsets: ReadonlyArray<string>) {
    const description = this.fullySpecifiedNameDescription(concept, refsets)
    return description === undefined ? undefined : this.descriptions.terms.get(description)
  }

  /** True when `text` is the description's term, given its case significance. */
  private termMatches(description: number, text: string) {
    const term = this.descriptions.terms.get(description)
    if (term === text) return true
    if (term.length !== text.length) return false
    switch (this.descriptions.caseSignificance[description]) {
      case CaseSignificance.insensitive:
        return term.toLowerCase() === text.toLowerCase()
      case CaseSignificance.initialInsensitive:
        return term.charAt(0).toLowerCase() === text.charAt(0).toLowerCase() && term.slice(1) === text.slice(1)
      default:
        return false
    }
  }

  /**
   * True when `term` is an active description of the concept (letter case compared as the
   * description's case significance allows), acceptable in one of `refsets` (any, when empty).
   */
  hasTerm(concept: number, term: string, refsets: ReadonlyArray<string>) {
    for (const description of neighbours(this.descriptions.byConcept, concept)) {
      if (this.descriptions.active[description] !== 1 || !this.termMatches(description, term)) continue
      if (refsets.length === 0) return true
      if (refsets.some((refsetId) => (this.languageRefsets.get(refsetId)?.[description] ?? 0) !== Acceptability.none)) return true
    }
    return false
  }

  attributesOf(concept: number): ReadonlyArray<Attribute> {
    const related = [...neighbours(this.attributes.byConcept, concept)].map((row) => ({
      group: this.attributes.group[row]!,
      type: this.code(this.attributes.type[row]!),
      value: this.code(this.attributes.value[row]!),
      concrete: false
    }))
    return [...related, ...(this.concreteValues.get(concept) ?? [])]
  }

  /** All ancestors through active is-a relationships, without the concept itself. */
  ancestors(concept: number): Set<number> {
    const seen = new Set<number>()
    const stack = [concept]
    while (stack.length > 0) {
      for (const parent of neighbours(this.parents, stack.pop()!)) {
        if (!seen.has(parent)) {
          seen.add(parent)
          stack.push(parent)
        }
      }
    }
    return seen
  }

  /** True when `ancestor` is `concept` or one of its ancestors. */
  subsumes(ancestor: number, concept: number) {
    if (ancestor === concept) return true
    const visited = new Set<number>()
    const stack = [concept]
    while (stack.length > 0) {
      for (const parent of neighbours(this.parents, stack.pop()!)) {
        if (parent === ancestor) return true
        if (!visited.has(parent)) {
          visited.add(parent)
          stack.push(parent)
        }
      }
    }
    return false
  }

  /** All descendants through active is-a relationships, without the concept itself, each once. */
  *descendants(concept: number): Generator<number> {
    yield* this.descendantsAndSelf(concept).subarray(1)
  }

  /**
   * The concept and all its descendants, the concept first, then in ascending position (SCTID)
   * order; a visited bitmap keeps this to tens of milliseconds for the largest hierarchies.
   */
  descendantsAndSelf(concept: number): Uint32Array {
    let kept = largeHierarchies.get(dataOf(this))
    if (kept === undefined) largeHierarchies.set(dataOf(this), (kept = new Map()))
    const cached = kept.get(concept)
    if (cached !== undefined) return cached
    const members = this.collectDescendants(concept)
    if (members.length >= largeHierarchySize) {
      if (kept.size >= largeHierarchiesKept) kept.delete(kept.keys().next().value!)
      kept.set(concept, members)
    }
    return members
  }

  private collectDescendants(concept: number): Uint32Array {
    const visited = new Uint8Array(this.conceptCount)
    const found: Array<number> = []
    const stack = [concept]
    visited[concept] = 1
    while (stack.length > 0) {
      for (const child of neighbours(this.children, stack.pop()!)) {
        if (visited[child] === 0) {
          visited[child] = 1
          found.push(child)
          stack.push(child)
        }
      }
    }
    const result = new Uint32Array(found.length + 1)
    result[0] = concept
    result.set(Uint32Array.from(found).sort(), 1)
    return result
  }

  private member(refset: Refset, row: number): RefsetMember {
    return { referencedComponentId: this.code(refset.rows!.concept[row]!), fields: refset.rows!.fields.get(row).split(fieldSeparator) }
  }

  /** The active rows of an association or map refset for one concept. */
  refsetMembers(refsetId: string, code: string): ReadonlyArray<RefsetMember> {
    const refset = this.refsets.get(refsetId)
    const concept = this.position(code)
    if (refset?.rows === undefined || concept === undefined) return []
    return [...neighbours(refset.rows.byConcept, concept)].map((row) => this.member(refset, row))
  }

  /** Active rows of an association or map refset whose `column` holds `value`: the reverse direction. */
  membersWith(refsetId: string, column: string, value: string): ReadonlyArray<RefsetMember> {
    const refset = this.refsets.get(refsetId)
    const field = refset?.columns.indexOf(column) ?? -1
    if (refset?.rows === undefined || field === -1) return []
    const key = `${refsetId}|${column}`
    let byKey = reverseMembers.get(dataOf(this))
    if (byKey === undefined) reverseMembers.set(dataOf(this), (byKey = new Map()))
    let reverse = byKey.get(key)
    if (reverse === undefined) {
      reverse = new Map()
      for (let row = 0; row < refset.rows.fields.length; row++) {
        if (refset.members.active[row] !== 1) continue
        const target = refset.rows.fields.get(row).split(fieldSeparator)[field]!
        const list = reverse.get(target)
        if (list === undefined) reverse.set(target, [row])
        else list.push(row)
      }
      byKey.set(key, reverse)
    }
    return (reverse.get(value) ?? []).map((row) => this.member(refset, row))
  }

  /** Concepts that are active members of a refset, ascending (members that are not concepts are left out). */
  refsetConcepts(refsetId: string): Uint32Array {
    return this.refsets.get(refsetId)?.concepts ?? new Uint32Array(0)
  }

  /** Whether every word of the term that a query word starts is cut inside a Welsh two-character letter by it. */
  private cutsLetter(query: ReadonlyArray<string>, term: string) {
    const words = tokens(term)
    return query.some((wanted) => words.every((word) => !word.startsWith(wanted) || cutsWelshDigraph(word, wanted.length)))
  }

  /** Descriptions (active or not) in which every one of `words` (folded, see `tokens`) starts a word, ascending. */
  descriptionsWithWordPrefixes(words: ReadonlyArray<string>): Array<number> {
    return words.length === 0 ? [] : this.textIndex.matching(words, this.descriptions.terms.length)
  }

  /** The words (folded, as `tokens` gives them) that contain `fragment`, for substring filters such as ECL's `wild:"*emc*"`. */
  wordsContaining(fragment: string): { readonly words: ReadonlyArray<number>; readonly postings: number } {
    return this.textIndex.wordsContaining(fragment)
  }

  /** The descriptions having any of `words` (from `wordsContaining`), a description once per such word. */
  descriptionsWithWords(words: ReadonlyArray<number>): Uint32Array {
    return this.textIndex.postingsOf(words)
  }

  /**
   * Concepts with an active description matching every word of `text` as a word prefix, ranked:
   * active concepts first, then a term equal to the text, then (for Welsh terms) matches that do
   * not end inside a two-character letter (`ll`, `dd`, `ch`…), then shorter terms, then by SCTID.
   * Each concept once, ranked by its best description.
   */
  search(text: string, accept: (concept: number) => boolean = () => true): Uint32Array {
    const query = tokens(text)
    if (query.length === 0) return new Uint32Array(0)
    const terms = this.descriptions.terms
    const folded = query.join(" ")
    const textLength = text.trim().length
    const matched = this.textIndex.matching(query, terms.length)
    const scratch = searchScratch(this, matched.length)
    // Ranked in one pass in description order, the order the index's arrays are read fastest in
    // (at monolith scale a read out of order is a cache miss): key = rank * matches + hit, so one
    // numeric sort orders by rank, then by SCTID (descriptions are stored in their concepts' order).
    const { keys, conceptOf, seen } = scratch
    let found = 0
    for (const description of matched) {
      if (this.descriptions.active[description] !== 1) continue
      const concept = this.descriptions.concept[description]!
      if (!accept(concept)) continue
      const length = terms.lengthOf(description)
      const exact = length === textLength && tokens(terms.get(description)).join(" ") === folded
      const rank =
        (this.isActive(concept) ? 0 : 1 << 15) +
        (exact ? 0 : 1 << 14) +
        (this.languageOf(description) === "cy" && this.cutsLetter(query, terms.get(description)) ? 1 << 13 : 0) +
        Math.min(length, (1 << 13) - 1)
      conceptOf[found] = concept
      keys[found] = rank * matched.length + found
      found++
    }
    const sorted = keys.subarray(0, found).sort()
    const hits = new Uint32Array(found)
    let count = 0
    for (let i = 0; i < sorted.length; i++) {
      const concept = conceptOf[sorted[i]! % matched.length]!
      if (seen[concept] === 1) continue
      seen[concept] = 1
      hits[count++] = concept
    }
    for (let i = 0; i < count; i++) seen[hits[i]!] = 0
    return hits.subarray(0, count)
  }
}
