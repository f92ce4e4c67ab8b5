import { describe, expect, it } from "vitest"
import { hasValidCheckDigit, sctidProblem } from "../src/Sctid"

describe("SCTIDs", () => {
  it("accept real identifiers of every partition", () => {
    for (const id of ["138875005", "116680003", "22298006", "900000000000003001", "999001261000000100", "31000003106"]) {
      expect(sctidProblem(id, "concept")).toBeUndefined()
    }
    expect(sctidProblem("3031000230100", "concept")).toBeUndefined()
  })

  it("reject a changed digit, with the reason", () => {
    expect(hasValidCheckDigit("22298006")).toBe(true)
    expect(hasValidCheckDigit("22298007")).toBe(false)
    expect(hasValidCheckDigit("22289006")).toBe(false)
    expect(sctidProblem("22298007")).toBe("'22298007' fails its Verhoeff check digit")
  })

  it("reject malformed ids and the wrong component kind", () => {
    expect(sctidProblem("0123456")).toMatch(/not an SCTID/)
    expect(sctidProblem("12345")).toMatch(/not an SCTID/)
    expect(sctidProblem("22298006x")).toMatch(/not an SCTID/)
    expect(sctidProblem("1234567895")).toMatch(/unknown partition identifier '89'/)
    expect(sctidProblem("22298006", "description")).toBe("'22298006' is a concept identifier, not a description identifier")
  })
})
