/**
 * Immutable sets of concept positions (0..universe-1) for ECL's set algebra. A small set is a
 * sorted Uint32Array, a large one a bitmap (one bit per concept); each operation picks the cheaper
 * form for its result, so `<! x` costs a few bytes and `<< 404684003` 125 KB at a million concepts.
 */

const popcount = (word: number) => {
  word -= (word >>> 1) & 0x55555555
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333)
  return (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

const setBits = (bits: Uint32Array, positions: ArrayLike<number>) => {
  for (let i = 0; i < positions.length; i++) bits[positions[i]! >>> 5]! |= 1 << (positions[i]! & 31)
}

/** The positions of the bits set in `bits`, ascending; `capacity` is at least their number. */
const positionsOf = (bits: Uint32Array, capacity: number) => {
  const out = new Uint32Array(capacity)
  let at = 0
  for (let word = 0; word < bits.length; word++) {
    let value = bits[word]!
    while (value !== 0) {
      const low = value & -value
      out[at++] = (word << 5) + (31 - Math.clz32(low))
      value ^= low
    }
  }
  return at === capacity ? out : out.subarray(0, at)
}

/** `Uint32Array.filter` without its calls from native code into `keep`, which cost more than the test. */
const keepIf = (sorted: Uint32Array, keep: (concept: number) => boolean) => {
  const kept = new Uint32Array(sorted.length)
  let at = 0
  for (let i = 0; i < sorted.length; i++) if (keep(sorted[i]!)) kept[at++] = sorted[i]!
  return kept.subarray(0, at)
}

/** Whether `sorted` holds `concept`, searching `[low, sorted.length)`; the first index not below it, bitwise-negated when absent. */
const search = (sorted: Uint32Array, concept: number, low: number) => {
  let high = sorted.length - 1
  while (low <= high) {
    const middle = (low + high) >>> 1
    if (sorted[middle]! < concept) low = middle + 1
    else if (sorted[middle]! > concept) high = middle - 1
    else return middle
  }
  return ~low
}

/**
 * The members of sorted `a` that are (`keep`) or are not in sorted `b`: a merge when the lists
 * are of like size, else a search in `b` for each of `a` (resuming where the last ended). No
 * bitmap is built: asking a list's `has` a thousand times would build one, 125 KB at a million
 * concepts, for every intermediate set.
 */
const mergeSorted = (a: Uint32Array, b: Uint32Array, keep: boolean) => {
  const out = new Uint32Array(keep ? Math.min(a.length, b.length) : a.length)
  let at = 0
  if (a.length * 16 < b.length) {
    let from = 0
    for (let i = 0; i < a.length; i++) {
      const found = search(b, a[i]!, from)
      from = found < 0 ? ~found : found + 1
      if (found >= 0 === keep) out[at++] = a[i]!
    }
    return out.subarray(0, at)
  }
  let j = 0
  for (let i = 0; i < a.length; i++) {
    const concept = a[i]!
    while (j < b.length && b[j]! < concept) j++
    if ((j < b.length && b[j] === concept) === keep) out[at++] = concept
  }
  return out.subarray(0, at)
}

/** Lists this short are searched, never given a bitmap. */
const smallList = 64

export class ConceptSet {
  private sortedCache: Uint32Array | undefined
  private countCache: number | undefined
  private bitmapCache: Uint32Array | undefined
  private lookups = 0

  private constructor(
    readonly universe: number,
    private readonly sorted: Uint32Array | undefined,
    private readonly bits: Uint32Array | undefined
  ) {
    this.sortedCache = sorted
  }

  /** Bitmaps pay off once a set holds more than one concept in 32. */
  private static wantsBits(universe: number, size: number) {
    return size > universe >>> 5
  }

  /** Setting bits and reading them back beats sorting a list of more than one concept in 256. */
  static wantsBitsToSort(universe: number, size: number) {
    return size > universe >>> 8
  }

  static empty(universe: number) {
    return new ConceptSet(universe, new Uint32Array(0), undefined)
  }

  /** `positions` must be ascending and distinct; it is kept, not copied. */
  static fromSorted(universe: number, positions: Uint32Array) {
    if (!ConceptSet.wantsBits(universe, positions.length)) return new ConceptSet(universe, positions, undefined)
    const bits = new Uint32Array((universe + 31) >>> 5)
    setBits(bits, positions)
    const set = new ConceptSet(universe, undefined, bits)
    set.sortedCache = positions
    set.countCache = positions.length
    return set
  }

  /** Any order, repeats allowed. */
  static fromUnsorted(universe: number, positions: ArrayLike<number>) {
    if (ConceptSet.wantsBitsToSort(universe, positions.length)) {
      const bits = new Uint32Array((universe + 31) >>> 5)
      setBits(bits, positions)
      return ConceptSet.fromBits(universe, bits)
    }
    const sorted = new Uint32Array(positions).sort()
    let unique = 0
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i]!
    return new ConceptSet(universe, sorted.subarray(0, unique), undefined)
  }

  /**
   * The members of a bitmap holding at most `capacity`, read off in order; `bits` is then cleared
   * for reuse. Reading a bitmap's words in sequence costs less than sorting a list of more than
   * one concept in 256.
   */
  static drainBits(universe: number, bits: Uint32Array, capacity: number) {
    const sorted = positionsOf(bits, capacity)
    bits.fill(0)
    return ConceptSet.fromSorted(universe, sorted)
  }

  /** `bits` is kept, not copied; a sparse bitmap becomes a sorted array. */
  static fromBits(universe: number, bits: Uint32Array) {
    const set = new ConceptSet(universe, undefined, bits)
    return ConceptSet.wantsBits(universe, set.size) ? set : new ConceptSet(universe, set.toSorted(), undefined)
  }

  get size(): number {
    if (this.countCache !== undefined) return this.countCache
    if (this.sorted !== undefined) return (this.countCache = this.sorted.length)
    const bits = this.bits!
    let count = 0
    for (let i = 0; i < bits.length; i++) if (bits[i] !== 0) count += popcount(bits[i]!)
    return (this.countCache = count)
  }

  has(concept: number): boolean {
    const bits = this.bits ?? this.bitmapCache
    if (bits !== undefined) return (bits[concept >>> 5]! & (1 << (concept & 31))) !== 0
    // A set asked often (in a loop over relationships) gets a bitmap beside its list, once the
    // searches have cost about what writing the bitmap does; a list of a few (an attribute's
    // type), searched in a handful of steps, never does.
    const sorted = this.sorted!
    if (sorted.length > smallList && ++this.lookups > this.universe >>> 10) this.bitmapCache = this.toBits()
    let low = 0
    let high = sorted.length - 1
    while (low <= high) {
      const middle = (low + high) >>> 1
      const found = sorted[middle]!
      if (found === concept) return true
      if (found < concept) low = middle + 1
      else high = middle - 1
    }
    return false
  }

  /** The members, ascending (computed once for a bitmap). */
  toSorted(): Uint32Array {
    if (this.sortedCache !== undefined) return this.sortedCache
    return (this.sortedCache = positionsOf(this.bits!, this.size))
  }

  /** A bitmap of the members (a fresh copy the caller may change). */
  toBits(): Uint32Array {
    if (this.bits !== undefined) return this.bits.slice()
    const bits = new Uint32Array((this.universe + 31) >>> 5)
    setBits(bits, this.sorted!)
    return bits
  }

  /** True when the set is held as a bitmap rather than a sorted array. */
  get isBitmap() {
    return this.bits !== undefined
  }

  /** A bitmap of the members for tight loops (`bits[c >>> 5] & (1 << (c & 31))`); do not change it. */
  bitmap(): Uint32Array {
    if (this.bits !== undefined) return this.bits
    return (this.bitmapCache ??= this.toBits())
  }

  and(other: ConceptSet): ConceptSet {
    if (this.bits !== undefined && other.bits !== undefined) {
      const bits = new Uint32Array(this.bits.length)
      for (let i = 0; i < bits.length; i++) bits[i] = this.bits[i]! & other.bits[i]!
      return ConceptSet.fromBits(this.universe, bits)
    }
    const [small, large] =
      this.sorted !== undefined && (other.sorted === undefined || this.size <= other.size) ? [this, other] : [other, this]
    if (large.sorted !== undefined) return new ConceptSet(this.universe, mergeSorted(small.sorted!, large.sorted, true), undefined)
    return new ConceptSet(
      this.universe,
      keepIf(small.sorted!, (concept) => large.has(concept)),
      undefined
    )
  }

  or(other: ConceptSet): ConceptSet {
    if (other.size === 0) return this
    if (this.size === 0) return other
    if (this.bits !== undefined || other.bits !== undefined || ConceptSet.wantsBits(this.universe, this.size + other.size)) {
      const bits = this.toBits()
      if (other.bits !== undefined) for (let i = 0; i < bits.length; i++) bits[i]! |= other.bits[i]!
      else setBits(bits, other.sorted!)
      return ConceptSet.fromBits(this.universe, bits)
    }
    const a = this.sorted!
    const b = other.sorted!
    const out = new Uint32Array(a.length + b.length)
    let i = 0
    let j = 0
    let at = 0
    while (i < a.length && j < b.length) {
      if (a[i]! < b[j]!) out[at++] = a[i++]!
      else if (a[i]! > b[j]!) out[at++] = b[j++]!
      else {
        out[at++] = a[i++]!
        j++
      }
    }
    while (i < a.length) out[at++] = a[i++]!
    while (j < b.length) out[at++] = b[j++]!
    return new ConceptSet(this.universe, out.subarray(0, at), undefined)
  }

  minus(other: ConceptSet): ConceptSet {
    if (other.size === 0 || this.size === 0) return this
    if (this.sorted !== undefined && other.sorted !== undefined) {
      return new ConceptSet(this.universe, mergeSorted(this.sorted, other.sorted, false), undefined)
    }
    if (this.sorted !== undefined) {
      return new ConceptSet(
        this.universe,
        keepIf(this.sorted, (concept) => !other.has(concept)),
        undefined
      )
    }
    const bits = this.bits!.slice()
    if (other.bits !== undefined) for (let i = 0; i < bits.length; i++) bits[i]! &= ~other.bits[i]!
    else {
      const sorted = other.sorted!
      for (let i = 0; i < sorted.length; i++) bits[sorted[i]! >>> 5]! &= ~(1 << (sorted[i]! & 31))
    }
    return ConceptSet.fromBits(this.universe, bits)
  }

  /** The members for which `keep` holds. */
  filter(keep: (concept: number) => boolean): ConceptSet {
    const kept = keepIf(this.toSorted(), keep)
    return kept.length === this.size ? this : ConceptSet.fromSorted(this.universe, kept)
  }
}

/** A bitmap of the universe, all clear between uses, that a user may take as its own by putting a clear one in its place. */
export interface SharedBitmap {
  visited: Uint32Array
}

/**
 * Gathers positions (any order, repeats allowed) into a set: into a bitmap when many are expected
 * (`shared`'s, when given: allocating one for a result that turns out sparse cost more than
 * clearing it), else into a growing typed array.
 */
export class ConceptCollector {
  private readonly listing: boolean
  private readonly bits: Uint32Array
  private list: Uint32Array
  private length = 0

  constructor(
    private readonly universe: number,
    expected: number,
    private readonly shared?: SharedBitmap
  ) {
    this.listing = !ConceptSet.wantsBitsToSort(universe, expected)
    this.bits = this.listing ? new Uint32Array(0) : (shared?.visited ?? new Uint32Array((universe + 31) >>> 5))
    this.list = new Uint32Array(this.listing ? Math.max(16, expected) : 0)
  }

  // Kept small so that it is inlined into the loops that call it.
  add(concept: number) {
    if (!this.listing) this.bits[concept >>> 5]! |= 1 << (concept & 31)
    else if (this.length < this.list.length) this.list[this.length++] = concept
    else this.grow(concept)
  }

  private grow(concept: number) {
    const grown = new Uint32Array(this.list.length * 2)
    grown.set(this.list)
    this.list = grown
    this.list[this.length++] = concept
  }

  done(): ConceptSet {
    if (this.listing) return ConceptSet.fromUnsorted(this.universe, this.list.subarray(0, this.length))
    const set = ConceptSet.fromBits(this.universe, this.bits)
    if (this.shared !== undefined) {
      if (set.isBitmap) this.shared.visited = new Uint32Array(this.bits.length)
      else this.bits.fill(0)
    }
    return set
  }
}
