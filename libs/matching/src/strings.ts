/**
 * String similarity used by the comparisons. Jaro–Winkler is small enough to keep here (the npm
 * packages for it are unmaintained or untyped); it is tested against the values published by
 * Winkler (1990) and reproduced in the standard record-linkage texts.
 */

let matchedA = new Uint8Array(128)
let matchedB = new Uint8Array(128)

/** Jaro similarity in [0, 1]: shared characters within a window, penalised by transpositions. */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1
  const la = a.length
  const lb = b.length
  if (la === 0 || lb === 0) return 0
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1)
  // Scratch flags reused by every call: a batch compares millions of pairs, and two new arrays a
  // call would be millions of pieces of garbage.
  if (matchedA.length < la) matchedA = new Uint8Array(2 * la)
  if (matchedB.length < lb) matchedB = new Uint8Array(2 * lb)
  matchedA.fill(0, 0, la)
  matchedB.fill(0, 0, lb)
  let matches = 0
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window)
    const to = Math.min(lb - 1, i + window)
    for (let j = from; j <= to; j++) {
      if (matchedB[j] === 0 && a.charCodeAt(i) === b.charCodeAt(j)) {
        matchedA[i] = 1
        matchedB[j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let j = 0
  for (let i = 0; i < la; i++) {
    if (matchedA[i] === 0) continue
    while (matchedB[j] === 0) j++
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions++
    j++
  }
  const m = matches
  return (m / la + m / lb + (m - transpositions / 2) / m) / 3
}

/** Jaro–Winkler: Jaro boosted by a common prefix of up to four characters (scaling 0.1). */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b)
  let prefix = 0
  const limit = Math.min(4, a.length, b.length)
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return j + prefix * 0.1 * (1 - j)
}

/** True when `b` is `a` with exactly two adjacent characters swapped. */
export function isAdjacentTransposition(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false
  let i = 0
  while (a.charCodeAt(i) === b.charCodeAt(i)) i++
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
}

/** True when the strings have the same length and differ in exactly one position. */
export function isOneSubstitution(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let differences = 0
  for (let i = 0; i < a.length && differences < 2; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) differences++
  return differences === 1
}

/** True when the strings are one edit apart: a substitution, an insertion/deletion or an adjacent swap. */
export function isOneEdit(a: string, b: string): boolean {
  if (a === b) return false
  if (a.length === b.length) return isOneSubstitution(a, b) || isAdjacentTransposition(a, b)
  const [short, long] = a.length < b.length ? [a, b] : [b, a]
  if (long.length - short.length !== 1) return false
  let i = 0
  while (i < short.length && short.charCodeAt(i) === long.charCodeAt(i)) i++
  return short.slice(i) === long.slice(i + 1)
}
