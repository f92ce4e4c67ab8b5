/**
 * A person record as matching sees it, and its prepared form: every value normalised once
 * (folded names and their phonetic codes, parsed postcodes and dates), so scoring a pair does no
 * parsing. A record carries its name and address history; comparisons use all of it.
 */
import { doubleMetaphone } from "double-metaphone"
import { LRUCache } from "lru-cache"
import { fold, parseBirthDate, parseNhsNumber, parsePostcode, parseSex, type BirthDate, type NhsNumber, type Postcode } from "./normalise"

export interface PersonName {
  /** Given names in order: the forename first, then middle names. */
  readonly given?: ReadonlyArray<string> | undefined
  readonly family?: string | undefined
}

export interface PersonAddress {
  readonly lines?: ReadonlyArray<string> | undefined
  readonly postcode?: string | undefined
}

export interface LocalIdentifier {
  /** The issuer (a FHIR identifier system); numbers without one are compared with each other. */
  readonly system?: string | undefined
  readonly value: string
}

/** What a source knows of a person. Names and addresses: the current one first, then earlier ones. */
export interface Person {
  readonly id: string
  readonly nhsNumber?: string | undefined
  /** Hospital or other local numbers, each compared only with numbers from the same issuer (`system`). */
  readonly localIdentifiers?: ReadonlyArray<LocalIdentifier> | undefined
  readonly names?: ReadonlyArray<PersonName> | undefined
  /** `YYYY-MM-DD` or `YYYYMMDD`. */
  readonly birthDate?: string | undefined
  readonly sex?: string | undefined
  readonly addresses?: ReadonlyArray<PersonAddress> | undefined
  readonly gpPractice?: string | undefined
}

export interface PreparedName {
  /** The first given name, folded. */
  readonly forename: string | null
  /** All given names, folded, one word each. */
  readonly given: ReadonlyArray<string>
  readonly forenameSounds: ReadonlyArray<string>
  /** The family name folded (`ap hywel`, `jones evans`), its words and its sounds. */
  readonly surname: string | null
  readonly surnameWords: ReadonlyArray<string>
  readonly surnameSounds: ReadonlyArray<string>
}

export interface PreparedAddress {
  readonly houseNumber: string | null
  /** The street (or the house name when there is no number), folded. */
  readonly street: string
}

export interface PreparedPerson {
  readonly person: Person
  readonly names: ReadonlyArray<PreparedName>
  readonly birthDate: BirthDate | null
  readonly sex: string | null
  readonly postcodes: ReadonlyArray<Postcode>
  readonly addresses: ReadonlyArray<PreparedAddress>
  readonly nhsNumber: NhsNumber | null
  /** Upper case without spaces; the system as given, empty when none. */
  readonly localIdentifiers: ReadonlyArray<{ readonly system: string; readonly value: string }>
  readonly gpPractice: string | null
}

// Double Metaphone's two codes, without empties and duplicates.
const sounds = (text: string): ReadonlyArray<string> => [...new Set(doubleMetaphone(text.replace(/ /g, "")))].filter((code) => code !== "")

/**
 * Jaro–Winkler costs the product of two lengths, so folded values are cut to this many characters:
 * a name of thousands of characters cannot make scoring slow, whatever the caller let through.
 */
export const MAX_VALUE_LENGTH = 100
const foldBounded = (text: string) =>
  fold(text.slice(0, 4 * MAX_VALUE_LENGTH))
    .slice(0, MAX_VALUE_LENGTH)
    .trim()

const nonEmpty = (text: string | undefined): string | null => {
  const value = text === undefined ? "" : foldBounded(text)
  return value === "" ? null : value
}

function prepareName(name: PersonName): PreparedName | null {
  const given = (name.given ?? []).flatMap((part) => foldBounded(part).split(" ")).filter((word) => word !== "")
  const forename = given[0] ?? null
  const surname = nonEmpty(name.family)
  if (forename === null && surname === null) return null
  return {
    forename,
    given,
    forenameSounds: forename === null ? [] : sounds(forename),
    surname,
    surnameWords: surname === null ? [] : surname.split(" "),
    surnameSounds: surname === null ? [] : sounds(surname)
  }
}

const HOUSE_NUMBER = /^(\d+[a-z]?) (.+)$/

function prepareAddress(address: PersonAddress): PreparedAddress | null {
  const lines = (address.lines ?? []).map(foldBounded).filter((line) => line !== "")
  for (const line of lines) {
    const numbered = HOUSE_NUMBER.exec(line)
    if (numbered !== null) return { houseNumber: numbered[1] ?? null, street: numbered[2] ?? "" }
  }
  const first = lines[0]
  return first === undefined ? null : { houseNumber: null, street: first }
}

const present = <A>(value: A | null): value is A => value !== null

// How a record's parts are prepared: each on its own, or shared between records.
interface PartPreparer {
  readonly name: (name: PersonName) => PreparedName | null
  readonly address: (address: PersonAddress) => PreparedAddress | null
  readonly postcode: (text: string | undefined) => Postcode | null
  readonly birthDate: (text: string | undefined) => BirthDate | null
}

const eachOnItsOwn: PartPreparer = { name: prepareName, address: prepareAddress, postcode: parsePostcode, birthDate: parseBirthDate }

/** Where prepared parts are kept: a `Map` keeps all, an `LRUCache` the recently used. */
interface PartStore {
  get(key: string): unknown
  set(key: string, value: NonNullable<unknown>): unknown
}

// Stored for a part that prepares to nothing (an `LRUCache` holds no null), so it is not prepared again.
const nothing = Symbol("nothing")

const memoised =
  <A, B>(prepare: (value: A) => B, keyOf: (value: A) => string, store: PartStore) =>
  (value: A): B => {
    const key = keyOf(value)
    const found = store.get(key)
    if (found !== undefined) return (found === nothing ? null : found) as B
    const part = prepare(value)
    store.set(key, part ?? nothing)
    return part
  }

/** Each name, address, postcode and birth date prepared once for every record holding it, kept in the stores `storeOf` makes. */
const sharedParts = (storeOf: () => PartStore): PartPreparer => ({
  name: memoised(prepareName, (name) => `${(name.given ?? []).join("\u0000")}\u0001${name.family ?? ""}`, storeOf()),
  address: memoised(prepareAddress, (address) => (address.lines ?? []).join("\u0000"), storeOf()),
  postcode: memoised(parsePostcode, (text) => text ?? "", storeOf()),
  birthDate: memoised(parseBirthDate, (text) => text ?? "", storeOf())
})

/** Normalises a record once for any number of comparisons. */
export const preparePerson = (person: Person): PreparedPerson => prepareWith(eachOnItsOwn, person)

/**
 * A `preparePerson` that prepares each name, address, postcode and birth date once for every record
 * holding it. Preparing a whole index (`ffynnon match dedupe`) this way holds common names, streets
 * and dates once rather than in millions of copies, and folds and encodes each name once.
 */
export const sharingPreparer = (): ((person: Person) => PreparedPerson) => {
  const parts = sharedParts(() => new Map())
  return (person) => prepareWith(parts, person)
}

/**
 * A `preparePerson` for a service that prepares records as they come (`$match`'s candidates): the
 * `capacity` most recently used names, addresses, postcodes and birth dates are kept prepared, so a
 * common name is folded and encoded once, not for every record holding it.
 */
export const cachingPreparer = (capacity: number): ((person: Person) => PreparedPerson) => {
  const parts = sharedParts(() => new LRUCache<string, NonNullable<unknown>>({ max: capacity }))
  return (person) => prepareWith(parts, person)
}

function prepareWith(parts: PartPreparer, person: Person): PreparedPerson {
  const addresses = person.addresses ?? []
  const gpPractice = person.gpPractice?.trim().toUpperCase() ?? ""
  return {
    person,
    names: (person.names ?? []).map(parts.name).filter(present),
    birthDate: parts.birthDate(person.birthDate),
    sex: parseSex(person.sex),
    postcodes: addresses.map((address) => parts.postcode(address.postcode)).filter(present),
    addresses: addresses.map(parts.address).filter(present),
    nhsNumber: parseNhsNumber(person.nhsNumber),
    localIdentifiers: (person.localIdentifiers ?? []).flatMap(({ system, value }) => {
      const folded = value.replace(/\s/g, "").toUpperCase()
      return folded === "" ? [] : [{ system: system ?? "", value: folded }]
    }),
    gpPractice: gpPractice === "" ? null : gpPractice
  }
}
