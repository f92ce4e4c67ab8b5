// Seeded pseudo-random numbers. Everything the generator writes is a function of the seed, and
// each concept's content comes from its own stream (seed, concept index, purpose), so passes that
// write different files can regenerate the same content independently and in any order.
import { fmix32 } from "./ids.ts"

/** Purposes of per-concept random streams; keeps streams for different files independent. */
export const Stream = {
  model: 1,
  term: 2,
  descriptions: 3,
  relationships: 4,
  refsets: 5,
  maps: 6,
  history: 7,
  truth: 8,
  ids: 9
} as const

/** sfc32: a small, fast generator with 128 bits of state. */
export class Rng {
  private a = 0
  private b = 0
  private c = 0
  private d = 1

  constructor(seed = 0, index = 0, stream = 0) {
    this.reseed(seed, index, stream)
  }

  /** Restarts the generator on the stream for (seed, index, stream). */
  reseed(seed: number, index: number, stream: number): this {
    this.a = fmix32((seed ^ 0x243f6a88) >>> 0)
    this.b = fmix32((index + 0x85a308d3 + Math.imul(stream, 0x13198a2e)) >>> 0)
    this.c = fmix32((stream ^ 0x03707344 ^ Math.imul(seed, 0x27d4eb2f)) >>> 0)
    this.d = (Math.floor(index / 0x100000000) ^ 0xa4093822) >>> 0
    for (let i = 0; i < 10; i++) this.uint32()
    return this
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n)
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  chance(p: number): boolean {
    return this.float() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  /**
   * An index in [0, n) skewed towards 0: P(index < k) = (k/n)^(1/power), for a whole `power`
   * (repeated multiplication rounds the same on every JavaScript engine, Math.pow may not).
   */
  skewed(n: number, power: number): number {
    const u = this.float()
    let x = u
    for (let k = 1; k < power; k++) x *= u
    return Math.min(n - 1, Math.floor(n * x))
  }

  /** Poisson-distributed count with mean `mean` (Knuth's method; fine for small means). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean)
    let k = 0
    let p = this.float()
    while (p > limit) {
      k++
      p *= this.float()
    }
    return k
  }

  /** Index drawn with probability proportional to `weights`. */
  weighted(weights: readonly number[]): number {
    let total = 0
    for (const w of weights) total += w
    let u = this.float() * total
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!
      if (u < 0) return i
    }
    return weights.length - 1
  }

  /** Shuffles in place (Fisher–Yates). */
  shuffle(items: Int32Array): Int32Array {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = items[i]!
      items[i] = items[j]!
      items[j] = t
    }
    return items
  }
}

/** Samples ranks 0..n-1 with probability proportional to 1/(rank+1)^exponent. */
export class Zipf {
  private readonly cdf: Float64Array

  constructor(
    readonly n: number,
    exponent: number
  ) {
    this.cdf = new Float64Array(n)
    let total = 0
    for (let r = 0; r < n; r++) {
      total += exponent === 1 ? 1 / (r + 1) : 1 / Math.pow(r + 1, exponent)
      this.cdf[r] = total
    }
    for (let r = 0; r < n; r++) this.cdf[r] = this.cdf[r]! / total
  }

  sample(rng: Rng): number {
    const u = rng.float()
    let lo = 0
    let hi = this.n - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.cdf[mid]! < u) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
