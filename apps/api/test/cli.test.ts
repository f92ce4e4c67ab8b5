/** The command line as a user runs it: `ffynnon load snomed` and `ffynnon releases`, over real processes. */
import { cpSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { commandLine } from "./commandLine"
import { editLine, sampleFile, sampleFolder, sampleUri } from "../../../libs/snomed/test/sample"

const { dataDir, ffynnon } = commandLine("snomed")

describe("ffynnon load snomed", () => {
  it("stops on a bad row with one line naming the file and line, exit code 1, and loads nothing", async () => {
    const broken = mkdtempSync(join(tmpdir(), "ffynnon-cli-rf2-"))
    cpSync(sampleFolder, broken, { recursive: true })
    editLine(sampleFile(broken, "sct2_Concept_"), 4, (row) => row.replace(/\t[01]\t/, "\tyes\t"))
    const { status, stderr } = await ffynnon("load", "snomed", broken)
    rmSync(broken, { recursive: true, force: true })
    expect(status).toBe(1)
    expect(stderr.trim().split("\n").at(-1)).toMatch(
      /^ffynnon: .*sct2_Concept_Snapshot_GB1000000_20260101\.txt:4: column 'active': 'yes' is not 0 or 1$/
    )
  })

  it("loads a release with progress and a summary, and lists it", async () => {
    const { status, stdout, stderr } = await ffynnon("load", "snomed", sampleFolder)
    expect(status).toBe(0)
    expect(stderr).toMatch(/load .*sct2_Concept_Snapshot_GB1000000_20260101\.txt/)
    expect(stdout).toContain(`Loaded ${sampleUri} as release`)
    expect(stdout).toMatch(/time: copy [\d.]+ s, index [\d.]+ s, check [\d.]+ s/)
    const listed = JSON.parse((await ffynnon("releases", "--json")).stdout)
    expect(listed.map(({ version, status }: { version: string; status: string }) => ({ version, status }))).toEqual([
      { version: sampleUri, status: "active" },
      { version: "http://snomed.info/sct/11000230100/version/20260101", status: "failed" }
    ])
  })

  it("refuses a path that does not exist, before touching the database", async () => {
    const { status, stderr } = await ffynnon("load", "snomed", join(dataDir, "missing.zip"))
    expect(status).not.toBe(0)
    expect(stderr).toMatch(/missing\.zip/)
  })

  it("names a folder without RF2 files, with no line number (Bun gives every Error a line of its own)", async () => {
    const empty = mkdtempSync(join(tmpdir(), "ffynnon-cli-empty-"))
    const { status, stderr } = await ffynnon("load", "snomed", empty)
    rmSync(empty, { recursive: true, force: true })
    expect(status).toBe(1)
    expect(stderr.trim().split("\n").at(-1)).toBe(
      `ffynnon: ${empty}: no RF2 files found (names like sct2_Concept_Snapshot_INT_20250909.txt)`
    )
  })
})
