import { describe, expect, layer } from "@effect/vitest"
import { Database, Releases } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { Rf2Error } from "../src/rf2/errors"
import { SnomedReleases } from "../src/SnomedReleases"
import { loadSnomed } from "../src/store/load"
import {
  appendRows,
  changedSample,
  editLine,
  expected,
  renameReleaseType,
  rowsOf,
  sampleFile,
  sampleFolder,
  sampleUri,
  sampleZip,
  txSubsetFolder,
  txSubsetUri
} from "./sample"

/** Loads a changed copy of the sample and returns the error, which must name the file and line. */
const failedLoad = (change: (folder: string) => void, uri = "http://snomed.info/sct/11000230100/version/20990101") =>
  Effect.acquireUseRelease(
    Effect.sync(() => changedSample(change)),
    ({ folder }) => Effect.flip(loadSnomed(folder, { uri })),
    ({ remove }) => Effect.sync(remove)
  )

const storedRows = Effect.gen(function* () {
  const database = yield* Database
  const [row] = yield* database.query<{ concepts: string; members: string }>(
    sql`select (select count(*) from snomed_concept)::text as concepts, (select count(*) from snomed_refset_member)::text as members`
  )
  return row!
})

for (const kind of testDatabases) {
  describe(`SNOMED CT store on ${kind.name}`, () => {
    layer(SnomedReleases.Default.pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(freshDatabaseLayer(kind))))((it) => {
      it.effect("loads the sample release under the edition's version URI, with its counts", () =>
        Effect.gen(function* () {
          const report = yield* loadSnomed(sampleFolder)
          expect(report.uri).toBe(sampleUri)
          const concepts = report.files.find((file) => file.contentType === "Concept")!
          expect(concepts).toMatchObject({ rows: expected.counts.concepts, active: expected.counts.activeConcepts })
          expect(report.warnings).toEqual([])
          const [release] = (yield* (yield* Releases).list()).filter((entry) => entry.status === "active")
          expect(release).toMatchObject({ kind: "snomed", codeSystem: "http://snomed.info/sct", version: sampleUri })
          expect(release!.rowCounts).toMatchObject({
            concepts: expected.counts.concepts,
            "concepts.active": expected.counts.activeConcepts
          })
          expect(release!.sourceSha256).toMatch(/^[0-9a-f]{64}$/)
          const again = yield* Effect.flip(loadSnomed(sampleFolder))
          expect(again.message).toMatch(/already loaded/)
        })
      )

      it.effect("reads a release zip the same as its folder", () =>
        Effect.gen(function* () {
          const zip = yield* Effect.promise(sampleZip)
          const report = yield* loadSnomed(zip.path, { uri: "http://snomed.info/sct/11000230100/version/20251231" }).pipe(
            Effect.ensuring(Effect.sync(zip.remove))
          )
          const fromFolder = (yield* (yield* Releases).list()).find((release) => release.version === sampleUri)!
          const fromZip = (yield* (yield* Releases).list()).find((release) => release.version === report.uri)!
          expect(fromZip.rowCounts).toEqual(fromFolder.rowCounts)
          expect(fromZip.sourceSha256).toBe(fromFolder.sourceSha256)
          expect(Object.fromEntries(report.files.map((file) => [file.path.replace(/^SnomedCT_[^/]+\//, ""), file.rows]))).toEqual(
            expected.counts.rows
          )
        })
      )

      it.effect("serves the loaded release as the ground truth says", () =>
        Effect.gen(function* () {
          const releases = yield* SnomedReleases
          yield* releases.refresh
          const index = yield* releases.resolve()
          expect(index.uri).toBe(sampleUri)
          for (const concept of expected.concepts) {
            const position = index.position(concept.code)!
            expect(index.isActive(position)).toBe(concept.active)
            for (const [refsetId, term] of Object.entries(concept.preferredTerm))
              expect(index.preferredTerm(position, [refsetId])).toBe(term)
            expect(index.fullySpecifiedName(position, [])).toBe(concept.fsn)
          }
          for (const { code, activeDescendants } of expected.descendants) {
            expect([...index.descendants(index.position(code)!)].filter((concept) => index.isActive(concept)).length).toBe(
              activeDescendants
            )
          }
          for (const { codeA, codeB, outcome } of expected.subsumption) {
            const [a, b] = [index.position(codeA)!, index.position(codeB)!]
            const actual =
              a === b ? "equivalent" : index.subsumes(a, b) ? "subsumes" : index.subsumes(b, a) ? "subsumed-by" : "not-subsumed"
            expect({ codeA, codeB, outcome: actual }).toEqual({ codeA, codeB, outcome })
          }
          for (const { code, associations } of expected.inactive) {
            for (const { refsetId, targetComponentId } of associations) {
              expect(index.refsetMembers(refsetId, code).map((member) => member.fields[0])).toContain(targetComponentId)
            }
          }
          for (const { refsetId, activeMembers } of expected.refsets) expect(index.refsetConcepts(refsetId).length).toBe(activeMembers)
        })
      )

      it.effect("rejects bad rows naming the file and line, and stores nothing of them", () =>
        Effect.gen(function* () {
          const before = yield* storedRows
          const cases: Array<[string, (folder: string) => void, RegExp]> = [
            [
              "a missing column",
              (folder) => editLine(sampleFile(folder, "sct2_Concept_"), 5, (row) => row.split("\t").slice(0, 4).join("\t")),
              /sct2_Concept_Snapshot_GB1000000_20260101\.txt:5: expected 5 tab-separated columns, found 4/
            ],
            [
              "a bad check digit",
              (folder) =>
                editLine(sampleFile(folder, "sct2_Description_"), 9, (row) =>
                  row.replace(/^(\d+?)(\d)\t/, (_, head, last) => `${head}${(Number(last) + 1) % 10}\t`)
                ),
              /sct2_Description_Snapshot-en_GB1000000_20260101\.txt:9: column 'id': '\d+' fails its Verhoeff check digit/
            ],
            [
              "an impossible date",
              (folder) => editLine(sampleFile(folder, "sct2_Relationship_"), 3, (row) => row.replace(/\t\d{8}\t/, "\t20250230\t")),
              /sct2_Relationship_Snapshot_GB1000000_20260101\.txt:3: column 'effectiveTime': '20250230' is not a date/
            ],
            [
              "bytes that are not UTF-8",
              (folder) =>
                editLine(sampleFile(folder, "sct2_Description_"), 12, (row) =>
                  Buffer.concat([Buffer.from(row, "latin1"), Buffer.from([0xff, 0xfe])])
                ),
              /sct2_Description_Snapshot-en_GB1000000_20260101\.txt:12: the file is not valid UTF-8/
            ],
            [
              "a description id in the concept file",
              (folder) => editLine(sampleFile(folder, "sct2_Concept_"), 2, (row) => row.replace(/^\d+/, "900000000000958010")),
              /sct2_Concept_Snapshot_GB1000000_20260101\.txt:2: column 'id': .* is a description identifier/
            ],
            [
              "an empty alternate identifier",
              (folder) => editLine(sampleFile(folder, "sct2_Identifier_"), 3, (row) => row.replace(/^[^\t]+/, " ")),
              /sct2_Identifier_Snapshot_GB1000000_20260101\.txt:3: column 'alternateIdentifier': the identifier is empty/
            ],
            [
              "a refset member at the end of the last file",
              (folder) => editLine(sampleFile(folder, "OWLExpression"), 590, (row) => row.replace(/^[0-9a-f-]+/, "not-a-uuid")),
              /OWLExpressionSnapshot_GB1000000_20260101\.txt:590: column 'id': 'not-a-uuid' is not a UUID/
            ]
          ]
          for (const [, change, message] of cases) expect((yield* failedLoad(change)).message).toMatch(message)
          expect(yield* storedRows).toEqual(before)
          const failed = (yield* (yield* Releases).list()).filter((entry) => entry.status === "failed")
          expect(failed.length).toBe(cases.length)
          expect(failed[0]!.error).toMatch(/OWLExpression.*:590:/)
        })
      )

      it.effect("refuses a package without its core files or with two editions mixed", () =>
        Effect.gen(function* () {
          const missing = yield* failedLoad((folder) => rmSync(sampleFile(folder, "sct2_Relationship_")))
          expect(missing.message).toMatch(/the core Relationship file \(sct2_Relationship_Snapshot_…\) is missing/)
          const mixed = yield* failedLoad((folder) => {
            const concepts = sampleFile(folder, "sct2_Concept_")
            require("node:fs").copyFileSync(concepts, concepts.replace("GB1000000", "INT"))
          })
          expect(mixed.message).toMatch(/two editions are mixed here/)
          const wrongUri = yield* Effect.flip(loadSnomed(sampleFolder, { uri: "http://snomed.info/sct/version/1" }))
          expect(wrongUri).toBeInstanceOf(Rf2Error)
          expect(wrongUri.message).toMatch(/not a SNOMED CT version URI/)
        })
      )

      it.effect("loads Full files as the snapshot at a date, each component's latest row", () =>
        Effect.gen(function* () {
          const [first, second] = expected.concepts.filter((concept: { active: boolean }) => concept.active)
          const full = changedSample((folder) => {
            renameReleaseType(folder, "Full")
            const concepts = sampleFile(folder, "sct2_Concept_Full")
            const row = (code: string) => rowsOf(concepts).find((fields) => fields[0] === code)!
            // An older row that the release's row supersedes, and a newer one after the chosen date.
            appendRows(concepts, [
              [first.code, "20200101", "0", ...row(first.code).slice(3)],
              [second.code, "20270101", "0", ...row(second.code).slice(3)]
            ])
          })
          const report = yield* loadSnomed(full.folder, { releaseType: "Full", asOf: "20261231" }).pipe(
            Effect.ensuring(Effect.sync(full.remove))
          )
          expect(report.uri).toBe("http://snomed.info/sct/11000230100/version/20261231")
          const releases = yield* SnomedReleases
          yield* releases.refresh
          const index = yield* releases.resolve(report.uri)
          expect(index.conceptCount).toBe(expected.counts.concepts)
          expect(index.isActive(index.position(first.code)!)).toBe(true)
          expect(index.isActive(index.position(second.code)!)).toBe(true)
          const badDate = yield* Effect.flip(loadSnomed(sampleFolder, { releaseType: "Full", asOf: "2026-12-31" }))
          expect(badDate.message).toMatch(/--as-of '2026-12-31' is not a date/)
        })
      )

      it.effect("applies a Delta to the release it follows, as a new release, leaving the base as it was", () =>
        Effect.gen(function* () {
          const leaf = expected.concepts.find((concept: { code: string }) => concept.code === "22298006")!
          const delta = changedSample((folder) => {
            const descriptions = sampleFile(folder, "sct2_Description_")
            const heartAttack = rowsOf(descriptions).find((fields) => fields[4] === leaf.code && fields[7] === "Heart attack")!
            const concept = rowsOf(sampleFile(folder, "sct2_Concept_")).find((fields) => fields[0] === "80146002")!
            const keep = new Set(["sct2_Concept_", "sct2_Description_", "ModuleDependency"])
            for (const path of readdirSync(folder, { recursive: true }) as Array<string>) {
              if (path.endsWith(".txt") && path.includes("Snapshot") && ![...keep].some((part) => path.includes(part)))
                rmSync(join(folder, path))
            }
            for (const [part, row] of [
              ["sct2_Concept_", [concept[0]!, "20260301", "0", ...concept.slice(3)]],
              [
                "sct2_Description_",
                [...heartAttack.slice(0, 1), "20260301", ...heartAttack.slice(2, 7), "Heart attack (acute)", heartAttack[8]!]
              ]
            ] as const) {
              const path = sampleFile(folder, part)
              writeFileSync(path, `${rowsOf(path)[0]!.join("\t")}\r\n${row.join("\t")}\r\n`)
            }
            renameReleaseType(folder, "Delta", "20260301")
          })
          const noBase = yield* Effect.flip(
            loadSnomed(delta.folder, { releaseType: "Delta", base: "http://snomed.info/sct/11000230100/version/19990101" })
          )
          expect(noBase.message).toMatch(
            /a Delta applies to a loaded release, but 'http:\/\/snomed.info\/sct\/11000230100\/version\/19990101' is not loaded/
          )
          const report = yield* loadSnomed(delta.folder, { releaseType: "Delta" }).pipe(Effect.ensuring(Effect.sync(delta.remove)))
          expect(report.uri).toBe("http://snomed.info/sct/11000230100/version/20260301")
          const releases = yield* SnomedReleases
          yield* releases.refresh
          const updated = yield* releases.resolve(report.uri)
          const base = yield* releases.resolve(sampleUri)
          expect(updated.conceptCount).toBe(expected.counts.concepts)
          expect(updated.isActive(updated.position("80146002")!)).toBe(false)
          expect(base.isActive(base.position("80146002")!)).toBe(true)
          const terms = (index: typeof base) => index.designations(index.position(leaf.code)!).map((designation) => designation.term)
          expect(terms(updated)).toContain("Heart attack (acute)")
          expect(terms(updated)).not.toContain("Heart attack")
          expect(terms(base)).toContain("Heart attack")
          expect(updated.refsetMembers("999002271000000101", leaf.code)).toEqual(base.refsetMembers("999002271000000101", leaf.code))
        })
      )

      it.effect.skipIf(!existsSync(txSubsetFolder))(
        "loads the HL7 test subset (shared fixture) as its xsct version with all its concepts",
        () =>
          Effect.gen(function* () {
            const report = yield* loadSnomed(txSubsetFolder, { uri: txSubsetUri })
            expect(report.files.find((file) => file.contentType === "Concept")).toMatchObject({ rows: 2258, active: 2254 })
            const releases = yield* SnomedReleases
            yield* releases.refresh
            const index = yield* releases.resolve(txSubsetUri)
            expect(index.conceptCount).toBe(2258)
            expect(Array.from({ length: index.conceptCount }, (_, concept) => index.isActive(concept)).filter(Boolean).length).toBe(2254)
            expect(index.preferredTerm(index.position("138875005")!, [])).toBe("SNOMED CT Concept")
            expect((yield* releases.resolve("http://snomed.info/xsct/31000003106")).uri).toBe(txSubsetUri)
          })
      )
    })
  })
}

if (!existsSync(txSubsetFolder)) console.warn(`${txSubsetFolder} is absent: the test-subset load test is skipped.`)
