/**
 * The comparisons of the model. Each compares one attribute of two prepared records and answers the
 * level reached, best first (the last level is always `else`, disagreement), or `NO_EVIDENCE` when
 * either side has no usable value: a missing value is never read as disagreement. Records with
 * several names or addresses are compared pair by pair and the best level counts.
 */
import { forenameEquivalences, surnameEquivalences, type NameEquivalences } from "./names"
import type { PreparedName, PreparedPerson } from "./record"
import { isAdjacentTransposition, isOneEdit, isOneSubstitution, jaroWinkler } from "./strings"

export const NO_EVIDENCE = -1

export interface ComparisonLevel {
  readonly name: string
  readonly description: string
}

export interface Comparison {
  readonly name: string
  /** Best first; the last is `else`. */
  readonly levels: ReadonlyArray<ComparisonLevel>
  /** The level index reached, or `NO_EVIDENCE`. */
  readonly compare: (a: PreparedPerson, b: PreparedPerson) => number
  /**
   * For comparisons whose exact level is adjusted by term frequency: the values a record holds
   * (counted over the index) and the value two records agree on at the exact level.
   */
  readonly termFrequency?: {
    readonly values: (record: PreparedPerson) => ReadonlyArray<string>
    readonly agreed: (a: PreparedPerson, b: PreparedPerson) => string | undefined
  }
}

const level = (name: string, description: string): ComparisonLevel => ({ name, description })
const ELSE = level("else", "disagree")

// The best (lowest) level over every pair of values; NO_EVIDENCE when no pair had both values.
function best<A>(as: ReadonlyArray<A>, bs: ReadonlyArray<A>, compare: (a: A, b: A) => number): number {
  let found = NO_EVIDENCE
  for (const a of as) {
    for (const b of bs) {
      const reached = compare(a, b)
      if (reached !== NO_EVIDENCE && (found === NO_EVIDENCE || reached < found)) found = reached
      if (found === 0) return 0
    }
  }
  return found
}

const shareAny = (as: ReadonlyArray<string>, bs: ReadonlyArray<string>) => as.some((a) => bs.includes(a))

// The levels a forename and a surname share after the exact one: a listed equivalence, then
// spelling (Jaro–Winkler), sound (Double Metaphone on the folded name), looser spelling; or none.
function fuzzyNameLevel(
  a: string,
  b: string,
  aSounds: ReadonlyArray<string>,
  bSounds: ReadonlyArray<string>,
  table: NameEquivalences
): number | undefined {
  if (table.lookup(a, b) !== undefined) return 1
  const similarity = jaroWinkler(a, b)
  if (similarity >= 0.92) return 2
  if (shareAny(aSounds, bSounds)) return 3
  return similarity >= 0.8 ? 4 : undefined
}

const SWAP_SIMILARITY = 0.92
const alike = (a: string | null, b: string | null) => a !== null && b !== null && (a === b || jaroWinkler(a, b) >= SWAP_SIMILARITY)

// Forename and surname written the other way round (each perhaps with a typo), in one record or the other.
const swapped = (a: PreparedName, b: PreparedName) =>
  a.forename !== a.surname && a.forename !== b.forename && alike(a.forename, b.surname) && alike(a.surname, b.forename)

const nameLevels = (table: string) => [
  level("exact", "the same after case and diacritic folding"),
  level("equivalent", `listed as equivalent in the ${table} table`),
  level("jaro-winkler-0.92", "Jaro–Winkler similarity at least 0.92"),
  level("phonetic", "a Double Metaphone code in common"),
  level("jaro-winkler-0.80", "Jaro–Winkler similarity at least 0.80")
]

/**
 * The forename; a swap of forename and surname counts here (and gives the surname no evidence), and
 * so does a forename written as the other record's surname.
 */
export const forename: Comparison = {
  name: "forename",
  levels: [
    ...nameLevels("forename"),
    level("swapped", "forename and surname swapped (each the same or Jaro–Winkler at least 0.92)"),
    level("other-given-name", "a given name in common (a middle name used as the forename)"),
    level("crossed", "one record's forename is the other's surname (Rhys Owen, Owen Davies)"),
    ELSE
  ],
  compare: (a, b) =>
    best(a.names, b.names, (x, y) => {
      if (x.forename === null || y.forename === null) return NO_EVIDENCE
      if (x.forename === y.forename) return 0
      if (swapped(x, y)) return 5
      const fuzzy = fuzzyNameLevel(x.forename, y.forename, x.forenameSounds, y.forenameSounds, forenameEquivalences)
      if (fuzzy !== undefined) return fuzzy
      if (shareAny(x.given, y.given)) return 6
      return alike(x.forename, y.surname) || alike(x.surname, y.forename) ? 7 : 8
    }),
  termFrequency: {
    values: (record) => record.names.flatMap((name) => (name.forename === null ? [] : [name.forename])),
    agreed: (a, b) => a.names.find((x) => b.names.some((y) => x.forename !== null && x.forename === y.forename))?.forename ?? undefined
  }
}

/** The family name, with Welsh patronymic forms (Powell/ap Hywel) and double-barrelled names. */
export const surname: Comparison = {
  name: "surname",
  levels: [...nameLevels("surname"), level("shared-word", "a word of a double-barrelled name in common"), ELSE],
  compare: (a, b) =>
    best(a.names, b.names, (x, y) => {
      if (x.surname === null || y.surname === null || swapped(x, y)) return NO_EVIDENCE
      if (x.surname === y.surname) return 0
      const fuzzy = fuzzyNameLevel(x.surname, y.surname, x.surnameSounds, y.surnameSounds, surnameEquivalences)
      if (fuzzy !== undefined) return fuzzy
      return shareAny(x.surnameWords, y.surnameWords) ? 5 : 6
    }),
  termFrequency: {
    values: (record) => record.names.flatMap((name) => (name.surname === null ? [] : [name.surname])),
    agreed: (a, b) => a.names.find((x) => b.names.some((y) => x.surname !== null && x.surname === y.surname))?.surname ?? undefined
  }
}

const DAYS_IN_MONTH = 31
const DAYS_IN_YEAR = 366

export const birthDate: Comparison = {
  name: "birthDate",
  levels: [
    level("exact", "the same date"),
    level("day-month-swapped", "day and month transposed"),
    level("one-digit", "one digit different, or two adjacent digits swapped"),
    level("within-month", "within 31 days"),
    level("within-year", "within 366 days"),
    ELSE
  ],
  compare: ({ birthDate: a }, { birthDate: b }) => {
    if (a === null || b === null) return NO_EVIDENCE
    if (a.digits === b.digits) return 0
    if (a.year === b.year && a.day === b.month && a.month === b.day) return 1
    if (isOneSubstitution(a.digits, b.digits) || isAdjacentTransposition(a.digits, b.digits)) return 2
    const days = Math.abs(a.epochDay - b.epochDay)
    if (days <= DAYS_IN_MONTH) return 3
    return days <= DAYS_IN_YEAR ? 4 : 5
  },
  termFrequency: {
    values: (record) => (record.birthDate === null ? [] : [record.birthDate.digits]),
    agreed: (a, b) => a.birthDate?.digits
  }
}

export const sex: Comparison = {
  name: "sex",
  levels: [level("exact", "the same administrative sex"), ELSE],
  compare: (a, b) => (a.sex === null || b.sex === null ? NO_EVIDENCE : a.sex === b.sex ? 0 : 1)
}

/** Any of the addresses' postcodes, by its parts; a postcode that is not a UK one agrees only as a whole or with one typo. */
export const postcode: Comparison = {
  name: "postcode",
  levels: [
    level("unit", "the same postcode"),
    level("one-character", "one character different, added, dropped or swapped with its neighbour"),
    level("sector", "the same sector (CF10 3)"),
    level("district", "the same district (CF10)"),
    level("area", "the same area (CF)"),
    ELSE
  ],
  compare: (a, b) =>
    best(a.postcodes, b.postcodes, (x, y) => {
      if (x.unit === y.unit) return 0
      if (isOneEdit(x.unit.replace(" ", ""), y.unit.replace(" ", ""))) return 1
      if (x.sector !== null && x.sector === y.sector) return 2
      if (x.district !== null && x.district === y.district) return 3
      if (x.area !== null && x.area === y.area) return 4
      return 5
    }),
  termFrequency: {
    values: (record) => record.postcodes.map((code) => code.unit),
    agreed: (a, b) => a.postcodes.find((x) => b.postcodes.some((y) => x.unit === y.unit))?.unit
  }
}

const STREET_SIMILARITY = 0.92

const shareUnit = (a: PreparedPerson, b: PreparedPerson) => a.postcodes.some((x) => b.postcodes.some((y) => x.unit === y.unit))

const houseLevel = (a: PreparedPerson, b: PreparedPerson) =>
  best(a.addresses, b.addresses, (x, y) => {
    if (x.street !== y.street && jaroWinkler(x.street, y.street) < STREET_SIMILARITY) return 2
    return x.houseNumber !== null && x.houseNumber === y.houseNumber ? 0 : 1
  })

/**
 * House number and street of any of the addresses. Postcode, house and practice are not
 * independent: everyone at one address shares all three, so counting each would weigh one home
 * three times (a household would look like one person). The house therefore counts only where the
 * postcodes do not already say it: records sharing a postcode unit and a house give no further
 * evidence here; another house at that postcode still counts against.
 */
export const address: Comparison = {
  name: "address",
  levels: [
    level("number-and-street", "the same house number on the same street (Jaro–Winkler at least 0.92), at another postcode or none"),
    level("street", "the same street, another or no house number"),
    ELSE
  ],
  compare: (a, b) => {
    const reached = houseLevel(a, b)
    return reached === 0 && shareUnit(a, b) ? NO_EVIDENCE : reached
  }
}

/**
 * The NHS number. Two valid numbers agree or not. The modulus 11 check catches every swap of two
 * digits, so a number that fails it may be a mistyped copy of the other record's valid number:
 * that is the `one-transposition` level; any other invalid number is no evidence.
 */
export const nhsNumber: Comparison = {
  name: "nhsNumber",
  levels: [
    level("exact", "the same valid NHS number"),
    level("one-transposition", "an invalid number that is the other's with two adjacent digits swapped"),
    ELSE
  ],
  compare: ({ nhsNumber: a }, { nhsNumber: b }) => {
    if (a === null || b === null) return NO_EVIDENCE
    if (a.valid && b.valid) return a.value === b.value ? 0 : 2
    if (a.valid !== b.valid && isAdjacentTransposition(a.value, b.value)) return 1
    return NO_EVIDENCE
  }
}

/** A local identifier (hospital number) from the same issuer. */
export const localIdentifier: Comparison = {
  name: "localIdentifier",
  levels: [
    level("exact", "the same identifier"),
    level("one-transposition", "two adjacent characters swapped"),
    level("one-character", "one character different"),
    ELSE
  ],
  // The best level over the pairs of numbers from one issuer; none in common is no evidence.
  compare: (a, b) => {
    let best = NO_EVIDENCE
    for (const x of a.localIdentifiers) {
      for (const y of b.localIdentifiers) {
        if (x.system !== y.system) continue
        const reached =
          x.value === y.value ? 0 : isAdjacentTransposition(x.value, y.value) ? 1 : isOneSubstitution(x.value, y.value) ? 2 : 3
        if (best === NO_EVIDENCE || reached < best) best = reached
      }
    }
    return best
  }
}

/**
 * The GP practice, for records that do not share a home: a household is registered together, so
 * at one postcode or house the practice says nothing the address has not (see `address`); after a
 * move, keeping the practice is real evidence.
 */
export const gpPractice: Comparison = {
  name: "gpPractice",
  levels: [level("exact", "registered with the same GP practice, living apart"), ELSE],
  compare: (a, b) => {
    if (a.gpPractice === null || b.gpPractice === null || shareUnit(a, b) || houseLevel(a, b) === 0) return NO_EVIDENCE
    return a.gpPractice === b.gpPractice ? 0 : 1
  }
}

/** Every comparison, by name: a model names the ones it uses. */
export const comparisons: ReadonlyMap<string, Comparison> = new Map(
  [forename, surname, birthDate, sex, postcode, address, nhsNumber, localIdentifier, gpPractice].map((comparison) => [
    comparison.name,
    comparison
  ])
)
