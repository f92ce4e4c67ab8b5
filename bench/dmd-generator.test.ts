import { Effect } from "effect"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { openRelease } from "../libs/dmd/src/release/files"
import { readRecords } from "../libs/dmd/src/release/read"
import { sctidProblem } from "../libs/snomed/src/Sctid"
import { generateDmd, version } from "./dmd-generator.ts"

const out = mkdtempSync(join(tmpdir(), "ffynnon-dmd-generator-"))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe("the synthetic dm+d release", () => {
  it("is a release the loader reads without a warning, at the scale asked for", async () => {
    const { main, bonus, count } = generateDmd(out, 0.002)
    const release = await Effect.runPromise(Effect.scoped(openRelease(main, bonus)))
    expect(release.version).toBe(version)
    const rows: Record<string, number> = {}
    for (const file of release.files) {
      const read = await readRecords(file, () => {})
      expect(read.warnings).toEqual([])
      Object.assign(rows, read.rows)
    }
    expect(rows).toMatchObject({ vtm: count.vtm, vmp: count.vmp, amp: count.amp, vmpp: count.vmpp, ampp: count.ampp, gtin: count.gtin })
    expect(count).toMatchObject({ vmp: 49, amp: 330, ampp: 368 })
    expect(rows.bnf_vmp).toBe(count.vmp)
    // Every record kind, appliances and combination packs included.
    for (const kind of ["ap_info", "pack_info", "vmpp_comb_content", "ampp_comb_content", "bnf_amp", "dtinfo", "history"]) {
      expect(rows[kind], kind).toBeGreaterThan(0)
    }
  })

  it("identifies everything by a valid SNOMED CT concept identifier beyond JavaScript's exact integers", () => {
    const { main, bonus } = generateDmd(out, 0.002)
    const files = [main, bonus].flatMap((folder) =>
      readdirSync(folder, { recursive: true, encoding: "utf8" })
        .filter((name) => name.endsWith(".xml"))
        .map((name) => join(folder, name))
    )
    const ids = files.flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/<(?:VTMID|VPID|APID|VPPID|APPID|AMPPID|ISID|IDCURRENT|IDPREVIOUS)>(\d+)</g)].map(
        (match) => match[1]!
      )
    )
    expect(ids.length).toBeGreaterThan(1000)
    expect(ids.filter((id) => sctidProblem(id, "concept") !== undefined || BigInt(id) <= BigInt(Number.MAX_SAFE_INTEGER))).toEqual([])
  })
})
