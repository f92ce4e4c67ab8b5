import { describe, expect, layer } from "@effect/vitest"
import { Database, Releases } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { IcdReleases } from "../src/IcdReleases"
import { loadIcd11 } from "../src/icd11/load"
import { icd11System } from "../src/model"
import { hasIcd11, icd11Zip } from "./fixtures"

const sample = join(import.meta.dirname, "..", "..", "..", "data", "sample", "icd11", "SimpleTabulation-ICD-11-MMS-en-sample.txt")

const header = [
  "Foundation URI",
  "Linearization URI",
  "Code",
  "BlockId",
  "Title",
  "ClassKind",
  "DepthInKind",
  "IsResidual",
  "ChapterNo",
  "BrowserLink",
  "isLeaf",
  "Primary tabulation",
  "Version:2099 Mar 01 - 00:00 UTC"
]
const row = (cells: Partial<Record<string, string>>) => header.map((name) => cells[name] ?? "").join("\t")
/** A tiny tabulation in the real layout: a chapter, a block, a category with a child. */
const tabulation = (change: (lines: Array<string>) => void = () => {}) => {
  const lines = [
    header.join("\t"),
    row({ Title: '"Chapter one"', ClassKind: "chapter", ChapterNo: "01", isLeaf: "False", IsResidual: "False" }),
    row({ BlockId: "BlockL1-1A0", Title: '"- Block"', ClassKind: "block", ChapterNo: "01", isLeaf: "False", IsResidual: "False" }),
    row({ Code: "1A00", Title: '"- - Cholera"', ClassKind: "category", ChapterNo: "01", isLeaf: "False", IsResidual: "False" }),
    row({
      Code: "1A00.0",
      Title: '"- - - Cholera, ""classical"""',
      ClassKind: "category",
      ChapterNo: "01",
      isLeaf: "True",
      IsResidual: "False"
    })
  ]
  change(lines)
  const path = join(mkdtempSync(join(tmpdir(), "ffynnon-icd11-")), "SimpleTabulation-ICD-11-MMS-en.txt")
  writeFileSync(path, lines.join("\r\n"))
  return path
}

const storedClasses = Effect.flatMap(Database, (database) =>
  database.query<{ count: string }>(sql`select count(*)::text as count from icd_class`)
).pipe(Effect.map((rows) => Number(rows[0]!.count)))

for (const kind of testDatabases) {
  describe(`ICD-11 on ${kind.name}`, () => {
    layer(IcdReleases.Default.pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(freshDatabaseLayer(kind))), {
      timeout: 120_000
    })((it) => {
      it.effect("reads a tabulation: parents from the dashes, titles without them, quotes undone, the version from the header", () =>
        Effect.gen(function* () {
          const report = yield* loadIcd11(tabulation())
          expect(report).toMatchObject({ system: icd11System, version: "2099-03", counts: { chapter: 1, block: 1, category: 2 } })
          const database = yield* Database
          const rows = yield* database.query(
            sql`select code, kind, parent_code, title, is_leaf from icd_class where release_id = ${report.releaseId} order by position`
          )
          expect(rows).toEqual([
            { code: "01", kind: "chapter", parent_code: null, title: "Chapter one", is_leaf: false },
            { code: "BlockL1-1A0", kind: "block", parent_code: "01", title: "Block", is_leaf: false },
            { code: "1A00", kind: "category", parent_code: "BlockL1-1A0", title: "Cholera", is_leaf: false },
            { code: "1A00.0", kind: "category", parent_code: "1A00", title: 'Cholera, "classical"', is_leaf: true }
          ])
          // Served after a refresh; the source answers the same array until something changes, so the API keeps its context.
          const icd = yield* IcdReleases
          yield* icd.source.refresh
          const served = yield* icd.source.current
          expect(served.map((system) => [system.system, system.versions])).toEqual([[icd11System, ["2099-03"]]])
          yield* icd.source.refresh
          expect(yield* icd.source.current).toBe(served)
        })
      )

      it.effect("refuses a tabulation with a missing column or a broken hierarchy, naming the file and line, and stores nothing", () =>
        Effect.gen(function* () {
          const before = yield* storedClasses
          const missing = yield* Effect.flip(loadIcd11(tabulation((lines) => (lines[0] = lines[0]!.replace("ClassKind", "Kind")))))
          expect(missing.message).toMatch(
            /SimpleTabulation-ICD-11-MMS-en\.txt:1: not an ICD-11 simple tabulation: the column 'ClassKind' is missing/
          )
          const jump = yield* Effect.flip(
            loadIcd11(tabulation((lines) => (lines[4] = lines[4]!.replace("- - - Cholera", "- - - - Cholera"))))
          )
          expect(jump.message).toMatch(/:5: '1A00\.0' is at level 4 but no row above it is at level 3/)
          const twice = yield* Effect.flip(loadIcd11(tabulation((lines) => lines.push(lines[3]!))))
          expect(twice.message).toMatch(/:6: '1A00' appears twice/)
          expect(yield* storedClasses).toBe(before)
        })
      )

      it.effect.skipIf(!hasIcd11)("loads the whole WHO 2024-01 release: 28 chapters, 1,353 blocks, 34,663 categories", () =>
        Effect.gen(function* () {
          const report = yield* loadIcd11(icd11Zip)
          expect(report.version).toBe("2024-01")
          expect(report.counts).toEqual({ chapter: 28, block: 1353, category: 34663 })
          expect(report.source).toBe("SimpleTabulation-ICD-11-MMS-en-2024-01.zip!/SimpleTabulation-ICD-11-MMS-en.txt")
          const [release] = (yield* (yield* Releases).list({ kind: "icd11" })).filter((entry) => entry.version === "2024-01")
          expect(release).toMatchObject({ status: "active", codeSystem: icd11System, rowCounts: report.counts })
          const again = yield* Effect.flip(loadIcd11(icd11Zip))
          expect(again.message).toMatch(/already loaded/)

          // Newest first (the tiny 2099-03 tabulation of the first test), the sample last though it sorts after the digits.
          yield* loadIcd11(sample)
          yield* (yield* IcdReleases).refresh
          const [system] = yield* (yield* IcdReleases).source.current
          expect(system!.versions).toEqual(["2099-03", "2024-01", "sample"])
          const provider = system!.provider("2024-01")!
          const cholera = provider.locate("1A00")!
          expect(provider.display(cholera, [])).toBe("Cholera")
          expect(provider.parents(cholera).map(provider.code)).toEqual(["BlockL2-1A0"])
          expect(provider.properties(cholera)).toEqual(
            expect.arrayContaining([
              { code: "kind", valueCode: "category" },
              { code: "leaf", valueBoolean: true },
              { code: "residual", valueBoolean: false },
              { code: "block", valueCode: "BlockL1-1A0" },
              { code: "block", valueCode: "BlockL2-1A0" },
              { code: "foundationUri", valueString: "http://id.who.int/icd/entity/257068234" }
            ])
          )
          const unspecified = provider.locate("1A11.Z")!
          expect(provider.properties(unspecified)).toContainEqual({ code: "residual", valueBoolean: true })
          expect(provider.roots()).toHaveLength(28)
          const expression = provider.locate("1A00&XN8P1")
          expect(expression).toBeDefined()
          expect(provider.subsumes(provider.locate("01")!, expression!)).toBe(true)
          expect(provider.locate("1A00&1A01")).toBeUndefined()
          expect(provider.locate("XN8P1&1A00")).toBeUndefined()
        })
      )
    })
  })
}
