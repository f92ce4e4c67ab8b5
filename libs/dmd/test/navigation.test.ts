/**
 * The library API other services use without HTTP: navigation both ways over the sample release,
 * and code history across two real releases (openprescribing's second cut changes a VMP's code).
 */
import { describe, expect, layer } from "@effect/vitest"
import { DatabaseConfig, Releases } from "@ffynnon/db"
import { Effect, Layer } from "effect"
import { readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { DmdReleases } from "../src/DmdReleases"
import type { DmdIndex } from "../src/serving/DmdIndex"
import { loadDmd } from "../src/store/load"
import { changedCopy, hasFixtures, openprescribing1, openprescribing2, sampleBonus, sampleFolder } from "./fixtures"

const codesOf = (products: ReadonlyArray<{ readonly code: string }>) => products.map((product) => product.code).sort()

const sample = {
  paracetamolVtm: "1100011000230105",
  paracetamol500: "1200011000230107",
  paracetamolSoluble: "1200021000230104",
  paracetamol1g: "1200071000230100",
  morphineVtm: "1100031000230100",
  morphineVmp: "1200041000230108",
  paracetamolIngredient: "1700011000230103",
  amoxicillinIngredient: "1700021000230106",
  heliclearAmpp: "1600081000230100",
  heliclearVmpp: "1500071000230109",
  amoxicillin14Ampp: "1600091000230103",
  lansoprazole14Ampp: "1600101000230108",
  amoxicillin14Vmpp: "1500081000230106",
  lansoprazole14Vmpp: "1500091000230108",
  generic32: "1600011000230109",
  generic100: "1600021000230101",
  panadol32: "1600031000230104"
}

/** What library and FHIR users ask of a release, for comparing two indexes of it. */
const answers = (dmd: DmdIndex) =>
  Object.values(sample).map((code) => {
    // Ingredients are not concepts: their answers are those of navigation alone.
    const concept = dmd.locate(code) ?? 0
    return {
      product: dmd.product(code),
      below: dmd.below(code),
      above: dmd.above(code),
      combination: [dmd.combinationChildren(code), dmd.combinationParents(code)],
      properties: dmd.properties(concept),
      search: dmd.search(dmd.display(concept)).slice(0, 5),
      current: dmd.currentCode(code),
      ingredient: dmd.forIngredient(code, { below: true })
    }
  })

for (const kind of testDatabases) {
  describe(`dm+d navigation on ${kind.name}`, () => {
    layer(DmdReleases.Default.pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(freshDatabaseLayer(kind))))((it) => {
      it.effect("walks the hierarchy both ways, combination packs, ingredients, BNF, ATC, GTINs and previous codes", () =>
        Effect.gen(function* () {
          yield* loadDmd(sampleFolder, { bonus: sampleBonus })
          const releases = yield* DmdReleases
          yield* releases.refresh
          const dmd = yield* releases.resolve()
          expect(dmd.product(sample.paracetamol500)).toEqual({
            code: sample.paracetamol500,
            class: "VMP",
            name: "Paracetamol 500mg tablets",
            invalid: false
          })
          expect(codesOf(dmd.below(sample.paracetamolVtm, "VMP"))).toEqual(
            [sample.paracetamol500, sample.paracetamolSoluble, sample.paracetamol1g].sort()
          )
          expect(codesOf(dmd.below(sample.paracetamolVtm, "AMPP"))).toEqual(
            [sample.generic32, sample.generic100, sample.panadol32, "1600041000230105"].sort()
          )
          expect(codesOf(dmd.below(sample.paracetamol500, "VMPP"))).toEqual(["1500011000230102", "1500021000230105"])
          expect(codesOf(dmd.below("1500011000230102", "AMPP"))).toEqual([sample.generic32, sample.panadol32].sort())
          expect(codesOf(dmd.above(sample.generic32, "VTM"))).toEqual([sample.paracetamolVtm])
          expect(codesOf(dmd.above(sample.generic32))).toEqual(
            ["1100011000230105", "1200011000230107", "1300011000230104", "1500011000230102"].sort()
          )
          expect(codesOf(dmd.combinationChildren(sample.heliclearAmpp))).toEqual([sample.amoxicillin14Ampp, sample.lansoprazole14Ampp])
          expect(codesOf(dmd.combinationParents(sample.lansoprazole14Ampp))).toEqual([sample.heliclearAmpp])
          expect(codesOf(dmd.combinationChildren(sample.heliclearVmpp))).toEqual([sample.amoxicillin14Vmpp, sample.lansoprazole14Vmpp])
          expect(codesOf(dmd.forIngredient(sample.paracetamolIngredient))).toEqual(
            [sample.paracetamolVtm, sample.paracetamol500, sample.paracetamolSoluble, sample.paracetamol1g].sort()
          )
          expect(dmd.forIngredient(sample.paracetamolIngredient, { below: true }).length).toBeGreaterThan(10)
          expect(dmd.ingredientName("1700051000230104")).toBe("Maize starch")
          expect(codesOf(dmd.forIngredient("1700051000230104"))).toEqual(["1300021000230107"])
          expect(codesOf(dmd.forBnf("0407010H0*"))).toEqual([sample.paracetamol500, sample.paracetamolSoluble, "1300021000230107"].sort())
          expect(codesOf(dmd.forBnf("0407010H0AAA?A?"))).toEqual([sample.paracetamol500, sample.paracetamolSoluble].sort())
          expect(codesOf(dmd.forAtc("N02*"))).toEqual([sample.paracetamol500, sample.paracetamolSoluble, sample.morphineVmp].sort())
          expect(codesOf(dmd.forGtin("5000158100985"))).toEqual([sample.panadol32])
          expect(codesOf(dmd.forGtin("5000158100107"))).toEqual([sample.panadol32])
          expect(dmd.forGtin("0000000000000")).toEqual([])
          expect(dmd.currentCode("1200049000230103")).toBe(sample.morphineVmp)
          expect(dmd.currentCode("1100039000230100")).toBe(sample.morphineVtm)
          expect(dmd.currentCode(sample.morphineVmp)).toBe(sample.morphineVmp)
          expect(dmd.currentCode("1700029000230109")).toBe(sample.amoxicillinIngredient)
          expect(dmd.currentCode("42")).toBeUndefined()
          const search = dmd.search("para 500 tab").map((concept) => dmd.code(concept))
          // Fewest words first: an AMP is displayed (and found) by its description, the name with its supplier.
          expect(search.slice(0, 2)).toEqual([sample.paracetamol500, sample.paracetamolSoluble])
          expect(search.indexOf("1300011000230104")).toBeGreaterThan(1)
          expect(dmd.product("1300011000230104")?.name).toBe("Paracetamol 500mg tablets (Ffynnon Generics Ltd)")
          expect(search).not.toContain(sample.morphineVmp)
        })
      )

      it.effect("reads the index back from FFYNNON_DATA_DIR/cache on a restart, answering the same", () =>
        Effect.gen(function* () {
          const served = yield* (yield* DmdReleases).resolve()
          const cache = join((yield* DatabaseConfig).dataDir, "cache")
          const [file] = readdirSync(cache).filter((name) => name.startsWith(`dmd-${served.releaseId}-`))
          expect(file).toMatch(/^dmd-\d+-[0-9a-f]{16}-v\d+\.index$/)
          const written = statSync(join(cache, file!)).mtimeMs
          // A new service, as a restart makes: it reads the file and does not write it again.
          const restarted = yield* Effect.flatMap(DmdReleases, (releases) => releases.resolve()).pipe(Effect.provide(DmdReleases.Default))
          expect(restarted).not.toBe(served)
          expect(statSync(join(cache, file!)).mtimeMs).toBe(written)
          expect(answers(restarted)).toEqual(answers(served))
          expect(restarted.forGtin("5000158100985")).toEqual(served.forGtin("5000158100985"))
          expect(restarted.forBnf("0407*")).toEqual(served.forBnf("0407*"))
        })
      )

      it.effect.skipIf(!hasFixtures)("serves weekly releases side by side, newest first, with the code change of the newer", () =>
        Effect.gen(function* () {
          yield* loadDmd(openprescribing1)
          const week2 = changedCopy(openprescribing2, () => {}, "nhsbsa_dmd_4.1.0_20190408000001")
          yield* loadDmd(week2.folder).pipe(Effect.ensuring(Effect.sync(week2.remove)))
          const releases = yield* DmdReleases
          yield* releases.refresh
          // Newest first: the sample (December 2026) loaded by the test before, then week 2 and week 1 of April 2019.
          expect((yield* releases.all).map((release) => release.version)).toEqual(["12.1.0_20261207", "4.1.0_20190408", "20190401"])
          const latest = yield* releases.resolve("4.1.0_20190408")
          expect(latest.currentCode("22480211000001104")).toBe("12345")
          expect(latest.product("12345")?.name).toBe("Diclofenac 2.32% gel")
          const older = yield* releases.resolve("20190401")
          expect(older.product("22480211000001104")?.name).toBe("Diclofenac 2.32% gel")
          expect(older.product("12345")).toBeUndefined()
          const missing = yield* Effect.flip(releases.resolve("19990101"))
          expect(missing.message).toMatch(/dm\+d version '19990101' is not loaded\. Loaded: .*4\.1\.0_20190408/)
        })
      )
    })
  })
}
