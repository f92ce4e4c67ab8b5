// Relationships (inferred form) and OWL axioms of a concept. Attribute values are drawn from
// the active concepts of the attribute's range hierarchy, skewed so that some are very common.
import { CONCRETE_SLOTS, HIERARCHIES, Sct, effectiveTime } from "./metadata.ts"
import { type Model } from "./model.ts"
import { type Rng } from "./random.ts"

export interface Attribute {
  readonly type: string
  readonly destination: number
}

export interface ConcreteValue {
  readonly type: string
  readonly value: string
  readonly group: number
}

export interface HistoricRelationship {
  readonly type: string
  readonly destination: number
  readonly group: number
  readonly effectiveTime: string
}

export interface ConceptRelationships {
  readonly effectiveTime: string
  readonly defined: boolean
  readonly parents: readonly number[]
  readonly ungrouped: readonly Attribute[]
  readonly groups: readonly (readonly Attribute[])[]
  readonly concrete: readonly ConcreteValue[]
  /** Inactive rows: for inactive concepts all of their former relationships. */
  readonly history: readonly HistoricRelationship[]
}

/** Mean number of inactive (historic) relationship rows of an active concept. */
const HISTORIC_RELATIONSHIPS = 4.48
const CONCRETE_PRODUCTS = 0.2
const DEFINED = 0.6

/** The relationships of concept i (inferred form) and what its OWL axiom says. */
export function relationshipsOf(model: Model, i: number, rng: Rng): ConceptRelationships {
  const created = effectiveTime(rng)
  const parents = model.parentsOf(i)
  if (model.isFixed(i)) {
    return { effectiveTime: created, defined: false, parents, ungrouped: [], groups: [], concrete: [], history: [] }
  }
  const h = HIERARCHIES[model.hierarchy[i]!]!
  const ungrouped: Attribute[] = []
  for (const slot of h.ungrouped) {
    if (rng.chance(slot.p)) ungrouped.push({ type: slot.type, destination: model.randomActive(slot.range, rng, i) })
  }
  const groups: Attribute[][] = []
  if (h.grouped.length > 0) {
    const count = rng.weighted(h.groupWeights)
    for (let g = 0; g < count; g++) {
      const group: Attribute[] = []
      for (const slot of h.grouped) {
        if (rng.chance(slot.p)) group.push({ type: slot.type, destination: model.randomActive(slot.range, rng, i) })
      }
      if (group.length > 0) groups.push(group)
    }
  }
  const concrete: ConcreteValue[] = []
  if (h.key === "product" && groups.length > 0 && rng.chance(CONCRETE_PRODUCTS)) {
    for (const slot of CONCRETE_SLOTS) {
      if (slot.grouped) for (let g = 1; g <= groups.length; g++) concrete.push({ type: slot.type, value: rng.pick(slot.values), group: g })
      else concrete.push({ type: slot.type, value: rng.pick(slot.values), group: 0 })
    }
  }
  const active = model.active[i] === 1
  const history: HistoricRelationship[] = []
  if (active) {
    for (let n = rng.poisson(HISTORIC_RELATIONSHIPS); n > 0; n--) history.push(historicRow(model, rng, i))
    const defined = (groups.length > 0 || ungrouped.length > 0) && rng.chance(DEFINED)
    return { effectiveTime: created, defined, parents, ungrouped, groups, concrete, history }
  }
  // An inactive concept keeps its former relationships as inactive rows.
  const inactivated = effectiveTime(rng, true)
  for (const p of parents) history.push({ type: Sct.isA, destination: p, group: 0, effectiveTime: inactivated })
  for (const a of ungrouped) history.push({ ...a, group: 0, effectiveTime: inactivated })
  groups.forEach((g, k) => g.forEach((a) => history.push({ ...a, group: k + 1, effectiveTime: inactivated })))
  return { effectiveTime: inactivated, defined: false, parents, ungrouped, groups, concrete: [], history }
}

function historicRow(model: Model, rng: Rng, i: number): HistoricRelationship {
  const h = HIERARCHIES[model.hierarchy[i]!]!
  const slots = [...h.grouped, ...h.ungrouped]
  const when = effectiveTime(rng, true)
  if (slots.length === 0 || rng.chance(0.45)) {
    return { type: Sct.isA, destination: model.randomActive(h.key, rng, i), group: 0, effectiveTime: when }
  }
  const slot = rng.pick(slots)
  return { type: slot.type, destination: model.randomActive(slot.range, rng, i), group: rng.int(3), effectiveTime: when }
}

/** The OWL axiom of an active concept, in the functional syntax of the OWL expression refset. */
export function owlAxiom(model: Model, i: number, r: ConceptRelationships): string {
  const id = (c: number) => ":" + model.ids[c]!
  const some = (a: Attribute) => `ObjectSomeValuesFrom(:${a.type} ${id(a.destination)})`
  const data = (c: ConcreteValue) =>
    `DataHasValue(:${c.type} "${c.value.slice(1)}"^^xsd:${c.type === Sct.countOfBase ? "integer" : "decimal"})`
  const parts = r.parents.map(id)
  for (const a of r.ungrouped) parts.push(some(a))
  r.groups.forEach((g, k) => {
    const inner = g.map(some)
    for (const c of r.concrete) if (c.group === k + 1) inner.push(data(c))
    parts.push(`ObjectSomeValuesFrom(:${Sct.roleGroup} ${inner.length === 1 ? inner[0] : `ObjectIntersectionOf(${inner.join(" ")})`})`)
  })
  for (const c of r.concrete) if (c.group === 0) parts.push(data(c))
  const body = parts.length === 1 ? parts[0]! : `ObjectIntersectionOf(${parts.join(" ")})`
  return r.defined ? `EquivalentClasses(${id(i)} ${body})` : `SubClassOf(${id(i)} ${body})`
}
