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

export class ConceptSet {
  private sortedCache: Uint32Array | undefined
  private countCache: number | undefined
  private bitmapCache: Uint32Array | undefined

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

  static empty(universe: number) {
    return new ConceptSet(universe, new Uint32Array(0), undefined)
  }

  /** `positions` must be ascending and distinct; it is kept, not copied. */
  static fromSorted(universe: number, positions: Uint32Array) {
    if (!ConceptSet.wantsBits(universe, positions.length)) return new ConceptSet(universe, positions, undefined)
    const bits = new Uint32Array((universe + 31) >>> 5)
    for (let i = 0; i < positions.length; i++) bits[positions[i]! >>> 5]! |= 1 << (positions[i]! & 31)
    const set = new ConceptSet(universe, undefined, bits)
    set.sortedCache = positions
    set.countCache = positions.length
    return set
  }

  /** Any order, repeats allowed. */
  static fromUnsorted(universe: number, positions: ArrayLike<number>) {
    if (ConceptSet.wantsBits(universe, positions.length)) {
      const bits = new Uint32Array((universe + 31) >>> 5)
      for (let i = 0; i < positions.length; i++) bits[positions[i]! >>> 5]! |= 1 << (positions[i]! & 31)
      return ConceptSet.fromBits(universe, bits)
    }
    const sorted = Uint32Array.from(positions).sort()
    let unique = 0
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i]!
    return new ConceptSet(universe, sorted.subarray(0, unique), undefined)
  }

  /** `bits` is kept, not copied; a sparse bitmap becomes a sorted array. */
  static fromBits(universe: number, bits: Uint32Array) {
    const set = new ConceptSet(universe, undefined, bits)
    return ConceptSet.wantsBits(universe, set.size) ? set : new ConceptSet(universe, set.toSorted(), undefined)
  }

  get size(): number {
    if (this.countCache !== undefined) return this.countCache
    if (this.sorted !== undefined) return (this.countCache = this.sorted.length)
    let count = 0
    for (const word of this.bits!) if (word !== 0) count += popcount(word)
    return (this.countCache = count)
  }

  has(concept: number): boolean {
    if (this.bits !== undefined) return (this.bits[concept >>> 5]! & (1 << (concept & 31))) !== 0
    const sorted = this.sorted!
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
    const out = new Uint32Array(this.size)
    let at = 0
    const bits = this.bits!
    for (let word = 0; word < bits.length; word++) {
      let value = bits[word]!
      while (value !== 0) {
        const low = value & -value
        out[at++] = (word << 5) + (31 - Math.clz32(low))
        value ^= low
      }
    }
    return (this.sortedCache = out)
  }

  /** A bitmap of the members (a fresh copy the caller may change). */
  toBits(): Uint32Array {
    if (this.bits !== undefined) return this.bits.slice()
    const bits = new Uint32Array((this.universe + 31) >>> 5)
    for (const concept of this.sorted!) bits[concept >>> 5]! |= 1 << (concept & 31)
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
    return new ConceptSet(
      this.universe,
      small.sorted!.filter((concept) => large.has(concept)),
      undefined
    )
  }

  or(other: ConceptSet): ConceptSet {
    if (other.size === 0) return this
    if (this.size === 0) return other
    if (this.bits !== undefined || other.bits !== undefined || ConceptSet.wantsBits(this.universe, this.size + other.size)) {
      const bits = this.toBits()
      if (other.bits !== undefined) for (let i = 0; i < bits.length; i++) bits[i]! |= other.bits[i]!
      else for (const concept of other.sorted!) bits[concept >>> 5]! |= 1 << (concept & 31)
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
    if (this.sorted !== undefined) {
      return new ConceptSet(
        this.universe,
        this.sorted.filter((concept) => !other.has(concept)),
        undefined
      )
    }
    const bits = this.bits!.slice()
    if (other.bits !== undefined) for (let i = 0; i < bits.length; i++) bits[i]! &= ~other.bits[i]!
    else for (const concept of other.sorted!) bits[concept >>> 5]! &= ~(1 << (concept & 31))
    return ConceptSet.fromBits(this.universe, bits)
  }

  /** The members for which `keep` holds. */
  filter(keep: (concept: number) => boolean): ConceptSet {
    const kept = this.toSorted().filter(keep)
    return kept.length === this.size ? this : ConceptSet.fromSorted(this.universe, kept)
  }
}

/** Gathers positions (any order, repeats allowed) into a set, straight into a bitmap when many are expected. */
export class ConceptCollector {
  private readonly bits: Uint32Array | undefined
  private readonly list: Array<number> = []

  constructor(
    private readonly universe: number,
    expected: number
  ) {
    if (expected > universe >>> 5) this.bits = new Uint32Array((universe + 31) >>> 5)
  }

  add(concept: number) {
    if (this.bits !== undefined) this.bits[concept >>> 5]! |= 1 << (concept & 31)
    else this.list.push(concept)
  }

  done(): ConceptSet {
    return this.bits !== undefined ? ConceptSet.fromBits(this.universe, this.bits) : ConceptSet.fromUnsorted(this.universe, this.list)
  }
}
