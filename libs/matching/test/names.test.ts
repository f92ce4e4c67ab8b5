import { describe, expect, it } from "@effect/vitest"
import table from "../data/names.json"
import { forenameEquivalences, surnameEquivalences } from "../src/names"

describe("name equivalences", () => {
  it("pairs Welsh and English forenames, with their source", () => {
    for (const [welsh, english] of [
      ["dafydd", "david"],
      ["dai", "david"],
      ["dewi", "david"],
      ["ieuan", "evan"],
      ["ifan", "evan"],
      ["iwan", "john"],
      ["sion", "john"],
      ["owain", "owen"],
      ["huw", "hugh"],
      ["hywel", "howell"],
      ["rhys", "rees"],
      ["gruffydd", "griffith"]
    ] as const) {
      const entry = forenameEquivalences.lookup(welsh, english)
      expect(entry, `${welsh}/${english}`).toBeDefined()
      expect(forenameEquivalences.lookup(english, welsh)).toBe(entry)
      expect(entry?.source).toMatch(/Welsh Personal Names/)
    }
  })

  it("is not transitive: Ieuan is Evan and Ieuan is John, but Evan is not John", () => {
    expect(forenameEquivalences.lookup("ieuan", "evan")).toBeDefined()
    expect(forenameEquivalences.lookup("ieuan", "john")).toBeDefined()
    expect(forenameEquivalences.lookup("evan", "john")).toBeUndefined()
  })

  it("holds English pet forms", () => {
    expect(forenameEquivalences.lookup("william", "bill")?.kind).toBe("pet-form")
    expect(forenameEquivalences.lookup("bill", "robert")).toBeUndefined()
  })

  it("pairs patronymic surnames with their ap/ab forms", () => {
    for (const [surname, patronymic] of [
      ["powell", "ap hywel"],
      ["price", "ap rhys"],
      ["parry", "ap harri"],
      ["bowen", "ab owen"],
      ["bevan", "ab evan"],
      ["pugh", "ap hugh"],
      ["pritchard", "ap richard"]
    ] as const) {
      expect(surnameEquivalences.lookup(surname, patronymic)?.source, `${surname}/${patronymic}`).toMatch(/Welsh Surnames/)
    }
  })

  it("names a known source for every entry", () => {
    for (const [name, equivalent, kind, source] of [...table.forenames, ...table.surnames]) {
      expect(name && equivalent && kind, `${name}/${equivalent}`).toBeTruthy()
      expect(Object.keys(table.sources), `${name}/${equivalent}`).toContain(source)
    }
  })
})
