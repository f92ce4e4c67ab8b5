/** `ffynnon load fhir` as a user runs it, over real processes. */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..", "..", "..")
const sampleFhirFolder = join(root, "data", "sample", "fhir", "ffynnon-sample")
const dataDir = mkdtempSync(join(tmpdir(), "ffynnon-cli-fhir-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const ffynnon = (...args: Array<string>) =>
  spawnSync(join(root, "node_modules", ".bin", "bun"), [join(root, "apps", "api", "src", "cli.ts"), ...args], {
    env: { ...process.env, DATABASE_URL: "", FFYNNON_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    encoding: "utf8"
  })

describe("ffynnon load fhir", () => {
  it("stops on a malformed file with one line naming it, exit code 1, and loads nothing", () => {
    const broken = mkdtempSync(join(tmpdir(), "ffynnon-cli-fhir-input-"))
    writeFileSync(join(broken, "valueset.json"), '{ "resourceType": "ValueSet", ')
    const { status, stderr } = ffynnon("load", "fhir", broken)
    rmSync(broken, { recursive: true, force: true })
    expect(status).toBe(1)
    expect(stderr.trim().split("\n").at(-1)).toMatch(/^ffynnon: .*valueset\.json: not valid JSON: /)
    expect(JSON.parse(ffynnon("releases", "--json").stdout)).toEqual([])
  })

  it("loads a folder of resources and prints what it loaded", () => {
    const { status, stdout } = ffynnon("load", "fhir", sampleFhirFolder)
    expect(status).toBe(0)
    expect(stdout).toMatch(/^Loaded ffynnon-sample, version [0-9a-f]{12}, as release \d+\.$/m)
    expect(stdout).toMatch(/^ValueSet\s+3$/m)
    expect(stdout).toMatch(/^time: [\d.]+ s$/m)
    const listed = JSON.parse(ffynnon("releases", "--json").stdout)
    expect(listed).toMatchObject([
      { kind: "fhir", codeSystem: "ffynnon-sample", status: "active", rowCounts: { CodeSystem: 1, ValueSet: 3, ConceptMap: 1 } }
    ])
  })
})
