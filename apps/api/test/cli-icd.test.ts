/** `ffynnon load icd11`, `ffynnon load icd10` and `ffynnon load icd-map` as a user runs them, over real processes. */
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { commandLine, repositoryRoot } from "./commandLine"

const samples = join(repositoryRoot, "data", "sample")
const { ffynnon } = commandLine("icd")

describe("ffynnon load icd11 and icd10", () => {
  it("stops on a file of the wrong kind with one line naming it, exit code 1, loads nothing and records the failed attempt", async () => {
    const { status, stderr } = await ffynnon("load", "icd10", join(samples, "icd11", "SimpleTabulation-ICD-11-MMS-en-sample.txt"))
    expect(status).toBe(1)
    expect(stderr.trim().split("\n").at(-1)).toMatch(/^ffynnon: SimpleTabulation-ICD-11-MMS-en-sample\.txt: not ClaML: not an XML document/)
    expect(JSON.parse((await ffynnon("releases", "--json")).stdout)).toMatchObject([
      {
        kind: "icd10",
        codeSystem: "http://hl7.org/fhir/sid/icd-10",
        version: "",
        sourceName: "SimpleTabulation-ICD-11-MMS-en-sample.txt",
        status: "failed",
        error: expect.stringMatching(/not ClaML/)
      }
    ])
  })

  it("loads the samples with progress on stderr and a summary of counts by kind", async () => {
    const icd11 = await ffynnon("load", "icd11", join(samples, "icd11", "SimpleTabulation-ICD-11-MMS-en-sample.txt"))
    expect(icd11.status).toBe(0)
    expect(icd11.stdout).toMatch(/^Loaded http:\/\/id\.who\.int\/icd\/release\/11\/mms version sample from .* as release \d+\.$/m)
    expect(icd11.stdout).toMatch(/^chapter\s+3$/m)
    expect(icd11.stdout).toMatch(/^category\s+16$/m)
    expect(icd11.stderr).toMatch(/storing .*: 23 of 23/)
    const uk = await ffynnon(
      "load",
      "icd10",
      join(samples, "icd10-uk", "ICD10_Edition5_CodesAndTitlesAndMetadata_GB_sample.txt"),
      "--edition",
      "uk"
    )
    expect(uk.status).toBe(0)
    expect(uk.stdout).toMatch(/^Loaded http:\/\/hl7\.org\/fhir\/sid\/icd-10 version uk-5-sample from .* as release \d+\.$/m)
    expect(uk.stdout).toMatch(/^category\s+335$/m)
    const active = JSON.parse((await ffynnon("releases", "--json")).stdout).filter(
      (release: { status: string }) => release.status === "active"
    )
    expect(active).toMatchObject([
      { kind: "icd10", version: "uk-5-sample", rowCounts: { category: 335 } },
      { kind: "icd11", version: "sample", rowCounts: { chapter: 3, block: 4, category: 16 } }
    ])
  })

  it("loads WHO's mapping tables, a folder or zip of them, as one release with rows per table", async () => {
    const { status, stdout } = await ffynnon("load", "icd-map", join(samples, "icd-map"))
    expect(status).toBe(0)
    expect(stdout).toMatch(/^Loaded WHO's ICD-10\/ICD-11 mapping tables version sample from icd-map as release \d+\.$/m)
    expect(stdout).toMatch(/^10To11MapToOneCategory\s+14$/m)
    expect(stdout).toMatch(/^11To10MapToOneCategory\s+14$/m)
    const [latest] = JSON.parse((await ffynnon("releases", "--json")).stdout)
    expect(latest).toMatchObject({
      kind: "icd-map",
      codeSystem: "http://ffynnon.example/fhir/ConceptMap/who-icd10-icd11",
      status: "active"
    })
  })
})
