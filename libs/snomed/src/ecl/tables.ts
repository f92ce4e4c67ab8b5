/**
 * Lookups ECL needs beyond the serving index's own (relationships by value and by type, concrete
 * values as typed arrays, association targets as positions), derived from the index on first use
 * and kept beside it for its lifetime. All typed arrays: about 30 bytes per relationship.
 */
import { adjacency } from "../index/build"
import { fieldSeparator, neighbours, type Adjacency, type SnomedIndex } from "../index/SnomedIndex"
import { Concepts } from "../metadata"

export const noConcept = 0xffffffff

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

export interface EclTables {
  /** Attribute row → its source concept. */
  readonly rowSource: Uint32Array
  /** Concept → the attribute rows whose value it is. */
  readonly byValue: Adjacency
  /** Attribute type concept → its rows. */
  readonly byType: Adjacency
  readonly concrete: ConcreteTable
  readonly root: number | undefined
  readonly isA: number | undefined
  /** Module index (see ConceptTable.module) → the module concept's position, or noConcept. */
  readonly modulePositions: Uint32Array
  /** Reference set id → its concept position, for the reference sets the index holds. */
  readonly refsetPositions: ReadonlyMap<string, number>
  /** Large descendant sets, keyed concept * 2 + 1 with the concept itself, + 0 without; most recent last. */
  readonly hierarchies: Map<number, unknown>
  /** Association refset id → target position per row. */
  readonly targets: Map<string, Uint32Array>
  /** A queue as long as the concept table, reused by every traversal (evaluation is synchronous). */
  readonly queue: Uint32Array
  /** A bitmap of the concept table, all clear between traversals. */
  visited: Uint32Array
}

const tables = new WeakMap<SnomedIndex, EclTables>()

const rowNumbers = (count: number) => Uint32Array.from({ length: count }, (_, row) => row)

const concreteTable = (index: SnomedIndex): ConcreteTable => {
  const source: Array<number> = []
  const type: Array<number> = []
  const group: Array<number> = []
  const kind: Array<number> = []
  const number: Array<number> = []
  const text: Array<string> = []
  for (const [concept, values] of index.concreteValues) {
    for (const value of values) {
      const typePosition = index.position(value.type)
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

export const eclTables = (index: SnomedIndex): EclTables => {
  const existing = tables.get(index)
  if (existing !== undefined) return existing
  const count = index.conceptCount
  const attributes = index.attributes
  const rowCount = attributes.type.length
  const rowSource = new Uint32Array(rowCount)
  for (let concept = 0; concept < count; concept++) {
    for (const row of neighbours(attributes.byConcept, concept)) rowSource[row] = concept
  }
  const rows = rowNumbers(rowCount)
  const refsetPositions = new Map<string, number>()
  for (const id of index.refsets.keys()) {
    const position = index.position(id)
    if (position !== undefined) refsetPositions.set(id, position)
  }
  const built: EclTables = {
    rowSource,
    byValue: adjacency(count, attributes.value, rows),
    byType: adjacency(count, attributes.type, rows),
    concrete: concreteTable(index),
    root: index.position(Concepts.root),
    isA: index.position(Concepts.isA),
    modulePositions: Uint32Array.from(index.concepts.modules, (module) => index.position(module) ?? noConcept),
    refsetPositions,
    hierarchies: new Map(),
    targets: new Map(),
    queue: new Uint32Array(count),
    visited: new Uint32Array((count + 31) >>> 5)
  }
  tables.set(index, built)
  return built
}

/** The target concept of each row of an association refset (noConcept where it is not a concept of the release). */
export const associationTargets = (index: SnomedIndex, refsetId: string): Uint32Array | undefined => {
  const known = eclTables(index)
  const cached = known.targets.get(refsetId)
  if (cached !== undefined) return cached
  const refset = index.refsets.get(refsetId)
  const column = refset?.columns.indexOf("targetComponentId") ?? -1
  if (refset?.rows === undefined || column === -1) return undefined
  const targets = new Uint32Array(refset.rows.concept.length)
  for (let row = 0; row < targets.length; row++) {
    targets[row] = index.position(refset.rows.fields.get(row).split(fieldSeparator)[column]!) ?? noConcept
  }
  known.targets.set(refsetId, targets)
  return targets
}
