import { describe, expect, it } from "vitest"
import { IdAllocator, isSctid, isUuid, makeSctid, memberUuid, parseSctid, verhoeffCheckDigit, verhoeffValid } from "./ids.ts"

const KNOWN_VALID = [
  "138875005", // SNOMED CT root
  "116680003", // is a
  "900000000000003001", // fully specified name
  "22298006", // a clinical finding
  "900000000000207008", // core module
  "999000011000000103", // UK clinical module (long format, namespace 1000000)
  "999001261000000100", // UK clinical language refset
  "999002271000000101" // UK ICD-10 extended map refset
]

describe("Verhoeff check digit", () => {
  it("accepts known valid SNOMED CT ids", () => {
    for (const id of KNOWN_VALID) {
      expect(verhoeffValid(id), id).toBe(true)
      expect(verhoeffCheckDigit(id.slice(0, -1)), id).toBe(Number(id.slice(-1)))
    }
  })

  it("rejects every single-digit change", () => {
    for (const id of KNOWN_VALID) {
      for (let pos = 0; pos < id.length; pos++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === id[pos]) continue
          const changed = id.slice(0, pos) + d + id.slice(pos + 1)
          expect(verhoeffValid(changed), changed).toBe(false)
        }
      }
    }
  })

  it("rejects swapped adjacent digits", () => {
    for (const id of KNOWN_VALID) {
      for (let pos = 0; pos + 1 < id.length; pos++) {
        if (id[pos] === id[pos + 1]) continue
        const swapped = id.slice(0, pos) + id[pos + 1] + id[pos] + id.slice(pos + 2)
        expect(verhoeffValid(swapped), swapped).toBe(false)
      }
    }
  })

  it("rejects non-digits", () => {
    expect(verhoeffValid("13887500a")).toBe(false)
    expect(verhoeffValid("")).toBe(false)
  })
})

describe("SCTIDs", () => {
  it("builds short-format ids with partition 00/01/02", () => {
    expect(makeSctid(138875, "concept")).toBe("138875005")
    expect(makeSctid(116680, "concept")).toBe("116680003")
    const description = makeSctid(5000001, "description")
    expect(description.slice(-3, -1)).toBe("01")
    expect(parseSctid(description)).toEqual({ kind: "description", namespace: 0, item: "5000001" })
    expect(parseSctid(makeSctid(4200, "relationship"))?.kind).toBe("relationship")
  })

  it("builds long-format ids with a namespace and partition 10/11/12", () => {
    expect(makeSctid(99900001, "concept", 1000000)).toBe("999000011000000103")
    expect(makeSctid(99900126, "concept", 1000000)).toBe("999001261000000100")
    const relationship = makeSctid(123, "relationship", 1000001)
    expect(relationship.slice(-10, -1)).toBe("100000112")
    expect(parseSctid(relationship)).toEqual({ kind: "relationship", namespace: 1000001, item: "123" })
  })

  it("checks kind, length and format", () => {
    expect(isSctid("138875005", "concept")).toBe(true)
    expect(isSctid("138875005", "description")).toBe(false)
    expect(isSctid("138875006")).toBe(false)
    expect(isSctid("0138875005")).toBe(false) // leading zero
    expect(isSctid("1005")).toBe(false) // too short
    // partition digits other than 0/1 followed by 0/1/2 are not SCTIDs
    const body = "12345" + "3" + "0"
    expect(isSctid(body + verhoeffCheckDigit(body))).toBe(false)
  })

  it("allocates increasing, unique, valid ids and skips reserved ones", () => {
    let x = 0
    const random = () => (x = (x * 9301 + 49297) % 233280) / 233280
    const reserved = new Set([makeSctid(102, "concept")])
    const allocator = new IdAllocator("concept", 0, 100, 1, random, reserved)
    const ids = Array.from({ length: 1000 }, () => allocator.next())
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).not.toContain(makeSctid(102, "concept"))
    for (const id of ids) expect(isSctid(id, "concept"), id).toBe(true)
  })
})

describe("member UUIDs", () => {
  it("are deterministic, well-formed and unique", () => {
    expect(memberUuid(7, 1)).toBe(memberUuid(7, 1))
    expect(memberUuid(7, 1)).not.toBe(memberUuid(8, 1))
    const seen = new Set<string>()
    for (let n = 0; n < 100_000; n++) {
      const u = memberUuid(12345, n)
      expect(isUuid(u)).toBe(true)
      seen.add(u)
    }
    expect(seen.size).toBe(100_000)
    expect(isUuid("93c2b74b-d933-4f3e-ac5e-181eecfb5894")).toBe(true)
    expect(isUuid("93C2B74B-d933-4f3e-ac5e-181eecfb5894")).toBe(false)
  })
})
