/**
 * SNOMED CT identifiers (SCTIDs): 6 to 18 digits ending in a partition identifier and a Verhoeff
 * check digit (SNOMED CT Technical Implementation Guide, section 6.7). They exceed JavaScript's
 * exact integers, so they stay strings at the edges and `bigint` in the database.
 */

export type ComponentKind = "concept" | "description" | "relationship"

// Verhoeff's dihedral-group multiplication and permutation tables.
const multiplication = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
].flat()
// Row i of the permutation table is the base permutation applied i times.
const basePermutation = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]
const permutation = Array.from({ length: 8 }, (_, power) =>
  Array.from({ length: 10 }, (_, digit) => {
    let value = digit
    for (let k = 0; k < power; k++) value = basePermutation[value]!
    return value
  })
).flat()

/** True when the last digit of `digits` is its Verhoeff check digit. */
export const hasValidCheckDigit = (digits: string) => {
  let check = 0
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48
    check = multiplication[check * 10 + permutation[(i % 8) * 10 + digit]!]!
  }
  return check === 0
}

/** `stem` with its Verhoeff check digit appended. */
export const withCheckDigit = (stem: string) => {
  for (let check = 0; check < 10; check++) if (hasValidCheckDigit(`${stem}${check}`)) return `${stem}${check}`
  throw new Error(`no check digit for ${stem}`)
}

const partitionKinds: Record<string, ComponentKind> = {
  "00": "concept",
  "01": "description",
  "02": "relationship",
  "10": "concept",
  "11": "description",
  "12": "relationship"
}

/** Why `id` is not an SCTID of `kind` (any kind when omitted), or undefined when it is one. */
export const sctidProblem = (id: string, kind?: ComponentKind): string | undefined => {
  if (!/^[1-9]\d{5,17}$/.test(id)) return `'${id}' is not an SCTID (6 to 18 digits, no leading zero)`
  const partition = id.slice(-3, -1)
  const partitionKind = partitionKinds[partition]
  if (partitionKind === undefined) return `'${id}' has an unknown partition identifier '${partition}'`
  if (kind !== undefined && partitionKind !== kind) return `'${id}' is a ${partitionKind} identifier, not a ${kind} identifier`
  if (!hasValidCheckDigit(id)) return `'${id}' fails its Verhoeff check digit`
  return undefined
}
