import { describe, expect, it } from "vitest"
import { isValidNhsNumber } from "../src/NhsNumber"

describe("NHS numbers", () => {
  it("accepts ten digits with the modulus 11 check digit", () => {
    // 943 476 5919 is the NHS Data Dictionary's worked example.
    expect(isValidNhsNumber("9434765919")).toBe(true)
    expect(isValidNhsNumber("4010232137")).toBe(true)
  })
  it("refuses a wrong check digit, a stem whose remainder is 10, wrong lengths and non-digits", () => {
    expect(isValidNhsNumber("9434765918")).toBe(false)
    expect(isValidNhsNumber("0000000060")).toBe(false) // nine digits whose check would be 10
    expect(isValidNhsNumber("943476591")).toBe(false)
    expect(isValidNhsNumber("94347659190")).toBe(false)
    expect(isValidNhsNumber("943 476 5919")).toBe(false)
    expect(isValidNhsNumber("94347659x9")).toBe(false)
  })
})
