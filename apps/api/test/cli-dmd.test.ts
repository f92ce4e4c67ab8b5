/** `ffynnon load dmd` as a user runs it, over real processes, on the sample release. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { commandLine } from "./commandLine"
import { sampleBonus, sampleFolder } from "../../../libs/dmd/test/fixtures"

const { ffynnon } = commandLine("dmd")

describe("ffynnon load dmd", () => {
  it("stops on malformed XML with one line naming the file and line, exit code 1, and loads nothing", async () => {
    const parent = mkdtempSync(join(tmpdir(), "ffynnon-cli-dmd-input-"))
    const broken = join(parent, "nhsbsa_dmd_12.1.0_20261207000001")
    cpSync(sampleFolder, broken, { recursive: true })
    writeFileSync(join(broken, "f_vtm2_3071226.xml"), "<VIRTUAL_THERAPEUTIC_MOIETIES><VTM><VTMID>1</VTMID>")
    const { status, stderr } = await ffynnon("load", "dmd", broken)
    rmSync(parent, { recursive: true, force: true })
    expect(status).toBe(1)
    expect(stderr.trim().split("\n").at(-1)).toMatch(/^ffynnon: f_vtm2_3071226\.xml:1: is not well-formed XML/)
    expect(JSON.parse((await ffynnon("releases", "--json")).stdout)).toMatchObject([{ kind: "dmd", status: "failed" }])
  })

  it("loads the main and bonus folders and prints rows per table and the largest cardinalities", async () => {
    const { status, stdout } = await ffynnon("load", "dmd", sampleFolder, "--bonus", sampleBonus)
    expect(status).toBe(0)
    expect(stdout).toMatch(/^Loaded dm\+d 12\.1\.0_20261207 \(2026-12-07\) as release \d+ in [\d.]+ s\.$/m)
    expect(stdout).toMatch(/^dmd_ampp\s+10$/m)
    expect(stdout).toMatch(/^dmd_history\s+5$/m)
    expect(stdout).toMatch(/^packs in one combination pack \(AMPP\)\s+2\s+1600081000230100$/m)
    const active = JSON.parse((await ffynnon("releases", "--json")).stdout).filter(
      (release: { status: string }) => release.status === "active"
    )
    expect(active).toMatchObject([
      { kind: "dmd", codeSystem: "https://dmd.nhs.uk", version: "12.1.0_20261207", rowCounts: { vtm: 4, ampp: 10 } }
    ])
  })
})
