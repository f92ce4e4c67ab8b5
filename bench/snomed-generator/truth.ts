// Ground truth: answers a loader or server must reproduce from the files, computed from the
// generator's own model (and from the content as it is generated), never by reading files back.
import { type Inactivation, type MapRow } from "./refsets.ts"
import { type Description } from "./terms.ts"
import { HIERARCHIES, HIERARCHY_INDEX, RELEASE_DATE, RELEASE_FOLDER, Sct } from "./metadata.ts"
import { MAX_PARENTS, type Model } from "./model.ts"
import { Rng, Stream } from "./random.ts"
import { FILES, type FileKey } from "./write.ts"

export type SubsumptionOutcome = "equivalent" | "subsumes" | "subsumed-by" | "not-subsumed"

export interface GroundTruth {
  readonly format: "ffynnon-snomed-synthetic-ground-truth/1"
  readonly generator: { readonly seed: number; readonly scale: number; readonly releaseDate: string; readonly releaseFolder: string }
  /** Data rows (header excluded) of each file, by path below the output directory. */
  readonly files: Record<string, number>
  readonly concepts: { readonly total: number; readonly active: number; readonly inactive: number }
  readonly model: {
    readonly topLevelHierarchies: number
    readonly meanDepth: number
    readonly maxDepth: number
    readonly multiParentShare: number
    readonly depthHistogram: readonly number[]
    readonly vocabularyWords: number
  }
  /** Preferred terms (per language refset) and FSN of sampled concepts. */
  readonly terms: readonly { conceptId: string; active: boolean; fsn: string; preferredTerm: Record<string, string> }[]
  /** Active concepts transitively below each sampled concept (the concept itself excluded). */
  readonly descendantCounts: readonly { conceptId: string; depth: number; count: number }[]
  /** $subsumes outcome of codeA relative to codeB, over active is-a relationships. */
  readonly subsumption: readonly { codeA: string; codeB: string; outcome: SubsumptionOutcome }[]
  /** All ICD-10 extended map rows of sampled concepts (an empty list: the concept has none). */
  readonly icd10Maps: readonly { conceptId: string; rows: readonly IcdRow[] }[]
  /** Inactivation indicator and association rows of sampled inactive concepts. */
  readonly associations: readonly {
    conceptId: string
    inactivationIndicator: string
    rows: readonly { refsetId: string; targetComponentId: string; active: boolean }[]
  }[]
}

export interface IcdRow {
  readonly active: boolean
  readonly mapGroup: number
  readonly mapPriority: number
  readonly mapRule: string
  readonly mapAdvice: string
  readonly mapTarget: string
  readonly correlationId: string
  readonly mapCategoryId: string
}

/** Which concepts the ground truth is about; chosen before any file is written. */
export class Samples {
  readonly terms = new Set<number>()
  readonly associations = new Set<number>()
  readonly maps = new Set<number>()
  readonly descendants: number[] = []
  readonly pairs: [number, number][] = []

  constructor(model: Model) {
    const rng = new Rng(model.seed, 0, Stream.truth)
    const synthetic = model.activeCount - model.fixedCount
    const inactive = model.n - model.activeCount
    const randomActive = () => model.fixedCount + rng.int(synthetic)
    const randomInactive = () => model.activeCount + rng.int(inactive)
    const tops = HIERARCHIES.map((h) => model.indexOf(h.id))

    // Terms: a few fixed concepts, ~170 active and ~20 inactive synthetic ones.
    for (const id of [Sct.root, Sct.isA, Sct.coreModule, Sct.gbLanguage, ...HIERARCHIES.slice(0, 5).map((h) => h.id)])
      this.terms.add(model.indexOf(id))
    for (let k = 0; k < 171; k++) this.terms.add(randomActive())
    for (let k = 0; k < 20 && inactive > 0; k++) this.terms.add(randomInactive())
    for (let k = 0; k < 100 && inactive > 0; k++) this.associations.add(randomInactive())

    // ICD-10 maps: concepts of the mapped hierarchies (some will have no map), and a few inactive ones.
    const mapped = ["finding", "situation", "event"].map((key) => model.activeByHierarchy[HIERARCHIES.findIndex((h) => h.key === key)]!)
    for (let k = 0; k < 90; k++) {
      const pool = mapped[rng.weighted([8, 1, 1])]!
      this.maps.add(pool[rng.int(pool.length)]!)
    }
    for (let k = 0; k < 400 && this.maps.size < 100 && inactive > 0; k++) {
      const i = randomInactive()
      if (model.hierarchy[i] === HIERARCHY_INDEX.finding) this.maps.add(i)
    }

    // Descendant counts: the root, the top-level concepts, some near the top, some anywhere.
    const descendants = new Set<number>([0, ...tops, model.indexOf("900000000000455006")])
    for (let k = 0, near = 0; k < 200_000 && near < 10; k++) {
      const i = randomActive()
      if (model.depth[i]! <= 3 && !descendants.has(i)) {
        descendants.add(i)
        near++
      }
    }
    while (descendants.size < 51) descendants.add(randomActive())
    this.descendants.push(...descendants)

    // Subsumption pairs: ancestor/descendant both ways, self, and unrelated or related-looking pairs.
    const ancestorOf = (b: number): number => {
      const ancestors = [...model.ancestorsAndSelf(b)].filter((a) => a !== b)
      return ancestors[rng.int(ancestors.length)]!
    }
    for (let k = 0; k < 150; k++) {
      const b = randomActive()
      this.pairs.push([ancestorOf(b), b])
    }
    for (let k = 0; k < 120; k++) {
      const b = randomActive()
      this.pairs.push([b, ancestorOf(b)])
    }
    for (let k = 0; k < 15; k++) {
      const b = randomActive()
      this.pairs.push([0, b], [tops[model.hierarchy[b]!]!, b])
    }
    for (let k = 0; k < 50; k++) {
      const b = randomActive()
      this.pairs.push([b, b])
    }
    for (let k = 0; k < 150; k++) {
      const a = randomActive()
      if (k % 3 === 0) {
        this.pairs.push([a, randomActive()])
        continue
      }
      // A sibling or a cousin: same hierarchy, often close, rarely related.
      let b = a
      for (let up = 1 + (k % 2); up > 0 && model.depth[b]! > 2; up--) b = model.parents[b * MAX_PARENTS]!
      for (let down = 1 + (k % 2); down > 0; down--) {
        const from = model.childStart[b]!
        const count = model.childStart[b + 1]! - from
        if (count === 0) break
        b = model.children[from + rng.int(count)]!
      }
      this.pairs.push([a, b])
    }
  }
}

/** Collects what the passes generate for sampled concepts. */
export class TruthRecorder {
  readonly terms = new Map<number, { fsn: string; gb: string; uk: string }>()
  readonly maps = new Map<number, readonly MapRow[]>()
  readonly inactivations = new Map<number, Inactivation>()

  constructor(readonly samples: Samples) {}

  descriptions(i: number, descriptions: readonly Description[]): void {
    if (!this.samples.terms.has(i)) return
    const active = descriptions.filter((d) => d.active)
    const preferred = (refset: "gb" | "uk") => active.find((d) => d.kind === "synonym" && d[refset] === "preferred")?.term ?? ""
    this.terms.set(i, { fsn: active.find((d) => d.kind === "fsn")?.term ?? "", gb: preferred("gb"), uk: preferred("uk") })
  }

  icd10Map(i: number, rows: readonly MapRow[]): void {
    if (this.samples.maps.has(i)) this.maps.set(i, rows)
  }

  inactivation(i: number, inactivation: Inactivation): void {
    if (this.samples.associations.has(i)) this.inactivations.set(i, inactivation)
  }
}

export function groundTruth(model: Model, recorder: TruthRecorder, rows: Record<FileKey, number>): GroundTruth {
  const { samples } = recorder
  const id = (i: number) => model.ids[i]!
  const stats = model.stats()
  const seen = new Uint32Array(model.n)
  const files: Record<string, number> = {}
  for (const key of Object.keys(rows) as FileKey[]) files[FILES[key].path] = rows[key]
  return {
    format: "ffynnon-snomed-synthetic-ground-truth/1",
    generator: { seed: model.seed, scale: model.scale, releaseDate: RELEASE_DATE, releaseFolder: RELEASE_FOLDER },
    files,
    concepts: { total: model.n, active: model.activeCount, inactive: model.n - model.activeCount },
    model: {
      topLevelHierarchies: model.childStart[1]! - model.childStart[0]!,
      meanDepth: Math.round(stats.meanDepth * 1000) / 1000,
      maxDepth: stats.maxDepth,
      multiParentShare: Math.round(stats.multiParentShare * 1000) / 1000,
      depthHistogram: stats.depthHistogram,
      vocabularyWords: model.vocabulary.size
    },
    terms: [...samples.terms].map((i) => {
      const t = recorder.terms.get(i)
      if (t === undefined) throw new Error(`no terms recorded for sampled concept ${id(i)}`)
      return {
        conceptId: id(i),
        active: model.active[i] === 1,
        fsn: t.fsn,
        preferredTerm: { [Sct.gbLanguage]: t.gb, [Sct.ukLanguage]: t.uk }
      }
    }),
    descendantCounts: samples.descendants.map((i, k) => ({
      conceptId: id(i),
      depth: model.depth[i]!,
      count: model.descendantCount(i, seen, k + 1)
    })),
    subsumption: samples.pairs.map(([a, b]) => ({ codeA: id(a), codeB: id(b), outcome: model.subsumption(a, b) })),
    icd10Maps: [...samples.maps].map((i) => ({
      conceptId: id(i),
      rows: (recorder.maps.get(i) ?? []).map((r) => ({
        active: r.active,
        mapGroup: r.group,
        mapPriority: r.priority,
        mapRule: r.rule,
        mapAdvice: r.advice,
        mapTarget: r.target,
        correlationId: Sct.mapCorrelationNotSpecified,
        mapCategoryId: r.category
      }))
    })),
    associations: [...samples.associations].map((i) => {
      const x = recorder.inactivations.get(i)
      if (x === undefined) throw new Error(`no inactivation recorded for sampled concept ${id(i)}`)
      return {
        conceptId: id(i),
        inactivationIndicator: x.indicator,
        rows: x.associations.map((a) => ({ refsetId: a.refsetId, targetComponentId: id(a.target), active: a.active }))
      }
    })
  }
}
