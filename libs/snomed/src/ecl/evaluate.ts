/**
 * Evaluates an ECL expression constraint over a release's serving index, with set algebra on
 * concept positions (see `sets.ts`): no database, no per-concept objects.
 *
 * Choices where the specification leaves room, and why:
 * - `*` is the root concept and its descendants: every active concept of a complete release (the
 *   HL7 test subset's expected expansions count it so), while `^` and history supplements can
 *   still bring in inactive concepts.
 * - Hierarchy operators and refinements use the inferred (classified) is-a and attributes.
 * - A refinement's candidates are first narrowed through the relationships pointing at the value
 *   set (or of the attribute's type), then each candidate is checked exactly, so
 *   `< 404684003 : 363698007 = << 39057004` touches only concepts with such a finding site.
 * - Attribute cardinality counts matching relationships; in `{ }`, each role group is checked on
 *   its own and each ungrouped relationship counts as a group of its own.
 * - Description filters look at active descriptions unless the block has an `active` filter.
 * - `^` gives active members; member filter blocks look at active rows unless they have an
 *   `active` filter. Fields of refsets whose fields the index does not keep (language and
 *   metadata refsets) fail with `EclUnsupported`.
 * - `match:` in a term filter means every search word starts a word of the term (any order,
 *   case and accents ignored); `wild:` matches the whole term, `*` standing for any text. For
 *   concrete strings and reference set fields, `match:` (or a plain string) is equality ignoring case.
 * - A concept id not in the release is an error; a term that is not one of the concept's
 *   descriptions is a warning; a dialect alias not known, and an alternate identifier whose
 *   scheme or code the release does not have, give a warning and no match.
 */
import { cachedIndex, type IndexCacheFormat } from "@ffynnon/terminology"
import { Effect, Either } from "effect"
import { Acceptability, DescriptionType, neighbours, type Refset, type SnomedIndex } from "../index/SnomedIndex"
import { foldText, tokens } from "../index/text"
import { Concepts } from "../metadata"
import type {
  AlternateIdentifier,
  Attribute,
  AttributeGroup,
  BooleanComparison,
  Comparison,
  ConceptFilter,
  ConceptReference,
  ConceptSetValue,
  DescriptionFilter,
  Dialect,
  EclExpression,
  FilterBlock,
  HierarchyOperator,
  HistorySupplement,
  MemberFilter,
  MemberOf,
  NumericOperator,
  Refinement,
  SearchTerm,
  StringComparison,
  SubExpression,
  TimeComparison
} from "./ast"
import { EclTooCostly, EclUnknownConcept, EclUnsupported, type EclError } from "./errors"
import { parseEcl } from "./parse"
import { ConceptCollector, ConceptSet } from "./sets"
import {
  adoptTables,
  columnRows,
  ConcreteKind,
  eclTables,
  historyTargets,
  keptTables,
  noConcept,
  refsetColumn,
  type EclTables
} from "./tables"

export interface EclResult {
  /** Ascending concept positions (see `SnomedIndex.position`). */
  readonly concepts: Uint32Array
  has(concept: number): boolean
  /** Things worth telling the author that did not stop evaluation (a term that does not match its concept). */
  readonly warnings: ReadonlyArray<string>
}

export interface EclOptions {
  /** Work allowed, in concepts and relationships visited, before failing with `EclTooCostly`. */
  readonly maxSteps?: number
  /** Whether costly sub-expression results may come from, and be kept for, other evaluations over the index (default true). */
  readonly reuse?: boolean
}

/** Enough for any expression over a million-concept release to finish in well under a second. */
export const defaultEclMaxSteps = 50_000_000

/** Dialect aliases from the SNOMED CT language reference set registry. */
export const dialectAliases: Readonly<Record<string, string>> = {
  "en-gb": Concepts.gbEnglish,
  "en-us": Concepts.usEnglish,
  "en-nhs-clinical": Concepts.ukClinical,
  "en-nhs-pharmacy": Concepts.ukPharmacy,
  "en-au": "32570271000036106",
  "en-nz": "271000210107",
  "en-ca": "19491000087109",
  "en-ie": "21000220103",
  "en-int-gmdn": "608771002",
  "fr-ca": "20581000087109",
  es: "450828004",
  "nl-nl": "31000146106",
  "sv-se": "46011000052107",
  "da-dk": "554461000005103",
  "nb-no": "61000202103",
  "de-ch": "2041000195100",
  "fr-ch": "2021000195106",
  "it-ch": "2031000195108"
}

const historyProfiles = {
  min: ["900000000000527005"],
  mod: ["900000000000527005", "900000000000526001", "900000000000528000", "1186924009"],
  max: [
    "900000000000527005",
    "900000000000526001",
    "900000000000528000",
    "1186924009",
    "1186921001",
    "900000000000523009",
    "900000000000524003",
    "900000000000525002",
    "900000000000529008",
    "900000000000530003",
    "900000000000531004"
  ]
} as const
const historicalAssociation = "900000000000522004"

const descriptionTypeIds: Record<string, number> = {
  [Concepts.fullySpecifiedName]: DescriptionType.fullySpecifiedName,
  [Concepts.synonym]: DescriptionType.synonym,
  [Concepts.definition]: DescriptionType.definition
}
const typeTokens = { fsn: DescriptionType.fullySpecifiedName, syn: DescriptionType.synonym, def: DescriptionType.definition }
const primitive = "900000000000074008"

/** Sets below this size are filtered description by description; larger ones through the word index. */
const wordIndexThreshold = 2_000
/** Descendant-or-self sets this large are kept per index (a few kept, like the index's own). */
const largeHierarchy = 10_000
const hierarchiesKept = 32
/** Sub-expression results that took this many steps (or a pass over a smaller release's concepts) are kept per index, up to `keptBytes` in all. */
const keptSteps = 20_000
const keptBytes = 48 * 2 ** 20
/** Substrings of `wild:` patterns whose vocabulary words are kept per index. */
const fragmentsKept = 256
/** Up to this many attribute types, a value set's rows are found by a merge along each type's rows; the estimated cost of finding one value there. */
const searchedTypes = 8
const searchCost = 8
/** The estimated cost of checking one candidate of a refinement, in relationships read. */
const checkCost = 8

/** A concrete value comparison. */
export const compareNumbers = (operator: NumericOperator, left: number, right: number) => {
  switch (operator) {
    case "=":
      return left === right
    case "!=":
      return left !== right
    case "<":
      return left < right
    case "<=":
      return left <= right
    case ">":
      return left > right
    case ">=":
      return left >= right
  }
}

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * Whether every character a `wild:` pattern's `char` matches (ignoring case, as its RegExp does)
 * folds to the same ASCII letter or digit, so a matching term has it folded inside one word:
 * ASCII, and Latin letters with diacritics (`ü`, `Ŵ`), but not `µ`, `ı` or `ſ`, whose case partners fold apart.
 */
const foldsAlike = (char: string) => {
  if (/^[A-Za-z0-9]$/.test(char)) return true
  const code = char.charCodeAt(0)
  if (code < 0xc0 || code > 0x17e || "×÷ıĸ".includes(char)) return false
  const folded = foldText(char)
  return /^[a-z]$/.test(folded) && foldText(char.toUpperCase()) === folded
}

/** The runs of a pattern segment's characters that fold alike (see `foldsAlike`), folded. */
const foldedRuns = (segment: string): Array<string> => {
  const runs: Array<string> = []
  let run = ""
  for (const char of segment) {
    if (foldsAlike(char)) run += foldText(char)
    else if (run !== "") {
      runs.push(run)
      run = ""
    }
  }
  if (run !== "") runs.push(run)
  return runs
}

/** A sub-expression's key among the kept results: its text, positions aside. */
const keyOf = (node: object) => JSON.stringify(node, (name, value) => (name === "position" ? undefined : value))

/** Internal: thrown inside the evaluator, returned as the Either's left. */
class Failure {
  constructor(readonly error: EclError) {}
}

class Evaluator {
  private steps = 0
  private readonly universe: number
  private readonly tables: EclTables
  private readonly memo = new Map<object, ConceptSet>()
  private readonly wildPatterns = new Map<SearchTerm, RegExp>()
  private readonly plainGroups = new Map<AttributeGroup, PlainGroup | null>()
  /** Bitmaps lent from the index's spares (see `lendBitmap`), with the members marked in each. */
  private readonly lent: Array<{ readonly bits: Uint32Array; readonly members: Uint32Array }> = []
  readonly warnings: Array<string> = []
  /** The warnings of each result being worked out for `kept`, innermost last. */
  private readonly collecting: Array<Array<string>> = []

  constructor(
    private readonly index: SnomedIndex,
    private readonly maxSteps: number,
    private readonly reuse: boolean
  ) {
    this.universe = index.conceptCount
    this.tables = eclTables(index)
  }

  private fail(error: EclError): never {
    throw new Failure(error)
  }

  private tick(steps: number) {
    this.steps += steps
    if (this.steps > this.maxSteps) this.fail(new EclTooCostly({ limit: this.maxSteps }))
  }

  private warn(message: string) {
    if (!this.warnings.includes(message)) this.warnings.push(message)
    for (const warnings of this.collecting) warnings.push(message)
  }

  private empty() {
    return ConceptSet.empty(this.universe)
  }

  /**
   * A bitmap of `set` for a loop testing membership: its own, or a spare of the index's marked
   * with its members until `returnLent`. A list asked often would get a bitmap of its own, and a
   * new bitmap's pages cost more than such a loop (up to 0.5 ms on the benchmark's 2-core VM).
   */
  private lendBitmap(set: ConceptSet): Uint32Array {
    if (set.isBitmap) return set.bitmap()
    const bits = this.tables.spareBitmaps.pop() ?? new Uint32Array((this.universe + 31) >>> 5)
    const members = set.toSorted()
    for (let at = 0; at < members.length; at++) bits[members[at]! >>> 5]! |= 1 << (members[at]! & 31)
    this.lent.push({ bits, members })
    return bits
  }

  /** Clears the lent bitmaps and gives them back to the index's spares. */
  private returnLent() {
    for (const { bits, members } of this.lent) {
      for (let at = 0; at < members.length; at++) bits[members[at]! >>> 5] = 0
      this.tables.spareBitmaps.push(bits)
    }
    this.lent.length = 0
  }

  // Expressions

  expression(expression: EclExpression): ConceptSet {
    const known = this.memo.get(expression)
    if (known !== undefined) return known
    const result = this.kept(expression, () => this.evaluate(expression))
    this.memo.set(expression, result)
    return result
  }

  /**
   * `compute()`, or the result of the same text (positions aside) from an earlier evaluation over
   * this index: value sets share their groupers and refinements, so a costly part is worked out
   * once. Kept when it took `keptSteps` or more (a pass over the concepts of a smaller release),
   * least recently used dropped past `keptBytes`; reusing it charges the steps it took.
   */
  private kept(node: object, compute: () => ConceptSet): ConceptSet
  private kept(node: object, compute: () => ConceptSet | undefined): ConceptSet | undefined
  private kept(node: object, compute: () => ConceptSet | undefined): ConceptSet | undefined {
    if (!this.reuse) return compute()
    const { results } = this.tables
    const key = keyOf(node)
    const found = results.get(key)
    if (found !== undefined) {
      results.delete(key)
      results.set(key, found)
      this.tick(found.steps)
      for (const warning of found.warnings) this.warn(warning)
      return found.set
    }
    const steps = this.steps
    const warnings: Array<string> = []
    this.collecting.push(warnings)
    let set: ConceptSet | undefined
    try {
      set = compute()
    } finally {
      this.collecting.pop()
    }
    const cost = this.steps - steps
    if (set === undefined || cost < Math.min(keptSteps, this.universe)) return set
    const bytes = set.isBitmap ? this.universe >>> 3 : set.size * 4
    results.set(key, { set, warnings, steps: cost, bytes })
    this.tables.resultBytes += bytes
    for (const [oldest, entry] of results) {
      if (this.tables.resultBytes <= keptBytes) break
      results.delete(oldest)
      this.tables.resultBytes -= entry.bytes
    }
    return set
  }

  private evaluate(expression: EclExpression): ConceptSet {
    let result: ConceptSet
    switch (expression._tag) {
      case "Sub":
        result = this.subExpression(expression)
        break
      case "Compound": {
        const [first, ...rest] = expression.operands.map((operand) => this.expression(operand))
        result = rest.reduce(
          (left, right) =>
            expression.operator === "and" ? left.and(right) : expression.operator === "or" ? left.or(right) : left.minus(right),
          first!
        )
        break
      }
      case "Refined":
        result = this.refine(this.expression(expression.focus), expression.refinement)
        break
      case "Dotted":
        result = expression.attributes.reduce(
          (sources, attribute) => this.attributeValues(sources, this.expression(attribute)),
          this.expression(expression.focus)
        )
        break
    }
    return result
  }

  private subExpression(sub: SubExpression): ConceptSet {
    let set: ConceptSet
    switch (sub.focus._tag) {
      case "Concept":
        set = ConceptSet.fromSorted(this.universe, Uint32Array.of(this.concept(sub.focus)))
        break
      case "Wildcard":
        set = this.all()
        break
      case "AlternateIdentifier":
        set = this.alternateIdentifier(sub.focus)
        break
      case "Nested":
        set = this.expression(sub.focus.expression)
        break
    }
    if (sub.memberOf !== undefined) set = this.memberOf(set, sub.memberOf, sub.memberFilters)
    else if (sub.memberFilters.length > 0) this.fail(new EclUnsupported({ feature: "a member filter without '^'", position: sub.position }))
    if (sub.operator !== undefined) set = this.hierarchy(sub.operator, set)
    for (const block of sub.filters) set = this.filterBlock(set, block)
    if (sub.history !== undefined) set = this.history(set, sub.history)
    return set
  }

  /** The concept's position; an id the release does not have is an error, a term that does not match a warning. */
  private concept(reference: ConceptReference): number {
    const position = this.index.position(reference.id)
    if (position === undefined) this.fail(new EclUnknownConcept({ id: reference.id, position: reference.position }))
    if (reference.term !== undefined && !this.hasTerm(position, reference.term)) {
      this.warn(`'${reference.term}' is not a term of concept ${reference.id} ('${this.index.preferredTerm(position, []) ?? ""}')`)
    }
    return position
  }

  /**
   * The concept an alternate identifier (`LOINC#8310-5`) names, in the identifier schemes of the
   * release whose alias it uses: schemes with an active description that is the alias or starts
   * with it as a word, ignoring case (`LOINC` names a scheme described as "LOINC code identifier
   * scheme"). A scheme or code the release does not have is a warning and matches nothing.
   */
  private alternateIdentifier(focus: AlternateIdentifier): ConceptSet {
    const alias = foldText(focus.scheme)
    const descriptions = this.index.descriptions
    const named = (scheme: string) => {
      const position = this.index.position(scheme)
      if (position === undefined) return false
      for (const description of neighbours(descriptions.byConcept, position)) {
        if (descriptions.active[description] !== 1) continue
        const term = foldText(descriptions.terms.get(description))
        if (term === alias || term.startsWith(`${alias} `)) return true
      }
      return false
    }
    const schemes = [...this.index.alternateIdentifiers].filter(([scheme]) => named(scheme))
    const text = `${focus.scheme}#${focus.code}`
    if (schemes.length === 0) {
      this.warn(`alternate identifier ${text}: this release has no identifier scheme called '${focus.scheme}', so it matches nothing`)
      return this.empty()
    }
    const found = schemes.flatMap(([, codes]) => (codes.has(focus.code) ? [codes.get(focus.code)!] : []))
    if (found.length === 0) this.warn(`alternate identifier ${text} is not in this release; it matches nothing`)
    for (const concept of found) {
      if (focus.term !== undefined && !this.hasTerm(concept, focus.term)) {
        this.warn(
          `'${focus.term}' is not a term of ${text} (concept ${this.index.code(concept)}, '${this.index.preferredTerm(concept, []) ?? ""}')`
        )
      }
    }
    return ConceptSet.fromUnsorted(this.universe, found)
  }

  private hasTerm(concept: number, term: string) {
    const wanted = foldText(term.trim())
    const descriptions = this.index.descriptions
    for (const description of neighbours(descriptions.byConcept, concept)) {
      if (foldText(descriptions.terms.get(description).trim()) === wanted) return true
    }
    return false
  }

  private conceptSetValue(value: ConceptSetValue): ConceptSet {
    if (value._tag === "Expression") return this.expression(value.expression)
    const known = this.memo.get(value)
    if (known !== undefined) return known
    const set = ConceptSet.fromUnsorted(
      this.universe,
      value.concepts.map((reference) => this.concept(reference))
    )
    this.memo.set(value, set)
    return set
  }

  /** `*`: the root and its descendants (all active concepts when the release has no root). */
  private all(): ConceptSet {
    const root = this.tables.root
    if (root !== undefined) return this.descendantsOf(root, true)
    const active = this.index.concepts.active
    const bits = new Uint32Array((this.universe + 31) >>> 5)
    for (let concept = 0; concept < this.universe; concept++) if (active[concept] === 1) bits[concept >>> 5]! |= 1 << (concept & 31)
    this.tick(this.universe)
    return ConceptSet.fromBits(this.universe, bits)
  }

  // Hierarchy

  private hierarchy(operator: HierarchyOperator, set: ConceptSet): ConceptSet {
    const { parents, children } = this.index
    switch (operator) {
      case "descendantOrSelfOf":
        return this.closure(set, children, true)
      case "descendantOf":
        return this.closure(set, children, false)
      case "ancestorOrSelfOf":
        return this.closure(set, parents, true)
      case "ancestorOf":
        return this.closure(set, parents, false)
      case "childOf":
        return this.neighbours(set, children)
      case "childOrSelfOf":
        return this.neighbours(set, children).or(set)
      case "parentOf":
        return this.neighbours(set, parents)
      case "parentOrSelfOf":
        return this.neighbours(set, parents).or(set)
      case "top":
        return this.top(set)
      case "bottom":
        return set.minus(this.closure(set, parents, false))
    }
  }

  /**
   * `!!>`: the members with no ancestor in the set. A member with a parent in it is out at once,
   * reading each member's parents in order; the rest are the answer unless one of them has an
   * ancestor in the set further up, and only then are the set's descendants worked out.
   */
  private top(set: ConceptSet): ConceptSet {
    const { starts, targets } = this.index.parents
    const members = set.toSorted()
    const inSet = this.lendBitmap(set)
    const roots: Array<number> = []
    let edges = 0
    for (let at = 0; at < members.length; at++) {
      const member = members[at]!
      let edge = starts[member]!
      const end = starts[member + 1]!
      edges += end - edge
      while (edge < end && (inSet[targets[edge]! >>> 5]! & (1 << (targets[edge]! & 31))) === 0) edge++
      if (edge === end) roots.push(member)
    }
    this.returnLent()
    this.tick(members.length + edges)
    const found = ConceptSet.fromSorted(this.universe, Uint32Array.from(roots))
    // Their ancestors, a root included when another root reaches it.
    const above = this.traverse(found.toSorted(), this.index.parents, false)
    return above.and(set).size === 0 ? found : set.minus(this.closure(set, this.index.children, false))
  }

  private neighbours(set: ConceptSet, graph: SnomedIndex["parents"]): ConceptSet {
    const found: Array<number> = []
    const members = set.toSorted()
    const { starts, targets } = graph
    for (let at = 0; at < members.length; at++) {
      for (let edge = starts[members[at]!]!, end = starts[members[at]! + 1]!; edge < end; edge++) found.push(targets[edge]!)
    }
    this.tick(set.size + found.length)
    return ConceptSet.fromUnsorted(this.universe, found)
  }

  /** The concept's descendants (and itself, with `includeSelf`), kept per index when large. */
  private descendantsOf(concept: number, includeSelf: boolean): ConceptSet {
    const kept = this.tables.hierarchies
    const key = concept * 2 + (includeSelf ? 1 : 0)
    const cached = kept.get(key) as ConceptSet | undefined
    if (cached !== undefined) {
      kept.delete(key)
      kept.set(key, cached)
      return cached
    }
    const set = this.descendants(Uint32Array.of(concept), includeSelf)
    if (set.size >= largeHierarchy) {
      if (kept.size >= hierarchiesKept) kept.delete(kept.keys().next().value!)
      kept.set(key, set)
    }
    return set
  }

  /** Everything reachable from `set` through `graph`, with or without the starting concepts. */
  private closure(set: ConceptSet, graph: SnomedIndex["parents"], includeSelf: boolean): ConceptSet {
    if (graph === this.index.children && set.size === 1) return this.descendantsOf(set.toSorted()[0]!, includeSelf)
    const reached = graph === this.index.children ? this.descendants(set.toSorted(), false) : this.traverse(set.toSorted(), graph, false)
    return includeSelf ? reached.or(set) : reached
  }

  /**
   * The descendants of `starts` (the starts themselves only when reached again, or when
   * `includeStarts`), as ranges of the hierarchy's depth-first numbering: a concept's tree range
   * is read in sequence, and only the child edges leaving it are followed. A concept already
   * reached has its whole range reached, so it is not followed again.
   */
  private descendants(starts: Uint32Array, includeStarts: boolean): ConceptSet {
    const visited = this.tables.visited
    const reachedList = this.tables.queue
    const { rank, concept, size, others } = this.tables.ranges
    const pending: Array<number> = []
    const children = this.index.children
    for (let at = 0; at < starts.length; at++) {
      if (includeStarts) pending.push(starts[at]!)
      else
        for (let edge = children.starts[starts[at]!]!, end = children.starts[starts[at]! + 1]!; edge < end; edge++)
          pending.push(children.targets[edge]!)
    }
    // Steps as a breadth-first traversal counts them: each concept queued and each child edge followed.
    let steps = includeStarts ? 0 : starts.length + pending.length
    let count = 0
    while (pending.length > 0) {
      const top = pending.pop()!
      if ((visited[top >>> 5]! & (1 << (top & 31))) !== 0) continue
      const from = rank[top]!
      const to = from + size[from]!
      // The range's tree edges and the others leaving its concepts.
      steps += to - from - 1 + others.starts[to]! - others.starts[from]!
      for (let at = from; at < to; at++) {
        const node = concept[at]!
        const bit = 1 << (node & 31)
        if ((visited[node >>> 5]! & bit) === 0) {
          visited[node >>> 5]! |= bit
          reachedList[count++] = node
        }
      }
      for (let edge = others.starts[from]!, end = others.starts[to]!; edge < end; edge++) {
        const child = others.targets[edge]!
        if ((visited[child >>> 5]! & (1 << (child & 31))) === 0) pending.push(child)
      }
    }
    return this.takeReached(count, steps + count)
  }

  /**
   * Breadth-first from `starts`; the starts themselves only when reached again (or when
   * `includeStarts`).
   */
  private traverse(starts: Uint32Array, graph: SnomedIndex["parents"], includeStarts: boolean): ConceptSet {
    const visited = this.tables.visited
    const queue = this.tables.queue
    const { starts: edgeStarts, targets } = graph
    let head = 0
    let tail = 0
    for (let at = 0; at < starts.length; at++) {
      const start = starts[at]!
      queue[tail++] = start
      if (includeStarts) visited[start >>> 5]! |= 1 << (start & 31)
    }
    let edges = 0
    while (head < tail) {
      const node = queue[head++]!
      const to = edgeStarts[node + 1]!
      for (let edge = edgeStarts[node]!; edge < to; edge++) {
        const next = targets[edge]!
        const bit = 1 << (next & 31)
        if ((visited[next >>> 5]! & bit) === 0) {
          visited[next >>> 5]! |= bit
          queue[tail++] = next
        }
      }
      edges += to - edgeStarts[node]!
    }
    return this.takeReached(tail, tail + edges)
  }

  /**
   * The concepts marked in the shared visited bitmap, all among the first `tail` of the shared
   * queue, as a set; the bitmap is left clear. A small set is read off the queue and the bitmap
   * cleared behind it; a large one takes the bitmap as its own.
   */
  private takeReached(tail: number, steps: number): ConceptSet {
    const visited = this.tables.visited
    const queue = this.tables.queue
    let reached: ConceptSet
    if (tail > this.universe >>> 5) {
      this.tables.visited = new Uint32Array(visited.length)
      reached = ConceptSet.fromBits(this.universe, visited)
    } else if (ConceptSet.wantsBitsToSort(this.universe, tail)) {
      reached = ConceptSet.drainBits(this.universe, visited, tail)
    } else {
      const found: Array<number> = []
      for (let at = 0; at < tail; at++) {
        const node = queue[at]!
        if ((visited[node >>> 5]! & (1 << (node & 31))) !== 0) found.push(node)
      }
      for (let at = 0; at < tail; at++) visited[queue[at]! >>> 5] = 0
      reached = ConceptSet.fromUnsorted(this.universe, found)
    }
    // Counted once the shared bitmap is clear again: failing here must leave it usable.
    this.tick(steps)
    return reached
  }

  // Reference sets

  private memberOf(focus: ConceptSet, memberOf: MemberOf, filters: ReadonlyArray<ReadonlyArray<MemberFilter>>): ConceptSet {
    const selected: Array<[string, Refset]> = []
    for (const [id, refset] of this.index.refsets) {
      const position = this.tables.refsetPositions.get(id)
      if (position !== undefined && focus.has(position)) selected.push([id, refset])
    }
    if (memberOf.containingAny) {
      // `^R x`: the reference sets having any of x among their members.
      const containing: Array<number> = []
      for (const [id, refset] of this.index.refsets) {
        this.tick(refset.concepts.length)
        const position = this.tables.refsetPositions.get(id)
        if (position !== undefined && refset.concepts.some((concept) => focus.has(concept))) containing.push(position)
      }
      return ConceptSet.fromUnsorted(this.universe, containing)
    }
    const fields = memberOf.fields
    let result = this.empty()
    for (const [id, refset] of selected) {
      this.tick(refset.concepts.length)
      if (
        filters.length === 0 &&
        (fields === undefined || (fields !== "*" && fields.every((field) => field === "referencedComponentId")))
      ) {
        result = result.or(ConceptSet.fromSorted(this.universe, refset.concepts))
        continue
      }
      result = result.or(this.memberRows(id, refset, fields, filters, memberOf.position))
    }
    return result
  }

  /** Members that pass the filters, as their referenced concepts or the concepts in the selected fields. */
  private memberRows(
    id: string,
    refset: Refset,
    fields: ReadonlyArray<string> | "*" | undefined,
    filters: ReadonlyArray<ReadonlyArray<MemberFilter>>,
    position: number
  ): ConceptSet {
    const rows = refset.rows
    const wanted = fields === undefined ? ["referencedComponentId"] : fields === "*" ? ["referencedComponentId", ...refset.columns] : fields
    const needsFields =
      wanted.some((field) => field !== "referencedComponentId") ||
      filters.some((block) => block.some((filter) => filter._tag === "Field" && filter.field !== "referencedComponentId"))
    if (needsFields && rows === undefined) {
      this.fail(new EclUnsupported({ feature: `fields of reference set ${id} (the index keeps only its members)`, position }))
    }
    const members = refset.members.concept
    this.tick(members.length)
    const narrowed = this.rowsWithValues(id, filters)
    // A block without an `active` filter, or no block, looks at active members only.
    const activeOnly = (row: number) => refset.members.active[row] === 1
    const tests = [
      ...(filters.length === 0 || filters.some((block) => !block.some((filter) => filter._tag === "Active")) ? [activeOnly] : []),
      ...filters
        .flat()
        .filter((filter) => filter !== narrowed?.filter)
        .map((filter) => this.memberTest(filter, id, refset))
    ]
    // Each selected field: the member itself, a column, or nothing (a field the reference set does not have).
    const outputs = wanted.map((name) => (name === "referencedComponentId" ? "member" : refsetColumn(this.index, id, name)))
    const rowCount = narrowed === undefined ? members.length : narrowed.rows.length
    // Not into the shared bitmap: a test may evaluate a sub-expression on its first call.
    const found = new ConceptCollector(this.universe, rowCount * outputs.length)
    for (let at = 0; at < rowCount; at++) {
      const row = narrowed === undefined ? at : narrowed.rows[at]!
      let passes = true
      for (let at = 0; at < tests.length && passes; at++) passes = tests[at]!(row, members[row]!)
      if (!passes) continue
      for (const output of outputs) {
        if (output === "member") found.add(members[row]!)
        else if (output !== undefined && output.positions[output.ofRow[row]!] !== noConcept)
          found.add(output.positions[output.ofRow[row]!]!)
      }
    }
    return found.done()
  }

  /**
   * The rows whose value passes the first filter on a column of the reference set (every block
   * must pass, so it narrows them all), found through the column's rows by value: each distinct
   * value is compared once and only the rows of those that pass are visited. Undefined when no
   * filter is on a column.
   */
  private rowsWithValues(refsetId: string, filters: ReadonlyArray<ReadonlyArray<MemberFilter>>) {
    for (const filter of filters.flat()) {
      if (filter._tag !== "Field" || filter.field === "referencedComponentId") continue
      const column = refsetColumn(this.index, refsetId, filter.field)
      if (column === undefined) continue
      const { starts, targets } = columnRows(column)
      const passing = new Uint8Array(column.values.length)
      let count = 0
      for (let value = 0; value < passing.length; value++) {
        if (!this.compareValue(filter.comparison, column.values[value]!)) continue
        passing[value] = 1
        count += starts[value + 1]! - starts[value]!
      }
      const rows = new Uint32Array(count)
      let at = 0
      for (let value = 0; value < passing.length; value++) {
        if (passing[value] === 1) for (let edge = starts[value]!, end = starts[value + 1]!; edge < end; edge++) rows[at++] = targets[edge]!
      }
      return { filter, rows }
    }
    return undefined
  }

  /** A member filter as a test of one row (and its referenced concept); a column's distinct values are each compared once. */
  private memberTest(filter: MemberFilter, refsetId: string, refset: Refset): (row: number, concept: number) => boolean {
    const { active, stamp, stamps } = refset.members
    switch (filter._tag) {
      case "Active": {
        const value = filter.value
        const equal = filter.operator === "="
        return (row) => value === "*" || ((active[row] === 1) === value) === equal
      }
      case "Module": {
        const modules = this.conceptSetValue(filter.modules)
        const positions = this.tables.modulePositions
        const equal = filter.operator === "="
        return (row) => {
          const module = positions[stamps.module[stamp[row]!]!]!
          return (module !== noConcept && modules.has(module)) === equal
        }
      }
      case "EffectiveTime": {
        const verdicts = Uint8Array.from(stamps.effectiveTime, (time) => (this.timeMatches(filter, String(time)) ? 1 : 0))
        return (row) => verdicts[stamp[row]!] === 1
      }
      case "Field": {
        const comparison = filter.comparison
        if (filter.field === "referencedComponentId") {
          if (comparison._tag !== "ExpressionComparison") return (_, concept) => this.compareValue(comparison, this.index.code(concept))
          const set = this.expression(comparison.value)
          const wanted = comparison.operator === "="
          return (_, concept) => set.has(concept) === wanted
        }
        const column = refsetColumn(this.index, refsetId, filter.field)
        if (column === undefined) {
          this.warn(`reference set ${refsetId} has no field '${filter.field}'`)
          return () => false
        }
        const verdicts = new Int8Array(column.values.length)
        return (row) => {
          const value = column.ofRow[row]!
          if (verdicts[value] === 0) verdicts[value] = this.compareValue(comparison, column.values[value]!) ? 1 : -1
          return verdicts[value] === 1
        }
      }
    }
  }

  /** A reference set field's text against a comparison. */
  private compareValue(comparison: Comparison | TimeComparison, value: string): boolean {
    switch (comparison._tag) {
      case "ExpressionComparison": {
        const position = this.index.position(value)
        const inSet = position !== undefined && this.expression(comparison.value).has(position)
        return inSet === (comparison.operator === "=")
      }
      case "NumericComparison": {
        const number = Number(value)
        return value.trim() !== "" && !Number.isNaN(number) && compareNumbers(comparison.operator, number, comparison.value)
      }
      case "StringComparison":
        return this.stringMatches(comparison, value)
      case "BooleanComparison":
        return this.booleanMatches(comparison, /^(1|true)$/i.test(value))
      case "TimeComparison":
        return this.timeMatches(comparison, value)
    }
  }

  private stringMatches(comparison: StringComparison, value: string) {
    let matches = false
    for (let at = 0; at < comparison.values.length && !matches; at++) {
      const term = comparison.values[at]!
      matches = term._tag === "Match" ? value.toLowerCase() === term.text.toLowerCase() : this.wildPattern(term).test(value)
    }
    return matches === (comparison.operator === "=")
  }

  private booleanMatches(comparison: BooleanComparison, value: boolean) {
    return (value === comparison.value) === (comparison.operator === "=")
  }

  private timeMatches(comparison: Pick<TimeComparison, "operator" | "times">, value: string) {
    if (comparison.operator === "!=") return !comparison.times.includes(value)
    if (comparison.operator === "=") return comparison.times.includes(value)
    return comparison.times.some((time) => time !== "" && value !== "" && compareNumbers(comparison.operator, Number(value), Number(time)))
  }

  private wildPattern(term: Extract<SearchTerm, { _tag: "Wild" }>): RegExp {
    let pattern = this.wildPatterns.get(term)
    if (pattern === undefined) {
      // Unanchored where the pattern starts or ends with `*`: `*abc*` is a search for "abc", not a backtracking `^.*abc.*$`.
      const segments = term.segments.map(escapeRegExp)
      const open = segments.length > 1 && segments[0] === ""
      const close = segments.length > 1 && segments[segments.length - 1] === ""
      const inner = segments.slice(open ? 1 : 0, close ? -1 : undefined)
      pattern = new RegExp(`${open ? "" : "^"}${inner.join(".*")}${close ? "" : "$"}`, "is")
      this.wildPatterns.set(term, pattern)
    }
    return pattern
  }

  // Refinements

  /** The attribute names and values of a refinement, evaluated once before checking candidates. */
  private prepare(refinement: Refinement): void {
    switch (refinement._tag) {
      case "RefinementSet":
        refinement.operands.forEach((operand) => this.prepare(operand))
        return
      case "Group":
        return this.prepare(refinement.attributes)
      case "Attribute":
        this.expression(refinement.name)
        if (refinement.comparison._tag === "ExpressionComparison") this.expression(refinement.comparison.value)
    }
  }

  private refine(focus: ConceptSet, refinement: Refinement): ConceptSet {
    this.prepare(refinement)
    const exact = this.exact(refinement, focus)
    if (exact !== undefined) return exact
    const narrowed = this.candidates(refinement, focus.size * checkCost)
    const candidates = narrowed === undefined ? focus : focus.and(narrowed)
    this.tick(candidates.size)
    try {
      return candidates.filter((concept) => this.matches(concept, refinement, undefined))
    } finally {
      // The plain groups' value bitmaps were lent for this check.
      this.returnLent()
      this.plainGroups.clear()
    }
  }

  private known(node: object) {
    return this.memo.get(node)!
  }

  /**
   * The focus concepts that satisfy `refinement` when whole relationship lists answer it (an
   * attribute that must be present, `[1..*]`, or absent, `[0..0]`, and AND/OR of those), without
   * looking at candidates one by one; undefined otherwise.
   */
  private exact(refinement: Refinement, focus: ConceptSet): ConceptSet | undefined {
    switch (refinement._tag) {
      case "RefinementSet": {
        const parts: Array<ConceptSet> = []
        for (const operand of refinement.operands) {
          const part = this.exact(operand, focus)
          if (part === undefined) return undefined
          parts.push(part)
        }
        return parts.reduce((left, right) => (refinement.operator === "and" ? left.and(right) : left.or(right)))
      }
      case "Group":
        return undefined
      case "Attribute": {
        const min = refinement.cardinality?.min ?? 1
        const max = refinement.cardinality?.max
        const present = min === 1 && max === undefined
        const absent = min === 0 && max === 0
        if (!present && !absent) return undefined
        const sources = this.attributeSources(refinement, Number.POSITIVE_INFINITY)
        if (sources === undefined) return undefined
        return present ? focus.and(sources) : focus.minus(sources)
      }
    }
  }

  /**
   * A superset of the concepts that can satisfy `refinement`, found from the relationships
   * pointing at its values (or of its types) when that takes at most `budget` steps; undefined
   * when no such shortcut applies.
   */
  private candidates(refinement: Refinement, budget: number): ConceptSet | undefined {
    switch (refinement._tag) {
      case "RefinementSet": {
        if (refinement.operator === "or") {
          const parts = refinement.operands.map((operand) => this.candidates(operand, budget))
          return parts.some((part) => part === undefined) ? undefined : parts.reduce((left, right) => left!.or(right!))
        }
        // The cheapest parts first; a further part only when finding it costs less than checking the candidates found so far.
        const parts = refinement.operands
          .map((operand) => ({ operand, cost: this.candidatesCost(operand) }))
          .toSorted((a, b) => a.cost - b.cost)
        let found: ConceptSet | undefined
        for (const { operand, cost } of parts) {
          const limit = found === undefined ? budget : Math.min(budget, found.size * checkCost)
          if (cost > limit) break
          const part = this.candidates(operand, limit)
          if (part !== undefined) found = found === undefined ? part : found.and(part)
        }
        return found
      }
      case "Group":
        return (refinement.cardinality?.min ?? 1) === 0 ? undefined : this.candidates(refinement.attributes, budget)
      case "Attribute":
        return (refinement.cardinality?.min ?? 1) === 0 ? undefined : this.attributeSources(refinement, budget)
    }
  }

  /** What `candidates` would cost without a budget: nothing for a kept result, infinite where it finds none. */
  private candidatesCost(refinement: Refinement): number {
    switch (refinement._tag) {
      case "RefinementSet": {
        const costs = refinement.operands.map((operand) => this.candidatesCost(operand))
        return refinement.operator === "or" ? costs.reduce((sum, cost) => sum + cost) : Math.min(...costs)
      }
      case "Group":
        return (refinement.cardinality?.min ?? 1) === 0 ? Number.POSITIVE_INFINITY : this.candidatesCost(refinement.attributes)
      case "Attribute":
        if ((refinement.cardinality?.min ?? 1) === 0) return Number.POSITIVE_INFINITY
        if (this.reuse && this.tables.results.has(keyOf(refinement))) return 0
        return this.sourcesWay(refinement)?.cost ?? Number.POSITIVE_INFINITY
    }
  }

  /**
   * The concepts with at least one relationship satisfying the attribute (its type and
   * comparison), from the relationships of its value set or of its types, whichever is fewer;
   * undefined when both exceed `budget` relationships (or is-a is among the types).
   */
  private attributeSources(attribute: Attribute, budget: number): ConceptSet | undefined {
    return this.kept(attribute, () => this.findSources(attribute, budget))
  }

  /**
   * How `findSources` would find the attribute's sources, and the relationships it would read:
   * through the concrete values of its types, a search of its values' rows by type, its values'
   * rows (their own when reversed), or the rows of its types; undefined when is-a is among the types.
   */
  private sourcesWay(
    attribute: Attribute
  ): { readonly cost: number; readonly through: "concrete" | "search" | "values" | "types" } | undefined {
    const types = this.known(attribute.name)
    const { isA, byType, byValue, concrete } = this.tables
    if (isA !== undefined && types.has(isA)) return undefined
    const costOf = (graph: { readonly starts: Uint32Array }, nodes: ConceptSet, limit: number) =>
      nodes.size > limit ? Number.POSITIVE_INFINITY : sumDegrees(graph, nodes)
    const comparison = attribute.comparison
    if (comparison._tag !== "ExpressionComparison") {
      return { cost: attribute.reverse ? 0 : costOf(concrete.byType, types, 10_000), through: "concrete" }
    }
    const values = this.known(comparison.value)
    const typeCost = costOf(byType, types, 10_000)
    // Through the value set only for `=`: `!=` matches values outside it.
    if (comparison.operator !== "=") return { cost: typeCost, through: "types" }
    // The values' rows of a few types are found by a merge along each type's rows (in value order), galloping to each value.
    const searched = !attribute.reverse && types.size <= searchedTypes
    const valueCost = searched
      ? values.size * types.size * searchCost
      : costOf(attribute.reverse ? this.index.attributes.byConcept : byValue, values, this.universe >>> 2)
    if (typeCost < valueCost) return { cost: typeCost, through: "types" }
    return { cost: valueCost, through: searched ? "search" : "values" }
  }

  private findSources(attribute: Attribute, budget: number): ConceptSet | undefined {
    const way = this.sourcesWay(attribute)
    if (way === undefined || way.cost > budget) return undefined
    const types = this.known(attribute.name)
    const { byType, byValue, concrete } = this.tables
    const comparison = attribute.comparison
    if (comparison._tag !== "ExpressionComparison") {
      if (attribute.reverse) return ConceptSet.empty(this.universe)
      const found = new ConceptCollector(this.universe, way.cost, this.tables)
      const typeList = types.toSorted()
      const { starts, targets } = concrete.byType
      for (let at = 0; at < typeList.length; at++) {
        for (let edge = starts[typeList[at]!]!, end = starts[typeList[at]! + 1]!; edge < end; edge++) {
          if (this.concreteMatches(targets[edge]!, comparison)) found.add(concrete.source[targets[edge]!]!)
        }
      }
      const set = found.done()
      // Counted once the shared bitmap is clear again: failing here must leave it usable.
      this.tick(way.cost)
      return set
    }
    const values = this.known(comparison.value)
    const found = new ConceptCollector(this.universe, way.cost, this.tables)
    let steps = way.cost
    if (way.through === "search") {
      // Each type's rows are in value order: one pass along them, galloping to each value.
      const valueList = values.toSorted()
      const typeList = types.toSorted()
      const { starts, value: rowValue, source: rowSource } = byType
      for (let t = 0; t < typeList.length; t++) {
        const end = starts[typeList[t]! + 1]!
        let edge = starts[typeList[t]!]!
        for (let at = 0; at < valueList.length && edge < end; at++) {
          const value = valueList[at]!
          for (edge = gallop(rowValue, edge, end, value); edge < end && rowValue[edge] === value; edge++) found.add(rowSource[edge]!)
        }
      }
      steps = values.size * types.size
    } else if (way.through === "values" && attribute.reverse) {
      // Reversed, the values are the relationships' sources and the concepts found their targets.
      const { starts } = this.index.attributes.byConcept
      const { type: rowType, value: rowValue } = this.tables.bySource
      const valueList = values.toSorted()
      for (let at = 0; at < valueList.length; at++) {
        for (let edge = starts[valueList[at]!]!, end = starts[valueList[at]! + 1]!; edge < end; edge++) {
          if (types.has(rowType[edge]!)) found.add(rowValue[edge]!)
        }
      }
      steps += values.size
    } else if (way.through === "values") {
      const { starts, type: rowType, source: rowSource } = byValue
      const valueList = values.toSorted()
      for (let at = 0; at < valueList.length; at++) {
        for (let edge = starts[valueList[at]!]!, end = starts[valueList[at]! + 1]!; edge < end; edge++) {
          if (types.has(rowType[edge]!)) found.add(rowSource[edge]!)
        }
      }
      steps += values.size
    } else {
      const wanted = comparison.operator === "="
      const inValues = values.bitmap()
      const typeList = types.toSorted()
      for (let at = 0; at < typeList.length; at++) {
        const type = typeList[at]!
        const to = byType.starts[type + 1]!
        for (let edge = byType.starts[type]!; edge < to; edge++) {
          const source = byType.source[edge]!
          const value = byType.value[edge]!
          const checked = attribute.reverse ? source : value
          if (((inValues[checked >>> 5]! & (1 << (checked & 31))) !== 0) === wanted) found.add(attribute.reverse ? value : source)
        }
      }
    }
    const set = found.done()
    // Counted once the shared bitmap is clear again: failing here must leave it usable.
    this.tick(steps)
    return set
  }

  private concreteMatches(row: number, comparison: Exclude<Comparison, { _tag: "ExpressionComparison" }>) {
    const concrete = this.tables.concrete
    const kind = concrete.kind[row]!
    switch (comparison._tag) {
      case "NumericComparison":
        return kind === ConcreteKind.number && compareNumbers(comparison.operator, concrete.number[row]!, comparison.value)
      case "StringComparison":
        return kind === ConcreteKind.string && this.stringMatches(comparison, concrete.text[row]!)
      case "BooleanComparison":
        return kind === ConcreteKind.boolean && this.booleanMatches(comparison, concrete.number[row] === 1)
    }
  }

  /** Whether `concept` satisfies `refinement`, looking only at the relationships in `scope` when given (one role group). */
  private matches(concept: number, refinement: Refinement, scope: Scope | undefined): boolean {
    switch (refinement._tag) {
      case "RefinementSet":
        return refinement.operator === "and"
          ? refinement.operands.every((operand) => this.matches(concept, operand, scope))
          : refinement.operands.some((operand) => this.matches(concept, operand, scope))
      case "Group":
        return this.groupMatches(concept, refinement)
      case "Attribute": {
        const count = this.count(concept, refinement, scope)
        const min = refinement.cardinality?.min ?? 1
        const max = refinement.cardinality?.max
        return count >= min && (max === undefined || count <= max)
      }
    }
  }

  private groupMatches(concept: number, group: AttributeGroup): boolean {
    const min = group.cardinality?.min ?? 1
    const max = group.cardinality?.max
    let plain = this.plainGroups.get(group)
    if (plain === undefined) this.plainGroups.set(group, (plain = this.plainAttributes(group)))
    const count = plain !== null ? this.countPlainGroups(concept, plain) : this.groups(concept, group)
    return count >= min && (max === undefined || count <= max)
  }

  /** How many of the concept's groups satisfy the group's attributes; each ungrouped relationship is a group of its own. */
  private groups(concept: number, group: AttributeGroup): number {
    const numbered: Array<number> = []
    let count = 0
    const visit = (number: number, row: number, concrete: boolean) => {
      if (number !== 0 && numbered.includes(number)) return
      if (number !== 0) numbered.push(number)
      if (this.matches(concept, group.attributes, { group: number, row, concrete })) count++
    }
    const { bySource, concrete } = this.tables
    const { starts } = this.index.attributes.byConcept
    for (let edge = starts[concept]!, end = starts[concept + 1]!; edge < end; edge++) visit(bySource.group[edge]!, edge, false)
    const { starts: concreteStarts, targets } = concrete.byConcept
    for (let edge = concreteStarts[concept]!, end = concreteStarts[concept + 1]!; edge < end; edge++) {
      visit(concrete.group[targets[edge]!]!, targets[edge]!, true)
    }
    return count
  }

  /**
   * A group that only ANDs plain attributes (`type = values`, no cardinality, not reversed), the
   * usual `{ 363698007 = …, 116676008 = … }`, as the sets of their types and bitmaps of their
   * values (lent for the check); null otherwise.
   */
  private plainAttributes(group: AttributeGroup): PlainGroup | null {
    const inner = group.attributes
    const attributes =
      inner._tag === "Attribute" ? [inner] : inner._tag === "RefinementSet" && inner.operator === "and" ? inner.operands : []
    const plain: Array<{ name: EclExpression; value: EclExpression }> = []
    for (const attribute of attributes) {
      if (attribute._tag !== "Attribute" || attribute.cardinality !== undefined || attribute.reverse) return null
      const comparison = attribute.comparison
      if (comparison._tag !== "ExpressionComparison" || comparison.operator !== "=") return null
      plain.push({ name: attribute.name, value: comparison.value })
    }
    if (plain.length === 0 || plain.length > 30) return null
    return { types: plain.map(({ name }) => this.known(name)), values: plain.map(({ value }) => this.lendBitmap(this.known(value))) }
  }

  /** How many of the concept's groups satisfy a plain group, in one pass over its relationships: a bit per attribute, ORed per group. */
  private countPlainGroups(concept: number, { types, values }: PlainGroup): number {
    const all = (1 << types.length) - 1
    const { starts } = this.index.attributes.byConcept
    const rows = this.tables.bySource
    const masks = this.tables.groupMasks
    const end = starts[concept + 1]!
    let count = 0
    for (let edge = starts[concept]!; edge < end; edge++) {
      const type = rows.type[edge]!
      const value = rows.value[edge]!
      let mask = 0
      for (let at = 0; at < types.length; at++) {
        if (types[at]!.has(type) && (values[at]![value >>> 5]! & (1 << (value & 31))) !== 0) mask |= 1 << at
      }
      const number = rows.group[edge]!
      if (number === 0) count += mask === all ? 1 : 0
      else masks[number]! |= mask
    }
    // Each group counted at its first row, and its mask cleared for the next concept.
    for (let edge = starts[concept]!; edge < end; edge++) {
      const number = rows.group[edge]!
      if (number === 0) continue
      if (masks[number] === all) count++
      masks[number] = 0
    }
    return count
  }

  /** How many of the concept's relationships (in `scope`) satisfy the attribute's type and comparison. */
  private count(concept: number, attribute: Attribute, scope: Scope | undefined): number {
    const types = this.known(attribute.name)
    const comparison = attribute.comparison
    const rows = this.index.attributes
    const { isA, byValue, concrete } = this.tables
    let count = 0
    if (comparison._tag === "ExpressionComparison") {
      const values = this.known(comparison.value)
      const wanted = comparison.operator === "="
      if (attribute.reverse) {
        for (let edge = byValue.starts[concept]!, end = byValue.starts[concept + 1]!; edge < end; edge++) {
          if (types.has(byValue.type[edge]!) && values.has(byValue.source[edge]!) === wanted) count++
        }
        if (isA !== undefined && types.has(isA)) count += countIn(this.index.children, concept, values, wanted)
        return count
      }
      const { starts } = rows.byConcept
      const { type: rowType, value: rowValue, group: rowGroup } = this.tables.bySource
      for (let edge = starts[concept]!, end = starts[concept + 1]!; edge < end; edge++) {
        if (inScope(scope, rowGroup[edge]!, edge, false) && types.has(rowType[edge]!) && values.has(rowValue[edge]!) === wanted) count++
      }
      if (isA !== undefined && types.has(isA) && scope === undefined) count += countIn(this.index.parents, concept, values, wanted)
      return count
    }
    if (attribute.reverse) return 0
    const { starts, targets } = concrete.byConcept
    for (let edge = starts[concept]!, end = starts[concept + 1]!; edge < end; edge++) {
      const row = targets[edge]!
      if (inScope(scope, concrete.group[row]!, row, true) && types.has(concrete.type[row]!) && this.concreteMatches(row, comparison))
        count++
    }
    return count
  }

  /** `sources . attribute`: the values of those attributes of the sources. */
  private attributeValues(sources: ConceptSet, types: ConceptSet): ConceptSet {
    const rows = this.index.attributes
    const { byType, isA } = this.tables
    const typeCost = types.size > 10_000 ? Number.POSITIVE_INFINITY : sumDegrees(byType, types)
    const found = new ConceptCollector(this.universe, Math.min(typeCost, sources.size), this.tables)
    let steps: number
    if (typeCost < sources.size * 4) {
      const inSources = sources.bitmap()
      const typeList = types.toSorted()
      for (let at = 0; at < typeList.length; at++) {
        const type = typeList[at]!
        const to = byType.starts[type + 1]!
        for (let edge = byType.starts[type]!; edge < to; edge++) {
          const source = byType.source[edge]!
          if ((inSources[source >>> 5]! & (1 << (source & 31))) !== 0) found.add(byType.value[edge]!)
        }
      }
      steps = typeCost
    } else {
      const sourceList = sources.toSorted()
      const { starts } = rows.byConcept
      const { type: rowType, value: rowValue } = this.tables.bySource
      for (let at = 0; at < sourceList.length; at++) {
        for (let edge = starts[sourceList[at]!]!, end = starts[sourceList[at]! + 1]!; edge < end; edge++) {
          if (types.has(rowType[edge]!)) found.add(rowValue[edge]!)
        }
      }
      steps = sources.size * 4
    }
    const values = found.done()
    // Counted once the shared bitmap is clear again: failing here must leave it usable.
    this.tick(steps)
    return isA !== undefined && types.has(isA) ? values.or(this.neighbours(sources, this.index.parents)) : values
  }

  // Filters

  private filterBlock(set: ConceptSet, block: FilterBlock): ConceptSet {
    if (block._tag === "ConceptFilters") return block.filters.reduce((kept, filter) => this.conceptFilter(kept, filter), set)
    return this.descriptionFilters(set, block.filters)
  }

  private conceptFilter(set: ConceptSet, filter: ConceptFilter): ConceptSet {
    const concepts = this.index.concepts
    const equal = filter.operator === "="
    this.tick(set.size)
    switch (filter._tag) {
      case "Active":
        if (filter.value === "*") return set
        return set.filter((concept) => ((concepts.active[concept] === 1) === filter.value) === equal)
      case "DefinitionStatus": {
        let defined: ReadonlyArray<boolean>
        if (filter.status._tag === "Tokens") defined = filter.status.tokens.map((token) => token === "defined")
        else {
          const statuses = this.conceptSetValue(filter.status)
          defined = [Concepts.defined, primitive]
            .map((id) => this.index.position(id))
            .flatMap((position, at) => (position !== undefined && statuses.has(position) ? [at === 0] : []))
        }
        return set.filter((concept) => defined.includes(concepts.defined[concept] === 1) === equal)
      }
      case "Module": {
        const modules = this.conceptSetValue(filter.modules)
        const positions = this.tables.modulePositions
        return set.filter((concept) => {
          const module = positions[concepts.module[concept]!]!
          return (module !== noConcept && modules.has(module)) === equal
        })
      }
      case "EffectiveTime":
        return set.filter((concept) => this.timeMatches(filter, String(concepts.effectiveTime[concept]!)))
    }
  }

  /** Concepts with at least one description that passes every filter of the block. */
  private descriptionFilters(set: ConceptSet, filters: ReadonlyArray<DescriptionFilter>): ConceptSet {
    const descriptions = this.index.descriptions
    const active = (description: number) => descriptions.active[description] === 1
    const words = filters.find(
      (filter): filter is Extract<DescriptionFilter, { _tag: "Term" }> =>
        filter._tag === "Term" && filter.operator === "=" && filter.terms.every((term) => term._tag === "Match")
    )
    // Descriptions found through the word index satisfy that term filter already.
    const throughWords = words !== undefined && set.size > wordIndexThreshold
    // Term tests last: the others are a few array reads.
    const checks = [
      ...(filters.some((filter) => filter._tag === "Active") ? [] : [active]),
      ...filters.filter((filter) => filter._tag !== "Term").map((filter) => this.descriptionCheck(filter)),
      ...filters
        .filter((filter) => filter._tag === "Term" && !(throughWords && filter === words))
        .map((filter) => this.descriptionCheck(filter))
    ]
    const passes = (description: number) => {
      for (let at = 0; at < checks.length; at++) if (!checks[at]!(description)) return false
      return true
    }
    if (throughWords) {
      const found: Array<number> = []
      for (const term of words.terms) {
        for (const description of this.index.descriptionsWithWordPrefixes(tokens(term.text))) {
          const concept = descriptions.concept[description]!
          if (set.has(concept) && passes(description)) found.push(concept)
        }
      }
      this.tick(found.length + set.size / 32)
      return ConceptSet.fromUnsorted(this.universe, found)
    }
    // A wild filter over a large set: only descriptions with a word containing a fragment every match needs.
    const fragmentCandidates = set.size > wordIndexThreshold ? this.wildCandidates(filters, set.size * 16) : undefined
    if (fragmentCandidates !== undefined) {
      const found: Array<number> = []
      for (let at = 0; at < fragmentCandidates.length; at++) {
        const description = fragmentCandidates[at]!
        const concept = descriptions.concept[description]!
        if (set.has(concept) && passes(description)) found.push(concept)
      }
      this.tick(fragmentCandidates.length + set.size / 32)
      return ConceptSet.fromUnsorted(this.universe, found)
    }
    this.tick(set.size * 4)
    const { starts, targets } = descriptions.byConcept
    return set.filter((concept) => {
      for (let edge = starts[concept]!, end = starts[concept + 1]!; edge < end; edge++) if (passes(targets[edge]!)) return true
      return false
    })
  }

  /**
   * The descriptions that can satisfy a block's `wild:` term filter, from the words containing the
   * longest run of letters and digits of each pattern, folded (a match has it inside one word);
   * undefined when some pattern has no such run of two or more, or when the words' descriptions
   * are more than `budget`.
   */
  private wildCandidates(filters: ReadonlyArray<DescriptionFilter>, budget: number): Uint32Array | undefined {
    const wild = filters.find(
      (filter) => filter._tag === "Term" && filter.operator === "=" && filter.terms.every((term) => term._tag === "Wild")
    )
    if (wild === undefined || wild._tag !== "Term") return undefined
    const words: Array<number> = []
    let postings = 0
    for (const term of wild.terms) {
      const runs = (term as Extract<SearchTerm, { _tag: "Wild" }>).segments.flatMap(foldedRuns)
      const fragment = runs.reduce((longest, run) => (run.length > longest.length ? run : longest), "")
      if (fragment.length < 2) return undefined
      const found = this.fragmentWords(fragment)
      postings += found.postings
      if (postings > budget) return undefined
      words.push(...found.words)
    }
    this.tick(postings)
    return this.index.descriptionsWithWords([...new Set(words)])
  }

  /** The vocabulary's words containing `fragment`, kept per index for the most recent fragments. */
  private fragmentWords(fragment: string) {
    const kept = this.tables.fragments
    let found = kept.get(fragment)
    if (found === undefined) {
      found = this.index.wordsContaining(fragment)
      if (kept.size >= fragmentsKept) kept.delete(kept.keys().next().value!)
      kept.set(fragment, found)
    }
    return found
  }

  private descriptionCheck(filter: DescriptionFilter): (description: number) => boolean {
    const descriptions = this.index.descriptions
    const equal = filter.operator === "="
    switch (filter._tag) {
      case "Term": {
        const tests = filter.terms.map((term) => {
          if (term._tag === "Wild") {
            const pattern = this.wildPattern(term)
            return (text: string) => pattern.test(text)
          }
          const wanted = tokens(term.text)
          return (text: string) => {
            const words = tokens(text)
            return wanted.every((word) => words.some((found) => found.startsWith(word)))
          }
        })
        return (description) => {
          const text = descriptions.terms.get(description)
          let found = false
          for (let at = 0; at < tests.length && !found; at++) found = tests[at]!(text)
          return found === equal
        }
      }
      case "Language": {
        const codes = filter.codes
        return (description) => {
          const language = descriptions.languages[descriptions.language[description]!]!.toLowerCase().slice(0, 2)
          return codes.includes(language) === equal
        }
      }
      case "Type": {
        let types: ReadonlyArray<number>
        if (filter.types._tag === "Tokens") types = filter.types.tokens.map((token) => typeTokens[token])
        else {
          const concepts = this.conceptSetValue(filter.types)
          types = Object.entries(descriptionTypeIds).flatMap(([id, type]) => {
            const position = this.index.position(id)
            return position !== undefined && concepts.has(position) ? [type] : []
          })
        }
        return (description) => types.includes(descriptions.type[description]!) === equal
      }
      case "Dialect": {
        const accepted = filter.dialects.flatMap((dialect) => this.dialectRefsets(dialect))
        return (description) => {
          let found = false
          for (let at = 0; at < accepted.length && !found; at++) {
            found = accepted[at]!.levels.includes(accepted[at]!.acceptability[description] ?? Acceptability.none)
          }
          return found === equal
        }
      }
      case "Active":
        return (description) => filter.value === "*" || ((descriptions.active[description] === 1) === filter.value) === equal
      case "Module": {
        const modules = this.conceptSetValue(filter.modules)
        const positions = this.tables.modulePositions
        return (description) => {
          const module = positions[descriptions.module[description]!]!
          return (module !== noConcept && modules.has(module)) === equal
        }
      }
      case "EffectiveTime":
        return (description) => this.timeMatches(filter, String(descriptions.effectiveTime[description]!))
      case "DescriptionId": {
        const ids = new Set(filter.ids.map((id) => BigInt(id)))
        return (description) => ids.has(descriptions.ids[description]!) === equal
      }
    }
  }

  /** The language refsets a dialect names, with the acceptability levels that count. */
  private dialectRefsets(dialect: Dialect): Array<{ acceptability: Int8Array; levels: ReadonlyArray<number> }> {
    let ids: Array<string>
    if (dialect.dialect._tag === "Alias") {
      const id = dialectAliases[dialect.dialect.alias]
      if (id === undefined) {
        this.warn(`dialect '${dialect.dialect.alias}' is not a known alias; it matches nothing`)
        return []
      }
      ids = [id]
    } else {
      const refsets = this.conceptSetValue(dialect.dialect.refset)
      ids = [...this.index.languageRefsets.keys()].filter((id) => {
        const position = this.index.position(id)
        return position !== undefined && refsets.has(position)
      })
    }
    let levels: ReadonlyArray<number> = [Acceptability.preferred, Acceptability.acceptable]
    const wanted = dialect.acceptability
    if (wanted !== undefined) {
      if (wanted._tag === "Tokens")
        levels = wanted.tokens.map((token) => (token === "preferred" ? Acceptability.preferred : Acceptability.acceptable))
      else {
        const byId: Record<string, number> = {
          [Concepts.preferred]: Acceptability.preferred,
          [Concepts.acceptable]: Acceptability.acceptable
        }
        levels = wanted.concepts.flatMap((reference) => {
          this.concept(reference)
          return byId[reference.id] === undefined ? [] : [byId[reference.id]!]
        })
      }
    }
    return ids.flatMap((id) => {
      const acceptability = this.index.languageRefsets.get(id)
      if (acceptability === undefined) {
        this.warn(`language reference set ${id} is not loaded; it matches nothing`)
        return []
      }
      return [{ acceptability, levels }]
    })
  }

  // History

  /** Adds the inactive concepts whose historical associations (of the profile) point into the set. */
  private history(set: ConceptSet, supplement: HistorySupplement): ConceptSet {
    let refsetIds: ReadonlyArray<string>
    if (typeof supplement.profile === "object") {
      const chosen = this.expression(supplement.profile.expression)
      refsetIds = [...this.tables.refsetPositions].filter(([, position]) => chosen.has(position)).map(([id]) => id)
    } else if (supplement.profile === "max") {
      const parent = this.index.position(historicalAssociation)
      const described =
        parent === undefined
          ? []
          : [...this.closure(ConceptSet.fromSorted(this.universe, Uint32Array.of(parent)), this.index.children, false).toSorted()].map(
              (position) => this.index.code(position)
            )
      refsetIds = [...new Set([...historyProfiles.max, ...described])]
    } else refsetIds = historyProfiles[supplement.profile]
    const found: Array<number> = []
    const members = set.toSorted()
    for (const id of refsetIds) {
      const byTarget = historyTargets(this.index, id)
      const rows = this.index.refsets.get(id)?.rows
      if (byTarget === undefined || rows === undefined) continue
      const { starts, targets } = byTarget
      if (members.length < targets.length) {
        // From the set's members to the rows pointing at them.
        this.tick(members.length)
        for (let at = 0; at < members.length; at++) {
          for (let edge = starts[members[at]!]!, end = starts[members[at]! + 1]!; edge < end; edge++)
            found.push(rows.concept[targets[edge]!]!)
        }
      } else {
        // A set larger than the reference set: through its rows instead.
        const { ofRow, positions } = refsetColumn(this.index, id, "targetComponentId")!
        this.tick(ofRow.length)
        const active = this.index.refsets.get(id)!.members.active
        for (let row = 0; row < ofRow.length; row++) {
          const target = positions[ofRow[row]!]!
          if (target !== noConcept && active[row] === 1 && set.has(target)) found.push(rows.concept[row]!)
        }
      }
    }
    return set.or(ConceptSet.fromUnsorted(this.universe, found))
  }
}

/** The types and (bitmaps of) the values of a group's plain attributes. */
interface PlainGroup {
  readonly types: ReadonlyArray<ConceptSet>
  readonly values: ReadonlyArray<Uint32Array>
}

/** The relationships in one role group, or one ungrouped relationship (its edge in `byConcept`, or its concrete value row). */
interface Scope {
  readonly group: number
  readonly row: number
  readonly concrete: boolean
}

const inScope = (scope: Scope | undefined, group: number, row: number, concrete: boolean) =>
  scope === undefined || (scope.group === 0 ? scope.row === row && scope.concrete === concrete : scope.group === group)

const sumDegrees = (graph: { readonly starts: Uint32Array }, nodes: ConceptSet) => {
  const list = nodes.toSorted()
  let total = 0
  for (let at = 0; at < list.length; at++) total += graph.starts[list[at]! + 1]! - graph.starts[list[at]!]!
  return total
}

/** The first index of ascending `keys[low..high)` whose key is at least `key` (`high` if none). */
const firstOf = (keys: Uint32Array, low: number, high: number, key: number) => {
  while (low < high) {
    const middle = (low + high) >>> 1
    if (keys[middle]! < key) low = middle + 1
    else high = middle
  }
  return low
}

/** `firstOf`, looking from `low` in steps that double: cheap when the key is near, as in a merge. */
const gallop = (keys: Uint32Array, low: number, high: number, key: number) => {
  let bound = low
  for (let step = 1; bound < high && keys[bound]! < key; step *= 2) {
    low = bound + 1
    bound += step
  }
  return firstOf(keys, low, Math.min(bound, high), key)
}

/** How many of the node's neighbours are in `set` (`wanted`) or outside it. */
const countIn = (graph: SnomedIndex["parents"], node: number, set: ConceptSet, wanted: boolean) => {
  let count = 0
  for (let edge = graph.starts[node]!, end = graph.starts[node + 1]!; edge < end; edge++)
    if (set.has(graph.targets[edge]!) === wanted) count++
  return count
}

/**
 * Evaluates an expression (or its text) over the index: the concepts it denotes, as ascending
 * positions. Fails with the syntax error, an unknown concept, something the index cannot answer,
 * or `EclTooCostly` past `options.maxSteps`.
 */
export const evaluateEcl = (
  index: SnomedIndex,
  expression: EclExpression | string,
  options: EclOptions = {}
): Either.Either<EclResult, EclError> => {
  const parsed = typeof expression === "string" ? parseEcl(expression) : Either.right(expression)
  if (Either.isLeft(parsed)) return Either.left(parsed.left)
  const evaluator = new Evaluator(index, options.maxSteps ?? defaultEclMaxSteps, options.reuse ?? true)
  try {
    const set = evaluator.expression(parsed.right)
    return Either.right({ concepts: set.toSorted(), has: (concept: number) => set.has(concept), warnings: evaluator.warnings })
  } catch (error) {
    if (error instanceof Failure) return Either.left(error.error)
    throw error
  }
}

/**
 * Builds what evaluation derives from the index and keeps beside it (the ECL tables, the root's
 * descendants, the history associations by target), so that the first request over a newly
 * served release does not pay for it.
 */
export const warmUpEcl = (index: SnomedIndex): void => {
  evaluateEcl(index, "*")
  for (const [id, refset] of index.refsets) if (refset.columns.includes("targetComponentId")) historyTargets(index, id)
}

/** The files of warmed-up tables: change the format whenever the tables' shape changes. */
const warmedTablesFormat: IndexCacheFormat = { format: 2, classes: { ConceptSet } }

/**
 * `warmUpEcl`, reading what it derives from the file at `path` when an earlier start wrote it for
 * the same release (deriving it took longer than reading the index itself), else writing it there.
 */
export const warmUpEclCached = (index: SnomedIndex, path: string) =>
  Effect.map(
    cachedIndex(
      warmedTablesFormat,
      path,
      Effect.sync(() => {
        warmUpEcl(index)
        return keptTables(index)
      }),
      (kept) => kept.byValue.starts.length === index.conceptCount + 1
    ),
    (kept) => adoptTables(index, kept)
  )
