/**
 * Normalisation of the values a person record carries: folded text, UK postcodes, NHS numbers and
 * birth dates. Placeholders that systems write when the real value is unknown are turned into null
 * here, once, so that no comparison ever reads them as evidence.
 */

/**
 * Case and diacritic folding: `Siân` → `sian`, `Lôn` → `lon`, `O'Brien` → `obrien`,
 * `Jones-Evans` → `jones evans`. Apostrophes vanish (they are spelt both ways), other
 * punctuation separates words.
 */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/['’`]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
}

/** A UK postcode split into its parts: `CF10 3AT` → area `CF`, district `CF10`, sector `CF10 3`, unit `CF10 3AT`. */
export interface Postcode {
  /** The unit, upper case with one space (or, for a value that is not a UK postcode, the value without spaces). */
  readonly unit: string
  readonly sector: string | null
  readonly district: string | null
  readonly area: string | null
}

const UK_POSTCODE = /^([A-Z]{1,2})([0-9][0-9A-Z]?)([0-9])([A-Z]{2})$/

/**
 * Parses a postcode. `ZZ99` postcodes are the NHS pseudo-postcodes (no fixed abode `ZZ99 3VZ`,
 * not known, overseas countries): null. A value that is not a UK postcode (an overseas one, the
 * Australian ones of the FEBRL data) keeps its unit only, so it can still agree exactly.
 */
export function parsePostcode(text: string | null | undefined): Postcode | null {
  if (text === null || text === undefined) return null
  const compact = text.toUpperCase().replace(/[^A-Z0-9]/g, "")
  if (compact.length === 0 || compact.startsWith("ZZ99")) return null
  const uk = UK_POSTCODE.exec(compact)
  if (uk === null) return { unit: compact, sector: null, district: null, area: null }
  const [, area, district, sector, unit] = uk as unknown as [string, string, string, string, string]
  const outward = area + district
  return { unit: `${outward} ${sector}${unit}`, sector: `${outward} ${sector}`, district: outward, area }
}

/** The NHS number's modulus 11 check: weights 10..2 on the first nine digits; a check digit of 10 means the number is invalid. */
export function isValidNhsNumber(text: string): boolean {
  if (!/^\d{10}$/.test(text) || /^(\d)\1{9}$/.test(text)) return false
  let sum = 0
  for (let i = 0; i < 9; i++) sum += (text.charCodeAt(i) - 48) * (10 - i)
  const check = 11 - (sum % 11)
  if (check === 10) return false
  return (check === 11 ? 0 : check) === text.charCodeAt(9) - 48
}

/** An NHS number with spaces removed, and whether it passes the modulus 11 check. */
export interface NhsNumber {
  readonly value: string
  readonly valid: boolean
}

export function parseNhsNumber(text: string | null | undefined): NhsNumber | null {
  if (text === null || text === undefined) return null
  const value = text.replace(/[\s-]/g, "")
  return value.length === 0 ? null : { value, valid: isValidNhsNumber(value) }
}

/** A birth date: its eight digits (`YYYYMMDD`, for digit-level comparison) and its day number since 1970. */
export interface BirthDate {
  readonly digits: string
  readonly year: number
  readonly month: number
  readonly day: number
  readonly epochDay: number
}

/**
 * Parses `YYYY-MM-DD` or `YYYYMMDD`. 1 January is the usual placeholder for an unknown birth date
 * (only the year was known), so it is null; so is anything that is not a real calendar date.
 */
export function parseBirthDate(text: string | null | undefined): BirthDate | null {
  if (text === null || text === undefined) return null
  const digits = text.replace(/-/g, "").trim()
  if (!/^\d{8}$/.test(digits)) return null
  const year = Number(digits.slice(0, 4))
  const month = Number(digits.slice(4, 6))
  const day = Number(digits.slice(6, 8))
  if (month === 1 && day === 1) return null
  const time = Date.UTC(year, month - 1, day)
  const date = new Date(time)
  if (year < 1850 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  return { digits, year, month, day, epochDay: Math.round(time / 86_400_000) }
}

/** Administrative sex as FHIR codes it; `unknown` and anything else is null. */
export function parseSex(text: string | null | undefined): "male" | "female" | "other" | null {
  const folded = text === null || text === undefined ? "" : fold(text)
  if (folded === "male" || folded === "m") return "male"
  if (folded === "female" || folded === "f") return "female"
  if (folded === "other") return "other"
  return null
}
