import { describe, expect, layer } from "@effect/vitest"
import { Database, Releases } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { IcdReleases } from "../src/IcdReleases"
import { icdMapSystem, loadIcdMap } from "../src/map/load"

const samples = join(import.meta.dirname, "..", "..", "..", "data", "sample", "icd-map")
const oneCategory = join(samples, "10To11MapToOneCategory.txt")

/** The sample 10To11 table, changed, as a file of that name in a folder of its own. */
const changed = (change: (lines: Array<string>) => void, name = "10To11MapToOneCategory.txt") => {
  const lines = readFileSync(oneCategory, "utf8").split("\r\n")
  change(lines)
  const path = join(mkdtempSync(join(tmpdir(), "ffynnon-icd-map-")), name)
  writeFileSync(path, lines.join("\r\n"))
  return path
}

for (const kind of testDatabases) {
  describe(`WHO's ICD-10/ICD-11 mapping tables on ${kind.name}`, () => {
    layer(IcdReleases.Default.pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(freshDatabaseLayer(kind))), {
      timeout: 60_000
    })((it) => {
      const storedRows = Effect.flatMap(Database, (database) =>
        database.query<{ count: number }>(sql`select count(*)::int as count from icd_map`)
      )

      it.effect("refuses a bad table naming the file and line, and stores nothing", () =>
        Effect.gen(function* () {
          const missing = yield* Effect.flip(loadIcdMap(changed((lines) => (lines[0] = lines[0]!.replace("icd11Code", "code11")))))
          expect(missing.message).toMatch(
            /10To11MapToOneCategory\.txt:1: not a WHO 10To11 mapping table: the column 'icd11Code' is missing/
          )
          const short = yield* Effect.flip(loadIcdMap(changed((lines) => (lines[3] = lines[3]!.split("\t").slice(0, 5).join("\t")))))
          expect(short.message).toMatch(/10To11MapToOneCategory\.txt:4: the row has 5 columns, the header 12 or more/)
          const twice = yield* Effect.flip(loadIcdMap(changed((lines) => lines.splice(5, 0, lines[3]!))))
          expect(twice.message).toMatch(/:6: 'A00' is mapped a second time in a table of one category per class/)
          const noCode = yield* Effect.flip(loadIcdMap(changed((lines) => (lines[3] = lines[3]!.replace("\tA00\t", "\t\t")))))
          expect(noCode.message).toMatch(/:4: the row has no ICD-10 code/)
          const named = yield* Effect.flip(loadIcdMap(changed(() => {}, "mapping.txt")))
          expect(named.message).toMatch(/mapping\.txt: not one of WHO's ICD-10\/ICD-11 mapping tables/)
          expect(yield* storedRows).toEqual([{ count: 0 }])
        })
      )

      it.effect("needs one version: the tables' dates must agree, else --release-version", () =>
        Effect.gen(function* () {
          const folder = mkdtempSync(join(tmpdir(), "ffynnon-icd-map-"))
          copyFileSync(oneCategory, join(folder, "10To11MapToOneCategory.txt"))
          const other = readFileSync(join(samples, "11To10MapToOneCategory.txt"), "utf8").replace("\tsample\r\n", "\t2019-Apr-06\r\n")
          writeFileSync(join(folder, "11To10MapToOneCategory.txt"), other)
          const differ = yield* Effect.flip(loadIcdMap(folder))
          expect(differ.message).toMatch(/the tables state different dates \(sample, 2019-04-06\)/)
          const report = yield* loadIcdMap(join(folder, "11To10MapToOneCategory.txt"))
          expect(report).toMatchObject({ version: "2019-04-06", counts: { "11To10MapToOneCategory": 14 } })
        })
      )

      it.effect("loads the sample folder as one release, every row kept, and serves each table as a map", () =>
        Effect.gen(function* () {
          const report = yield* loadIcdMap(samples)
          expect(report).toMatchObject({
            version: "sample",
            counts: { "10To11MapToMultipleCategories": 7, "10To11MapToOneCategory": 14, "11To10MapToOneCategory": 14 }
          })
          const icd = yield* IcdReleases
          yield* icd.refresh
          const maps = (yield* icd.maps).filter((map) => map.version === "sample")
          expect(maps.map((map) => map.url)).toEqual([
            `${icdMapSystem}/10To11MapToMultipleCategories`,
            `${icdMapSystem}/10To11MapToOneCategory`,
            `${icdMapSystem}/11To10MapToOneCategory`
          ])
          expect(maps[0]!.bySource.get("A00-A09")!.map((row) => row.targetCode)).toEqual(["1A00", "1A02", "1A0Z"])
          // The ICD-11 chapter a table gives no code for is known by its number.
          expect(maps[1]!.bySource.get("IX")!.map((row) => row.targetCode)).toEqual(["11"])
          // A grouping without a code is kept, with its linearization URI.
          expect(maps[2]!.bySource.get("")).toBeUndefined()
          expect(maps[2]!.byTarget.get("A09")!.map((row) => [row.sourceCode, row.sourceUri])).toEqual([
            ["", "http://id.who.int/icd/release/11/mms/1000000102"]
          ])
        })
      )
    })
  })
}
