import { describe, expect, it } from "@effect/vitest"
import { fold, isValidNhsNumber, parseBirthDate, parseNhsNumber, parsePostcode, parseSex } from "../src/normalise"
import { syntheticPopulation } from "../src/population"
import { cachingPreparer, MAX_VALUE_LENGTH, preparePerson, sharingPreparer } from "../src/record"

describe("fold", () => {
  it("folds case and Welsh diacritics, keeping letters", () => {
    expect(fold("Siân")).toBe("sian")
    expect(fold("Lôn Las")).toBe("lon las")
    expect(fold("ŵyr ŷd")).toBe("wyr yd")
    expect(fold("O'Brien")).toBe("obrien")
    expect(fold("Jones-Evans")).toBe("jones evans")
    expect(fold("  ap  Hywel ")).toBe("ap hywel")
  })

  it("bounds the work a huge value can cause", () => {
    const prepared = preparePerson({
      id: "1",
      names: [{ given: ["Dafydd".repeat(2000)], family: "ap ".repeat(5000) }],
      addresses: [{ lines: ["1 " + "Heol ".repeat(4000)] }]
    })
    expect(prepared.names[0]?.forename?.length).toBe(MAX_VALUE_LENGTH)
    expect(prepared.names[0]?.surname?.length).toBeLessThanOrEqual(MAX_VALUE_LENGTH)
    expect(prepared.addresses[0]?.street.length).toBeLessThanOrEqual(MAX_VALUE_LENGTH)
  })

  it("keeps the original value on the record", () => {
    const prepared = preparePerson({ id: "1", names: [{ given: ["Siân"], family: "Lôn" }] })
    expect(prepared.names[0]?.forename).toBe("sian")
    expect(prepared.person.names?.[0]?.given?.[0]).toBe("Siân")
  })
})

describe("parsePostcode", () => {
  it("splits a UK postcode into unit, sector, district and area", () => {
    expect(parsePostcode("cf103at")).toEqual({ unit: "CF10 3AT", sector: "CF10 3", district: "CF10", area: "CF" })
    expect(parsePostcode("SA1 1AA")).toEqual({ unit: "SA1 1AA", sector: "SA1 1", district: "SA1", area: "SA" })
    expect(parsePostcode("W1A 1AA")?.district).toBe("W1A")
    expect(parsePostcode("LL57 2DG")?.sector).toBe("LL57 2")
  })

  it("treats the NHS pseudo-postcodes (no fixed abode, not known) and blanks as null", () => {
    expect(parsePostcode("ZZ99 3VZ")).toBeNull()
    expect(parsePostcode("zz993wz")).toBeNull()
    expect(parsePostcode("  ")).toBeNull()
    expect(parsePostcode(undefined)).toBeNull()
  })

  it("keeps a postcode that is not a UK one as a unit only", () => {
    expect(parsePostcode("4011")).toEqual({ unit: "4011", sector: null, district: null, area: null })
  })
})

describe("NHS numbers", () => {
  it("checks modulus 11", () => {
    expect(isValidNhsNumber("9434765919")).toBe(true)
    expect(isValidNhsNumber("9434765918")).toBe(false)
    expect(isValidNhsNumber("4010232137")).toBe(true)
    // A check digit of 10 makes the number invalid, whatever the last digit.
    expect(isValidNhsNumber("1000000010")).toBe(false)
    expect(isValidNhsNumber("0000000000")).toBe(false)
    expect(isValidNhsNumber("943476591")).toBe(false)
  })

  it("removes spaces and records validity", () => {
    expect(parseNhsNumber("943 476 5919")).toEqual({ value: "9434765919", valid: true })
    expect(parseNhsNumber("943 476 5991")).toEqual({ value: "9434765991", valid: false })
    expect(parseNhsNumber("")).toBeNull()
  })
})

describe("parseBirthDate", () => {
  it("reads both date forms", () => {
    expect(parseBirthDate("1970-03-14")).toMatchObject({ digits: "19700314", year: 1970, month: 3, day: 14, epochDay: 72 })
    expect(parseBirthDate("19700314")?.epochDay).toBe(72)
  })

  it("treats 1 January and impossible dates as unknown", () => {
    expect(parseBirthDate("1956-01-01")).toBeNull()
    expect(parseBirthDate("19560231")).toBeNull()
    expect(parseBirthDate("19561301")).toBeNull()
    expect(parseBirthDate("1956")).toBeNull()
  })
})

it("parseSex keeps male, female and other; unknown is null", () => {
  expect([parseSex("Female"), parseSex("M"), parseSex("other"), parseSex("unknown"), parseSex(undefined)]).toEqual([
    "female",
    "male",
    "other",
    null,
    null
  ])
})

describe("sharingPreparer", () => {
  it("prepares records as preparePerson does, holding each name, address, postcode and birth date once", () => {
    const people = syntheticPopulation({ people: 500, seed: 3 }).training
    const prepare = sharingPreparer()
    const shared = people.map(prepare)
    expect(shared).toEqual(people.map(preparePerson))
    const twins = [prepare({ ...people[0]!, id: "a" }), prepare({ ...people[0]!, id: "b" })]
    expect(twins[0]!.names[0]).toBe(twins[1]!.names[0])
    expect(twins[0]!.birthDate).toBe(twins[1]!.birthDate)
    expect(twins[0]!.postcodes[0]).toBe(twins[1]!.postcodes[0])
    expect(twins[0]!.addresses[0]).toBe(twins[1]!.addresses[0])
  })
})

describe("cachingPreparer", () => {
  it("prepares records as preparePerson does, sharing the parts it keeps and preparing again those it dropped", () => {
    const people = syntheticPopulation({ people: 500, seed: 4 }).training
    const prepare = cachingPreparer(10)
    expect(people.map(prepare)).toEqual(people.map(preparePerson))
    const first = prepare({ ...people[0]!, id: "a" })
    expect(prepare({ ...people[0]!, id: "b" }).names[0]).toBe(first.names[0])
    // More than ten other names since: the first is prepared again, the same but not the same object.
    for (const person of people.slice(1, 40)) prepare(person)
    const again = prepare({ ...people[0]!, id: "c" })
    expect(again.names[0]).toEqual(first.names[0])
    expect(again.names[0]).not.toBe(first.names[0])
  })
})
