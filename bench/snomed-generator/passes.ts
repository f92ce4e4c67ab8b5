// The three passes over the concepts. Each owns a set of files (and the id spaces those files'
// ids come from), regenerates the per-concept content it needs from seeded streams, and streams
// rows out; a pass holds nothing but the model and a few MB of write buffers.
import { icd10MapOf, inactivationOf, simpleMapsOf } from "./refsets.ts"
import { owlAxiom, relationshipsOf } from "./relationships.ts"
import { descriptionsOf, type Description } from "./terms.ts"
import { IdAllocator, type ComponentKind } from "./ids.ts"
import {
  HIERARCHY_INDEX,
  MODULE_NAMESPACE,
  MODULES,
  RELEASE_DATE,
  Sct,
  UK_SIMPLE_REFSETS,
  effectiveTime,
  type ModuleCode
} from "./metadata.ts"
import { type Model } from "./model.ts"
import { Rng, Stream } from "./random.ts"
import { type TruthRecorder } from "./truth.ts"
import { FILES, MemberIds, Rf2Writer, flag, type FileKey } from "./write.ts"

export interface PassContext {
  readonly model: Model
  readonly outDir: string
  readonly truth: TruthRecorder
  /** Called now and then with the share of concepts done. */
  readonly progress: (pass: string, done: number) => void
}

export type RowCounts = Partial<Record<FileKey, number>>

/** Salt of refset member UUIDs: a function of the seed. */
const memberSalt = (model: Model) => (model.seed * 0x9e3779b1) >>> 0

function writers<K extends FileKey>(keys: readonly K[], outDir: string): Record<K, Rf2Writer> {
  return Object.fromEntries(keys.map((k) => [k, new Rf2Writer(FILES[k], outDir)])) as Record<K, Rf2Writer>
}

function closeAll(ws: Record<string, Rf2Writer>): RowCounts {
  const counts: RowCounts = {}
  for (const [k, w] of Object.entries(ws)) {
    w.close()
    counts[k as FileKey] = w.rows
  }
  return counts
}

/** SCTID allocators of one kind, one per namespace. */
function idAllocators(kind: ComponentKind, rng: Rng, shortStart: number, longStart: number): Record<ModuleCode, IdAllocator> {
  const random = () => rng.float()
  const core = new IdAllocator(kind, 0, shortStart, 2, random)
  return {
    c: core,
    m: core,
    u: new IdAllocator(kind, MODULE_NAMESPACE.u, longStart, 2, random),
    d: new IdAllocator(kind, MODULE_NAMESPACE.d, longStart, 2, random)
  }
}

const PROGRESS_EVERY = 1 << 16

function forEachConcept(ctx: PassContext, pass: string, body: (i: number) => void): void {
  const { model } = ctx
  for (let k = 0; k < model.n; k++) {
    body(model.order[k]!)
    if ((k & (PROGRESS_EVERY - 1)) === 0) ctx.progress(pass, k / model.n)
  }
  ctx.progress(pass, 1)
}

// ---------------------------------------------------------------- pass 1: concepts and relationships

const OWL_ONTOLOGY_HEADER = [
  "Prefix(:=<http://snomed.info/id/>)",
  "Prefix(owl:=<http://www.w3.org/2002/07/owl#>)",
  "Prefix(rdf:=<http://www.w3.org/1999/02/22-rdf-syntax-ns#>)",
  "Prefix(rdfs:=<http://www.w3.org/2000/01/rdf-schema#>)",
  "Prefix(xml:=<http://www.w3.org/XML/1998/namespace>)",
  "Prefix(xsd:=<http://www.w3.org/2001/XMLSchema#>)",
  `Ontology(<http://snomed.info/sct/${Sct.coreModule}>)`
]

/** Concepts, relationships, concrete values and OWL axioms. */
export function writeConceptsAndRelationships(ctx: PassContext): RowCounts {
  const { model } = ctx
  const w = writers(["concept", "relationship", "concreteValue", "owlExpression"], ctx.outDir)
  const rng = new Rng()
  const ids = idAllocators("relationship", new Rng(model.seed, 1, Stream.ids), 10_000_000, 300_000)
  const owlIds = new MemberIds(memberSalt(model), "owlExpression")
  for (const expression of OWL_ONTOLOGY_HEADER) {
    w.owlExpression.row(`${owlIds.next()}\t20190731\t1\t${Sct.coreModule}\t${Sct.owlOntology}\t${Sct.owlOntologyNamespace}\t${expression}`)
  }
  const relationship = (code: ModuleCode, et: string, active: boolean, source: string, destination: string, group: number, type: string) =>
    w.relationship.row(
      `${ids[code].next()}\t${et}\t${flag(active)}\t${MODULES[code]}\t${source}\t${destination}\t${group}\t${type}\t${Sct.inferred}\t${Sct.existential}`
    )

  forEachConcept(ctx, "concepts, relationships", (i) => {
    const r = relationshipsOf(model, i, rng.reseed(model.seed, i, Stream.relationships))
    const code = model.moduleCode(i)
    const module = MODULES[code]
    const id = model.ids[i]!
    const active = model.active[i] === 1
    w.concept.row(`${id}\t${r.effectiveTime}\t${flag(active)}\t${module}\t${r.defined ? Sct.defined : Sct.primitive}`)
    if (active) {
      for (const p of r.parents) relationship(code, r.effectiveTime, true, id, model.ids[p]!, 0, Sct.isA)
      for (const a of r.ungrouped) relationship(code, r.effectiveTime, true, id, model.ids[a.destination]!, 0, a.type)
      r.groups.forEach((g, k) => {
        for (const a of g) relationship(code, r.effectiveTime, true, id, model.ids[a.destination]!, k + 1, a.type)
      })
      for (const c of r.concrete) {
        w.concreteValue.row(
          `${ids[code].next()}\t${r.effectiveTime}\t1\t${module}\t${id}\t${c.value}\t${c.group}\t${c.type}\t${Sct.inferred}\t${Sct.existential}`
        )
      }
      if (i !== 0)
        w.owlExpression.row(`${owlIds.next()}\t${r.effectiveTime}\t1\t${module}\t${Sct.owlAxiom}\t${id}\t${owlAxiom(model, i, r)}`)
    } else {
      const former = `SubClassOf(:${id} :${model.ids[r.parents[0]!]!})`
      w.owlExpression.row(`${owlIds.next()}\t${r.effectiveTime}\t0\t${module}\t${Sct.owlAxiom}\t${id}\t${former}`)
    }
    for (const h of r.history) relationship(code, h.effectiveTime, false, id, model.ids[h.destination]!, h.group, h.type)
  })
  return closeAll(w)
}

// ---------------------------------------------------------------- pass 2: descriptions and history

/** Chance that an active description also has a retired language refset member. */
const RETIRED_LANGUAGE_MEMBER = 0.75

/** Descriptions, text definitions, language refset members, inactivation indicators and associations. */
export function writeDescriptions(ctx: PassContext): RowCounts {
  const { model, truth } = ctx
  const w = writers(["description", "textDefinition", "language", "attributeValue", "association"], ctx.outDir)
  const rng = new Rng()
  const ids = idAllocators("description", new Rng(model.seed, 2, Stream.ids), 5_000_000, 200_000)
  const salt = memberSalt(model)
  const languageIds = new MemberIds(salt, "language")
  const attributeIds = new MemberIds(salt, "attributeValue")
  const associationIds = new MemberIds(salt, "association")
  const acceptability = { preferred: Sct.preferred, acceptable: Sct.acceptable } as const

  const member = (d: Description, descriptionId: string, refset: string, acceptabilityId: string, active: boolean, et: string) =>
    w.language.row(`${languageIds.next()}\t${et}\t${flag(active)}\t${MODULES[d.module]}\t${refset}\t${descriptionId}\t${acceptabilityId}`)

  forEachConcept(ctx, "descriptions, language", (i) => {
    const conceptId = model.ids[i]!
    const descriptions = descriptionsOf(model, i, rng.reseed(model.seed, i, Stream.descriptions))
    truth.descriptions(i, descriptions)
    for (const d of descriptions) {
      const id = ids[d.module].next()
      const typeId = d.kind === "fsn" ? Sct.fsn : d.kind === "synonym" ? Sct.synonym : Sct.definition
      const module = MODULES[d.module]
      const file = d.kind === "definition" ? w.textDefinition : w.description
      file.row(`${id}\t${d.effectiveTime}\t${flag(d.active)}\t${module}\t${conceptId}\ten\t${typeId}\t${d.term}\t${d.caseSignificance}`)
      member(d, id, Sct.gbLanguage, acceptability[d.gb], d.active, d.effectiveTime)
      member(d, id, Sct.ukLanguage, acceptability[d.uk], d.active, d.effectiveTime)
      if (d.active && rng.chance(RETIRED_LANGUAGE_MEMBER)) {
        // A member replaced by a later one (e.g. when the acceptability changed).
        member(d, id, rng.chance(0.5) ? Sct.gbLanguage : Sct.ukLanguage, Sct.acceptable, false, effectiveTime(rng, true))
      }
      if (d.indicator !== undefined) {
        w.attributeValue.row(
          `${attributeIds.next()}\t${d.effectiveTime}\t1\t${module}\t${Sct.descriptionInactivationIndicator}\t${id}\t${d.indicator}`
        )
      }
    }
    if (model.active[i] === 0) {
      const x = inactivationOf(model, i, rng.reseed(model.seed, i, Stream.history))
      truth.inactivation(i, x)
      const module = MODULES[model.moduleCode(i)]
      w.attributeValue.row(
        `${attributeIds.next()}\t${x.effectiveTime}\t1\t${module}\t${Sct.conceptInactivationIndicator}\t${conceptId}\t${x.indicator}`
      )
      for (const a of x.associations) {
        w.association.row(
          `${associationIds.next()}\t${x.effectiveTime}\t${flag(a.active)}\t${module}\t${a.refsetId}\t${conceptId}\t${model.ids[a.target]!}`
        )
      }
    }
  })
  return closeAll(w)
}

// ---------------------------------------------------------------- pass 3: reference sets and maps

/** Chance that an active concept of a refset's hierarchy is a member, by hierarchy. */
const SIMPLE_REFSET_SHARE: Partial<Record<keyof typeof HIERARCHY_INDEX, number>> = { finding: 0.46, procedure: 0.52, product: 0.63 }
const SIMPLE_REFSET_DEFAULT_SHARE = 0.69

/** Simple refsets, ICD-10 extended map, simple maps and module dependencies. */
export function writeRefsetsAndMaps(ctx: PassContext): RowCounts {
  const { model, truth } = ctx
  const w = writers(["simple", "extendedMap", "simpleMap", "moduleDependency"], ctx.outDir)
  const rng = new Rng()
  const salt = memberSalt(model)
  const simpleIds = new MemberIds(salt, "simple")
  const mapIds = new MemberIds(salt, "extendedMap")
  const simpleMapIds = new MemberIds(salt, "simpleMap")
  const uk = MODULES.u
  const refsetsByHierarchy = new Map<number, { id: string; share: number }[]>()
  for (const [term, key] of UK_SIMPLE_REFSETS) {
    const i = model.fixed.findIndex((f) => f[2] === term)
    const list = refsetsByHierarchy.get(HIERARCHY_INDEX[key]) ?? []
    list.push({ id: model.ids[i]!, share: SIMPLE_REFSET_SHARE[key] ?? SIMPLE_REFSET_DEFAULT_SHARE })
    refsetsByHierarchy.set(HIERARCHY_INDEX[key], list)
  }

  forEachConcept(ctx, "refsets, maps", (i) => {
    const id = model.ids[i]!
    const active = model.active[i] === 1
    rng.reseed(model.seed, i, Stream.refsets)
    if (!model.isFixed(i)) {
      for (const refset of refsetsByHierarchy.get(model.hierarchy[i]!) ?? []) {
        // Members of inactive concepts were retired when the concept was.
        if (rng.chance(refset.share) && (active || rng.chance(0.5))) {
          w.simple.row(`${simpleIds.next()}\t${effectiveTime(rng, !active)}\t${flag(active)}\t${uk}\t${refset.id}\t${id}`)
        }
      }
    }
    rng.reseed(model.seed, i, Stream.maps)
    const rows = icd10MapOf(model, i, rng)
    truth.icd10Map(i, rows)
    const et = effectiveTime(rng, true)
    for (const r of rows) {
      w.extendedMap.row(
        `${mapIds.next()}\t${et}\t${flag(r.active)}\t${uk}\t${Sct.icd10Map}\t${id}\t${r.group}\t${r.priority}\t${r.rule}\t${r.advice}\t${r.target}\t${Sct.mapCorrelationNotSpecified}\t${r.category}`
      )
    }
    for (const [refset, target] of simpleMapsOf(model, i, rng)) {
      w.simpleMap.row(`${simpleMapIds.next()}\t${effectiveTime(rng)}\t${flag(active)}\t${uk}\t${refset}\t${id}\t${target}`)
    }
  })

  const dependencyIds = new MemberIds(salt, "moduleDependency")
  const international = "20251201"
  const dependencies: [source: ModuleCode, target: ModuleCode, sourceTime: string, targetTime: string][] = [
    ["c", "m", international, international],
    ["u", "c", RELEASE_DATE, international],
    ["u", "m", RELEASE_DATE, international],
    ["d", "u", RELEASE_DATE, RELEASE_DATE],
    ["d", "c", RELEASE_DATE, international],
    ["d", "m", RELEASE_DATE, international]
  ]
  for (const [source, target, sourceTime, targetTime] of dependencies) {
    w.moduleDependency.row(
      `${dependencyIds.next()}\t${sourceTime}\t1\t${MODULES[source]}\t${Sct.moduleDependency}\t${MODULES[target]}\t${sourceTime}\t${targetTime}`
    )
  }
  return closeAll(w)
}

export const PASSES = [writeConceptsAndRelationships, writeDescriptions, writeRefsetsAndMaps] as const
