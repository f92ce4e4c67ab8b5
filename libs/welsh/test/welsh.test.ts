import { describe, expect, layer } from "@effect/vitest"
import { Database, Releases } from "@ffynnon/db"
import { dataOf, hasValidCheckDigit, loadSnomed, snomedProvider, SnomedReleases } from "@ffynnon/snomed"
import { DesignationOverlays, makeFhirCodeSystem, withDesignationOverlays, type CodeSystemResource } from "@ffynnon/terminology"
import { sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { expected, sampleFolder, sampleUri } from "../../snomed/test/sample"
import { loadWelshList, loadWelshPackage, snomedCoverage, welshDesignationOverlays, WelshTerms } from "../src/index"
import { changedPackage, listFile, welshDescriptions, welshList, welshPackage, welshPackageUri } from "./sample"

/** An SCTID in the sample namespace: item `n`, partition "10" concept or "11" description. */
const sctid = (n: number, partition: "10" | "11") => {
  const stem = `${n}1000230${partition}`
  for (let check = 0; check < 10; check++) if (hasValidCheckDigit(`${stem}${check}`)) return `${stem}${check}`
  throw new Error(`no check digit for ${stem}`)
}
/** A concept no release has. */
const unknownConcept = sctid(8888, "10")

const activeVersions = Effect.map(
  Effect.flatMap(Releases, (releases) => releases.list()),
  (list) => list.filter((release) => release.status === "active").map((release) => release.version)
)

const header = "system,code,term,type,status,english\n"

/** Loads a list with this content and returns the error, which must name the file and line. */
const failedList = (content: string | Buffer) =>
  Effect.acquireUseRelease(
    Effect.sync(() => listFile("bad-list.csv", content)),
    ({ path }) => Effect.flip(loadWelshList(path)),
    ({ remove }) => Effect.sync(remove)
  )

for (const kind of testDatabases) {
  describe(`Welsh terms on ${kind.name}`, () => {
    layer(
      Layer.mergeAll(SnomedReleases.Default, welshDesignationOverlays.pipe(Layer.provideMerge(WelshTerms.Default))).pipe(
        Layer.provideMerge(Releases.Default),
        Layer.provideMerge(freshDatabaseLayer(kind))
      )
    )((it) => {
      it.effect("refuses a translation package when the release it translates is not loaded", () =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(loadWelshPackage(welshPackage))
          expect(error.message).toMatch(/a translation applies to a loaded release, but no SNOMED CT release is loaded/)
        })
      )

      it.effect("refuses a package whose module dependencies the release does not satisfy, naming file and line, loading nothing", () =>
        Effect.gen(function* () {
          yield* loadSnomed(sampleFolder)
          const before = yield* activeVersions
          const dependencies = join("Snapshot", "Refset", "Metadata", "der2_ssRefset_ModuleDependencySnapshot_GB1000230_20260101.txt")
          /** Loads the package with its dependency row changed by `change`; returns the error. */
          const refused = (change: (row: string) => string) =>
            Effect.acquireUseRelease(
              Effect.sync(() =>
                changedPackage((folder) => {
                  const [header, row] = readFileSync(join(folder, dependencies), "utf8").split("\r\n")
                  writeFileSync(join(folder, dependencies), `${header}\r\n${change(row!)}\r\n`)
                })
              ),
              ({ folder }) => Effect.flip(loadWelshPackage(folder)),
              ({ remove }) => Effect.sync(remove)
            )
          // Built against the sample release's edition as of 1 July 2025, which is not what is loaded.
          const older = yield* refused((row) => row.replace(/20260101$/, "20250701"))
          expect(older.message).toBe(
            `${dependencies}:2: the package depends on module 11000230100 version 20250701, but the release it is loaded on (${sampleUri}) has version 20260101 of it`
          )
          // A module the release does not have at all (the Welsh module of another namespace).
          const missing = yield* refused((row) => row.replace("\t11000230100\t", "\t999000011000000103\t").replace(/20260101$/, "20260301"))
          expect(missing.message).toBe(
            `${dependencies}:2: the package depends on module 999000011000000103 version 20260301, but the release it is loaded on (${sampleUri}) has version 20251001 of it`
          )
          const unknown = yield* refused((row) => row.replace("\t11000230100\t", `\t${sctid(7777, "10")}\t`))
          expect(unknown.message).toMatch(
            /the package depends on module \d+ version 20260101, but the release it is loaded on \(.*\) does not have that module$/
          )
          expect(yield* activeVersions).toEqual(before)
        })
      )

      it.effect("loads a translation package on top of the release it translates, storing only its own rows", () =>
        Effect.gen(function* () {
          const report = yield* loadWelshPackage(welshPackage)
          expect(report).toMatchObject({ uri: welshPackageUri, base: sampleUri, warnings: [] })
          expect(report.files.find((file) => file.path.includes("Description_Snapshot-cy"))).toMatchObject({ rows: 40, active: 40 })
          expect(yield* activeVersions).toEqual(expect.arrayContaining([sampleUri, welshPackageUri]))
          const database = yield* Database
          const [welsh] = (yield* (yield* Releases).list({ kind: "snomed" })).filter((release) => release.version === welshPackageUri)
          const [stored] = yield* database.query<{ concepts: string; descriptions: string }>(
            sql`select (select count(*) from snomed_concept where release_id = ${welsh!.id})::text as concepts,
                       (select count(*) from snomed_description where release_id = ${welsh!.id})::text as descriptions`
          )
          // The package's own two concepts, its 40 Welsh and 4 English descriptions: no copy of the release it translates.
          expect(stored).toEqual({ concepts: "2", descriptions: "44" })
        })
      )

      it.effect("serves the translated edition from the index of the release it translates, which stays the default", () =>
        Effect.gen(function* () {
          const releases = yield* SnomedReleases
          yield* releases.refresh
          const base = yield* releases.resolve(sampleUri)
          const welsh = yield* releases.resolve(welshPackageUri)
          expect(yield* releases.resolve()).toBe(base)
          expect(welsh.uri).toBe(welshPackageUri)
          expect(welsh.translates).toBe(sampleUri)
          // One index: the hierarchy, attributes, reference sets and terms are the same objects.
          expect(dataOf(welsh)).toBe(base)
          for (const part of ["concepts", "descriptions", "parents", "children", "attributes", "refsets", "languageRefsets"] as const) {
            expect(welsh[part]).toBe(base[part])
          }
          expect((yield* releases.all).map((index) => index.uri)).toEqual([sampleUri, welshPackageUri])
        })
      )

      it.effect("serves Welsh displays through the SNOMED CT library, falling back to en-GB", () =>
        Effect.gen(function* () {
          const releases = yield* SnomedReleases
          const welsh = snomedProvider(yield* releases.resolve(welshPackageUri))
          const byDefault = snomedProvider(yield* releases.resolve())
          const heartAttack = welsh.locate("22298006")!
          expect(welsh.display(heartAttack, ["cy"])).toBe("Trawiad ar y galon")
          expect(welsh.display(heartAttack, ["cy-GB", "en-GB"])).toBe("Trawiad ar y galon")
          expect(welsh.displayLanguage!(heartAttack, ["cy"])).toBe("cy")
          expect(welsh.display(heartAttack, [])).toBe("Myocardial infarction")
          expect(welsh.display(heartAttack, ["en-GB", "cy"])).toBe("Myocardial infarction")
          // An unknown language falls back to en-GB, never to the Welsh refset that happens to be loaded.
          expect(welsh.display(heartAttack, ["fr"])).toBe("Myocardial infarction")
          expect(welsh.displayLanguage!(heartAttack, ["fr"])).toBe("en")
          // Not translated: the UK clinical preferred term.
          const acuteMi = welsh.locate("3061000230107")!
          expect(welsh.display(acuteMi, ["cy"])).toBe("Acute myocardial infarction")
          expect(welsh.displayLanguage!(acuteMi, ["cy"])).toBe("en")
          expect(welsh.hasDisplay(heartAttack, "Trawiad ar y galon", ["cy"])).toBe(true)
          expect(welsh.hasDisplay(heartAttack, "Trawiad ar y galon", ["en-GB"])).toBe(false)
          expect(welsh.designations(heartAttack)).toEqual(
            expect.arrayContaining([
              expect.objectContaining({ language: "cy", value: "Cnawdnychiant myocardaidd" }),
              expect.objectContaining({ language: "en", value: "Heart attack" })
            ])
          )
          // A request naming no version gets the release it got before, with the translation's terms.
          expect(byDefault.display(byDefault.locate("22298006")!, ["cy"])).toBe("Trawiad ar y galon")
          expect(byDefault.display(byDefault.locate("22298006")!, [])).toBe("Myocardial infarction")
        })
      )

      it.effect("finds concepts by Welsh terms, case and diacritics folded", () =>
        Effect.gen(function* () {
          const welsh = snomedProvider(yield* (yield* SnomedReleases).resolve(welshPackageUri))
          const codes = (text: string) => welsh.search(text, welsh.all()).map((concept) => welsh.code(concept))
          expect(codes("strôc")).toEqual(["4371000230103"])
          expect(codes("STROC")).toEqual(["4371000230103"])
          expect(codes("pwysedd gwaed")).toContain("38341003")
          expect(codes("clefyd siwgr")).toEqual(expect.arrayContaining(["73211009", "4121000230100", "44054006"]))
          // "Llid y pendics": the digraph ll is a letter of its own, kept whole in the word.
          expect(codes("llid")).toEqual(["74400008"])
        })
      )

      it.effect("refuses a description of a concept the base does not have, naming file and line, loading nothing", () =>
        Effect.gen(function* () {
          const before = yield* activeVersions
          const lines = readFileSync(welshDescriptions, "utf8").split("\r\n").filter(Boolean).length
          const error = yield* Effect.acquireUseRelease(
            Effect.sync(() =>
              changedPackage((folder) =>
                appendFileSync(
                  join(folder, "Snapshot", "Terminology", "sct2_Description_Snapshot-cy_GB1000230_20260101.txt"),
                  `${sctid(8888, "11")}\t20260101\t1\t90001000230102\t${unknownConcept}\tcy\t900000000000013009\tTerm heb gysyniad\t900000000000448009\r\n`
                )
              )
            ),
            ({ folder }) => Effect.flip(loadWelshPackage(folder, { uri: "http://snomed.info/sct/90001000230102/version/20260102" })),
            ({ remove }) => Effect.sync(remove)
          )
          expect(error.message).toBe(
            `Snapshot/Terminology/sct2_Description_Snapshot-cy_GB1000230_20260101.txt:${lines + 1}: the description is of concept ${unknownConcept}, which the release it extends does not have`
          )
          expect(yield* activeVersions).toEqual(before)
          const database = yield* Database
          const [row] = yield* database.query<{ count: string }>(
            sql`select count(*)::text as count from snomed_description where term = 'Term heb gysyniad'`
          )
          expect(row!.count).toBe("0")
        })
      )

      it.effect("refuses a package that is not a Welsh translation", () =>
        Effect.gen(function* () {
          const error = yield* Effect.acquireUseRelease(
            Effect.sync(() => changedPackage((folder) => rmSync(join(folder, "Snapshot", "Refset", "Language"), { recursive: true }))),
            ({ folder }) => Effect.flip(loadWelshPackage(folder)),
            ({ remove }) => Effect.sync(remove)
          )
          expect(error.message).toMatch(/this is not a translation package: no language reference set in 'cy'/)
        })
      )

      it.effect("loads a curated list as a release and lays its terms over any code system's provider", () =>
        Effect.gen(function* () {
          const report = yield* loadWelshList(welshList)
          expect(report.name).toBe("ffynnon-welsh-terms")
          expect(report.systems).toEqual(
            expect.arrayContaining([{ system: "http://hl7.org/fhir/sid/icd-10", terms: 3, active: 3, preferred: 3 }])
          )
          const again = yield* Effect.flip(loadWelshList(welshList))
          expect(again.message).toMatch(/already loaded/)
          const overlays = yield* Effect.flatMap(DesignationOverlays, (served) => Effect.zipRight(served.refresh, served.current))
          // A code system the list names, served by a FHIR CodeSystem provider.
          const icd = makeFhirCodeSystem({
            resourceType: "CodeSystem",
            url: "http://hl7.org/fhir/sid/icd-10",
            status: "active",
            content: "fragment",
            concept: [
              { code: "J45", display: "Asthma" },
              { code: "I10", display: "Essential (primary) hypertension" }
            ]
          } as CodeSystemResource)
          const overlaid = withDesignationOverlays(icd, overlays)
          const hypertension = overlaid.locate("I10")!
          expect(overlaid.display(hypertension, ["cy"])).toBe("Gorbwysedd hanfodol (cynradd)")
          expect(overlaid.displayLanguage!(hypertension, ["cy"])).toBe("cy")
          expect(overlaid.display(hypertension, [])).toBe("Essential (primary) hypertension")
          expect(overlaid.display(hypertension, ["en", "cy"])).toBe("Essential (primary) hypertension")
          expect(overlaid.hasDisplay(hypertension, "gorbwysedd hanfodol (cynradd)", ["cy"])).toBe(true)
          expect(overlaid.hasDisplay(hypertension, "Gorbwysedd hanfodol (cynradd)", ["en"])).toBe(false)
          expect(overlaid.search("gorbwysedd", overlaid.all()).map((concept) => overlaid.code(concept))).toEqual(["I10"])
          expect(overlaid.designations(hypertension)).toContainEqual(
            expect.objectContaining({ language: "cy", value: "Gorbwysedd hanfodol (cynradd)" })
          )
          // Inactive terms are not served.
          const releases = yield* SnomedReleases
          const snomed = withDesignationOverlays(snomedProvider(yield* releases.resolve(sampleUri)), overlays)
          const paracetamol = snomed.locate("7021000230108")!
          expect(snomed.display(paracetamol, ["cy"])).toBe("Parasetamol")
          expect(snomed.displays(paracetamol, ["cy"]).map(({ value }) => value)).toEqual(["Parasetamol"])
        })
      )

      it.effect("reports per code system and reference set how many active concepts have a Welsh preferred term", () =>
        Effect.gen(function* () {
          const overlays = yield* Effect.flatMap(DesignationOverlays, (served) => served.current)
          const index = yield* (yield* SnomedReleases).resolve(welshPackageUri)
          const [all, ...refsets] = snomedCoverage(index, overlays)
          // 28 concepts translated by the package, its own 2 concepts, 4 from the list.
          expect(all).toEqual({
            system: "http://snomed.info/sct",
            version: welshPackageUri,
            scope: "all",
            active: expected.counts.activeConcepts + 2,
            welsh: 34
          })
          expect(refsets).toContainEqual(
            expect.objectContaining({
              scope: "refset 21000230108 |Ffynnon demo chronic conditions register simple reference set|",
              active: 23,
              welsh: 11
            })
          )
          // The release it translates is served with the package's terms: the same figures.
          const [base] = snomedCoverage(yield* (yield* SnomedReleases).resolve(sampleUri), overlays)
          expect(base).toEqual({ ...all, version: sampleUri })
        })
      )

      it.effect("refuses a bad list with its file and line, loading nothing", () =>
        Effect.gen(function* () {
          const before = yield* activeVersions
          const row = "http://snomed.info/sct,22298006,Trawiad ar y galon,preferred,active,Heart attack\n"
          expect((yield* failedList("system,code,welsh,type,status,english\n" + row)).message).toMatch(
            /bad-list\.csv:1: the header is 'system,code,welsh,type,status,english', expected 'system,code,term,type,status,english'$/
          )
          expect((yield* failedList(header + row + "http://snomed.info/sct,38341003,Gorbwysedd,preferred\n")).message).toMatch(
            /bad-list\.csv:3: expected 6 columns, found 4$/
          )
          expect((yield* failedList(header + row + "http://snomed.info/sct,38341003,Gorbwysedd,favourite,active,\n")).message).toMatch(
            /bad-list\.csv:3: column 'type': 'favourite' is not 'preferred' or 'synonym'$/
          )
          expect((yield* failedList(header + row + "snomed,38341003,Gorbwysedd,preferred,active,\n")).message).toMatch(
            /bad-list\.csv:3: column 'system': 'snomed' is not a code system URI$/
          )
          expect((yield* failedList(header + row + row)).message).toMatch(
            /bad-list\.csv:3: http:\/\/snomed\.info\/sct#22298006 already has an active preferred term, on line 2$/
          )
          // Windows-1252 bytes: "Strôc" with ô as 0xF4.
          const latin1 = Buffer.concat([
            Buffer.from(header + row),
            Buffer.from("http://snomed.info/sct,4371000230103,Str\xf4c,preferred,active,Stroke\n", "latin1")
          ])
          expect((yield* failedList(latin1)).message).toMatch(/bad-list\.csv:3: the file is not valid UTF-8; save it as UTF-8$/)
          // UTF-8 read as Windows-1252 and saved again.
          expect(
            (yield* failedList(header + row + "http://snomed.info/sct,4371000230103,StrÃ´c,preferred,active,Stroke\n")).message
          ).toMatch(/bad-list\.csv:3: column 'term': 'StrÃ´c' looks like UTF-8 read as Windows-1252/)
          expect(yield* activeVersions).toEqual(before)
        })
      )
    })
  })
}
