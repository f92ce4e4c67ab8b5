/** `ffynnon load welsh` and `ffynnon welsh coverage` as a user runs them, over real processes. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { commandLine, repositoryRoot } from "./commandLine"
import { sampleFolder } from "../../../libs/snomed/test/sample"
import { welshList, welshPackage, welshPackageUri } from "../../../libs/welsh/test/sample"

const { ffynnon } = commandLine("welsh")

describe("ffynnon load welsh", () => {
  it("stops on a bad list line with one line naming file and line, exit code 1", async () => {
    const folder = mkdtempSync(join(tmpdir(), "ffynnon-cli-welsh-input-"))
    const list = join(folder, "terms.csv")
    writeFileSync(list, "system,code,term,type,status,english\nhttp://snomed.info/sct,22298006,Trawiad ar y galon,preferred,yes,\n")
    const { status, stderr } = await ffynnon("load", "welsh", list)
    rmSync(folder, { recursive: true, force: true })
    expect(status).toBe(1)
    expect(stderr.trim().split("\n").at(-1)).toBe(`ffynnon: ${list}:2: column 'status': 'yes' is not 'active' or 'inactive'`)
  })

  it("loads a translation package on top of the release it translates, and a list, telling them apart", async () => {
    expect((await ffynnon("load", "snomed", sampleFolder)).status).toBe(0)
    const rf2 = await ffynnon("load", "welsh", welshPackage)
    expect(rf2.status).toBe(0)
    expect(rf2.stdout).toMatch(
      new RegExp(`^Loaded ${welshPackageUri} as release \\d+, on top of http://snomed.info/sct/11000230100/version/20260101\\.$`, "m")
    )
    const list = await ffynnon("load", "welsh", welshList)
    expect(list.status).toBe(0)
    expect(list.stdout).toMatch(/^Loaded the Welsh term list ffynnon-welsh-terms, version [0-9a-f]{12}, as release \d+\.$/m)
    expect(list.stdout).toMatch(/^http:\/\/hl7\.org\/fhir\/sid\/icd-10\s+3\s+3\s+3$/m)
  })

  it("reports coverage per code system, reference set and stored value set", async () => {
    expect((await ffynnon("load", "fhir", join(repositoryRoot, "data", "sample", "fhir", "ffynnon-sample"))).status).toBe(0)
    const { status, stdout } = await ffynnon("welsh", "coverage", "--json")
    expect(status).toBe(0)
    expect(JSON.parse(stdout)).toContainEqual({
      system: "http://ffynnon.example/fhir/ValueSet/diabetes-mellitus",
      version: "1.0.0",
      scope: "value set",
      active: 8,
      welsh: 3
    })
    expect(JSON.parse(stdout)).toContainEqual({
      system: "http://snomed.info/sct",
      version: "http://snomed.info/sct/11000230100/version/20260101",
      scope: "all",
      active: 570,
      welsh: 34
    })
  })
})
