/** `ffynnon load fhir` as a user runs it, over real processes. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { commandLine, repositoryRoot } from "./commandLine"

const sampleFhirFolder = join(repositoryRoot, "data", "sample", "fhir", "ffynnon-sample")
const { ffynnon } = commandLine("fhir")

describe("ffynnon load fhir", () => {
  it("stops on a malformed file with one line naming it, exit code 1, loads nothing and records the failed attempt", async () => {
    const broken = mkdtempSync(join(tmpdir(), "ffynnon-cli-fhir-input-"))
    writeFileSync(join(broken, "valueset.json"), '{ "resourceType": "ValueSet", ')
    const { status, stderr } = await ffynnon("load", "fhir", broken)
    rmSync(broken, { recursive: true, force: true })
    expect(status).toBe(1)
    expect(stderr.trim().split("\n").at(-1)).toMatch(/^ffynnon: .*valueset\.json: not valid JSON: /)
    const [failed, ...others] = JSON.parse((await ffynnon("releases", "--json")).stdout)
    expect(others).toEqual([])
    expect(failed).toMatchObject({
      kind: "fhir",
      version: "",
      status: "failed",
      error: expect.stringMatching(/valueset\.json: not valid JSON/)
    })
  })

  it("loads a folder of resources and prints what it loaded", async () => {
    const { status, stdout } = await ffynnon("load", "fhir", sampleFhirFolder)
    expect(status).toBe(0)
    expect(stdout).toMatch(/^Loaded ffynnon-sample, version [0-9a-f]{12}, as release \d+\.$/m)
    expect(stdout).toMatch(/^ValueSet\s+3$/m)
    expect(stdout).toMatch(/^time: [\d.]+ s$/m)
    const listed = JSON.parse((await ffynnon("releases", "--json")).stdout)
    expect(listed.filter((release: { status: string }) => release.status === "active")).toMatchObject([
      { kind: "fhir", codeSystem: "ffynnon-sample", status: "active", rowCounts: { CodeSystem: 1, ValueSet: 3, ConceptMap: 1 } }
    ])
  })
})
