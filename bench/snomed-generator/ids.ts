// SNOMED CT identifiers (SCTIDs) and refset member UUIDs.
//
// An SCTID is  itemId [namespace(7)] partition(2) check(1):
//   short format (core content):  itemId + "0" + kind + Verhoeff check digit
//   long format (extensions):     itemId + 7-digit namespace + "1" + kind + check digit
// where kind is 0 concept, 1 description, 2 relationship. SCTIDs can be 18 digits long,
// beyond Number.MAX_SAFE_INTEGER, so they are handled as strings throughout.

export type ComponentKind = "concept" | "description" | "relationship"

const KIND_DIGIT: Record<ComponentKind, string> = { concept: "0", description: "1", relationship: "2" }
const DIGIT_KIND: Record<string, ComponentKind> = { "0": "concept", "1": "description", "2": "relationship" }

// Verhoeff tables: multiplication in the dihedral group D5, the position permutation, the inverse.
const D = Uint8Array.from([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 0, 6, 7, 8, 9, 5, 2, 3, 4, 0, 1, 7, 8, 9, 5, 6, 3, 4, 0, 1, 2, 8, 9, 5, 6, 7, 4, 0, 1, 2, 3, 9,
  5, 6, 7, 8, 5, 9, 8, 7, 6, 0, 4, 3, 2, 1, 6, 5, 9, 8, 7, 1, 0, 4, 3, 2, 7, 6, 5, 9, 8, 2, 1, 0, 4, 3, 8, 7, 6, 5, 9, 3, 2, 1, 0, 4, 9, 8,
  7, 6, 5, 4, 3, 2, 1, 0
])
const P = Uint8Array.from([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 5, 7, 6, 2, 8, 3, 0, 9, 4, 5, 8, 0, 3, 7, 9, 6, 1, 4, 2, 8, 9, 1, 6, 0, 4, 3, 5, 2, 7, 9, 4, 5, 3, 1, 2,
  6, 8, 7, 0, 4, 2, 8, 6, 5, 7, 3, 9, 0, 1, 2, 7, 9, 3, 8, 0, 6, 4, 1, 5, 7, 0, 4, 6, 9, 1, 3, 2, 5, 8
])
const INV = Uint8Array.from([0, 4, 3, 2, 1, 5, 6, 7, 8, 9])

/** Runs the Verhoeff accumulator over `digits`; `offset` 1 computes a check digit, 0 validates. */
function verhoeff(digits: string, offset: number): number {
  let c = 0
  const n = digits.length
  for (let i = 0; i < n; i++) {
    const d = digits.charCodeAt(n - 1 - i) - 48
    c = D[c * 10 + P[((i + offset) % 8) * 10 + d]!]!
  }
  return c
}

/** The Verhoeff check digit to append to a string of decimal digits. */
export function verhoeffCheckDigit(digits: string): number {
  return INV[verhoeff(digits, 1)]!
}

/** Whether a string of decimal digits ends in a correct Verhoeff check digit. */
export function verhoeffValid(digits: string): boolean {
  return /^[0-9]+$/.test(digits) && verhoeff(digits, 0) === 0
}

/** Builds an SCTID; `namespace` 0 means the short (core) format. */
export function makeSctid(item: number, kind: ComponentKind, namespace = 0): string {
  const body = namespace === 0 ? `${item}0${KIND_DIGIT[kind]}` : `${item}${String(namespace).padStart(7, "0")}1${KIND_DIGIT[kind]}`
  return body + verhoeffCheckDigit(body)
}

export interface ParsedSctid {
  readonly kind: ComponentKind
  /** 0 for the short format. */
  readonly namespace: number
  readonly item: string
}

/** Parses an SCTID, or returns undefined if it is not a valid one (format, partition, check digit). */
export function parseSctid(id: string): ParsedSctid | undefined {
  if (!/^[1-9][0-9]{5,17}$/.test(id) || !verhoeffValid(id)) return undefined
  const partition = id.slice(-3, -1)
  const kind = DIGIT_KIND[partition[1]!]
  if (kind === undefined) return undefined
  if (partition[0] === "0") return { kind, namespace: 0, item: id.slice(0, -3) }
  if (partition[0] !== "1" || id.length < 11) return undefined
  return { kind, namespace: Number(id.slice(-10, -3)), item: id.slice(0, -10) }
}

/** Whether `id` is a valid SCTID, optionally of the given component kind. */
export function isSctid(id: string, kind?: ComponentKind): boolean {
  const parsed = parseSctid(id)
  return parsed !== undefined && (kind === undefined || parsed.kind === kind)
}

/**
 * Hands out increasing, unique SCTIDs of one kind in one namespace. Item ids advance by a
 * random step in [1, 2·meanStep - 1] so that ids look scattered rather than consecutive; ids in
 * `reserved` (the real metadata ids the release also uses) are skipped.
 */
export class IdAllocator {
  private item: number
  constructor(
    readonly kind: ComponentKind,
    readonly namespace: number,
    firstItem: number,
    private readonly meanStep: number,
    private readonly random: () => number,
    private readonly reserved: ReadonlySet<string> = new Set()
  ) {
    this.item = firstItem
  }

  next(): string {
    for (;;) {
      this.item += 1 + Math.floor(this.random() * (2 * this.meanStep - 1))
      const id = makeSctid(this.item, this.kind, this.namespace)
      if (!this.reserved.has(id)) return id
    }
  }
}

// ---------------------------------------------------------------- member UUIDs

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

/** MurmurHash3's 32-bit finaliser: a bijection on 32-bit integers that mixes well. */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

function hex32(x: number): string {
  return HEX[x >>> 24]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!
}

/**
 * A random-looking version-4 UUID for refset member number `n` (< 2^32) of a generation with
 * the given salt. Its first 32 bits are a bijection of `n`, so distinct `n` give distinct UUIDs.
 */
export function memberUuid(salt: number, n: number): string {
  const a = fmix32((n ^ salt) >>> 0)
  const b = fmix32((a + 0x9e3779b9) >>> 0)
  const c = fmix32((b ^ salt ^ 0x7f4a7c15) >>> 0)
  const d = fmix32((c + n) >>> 0)
  const b16 = hex32(b)
  const c16 = hex32(c)
  const version = "4" + b16.slice(5, 8)
  const variant = "89ab"[c >>> 30]! + c16.slice(1, 4)
  return `${hex32(a)}-${b16.slice(0, 4)}-${version}-${variant}-${c16.slice(4, 8)}${hex32(d)}`
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** Whether `s` is a lower-case RFC 4122 UUID, as refset member ids are. */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s)
}
