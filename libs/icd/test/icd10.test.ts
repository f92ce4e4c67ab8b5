import { describe, expect, layer } from "@effect/vitest"
import { Database, Releases } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { IcdReleases } from "../src/IcdReleases"
import { loadIcd10 } from "../src/icd10/load"
import { icd10System } from "../src/model"
import { claml, hasClaml, icd10cmTabular } from "./fixtures"

export const sampleUk = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "data",
  "sample",
  "icd10-uk",
  "ICD10_Edition5_CodesAndTitlesAndMetadata_GB_sample.txt"
)

/** A changed copy of a file, under its own name in a fresh folder. */
const changed = (path: string, name: string, change: (text: string) => string) => {
  const copy = join(mkdtempSync(join(tmpdir(), "ffynnon-icd10-")), name)
  writeFileSync(copy, change(readFileSync(path, "utf8")))
  return copy
}

const storedClasses = Effect.flatMap(Database, (database) =>
  database.query<{ count: string }>(sql`select count(*)::text as count from icd_class`)
).pipe(Effect.map((rows) => Number(rows[0]!.count)))

const providerFor = (version: string) =>
  Effect.gen(function* () {
    const icd = yield* IcdReleases
    yield* icd.refresh
    const system = (yield* icd.source.current).find((candidate) => candidate.system === icd10System)!
    return system.provider(version)!
  })

for (const kind of testDatabases) {
  describe(`ICD-10 on ${kind.name}`, () => {
    layer(IcdReleases.Default.pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(freshDatabaseLayer(kind))), {
      timeout: 120_000
    })((it) => {
      it.effect.skipIf(!hasClaml)("loads WHO ClaML from its zip: the modifier expanded into K25.0 … K25.9, rubrics as designations", () =>
        Effect.gen(function* () {
          const report = yield* loadIcd10(claml("icd10_gastric_ulcer.zip"))
          expect(report).toMatchObject({ system: icd10System, version: "2019-covid-expanded" })
          expect(report.counts).toMatchObject({ chapter: 1, block: 1, category: 10, "rubrics.inclusion": 3, "rubrics.exclusion": 10 })
          expect(report.warnings).toEqual(["S11K25_4: the modifier class '0' does not start with '.', ignored"])
          const provider = yield* providerFor("2019-covid-expanded")
          const ulcer = provider.locate("K25")!
          expect(provider.children(ulcer).map(provider.code)).toEqual([
            "K25.0",
            "K25.1",
            "K25.2",
            "K25.3",
            "K25.4",
            "K25.5",
            "K25.6",
            "K25.7",
            "K25.9"
          ])
          expect(provider.display(provider.locate("K25.1")!, [])).toBe("Gastric ulcer: Acute with perforation")
          expect(provider.designations(ulcer)).toContainEqual({
            language: "en",
            use: { system: "http://ffynnon.example/fhir/CodeSystem/icd-rubric-kind", code: "exclusion" },
            value: "acute haemorrhagic erosive gastritis (K29.0)"
          })
          // An exclusion term is not a name of the class; undotted forms are found.
          expect(provider.hasDisplay(ulcer, "acute haemorrhagic erosive gastritis (K29.0)", [])).toBe(false)
          expect(provider.code(provider.locate("K251")!)).toBe("K25.1")
          expect(provider.subsumes(provider.locate("XI")!, provider.locate("K25.9")!)).toBe(true)
        })
      )

      it.effect.skipIf(!hasClaml)("expands fourth- and fifth-character modifiers and carries dagger and asterisk usage", () =>
        Effect.gen(function* () {
          const report = yield* loadIcd10(claml("parser_examples.xml"), { version: "parser-examples" })
          expect(report.warnings).toContain("A17.0: its superclass 'A17' is not in the file; served at the top")
          const provider = yield* providerFor("parser-examples")
          const usage = (code: string) =>
            provider.properties(provider.locate(code)!).find((property) => property.code === "usage")?.valueCode
          expect(usage("A17.0")).toBe("dagger")
          expect(usage("E10.2")).toBe("dagger")
          expect(usage("E10.1")).toBeUndefined()
          expect(provider.display(provider.locate("E10.2")!, [])).toBe("Type 1 diabetes mellitus: With renal complications")
          // Fifth characters on four-character subcategories (I70.0, M00.0, T14.2) and on a category without any (M45).
          for (const code of ["I70.00", "I70.01", "M00.00", "M00.09", "T14.20", "T14.21", "M45.0", "M45.9"]) {
            expect(provider.locate(code), code).toBeDefined()
          }
          expect(provider.parents(provider.locate("M00.01")!).map(provider.code)).toEqual(["M00.0"])
        })
      )

      it.effect("loads the UK edition's TRUD file: sex and age validity, dagger and asterisk, the codes in the forms data carries", () =>
        Effect.gen(function* () {
          const report = yield* loadIcd10(sampleUk, { edition: "uk" })
          expect(report.version).toBe("uk-5-sample")
          const provider = yield* providerFor("uk-5-sample")
          const properties = (code: string) => provider.properties(provider.locate(code)!)
          expect(properties("C61")).toContainEqual({ code: "sex", valueCode: "male" })
          expect(properties("O14.0")).toEqual(
            expect.arrayContaining([
              { code: "sex", valueCode: "female" },
              { code: "minAge", valueString: "10" },
              { code: "maxAge", valueString: "55" }
            ])
          )
          expect(properties("N08.3")).toContainEqual({ code: "usage", valueCode: "asterisk" })
          for (const [written, code] of [
            ["E10.2", "E10.2"],
            ["E102", "E10.2"],
            ["I10X", "I10"],
            ["I10", "I10"],
            ["E102D", "E10.2"],
            ["N083A", "N08.3"],
            ["M0001", "M00.01"]
          ]) {
            expect(provider.code(provider.locate(written!)!), written).toBe(code)
          }
          expect(provider.locate("E10.22")).toBeUndefined()
        })
      )

      it.effect("refuses bad input naming the file and the line or element, and stores nothing", () =>
        Effect.gen(function* () {
          const before = yield* storedClasses
          const notClaml = yield* Effect.flip(loadIcd10(sampleUk))
          expect(notClaml.message).toMatch(/ICD10_Edition5_CodesAndTitlesAndMetadata_GB_sample\.txt: not ClaML: not an XML document/)
          if (existsSync(icd10cmTabular)) {
            // Real XML, but ICD-10-CM's tabular format rather than ClaML.
            const tabular = yield* Effect.flip(loadIcd10(icd10cmTabular))
            expect(tabular.message).toMatch(
              /icd10cm_tabular_2021\.xml:2 <ICD10CM\.tabular>: not ClaML: the document's root element is not <ClaML>/
            )
          }
          if (hasClaml) {
            const missingModifier = yield* Effect.flip(
              loadIcd10(
                changed(claml("icd10_gastric_ulcer.xml"), "broken.xml", (text) =>
                  text.replace('<ModifiedBy all="true" code="S11K25_4"/>', '<ModifiedBy all="true" code="S99X"/>')
                )
              )
            )
            expect(missingModifier.message).toMatch(
              /broken\.xml:\d+ <ModifiedBy code="S99X"> in <Class code="K25">: the modifier 'S99X' it is modified by is not in the file/
            )
          }
          const missingColumn = yield* Effect.flip(
            loadIcd10(
              changed(sampleUk, "ICD10_Edition5_CodesAndTitlesAndMetadata_GB_20990101.txt", (text) => text.replace("GENDER_MASK", "SEX")),
              { edition: "uk" }
            )
          )
          expect(missingColumn.message).toMatch(
            /_GB_20990101\.txt:1: not a UK ICD-10 codes, titles and metadata file: the column 'GENDER_MASK' is missing/
          )
          const badCode = yield* Effect.flip(
            loadIcd10(
              changed(sampleUk, "ICD10_Edition5_CodesAndTitlesAndMetadata_GB_20990102.txt", (text) =>
                text.replace("\nE10.2\t", "\nE1O.2\t")
              ),
              { edition: "uk" }
            )
          )
          expect(badCode.message).toMatch(/_GB_20990102\.txt:\d+: CODE 'E1O\.2' is not an ICD-10 code/)
          expect(yield* storedClasses).toBe(before)
        })
      )
    })
  })
}
