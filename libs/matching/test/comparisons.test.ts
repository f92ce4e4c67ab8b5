import { describe, expect, it } from "@effect/vitest"
import {
  address,
  birthDate,
  forename,
  gpPractice,
  localIdentifier,
  nhsNumber,
  NO_EVIDENCE,
  postcode,
  sex,
  surname,
  type Comparison
} from "../src/comparisons"
import { preparePerson, type Person } from "../src/record"

const person = (fields: Omit<Person, "id">): Person => ({ id: "x", ...fields })
const named = (given: string, family: string) => person({ names: [{ given: given.split(" "), family }] })
/** The name of the level two records reach, or null for no evidence. */
const level = (comparison: Comparison, a: Person, b: Person) => {
  const reached = comparison.compare(preparePerson(a), preparePerson(b))
  return reached === NO_EVIDENCE ? null : comparison.levels[reached]!.name
}

describe("forename", () => {
  it.each([
    ["Siân", "Sian", "exact"],
    ["Dafydd", "David", "equivalent"],
    ["Siôn", "John", "equivalent"],
    ["Bill", "William", "equivalent"],
    ["Catherine", "Catherina", "jaro-winkler-0.92"],
    ["Stephen", "Steven", "phonetic"],
    ["Jon", "John", "jaro-winkler-0.92"],
    ["Margaret", "Megan", "equivalent"],
    ["Mary Ann", "Ann", "other-given-name"],
    ["Gareth", "Bethan", "else"]
  ])("%s / %s: %s", (a, b, expected) => {
    expect(level(forename, named(a, "Jones"), named(b, "Jones"))).toBe(expected)
  })

  it("finds forename and surname swapped, and gives the surname no evidence for it", () => {
    expect(level(forename, named("Rhys", "Owen"), named("Owen", "Rhys"))).toBe("swapped")
    expect(level(surname, named("Rhys", "Owen"), named("Owen", "Rhys"))).toBeNull()
    expect(level(forename, named("Rhys", "Owen"), named("Owen", "Davies"))).toBe("crossed")
  })

  it("is no evidence when either forename is missing, never disagreement", () => {
    expect(level(forename, person({ names: [{ family: "Jones" }] }), named("Dai", "Jones"))).toBeNull()
    expect(level(forename, person({}), named("Dai", "Jones"))).toBeNull()
  })

  it("compares every name of a record's history and keeps the best", () => {
    const married = person({
      names: [
        { given: ["Ffion"], family: "Hughes" },
        { given: ["Ffion"], family: "Parry" }
      ]
    })
    expect(level(surname, married, named("Ffion", "Parry"))).toBe("exact")
    expect(level(surname, named("Ffion", "Parry"), married)).toBe("exact")
  })
})

describe("surname", () => {
  it.each([
    ["Powell", "ap Hywel", "equivalent"],
    ["Bowen", "ab Owen", "equivalent"],
    ["Evans", "Ifans", "equivalent"],
    ["Williams", "Wiliams", "jaro-winkler-0.92"],
    ["Jones-Evans", "Evans", "shared-word"],
    ["Jones", "Smith", "else"]
  ])("%s / %s: %s", (a, b, expected) => {
    expect(level(surname, named("Dai", a), named("Dai", b))).toBe(expected)
  })

  it("does not chain equivalences: Powell is ap Hywel, not Howell", () => {
    expect(level(surname, named("Dai", "Powell"), named("Dai", "Howell"))).not.toBe("equivalent")
  })
})

describe("birthDate", () => {
  it.each([
    ["1970-03-14", "1970-03-14", "exact"],
    ["1970-03-04", "1970-04-03", "day-month-swapped"],
    ["1970-03-14", "1970-03-19", "one-digit"],
    ["1970-03-14", "1907-03-14", "one-digit"],
    ["1970-03-30", "1970-04-12", "within-month"],
    ["1970-03-14", "1970-11-20", "within-year"],
    ["1970-03-14", "1982-06-02", "else"],
    ["1970-01-01", "1970-01-01", null]
  ])("%s / %s: %s", (a, b, expected) => {
    expect(level(birthDate, person({ birthDate: a }), person({ birthDate: b }))).toBe(expected)
  })
})

describe("postcode and address", () => {
  const at = (code: string, ...lines: Array<string>) => person({ addresses: [{ postcode: code, lines }] })
  it.each([
    ["CF10 3AT", "cf103at", "unit"],
    ["CF10 3AT", "CF10 3AU", "one-character"],
    ["CF10 3AT", "CF10 3BB", "sector"],
    ["CF10 3AT", "CF10 1BB", "district"],
    ["CF10 3AT", "CF24 4HQ", "area"],
    ["CF10 3AT", "SA1 1AA", "else"],
    ["CF10 3AT", "ZZ99 3VZ", null]
  ])("%s / %s: %s", (a, b, expected) => {
    expect(level(postcode, at(a), at(b))).toBe(expected)
  })

  it("compares house number and street, folded", () => {
    expect(level(address, at("", "12 Lôn y Dail"), at("", "12 Lon y Dail"))).toBe("number-and-street")
    expect(level(address, at("", "12 Lôn y Dail"), at("", "Flat 2", "14 Lon y Dail"))).toBe("street")
    expect(level(address, at("", "12 Lôn y Dail"), at("", "12 Heol Fawr"))).toBe("else")
    expect(level(address, at("CF10 3AT"), at("", "12 Heol Fawr"))).toBeNull()
  })

  it("uses earlier addresses too", () => {
    const moved = person({ addresses: [{ postcode: "SA1 1AA" }, { postcode: "CF10 3AT" }] })
    expect(level(postcode, moved, at("CF10 3AT"))).toBe("unit")
  })
})

describe("identifiers", () => {
  it("NHS number: valid numbers agree or not; an invalid one can only be a transposition of the other", () => {
    const nhs = (value: string) => person({ nhsNumber: value })
    expect(level(nhsNumber, nhs("943 476 5919"), nhs("9434765919"))).toBe("exact")
    expect(level(nhsNumber, nhs("9434765919"), nhs("4010232137"))).toBe("else")
    expect(level(nhsNumber, nhs("9434765919"), nhs("9434756919"))).toBe("one-transposition")
    expect(level(nhsNumber, nhs("9434765919"), nhs("1234567890"))).toBeNull()
    expect(level(nhsNumber, nhs("9434765919"), person({}))).toBeNull()
  })

  it("local identifier, sex and GP practice", () => {
    const hospital = (value: string, system = "https://fhir.cardiffandvale.wales.nhs.uk/Id/hospital-number") =>
      person({ localIdentifiers: [{ system, value }] })
    expect(level(localIdentifier, hospital("A123456"), hospital("a123465"))).toBe("one-transposition")
    expect(level(localIdentifier, hospital("A123456"), hospital("A123457"))).toBe("one-character")
    expect(level(localIdentifier, hospital("A123456"), hospital("B999999"))).toBe("else")
    // Another hospital's number says nothing: numbers from different issuers may coincide or differ.
    expect(
      level(localIdentifier, hospital("A123456"), hospital("A123456", "https://fhir.swanseabay.wales.nhs.uk/Id/hospital-number"))
    ).toBeNull()
    expect(
      level(
        localIdentifier,
        person({
          localIdentifiers: [
            { system: "x", value: "1" },
            { system: "y", value: "Y22" }
          ]
        }),
        person({ localIdentifiers: [{ system: "y", value: "Y22" }] })
      )
    ).toBe("exact")
    expect(level(sex, person({ sex: "female" }), person({ sex: "male" }))).toBe("else")
    expect(level(sex, person({ sex: "female" }), person({ sex: "unknown" }))).toBeNull()
    expect(level(gpPractice, person({ gpPractice: "w97001" }), person({ gpPractice: "W97001" }))).toBe("exact")
  })
})
