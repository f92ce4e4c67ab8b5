// The concept model of a synthetic release, held in typed arrays: which concepts exist, their
// ids, hierarchy, depth, activity, module and parents. The rest of the content (descriptions,
// attribute relationships, refset members) is derived per concept from seeded streams when the
// files are written, so it never has to be held in memory.
//
// The is-a graph is built level by level: every synthetic concept of depth d gets its parents
// among the concepts of depth d-1 of its hierarchy. All paths from a concept to the root then
// have the same length, so no is-a relationship is redundant (the inferred form stays a
// transitive reduction) and the graph is acyclic by construction.
import { IdAllocator } from "./ids.ts"
import {
  FIXED_CONCEPTS,
  HIERARCHIES,
  HIERARCHY_INDEX,
  MODULE_CODES,
  MODULE_NAMESPACE,
  type FixedConcept,
  type HierarchyKey,
  type ModuleCode
} from "./metadata.ts"
import { Rng, Stream } from "./random.ts"
import { Vocabulary } from "./vocabulary.ts"

/** Concept counts of the UK monolith that scale 1.0 reproduces. */
export const FULL_SCALE = { concepts: 1_070_000 } as const
export const INACTIVE_SHARE = 0.2
export const MAX_DEPTH = 25
/** Chance that a synthetic concept (below depth 2) has a second parent, and then a third. */
const MULTI_PARENT = 0.31
const THIRD_PARENT = 0.2
/**
 * Share of the concepts of a level that can have children. Parents are drawn (skewed, so that a
 * few become hubs) from the first FERTILE share of the previous level, whose order is arbitrary:
 * most concepts end up leaves, at every depth, as in a real terminology.
 */
const FERTILE = 0.3
export const NO_HIERARCHY = 255
export const MAX_PARENTS = 3

export interface ModelOptions {
  readonly scale: number
  readonly seed: number
}

export class Model {
  readonly seed: number
  readonly scale: number
  /** Number of concepts, fixed ones first (indices 0 … fixedCount-1; index 0 is the root). */
  readonly n: number
  readonly fixedCount: number
  readonly fixed: readonly FixedConcept[]
  readonly ids: string[]
  /** Index of the top-level hierarchy in HIERARCHIES, NO_HIERARCHY for the root. */
  readonly hierarchy: Uint8Array
  /** Length of every is-a path to the root (inactive concepts: as if still under their former parent). */
  readonly depth: Uint8Array
  readonly active: Uint8Array
  /** Index into MODULE_CODES. */
  readonly module: Uint8Array
  /** Index into the hierarchy's semantic tags. */
  readonly tag: Uint8Array
  /** MAX_PARENTS slots per concept, -1 when unused. Inactive concepts: their former parent. */
  readonly parents: Int32Array
  /** Active synthetic concepts per hierarchy, shuffled (destinations of attribute relationships). */
  readonly activeByHierarchy: readonly Int32Array[]
  /** Children over active is-a relationships, in compressed sparse row form. */
  readonly childStart: Int32Array
  readonly children: Int32Array
  /** The order in which concepts are written (fixed ones first, then a shuffle). */
  readonly order: Int32Array
  readonly activeCount: number
  readonly vocabulary: Vocabulary
  private readonly indexById: Map<string, number>

  constructor(options: ModelOptions) {
    this.seed = options.seed
    this.scale = options.scale
    const rng = new Rng(options.seed, 0, Stream.model)
    this.vocabulary = new Vocabulary(options.seed)
    this.fixed = FIXED_CONCEPTS
    const fixedCount = FIXED_CONCEPTS.length
    this.fixedCount = fixedCount
    const n = Math.max(fixedCount + 2 * HIERARCHIES.length + 50, Math.round(FULL_SCALE.concepts * options.scale))
    this.n = n
    const inactive = Math.round(n * INACTIVE_SHARE)
    const synthetic = n - fixedCount - inactive

    this.ids = new Array<string>(n).fill("")
    this.hierarchy = new Uint8Array(n)
    this.depth = new Uint8Array(n)
    this.active = new Uint8Array(n)
    this.module = new Uint8Array(n)
    this.tag = new Uint8Array(n)
    this.parents = new Int32Array(n * MAX_PARENTS).fill(-1)
    this.indexById = new Map()

    // Fixed concepts: parents precede children in FIXED_CONCEPTS.
    FIXED_CONCEPTS.forEach(([id, parent, , , module], i) => {
      if (id !== "") this.indexById.set(id, i)
      this.ids[i] = id
      this.active[i] = 1
      this.module[i] = MODULE_CODES.indexOf(module)
      if (parent === "") {
        this.hierarchy[i] = NO_HIERARCHY
        return
      }
      const p = this.indexOf(parent)
      this.parents[i * MAX_PARENTS] = p
      this.depth[i] = this.depth[p]! + 1
      this.hierarchy[i] = p === 0 ? HIERARCHIES.findIndex((x) => x.id === id) : this.hierarchy[p]!
    })

    // Active synthetic concepts, level by level.
    const sizes = apportion(
      synthetic,
      HIERARCHIES.map((x) => x.share)
    )
    const levels = HIERARCHIES.map((x, hi) => levelCounts(sizes[hi]!, x.meanDepth))
    /** [start, end) of the concepts of each hierarchy at the previous level. */
    const previous = HIERARCHIES.map((x) => {
      const top = this.indexOf(x.id)
      return [top, top + 1] as [number, number]
    })
    let next = fixedCount
    for (let d = 2; d <= MAX_DEPTH; d++) {
      for (let hi = 0; hi < HIERARCHIES.length; hi++) {
        const count = levels[hi]![d] ?? 0
        if (count === 0) continue
        const [from, to] = previous[hi]!
        const width = Math.max(1, Math.ceil((to - from) * FERTILE))
        const start = next
        for (let k = 0; k < count; k++, next++) {
          this.hierarchy[next] = hi
          this.depth[next] = d
          this.active[next] = 1
          const j = rng.skewed(width, 2)
          const slot = next * MAX_PARENTS
          this.parents[slot] = from + j
          if (d >= 3 && width >= 2 && rng.chance(MULTI_PARENT)) {
            const j2 = otherParent(rng, width, j, -1)
            if (j2 >= 0) this.parents[slot + 1] = from + j2
            if (j2 >= 0 && width >= 3 && rng.chance(THIRD_PARENT)) {
              const j3 = otherParent(rng, width, j, j2)
              if (j3 >= 0) this.parents[slot + 2] = from + j3
            }
          }
        }
        previous[hi] = [start, next]
      }
    }
    if (next !== fixedCount + synthetic) throw new Error(`level counts add up to ${next - fixedCount}, not ${synthetic}`)

    const activeByHierarchy = HIERARCHIES.map(() => [] as number[])
    for (let i = fixedCount; i < next; i++) activeByHierarchy[this.hierarchy[i]!]!.push(i)
    this.activeByHierarchy = activeByHierarchy.map((list, hi) =>
      rng.shuffle(Int32Array.from(list.length > 0 ? list : [this.indexOf(HIERARCHIES[hi]!.id)]))
    )

    // Inactive concepts: outside the active graph, remembering a former parent.
    const shares = HIERARCHIES.map((x) => x.share)
    for (let i = next; i < n; i++) {
      const hi = rng.weighted(shares)
      const pool = this.activeByHierarchy[hi]!
      let p = pool[rng.int(pool.length)]!
      if (this.depth[p]! >= MAX_DEPTH) p = this.parents[p * MAX_PARENTS]!
      this.hierarchy[i] = hi
      this.depth[i] = this.depth[p]! + 1
      this.parents[i * MAX_PARENTS] = p
    }
    this.activeCount = next

    // Modules and semantic tags.
    for (let i = fixedCount; i < n; i++) {
      const x = HIERARCHIES[this.hierarchy[i]!]!
      this.module[i] = MODULE_CODES.indexOf(rng.chance(x.ukShare) ? x.ukModule : "c")
      this.tag[i] = rng.weighted(x.tags.map((_, t) => (t === 0 ? 3 : 1)))
    }

    // Ids, handed out in a shuffled order so that they do not follow depth or activity.
    const reserved = new Set(FIXED_CONCEPTS.map(([id]) => id).filter((id) => id !== ""))
    const allocators = conceptAllocators(rng, reserved)
    for (let i = 0; i < fixedCount; i++) {
      if (this.ids[i] === "") {
        this.ids[i] = allocators[FIXED_CONCEPTS[i]![4]].next()
        this.indexById.set(this.ids[i]!, i)
      }
    }
    const shuffled = rng.shuffle(Int32Array.from({ length: n - fixedCount }, (_, k) => fixedCount + k))
    for (const i of shuffled) this.ids[i] = allocators[MODULE_CODES[this.module[i]!]!].next()
    this.order = new Int32Array(n)
    for (let i = 0; i < fixedCount; i++) this.order[i] = i
    this.order.set(rng.shuffle(shuffled), fixedCount)

    ;[this.childStart, this.children] = this.buildChildren()
  }

  indexOf(id: string): number {
    const i = this.indexById.get(id)
    if (i === undefined) throw new Error(`no concept ${id} in the model`)
    return i
  }

  /** An active synthetic concept of a hierarchy, skewed towards a few (some values are very common), other than `not`. */
  randomActive(range: HierarchyKey, rng: Rng, not: number): number {
    const pool = this.activeByHierarchy[HIERARCHY_INDEX[range]]!
    const d = pool[rng.skewed(pool.length, 3)]!
    if (d !== not) return d
    return pool[0] === not && pool.length > 1 ? pool[1]! : pool[0]!
  }

  moduleCode(i: number): ModuleCode {
    return MODULE_CODES[this.module[i]!]!
  }

  /** Parents of concept i (former parents for inactive concepts). */
  parentsOf(i: number): number[] {
    const out: number[] = []
    for (let s = 0; s < MAX_PARENTS; s++) {
      const p = this.parents[i * MAX_PARENTS + s]!
      if (p >= 0) out.push(p)
    }
    return out
  }

  isFixed(i: number): boolean {
    return i < this.fixedCount
  }

  private buildChildren(): [Int32Array, Int32Array] {
    const start = new Int32Array(this.n + 1)
    for (let i = 0; i < this.n; i++) {
      if (!this.active[i]) continue
      for (let s = 0; s < MAX_PARENTS; s++) {
        const p = this.parents[i * MAX_PARENTS + s]!
        if (p >= 0) start[p + 1]!++
      }
    }
    for (let i = 0; i < this.n; i++) start[i + 1]! += start[i]!
    const children = new Int32Array(start[this.n]!)
    const fill = start.slice(0, this.n)
    for (let i = 0; i < this.n; i++) {
      if (!this.active[i]) continue
      for (let s = 0; s < MAX_PARENTS; s++) {
        const p = this.parents[i * MAX_PARENTS + s]!
        if (p >= 0) children[fill[p]!++] = i
      }
    }
    return [start, children]
  }

  /** Number of active concepts transitively below concept i (breadth-first over the children). */
  descendantCount(i: number, seen: Uint32Array = new Uint32Array(this.n), stamp = 1): number {
    const queue = new Int32Array(this.activeCount + 1)
    let head = 0
    let tail = 0
    queue[tail++] = i
    seen[i] = stamp
    while (head < tail) {
      const c = queue[head++]!
      for (let k = this.childStart[c]!, end = this.childStart[c + 1]!; k < end; k++) {
        const child = this.children[k]!
        if (seen[child] !== stamp) {
          seen[child] = stamp
          queue[tail++] = child
        }
      }
    }
    return tail - 1
  }

  /** Concept i and all its active ancestors. */
  ancestorsAndSelf(i: number): Set<number> {
    const out = new Set<number>([i])
    const stack = [i]
    while (stack.length > 0) {
      const c = stack.pop()!
      if (!this.active[c]) continue
      for (let s = 0; s < MAX_PARENTS; s++) {
        const p = this.parents[c * MAX_PARENTS + s]!
        if (p >= 0 && !out.has(p)) {
          out.add(p)
          stack.push(p)
        }
      }
    }
    return out
  }

  /** FHIR $subsumes outcome of (a, b) over active concepts. */
  subsumption(a: number, b: number): "equivalent" | "subsumes" | "subsumed-by" | "not-subsumed" {
    if (a === b) return "equivalent"
    if (this.ancestorsAndSelf(b).has(a)) return "subsumes"
    if (this.ancestorsAndSelf(a).has(b)) return "subsumed-by"
    return "not-subsumed"
  }

  /** Depth statistics of the active concepts. */
  stats(): { meanDepth: number; maxDepth: number; multiParentShare: number; depthHistogram: number[] } {
    let sum = 0
    let max = 0
    let multi = 0
    const histogram = new Array<number>(MAX_DEPTH + 1).fill(0)
    for (let i = 1; i < this.activeCount; i++) {
      const d = this.depth[i]!
      sum += d
      max = Math.max(max, d)
      histogram[d]!++
      if (this.parents[i * MAX_PARENTS + 1]! >= 0) multi++
    }
    const count = this.activeCount - 1
    return { meanDepth: sum / count, maxDepth: max, multiParentShare: multi / count, depthHistogram: histogram }
  }
}

/** A second or third parent at the same level: usually near the first one, sometimes anywhere. */
function otherParent(rng: Rng, width: number, j: number, not: number): number {
  for (let attempt = 0; attempt < 4; attempt++) {
    const k = rng.chance(0.6) ? (j + 1 + rng.int(Math.min(50, width - 1))) % width : rng.skewed(width, 2)
    if (k !== j && k !== not) return k
  }
  return -1
}

/** Splits `total` in proportion to `weights` (largest remainder). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => (total * w) / sum)
  const out = exact.map(Math.floor)
  let left = total - out.reduce((a, b) => a + b, 0)
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0])
  for (let k = 0; left > 0; k = (k + 1) % byRemainder.length, left--) out[byRemainder[k]![1]]!++
  return out
}

/**
 * How many of `size` concepts go to each depth 2 … MAX_DEPTH: a gamma-like shape with the given
 * mean, without gaps (every level that has concepts has a level above it with concepts).
 */
export function levelCounts(size: number, meanDepth: number): number[] {
  const shape = 6
  const theta = (meanDepth - 1) / shape
  const weights: number[] = []
  for (let d = 2; d <= MAX_DEPTH; d++) {
    const x = d - 1
    weights.push(Math.pow(x, shape - 1) * Math.exp(-x / theta))
  }
  const counts = [0, 0, ...apportion(size, weights)]
  for (let d = 2; d <= MAX_DEPTH; d++) {
    if (counts[d]! > 0) continue
    const below = counts.slice(d + 1).reduce((a, b) => a + b, 0)
    if (below === 0) break
    // Move one concept from the fullest level below to this empty one.
    let from = d + 1
    for (let k = d + 1; k <= MAX_DEPTH; k++) if (counts[k]! > counts[from]!) from = k
    counts[from]!--
    counts[d] = 1
  }
  return counts
}

function conceptAllocators(rng: Rng, reserved: ReadonlySet<string>): Record<ModuleCode, IdAllocator> {
  const random = () => rng.float()
  // Core and model module content share the short-format (namespace 0) id space.
  const core = new IdAllocator("concept", MODULE_NAMESPACE.c, 1_300_000, 3, random, reserved)
  return {
    c: core,
    m: core,
    u: new IdAllocator("concept", MODULE_NAMESPACE.u, 100_000, 3, random, reserved),
    d: new IdAllocator("concept", MODULE_NAMESPACE.d, 100_000, 3, random, reserved)
  }
}
