/**
 * Lookups ECL needs beyond the serving index's own (relationships by value and by type, concrete
 * values as typed arrays, reference set columns), derived from the index on first use and kept
 * beside it for its lifetime. All typed arrays: about 44 bytes per relationship, 4 per reference
 * set row and column used.
 */
import { adjacency } from "@ffynnon/terminology"
import { dataOf, fieldSeparator, type Adjacency, type SnomedIndex } from "../index/SnomedIndex"
import { Concepts } from "../metadata"
import type { ConceptSet } from "./sets"

export const noConcept = 0xffffffff

/** A sub-expression's result kept between evaluations, with the warnings evaluating it gave. */
export interface KeptResult {
  readonly set: ConceptSet
  readonly warnings: ReadonlyArray<string>
  /** The work it took, charged again when it is reused, so `maxSteps` fails the same expressions whatever is kept. */
  readonly steps: number
  readonly bytes: number
}

export const ConcreteKind = { number: 0, string: 1, boolean: 2 } as const

export interface ConcreteTable {
  readonly source: Uint32Array
  /** Concept position of the attribute type. */
  readonly type: Uint32Array
  readonly group: Uint16Array
  readonly kind: Uint8Array
  /** The number, or 1/0 for a boolean. */
  readonly number: Float64Array
  /** The string without its quotes ("" for numbers and booleans). */
  readonly text: ReadonlyArray<string>
  readonly byConcept: Adjacency
  readonly byType: Adjacency
}

/**
 * The attribute relationships regrouped by their value concept: concept c's are the entries
 * `starts[c]` to `starts[c + 1]`, ordered by type, so one type's are a range. Their other columns
 * are copied in that order, so a loop over them reads memory in sequence instead of jumping
 * between rows (which cost more than the work at two million relationships).
 */
export interface RowsByValue {
  readonly starts: Uint32Array
  readonly type: Uint32Array
  readonly source: Uint32Array
}

/**
 * The attribute relationships' columns in the order of `index.attributes.byConcept`: concept c's
 * are the entries `byConcept.starts[c]` to `byConcept.starts[c + 1]`, so a loop over a concept's
 * relationships reads memory in sequence instead of looking up each row.
 */
export interface RowsBySource {
  readonly type: Uint32Array
  readonly value: Uint32Array
  readonly group: Uint16Array
}

/**
 * The attribute relationships regrouped by their type concept, as `RowsByValue`; each type's in
 * value order, so the rows of a value set (ascending) are found by one merge along them.
 */
export interface RowsByType {
  readonly starts: Uint32Array
  readonly source: Uint32Array
  readonly value: Uint32Array
}

/**
 * The is-a hierarchy numbered depth first over a spanning tree (each concept under the first
 * parent that reaches it), so a concept's descendants in that tree are one range of numbers, read
 * in sequence; the other parent-child edges are listed by their parent's number, so those leaving
 * a range are one slice. 16 bytes per concept and 4 per edge outside the tree (18 MB at monolith scale).
 */
export interface HierarchyRanges {
  /** Concept → its number. */
  readonly rank: Uint32Array
  /** Number → the concept. */
  readonly concept: Uint32Array
  /** Number → how many concepts its tree range holds, itself included. */
  readonly size: Uint32Array
  /** Number → the children that are not below it in the tree (concepts). */
  readonly others: Adjacency
}

export interface EclTables {
  readonly ranges: HierarchyRanges
  readonly bySource: RowsBySource
  readonly byValue: RowsByValue
  readonly byType: RowsByType
  readonly concrete: ConcreteTable
  readonly root: number | undefined
  readonly isA: number | undefined
  /** Module index (see ConceptTable.module) → the module concept's position, or noConcept. */
  readonly modulePositions: Uint32Array
  /** Reference set id → its concept position, for the reference sets the index holds. */
  readonly refsetPositions: ReadonlyMap<string, number>
  /** Large descendant sets, keyed concept * 2 + 1 with the concept itself, + 0 without; most recent last. */
  readonly hierarchies: Map<number, unknown>
  /** Reference set columns already built (see `refsetColumn`), keyed by reference set id and column name. */
  readonly columns: Map<string, RefsetColumn>
  /** Results of costly sub-expressions and attributes by their text without positions, most recently used last (see `Evaluator.kept`). */
  readonly results: Map<string, KeptResult>
  /** The bytes the kept results hold. */
  resultBytes: number
  /** A `wild:` pattern's fragment → the vocabulary words containing it, most recent last. */
  readonly fragments: Map<string, { readonly words: ReadonlyArray<number>; readonly postings: number }>
  /** Association reference set id → its rows by target (see `historyTargets`). */
  readonly historyTargets: Map<string, Adjacency>
  /** A queue as long as the concept table, reused by every traversal (evaluation is synchronous). */
  readonly queue: Uint32Array
  /** A bitmap of the concept table, all clear between traversals and collections (see `SharedBitmap`). */
  visited: Uint32Array
  /** Bitmaps of the concept table, all clear, lent to a loop that tests membership of a list (see `Evaluator.lendBitmap`). */
  readonly spareBitmaps: Array<Uint32Array>
  /** A bitmask per role group number, all clear between concepts (see `countPlainGroups`). */
  readonly groupMasks: Uint32Array
}

const tables = new WeakMap<SnomedIndex, EclTables>()

/** `column`'s values for `rows`, in that order. */
const inOrder = <Column extends Uint32Array | Uint16Array>(rows: Uint32Array, column: Column): Column => {
  const values = new (column.constructor as new (length: number) => Column)(rows.length)
  for (let at = 0; at < rows.length; at++) values[at] = column[rows[at]!]!
  return values
}

const rowNumbers = (count: number) => {
  const rows = new Uint32Array(count)
  for (let row = 0; row < count; row++) rows[row] = row
  return rows
}

const concreteTable = (index: SnomedIndex): ConcreteTable => {
  const source: Array<number> = []
  const type: Array<number> = []
  const group: Array<number> = []
  const kind: Array<number> = []
  const number: Array<number> = []
  const text: Array<string> = []
  const typePositions = new Map<string, number | undefined>()
  for (const [concept, values] of index.concreteValues) {
    for (const value of values) {
      if (!typePositions.has(value.type)) typePositions.set(value.type, index.position(value.type))
      const typePosition = typePositions.get(value.type)
      if (typePosition === undefined) continue
      const raw = value.value
      source.push(concept)
      type.push(typePosition)
      group.push(value.group)
      if (raw.startsWith("#")) {
        kind.push(ConcreteKind.number)
        number.push(Number(raw.slice(1)))
        text.push("")
      } else if (raw.startsWith('"')) {
        kind.push(ConcreteKind.string)
        number.push(Number.NaN)
        text.push(raw.slice(1, raw.endsWith('"') ? -1 : undefined))
      } else {
        kind.push(ConcreteKind.boolean)
        number.push(/^(true|1)$/i.test(raw) ? 1 : 0)
        text.push("")
      }
    }
  }
  const sources = Uint32Array.from(source)
  const types = Uint32Array.from(type)
  const rows = rowNumbers(sources.length)
  return {
    source: sources,
    type: types,
    group: Uint16Array.from(group),
    kind: Uint8Array.from(kind),
    number: Float64Array.from(number),
    text,
    byConcept: adjacency(index.conceptCount, sources, rows),
    byType: adjacency(index.conceptCount, types, rows)
  }
}

/** Numbers the hierarchy depth first from each concept without parents (and from any concept a cycle left out). */
const hierarchyRanges = (index: SnomedIndex): HierarchyRanges => {
  const count = index.conceptCount
  const { starts, targets } = index.children
  const rank = new Uint32Array(count).fill(noConcept)
  const concept = new Uint32Array(count)
  const size = new Uint32Array(count)
  const otherFrom: Array<number> = []
  const otherTo: Array<number> = []
  // The path from the tree's root: concepts and, for each, the next of its child edges to follow.
  const path = new Uint32Array(count)
  const nextEdge = new Uint32Array(count)
  let numbered = 0
  const number = (from: number) => {
    let depth = 0
    const enter = (node: number) => {
      rank[node] = numbered
      concept[numbered++] = node
      path[depth] = node
      nextEdge[depth++] = starts[node]!
    }
    enter(from)
    while (depth > 0) {
      const node = path[depth - 1]!
      const edge = nextEdge[depth - 1]!
      if (edge === starts[node + 1]!) {
        size[rank[node]!] = numbered - rank[node]!
        depth--
        continue
      }
      nextEdge[depth - 1] = edge + 1
      const child = targets[edge]!
      if (rank[child] === noConcept) enter(child)
      else {
        otherFrom.push(rank[node]!)
        otherTo.push(child)
      }
    }
  }
  const { starts: parentStarts } = index.parents
  for (let node = 0; node < count; node++) if (parentStarts[node] === parentStarts[node + 1] && rank[node] === noConcept) number(node)
  for (let node = 0; node < count; node++) if (rank[node] === noConcept) number(node)
  return { rank, concept, size, others: adjacency(count, otherFrom, otherTo) }
}

export const eclTables = (index: SnomedIndex): EclTables => {
  const existing = tables.get(dataOf(index))
  if (existing !== undefined) return existing
  const count = index.conceptCount
  const attributes = index.attributes
  const rowCount = attributes.type.length
  const rowSource = new Uint32Array(rowCount)
  const { starts, targets } = attributes.byConcept
  for (let concept = 0; concept < count; concept++) {
    for (let edge = starts[concept]!, end = starts[concept + 1]!; edge < end; edge++) rowSource[targets[edge]!] = concept
  }
  // Grouped by type from value order, since adjacency keeps the order it is given: each type's rows in value order.
  const inValueOrder = adjacency(count, attributes.value, rowNumbers(rowCount)).targets
  const byType = adjacency(count, inOrder(inValueOrder, attributes.type), inValueOrder)
  // Taken in type order, likewise.
  const valuesInTypeOrder = new Uint32Array(rowCount)
  for (let at = 0; at < rowCount; at++) valuesInTypeOrder[at] = attributes.value[byType.targets[at]!]!
  const byValue = adjacency(count, valuesInTypeOrder, byType.targets)
  const refsetPositions = new Map<string, number>()
  for (const id of index.refsets.keys()) {
    const position = index.position(id)
    if (position !== undefined) refsetPositions.set(id, position)
  }
  const built: EclTables = {
    ranges: hierarchyRanges(index),
    bySource: {
      type: inOrder(targets, attributes.type),
      value: inOrder(targets, attributes.value),
      group: inOrder(targets, attributes.group)
    },
    byValue: {
      starts: byValue.starts,
      type: inOrder(byValue.targets, attributes.type),
      source: inOrder(byValue.targets, rowSource)
    },
    byType: { starts: byType.starts, source: inOrder(byType.targets, rowSource), value: valuesInTypeOrder },
    concrete: concreteTable(index),
    root: index.position(Concepts.root),
    isA: index.position(Concepts.isA),
    modulePositions: Uint32Array.from(index.concepts.modules, (module) => index.position(module) ?? noConcept),
    refsetPositions,
    hierarchies: new Map(),
    columns: new Map(),
    results: new Map(),
    resultBytes: 0,
    fragments: new Map(),
    historyTargets: new Map(),
    ...scratch(count)
  }
  tables.set(dataOf(index), built)
  return built
}

/** Buffers every traversal reuses (evaluation is synchronous), kept clear between uses. */
const scratch = (count: number) => ({
  queue: new Uint32Array(count),
  visited: new Uint32Array((count + 31) >>> 5),
  spareBitmaps: [] as Array<Uint32Array>,
  groupMasks: new Uint32Array(2 ** 16)
})

/** What the tables hold beyond their scratch buffers: what a restart can read back instead of deriving it again. */
export type KeptTables = Omit<EclTables, keyof ReturnType<typeof scratch>>

/** The index's tables as they are now (derived first if need be), less their scratch buffers. */
export const keptTables = (index: SnomedIndex): KeptTables => {
  const { queue: _queue, visited: _visited, spareBitmaps: _spareBitmaps, groupMasks: _groupMasks, ...kept } = eclTables(index)
  return kept
}

/** Serves `kept` (read back from `keptTables` of an index of the same release) as the index's tables, unless it has its own already. */
export const adoptTables = (index: SnomedIndex, kept: KeptTables) => {
  if (!tables.has(dataOf(index))) tables.set(dataOf(index), { ...kept, ...scratch(index.conceptCount) })
}

/** One column of a reference set's rows, each distinct value held once, so a filter tests it once. */
export interface RefsetColumn {
  readonly values: ReadonlyArray<string>
  /** Row → the number of its value in `values`. */
  readonly ofRow: Uint32Array
  /** Value number → the concept position the value names, or noConcept. */
  readonly positions: Uint32Array
}

/**
 * A flat copy of a string. JavaScriptCore keeps what `split` returns as views of the whole row's
 * text, and a RegExp or `startsWith` on such a view cost about five times as much (1.7 against
 * 0.3 ms to test 6,248 map targets): a filter tests every distinct value of a column.
 */
const flat = (value: string): string => JSON.parse(JSON.stringify(value))

/** A column of the rows of a reference set whose rows the index keeps; undefined for other reference sets and unknown columns. */
export const refsetColumn = (index: SnomedIndex, refsetId: string, column: string): RefsetColumn | undefined => {
  const known = eclTables(index)
  const key = `${refsetId}${fieldSeparator}${column}`
  const cached = known.columns.get(key)
  if (cached !== undefined) return cached
  const refset = index.refsets.get(refsetId)
  const at = refset?.columns.indexOf(column) ?? -1
  if (refset?.rows === undefined || at === -1) return undefined
  const { concept, fields } = refset.rows
  const numbers = new Map<string, number>()
  const values: Array<string> = []
  const ofRow = new Uint32Array(concept.length)
  for (let row = 0; row < ofRow.length; row++) {
    const value = fields.get(row).split(fieldSeparator)[at]!
    let number = numbers.get(value)
    if (number === undefined) numbers.set(value, (number = values.push(flat(value)) - 1))
    ofRow[row] = number
  }
  const built = { values, ofRow, positions: Uint32Array.from(values, (value) => index.position(value) ?? noConcept) }
  known.columns.set(key, built)
  return built
}

const rowsByValue = new WeakMap<RefsetColumn, Adjacency>()

/** A column's value number → the rows holding that value, built on first use and kept with the column. */
export const columnRows = (column: RefsetColumn): Adjacency => {
  let rows = rowsByValue.get(column)
  if (rows === undefined) rowsByValue.set(column, (rows = adjacency(column.values.length, column.ofRow, rowNumbers(column.ofRow.length))))
  return rows
}

/** Target concept → the active rows of an association reference set pointing at it. */
export const historyTargets = (index: SnomedIndex, refsetId: string): Adjacency | undefined => {
  const known = eclTables(index)
  const cached = known.historyTargets.get(refsetId)
  if (cached !== undefined) return cached
  const column = refsetColumn(index, refsetId, "targetComponentId")
  if (column === undefined) return undefined
  const active = index.refsets.get(refsetId)!.members.active
  const rows: Array<number> = []
  const targets: Array<number> = []
  for (let row = 0; row < column.ofRow.length; row++) {
    const target = column.positions[column.ofRow[row]!]!
    if (target !== noConcept && active[row] === 1) {
      rows.push(row)
      targets.push(target)
    }
  }
  const built = adjacency(index.conceptCount, targets, rows)
  known.historyTargets.set(refsetId, built)
  return built
}
