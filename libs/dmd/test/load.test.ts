import { describe, expect, layer } from "@effect/vitest"
import { Database, Releases } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import {
  copyFileSync,
  createWriteStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pipeline } from "node:stream/promises"
import { ZipFile } from "yazl"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { DmdReleases } from "../src/DmdReleases"
import { loadDmd } from "../src/store/load"
import { changedCopy, hasFixtures, opencodelists, openprescribing1, wardle } from "./fixtures"

/** The file in `folder` whose name starts with `prefix`. */
const fileLike = (folder: string, prefix: string) =>
  join(
    folder,
    readdirSync(folder).find((name) => name.startsWith(prefix))!
  )
const edit = (path: string, change: (text: string) => string) => writeFileSync(path, change(readFileSync(path, "utf8")))

/** Loads a changed copy of the openprescribing release and returns the error. */
const failedLoad = (change: (folder: string) => void) =>
  Effect.acquireUseRelease(
    Effect.sync(() => changedCopy(openprescribing1, change)),
    ({ folder }) => Effect.flip(loadDmd(folder)),
    ({ remove }) => Effect.sync(remove)
  )

/** A zip of the wardle release's main files, with its GTIN file in a zip inside, as NHSBSA ships it. */
const nestedZip = async () => {
  const folder = mkdtempSync(join(tmpdir(), "ffynnon-dmd-zip-"))
  const inner = new ZipFile()
  const gtin = fileLike(wardle, "f_gtin")
  inner.addFile(gtin, "f_gtin2_0260821.xml")
  inner.end()
  await pipeline(inner.outputStream, createWriteStream(join(folder, "gtin.zip")))
  const outer = new ZipFile()
  for (const name of readdirSync(wardle).filter(
    (name) => name.startsWith("f_") && !name.startsWith("f_gtin") && !name.startsWith("f_bnf")
  )) {
    outer.addFile(join(wardle, name), `nhsbsa_dmd_8.4.0_20210826000001/${name}`)
  }
  outer.addFile(join(folder, "gtin.zip"), "nhsbsa_dmd_8.4.0_20210826000001/week342021-r2_3-GTIN.zip")
  outer.end()
  const path = join(folder, "nhsbsa_dmd_8.4.0_20210826000001.zip")
  await pipeline(outer.outputStream, createWriteStream(path))
  return { path, folder, remove: () => rmSync(folder, { recursive: true, force: true }) }
}

const activeVersions = Effect.map(
  Effect.flatMap(Releases, (releases) => releases.list({ kind: "dmd" })),
  (list) => list.filter((release) => release.status === "active").map((release) => release.version)
)

for (const kind of testDatabases) {
  describe.skipIf(!hasFixtures)(`dm+d store on ${kind.name}`, () => {
    layer(DmdReleases.Default.pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(freshDatabaseLayer(kind))))((it) => {
      it.effect("loads a real release folder: every class, lookups, GTINs, counts in the registry", () =>
        Effect.gen(function* () {
          const report = yield* loadDmd(openprescribing1)
          expect(report.version).toBe("20190401")
          expect(report.date).toBe("2019-04-01")
          expect(report.rows).toMatchObject({ vtm: 2859, ingredient: 3482, vmp: 7, amp: 15, vmpp: 14, ampp: 26, gtin: 16, price_info: 26 })
          expect(report.warnings).toEqual([])
          expect(report.largest).toContainEqual({ what: "AMPs of one VMP", count: 6, code: "35894711000001106" })
          const [release] = (yield* (yield* Releases).list({ kind: "dmd" })).filter((entry) => entry.status === "active")
          expect(release).toMatchObject({ codeSystem: "https://dmd.nhs.uk", version: "20190401", sourceName: "openprescribing-dmd-1" })
          expect(release!.rowCounts).toMatchObject({ vtm: 2859, ampp: 26 })
          expect(release!.sourceSha256).toMatch(/^[0-9a-f]{64}$/)
          // Identifiers beyond JavaScript's exact integers, codes as written, prices in pence.
          const [vmp] = yield* (yield* Database).query<{ vpid: string; basiscd: string; price: number }>(
            sql`select v.vpid::text, v.basiscd, (select max(p.price) from dmd_price_info p where p.release_id = v.release_id) as price
                from dmd_vmp v where v.vpid = 22480211000001104`
          )
          expect(vmp).toMatchObject({ vpid: "22480211000001104", basiscd: "0001" })
          expect(Number.isInteger(Number(vmp!.price))).toBe(true)
          expect((yield* Effect.flip(loadDmd(openprescribing1))).message).toMatch(/already loaded/)
        })
      )

      it.effect("reads the main zip with a zip inside, and bonus files: BNF, ATC, DDD, history, VTM ingredients", () =>
        Effect.gen(function* () {
          const zip = yield* Effect.promise(nestedZip)
          const fromZip = yield* loadDmd(zip.path, { bonus: wardle }).pipe(Effect.ensuring(Effect.sync(zip.remove)))
          expect(fromZip.version).toBe("8.4.0_20210826")
          expect(fromZip.rows).toMatchObject({
            vtm: 1,
            vmp: 2,
            amp: 3,
            vmpp: 2,
            ampp: 2,
            gtin: 2,
            bnf_vmp: 1,
            history: 10,
            vtm_ingredient: 2
          })
          expect(fromZip.files.map((file) => file.path)).toContain(
            "nhsbsa_dmd_8.4.0_20210826000001.zip/nhsbsa_dmd_8.4.0_20210826000001/week342021-r2_3-GTIN.zip/f_gtin2_0260821.xml"
          )
          const [bnf] = yield* (yield* Database).query<{ bnf: string; atc: string; ddd: string }>(
            sql`select bnf, atc, ddd::text from dmd_bnf_vmp where vpid = 318136009`
          )
          expect(bnf).toEqual({ bnf: "02020400", atc: "C03EB01", ddd: "240" })
        })
      )

      it.effect("loads zips with odd file names side by side, the newest served first; a duplicated file is refused", () =>
        Effect.gen(function* () {
          yield* loadDmd(opencodelists("nhsbsa_dmd_1.2.0_20221001000001.zip"))
          yield* loadDmd(opencodelists("nhsbsa_dmd_1.0.0_20221001000001.zip"))
          const duplicated = yield* Effect.flip(loadDmd(opencodelists("nhsbsa_dmd_1.1.0_20221001000001.zip")))
          expect(duplicated.message).toMatch(/more than one f_lookup file: .*f_lookup2_test\.xml, .*f_lookup2_test1\.xml/)
          expect(yield* activeVersions).toEqual(expect.arrayContaining(["1.0.0_20221001", "1.2.0_20221001"]))
          const releases = yield* DmdReleases
          yield* releases.refresh
          expect((yield* releases.resolve()).version).toBe("1.2.0_20221001")
          expect((yield* releases.resolve("1.0.0_20221001")).version).toBe("1.0.0_20221001")
        })
      )

      it.effect("bad input stops the load with the file, line and element, and the previous release keeps serving", () =>
        Effect.gen(function* () {
          const before = yield* activeVersions
          const errors: Array<{ readonly _tag: string; readonly message: string }> = []
          // Malformed XML: a record cut off.
          errors.push(yield* failedLoad((folder) => edit(fileLike(folder, "f_vmp"), (text) => text.replace("</VMP>", "</VMPX>"))))
          expect(errors.at(-1)!.message).toMatch(/f_vmp2_3010419\.xml:\d+: is not well-formed XML/)
          // A value of the wrong form.
          errors.push(
            yield* failedLoad((folder) =>
              edit(fileLike(folder, "f_ampp"), (text) => text.replace(/<PRICE>\d+<\/PRICE>/, "<PRICE>1.5</PRICE>"))
            )
          )
          expect(errors.at(-1)!.message).toMatch(/f_ampp2_3010419\.xml:\d+: <PRICE_INFO\/PRICE> '1\.5' is not a price in whole pence/)
          // A required element missing.
          errors.push(yield* failedLoad((folder) => edit(fileLike(folder, "f_vtm"), (text) => text.replace(/<NM>[^<]*<\/NM>/, ""))))
          expect(errors.at(-1)!.message).toMatch(/f_vtm2_3010419\.xml:\d+: <VTM> has no <NM>/)
          // A missing file.
          errors.push(yield* failedLoad((folder) => unlinkSync(fileLike(folder, "f_gtin"))))
          expect(errors.at(-1)!.message).toMatch(/no f_gtin file/)
          // A reference to a product that does not exist.
          errors.push(
            yield* failedLoad((folder) =>
              edit(fileLike(folder, "f_amp2"), (text) => text.replace("<VPID>3549611000001100</VPID>", "<VPID>999999</VPID>"))
            )
          )
          expect(errors.at(-1)!.message).toMatch(
            /f_amp2_3010419\.xml: <AMP\/VPID> 1 record names a VMP that is not in the release \(for example 999999\)/
          )
          // A duplicated product.
          errors.push(
            yield* failedLoad((folder) =>
              edit(fileLike(folder, "f_vtm"), (text) =>
                text.replace(
                  "</VIRTUAL_THERAPEUTIC_MOIETIES>",
                  "<VTM><VTMID>10049011000001109</VTMID><NM>x</NM></VTM></VIRTUAL_THERAPEUTIC_MOIETIES>"
                )
              )
            )
          )
          expect(errors.at(-1)!.message).toMatch(/<VTM> VTMID 10049011000001109 appears twice/)
          // A truncated zip.
          const folder = mkdtempSync(join(tmpdir(), "ffynnon-dmd-truncated-"))
          const truncated = join(folder, "nhsbsa_dmd_1.0.0_20221001000001.zip")
          copyFileSync(opencodelists("nhsbsa_dmd_1.0.0_20221001000001.zip"), truncated)
          truncateSync(truncated, 3000)
          errors.push(yield* Effect.flip(loadDmd(truncated)).pipe(Effect.ensuring(Effect.sync(() => rmSync(folder, { recursive: true })))))
          expect(errors.at(-1)!.message).toMatch(/nhsbsa_dmd_1\.0\.0_20221001000001\.zip: cannot read it as a zip or folder/)

          expect(errors.every((error) => error._tag === "DmdError")).toBe(true)
          expect(yield* activeVersions).toEqual(before)
          // The release served before is still the one served.
          const releases = yield* DmdReleases
          yield* releases.refresh
          expect((yield* releases.all).map((release) => release.version).toSorted()).toEqual([...before].sort())
          const [stray] = yield* (yield* Database).query<{ count: number }>(
            sql`select count(*)::int as count from dmd_vtm where release_id not in (select id from release where status = 'active')`
          )
          expect(Number(stray!.count)).toBe(0)
          const failed = (yield* (yield* Releases).list({ kind: "dmd" })).filter((release) => release.status === "failed")
          expect(failed.length).toBeGreaterThanOrEqual(5)
        })
      )

      it.effect("reports an unknown element and loads the rest", () =>
        Effect.gen(function* () {
          const copy = changedCopy(
            openprescribing1,
            (folder) => edit(fileLike(folder, "f_vtm"), (text) => text.replace("</VTM>", "<NEWFIELD>x</NEWFIELD></VTM>")),
            "nhsbsa_dmd_4.1.0_20190408000001"
          )
          const report = yield* loadDmd(copy.folder).pipe(Effect.ensuring(Effect.sync(copy.remove)))
          expect(report.version).toBe("4.1.0_20190408")
          expect(report.warnings).toEqual([expect.stringMatching(/f_vtm2_3010419\.xml:\d+: unknown element <NEWFIELD> in <VTM>, skipped/)])
          expect(report.rows.vtm).toBe(2859)
        })
      )
    })
  })
}
