/** `ffynnon match model …` and `ffynnon match dedupe` as a data steward runs them, over real processes. */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { commandLine, repositoryRoot } from "./commandLine"

const sampleCsv = join(repositoryRoot, "data", "sample", "patients", "ffynnon-sample-patients.csv")
const shippedModel = join(repositoryRoot, "libs", "matching", "models", "welsh-synthetic-2.json")
const { dataDir, ffynnon } = commandLine("match")

describe("ffynnon match", () => {
  it("stores a model, refusing one it cannot use or a version already stored", () => {
    expect(ffynnon("match", "model", "list").stdout.trim()).toBe("No model is active: $match scores with the shipped model.")
    const copy = join(dataDir, "copy.json")
    writeFileSync(copy, JSON.stringify({ ...JSON.parse(readFileSync(shippedModel, "utf8")), version: "copy-1" }))
    expect(ffynnon("match", "model", "import", copy).status).toBe(0)
    const again = ffynnon("match", "model", "import", copy)
    expect([again.status, again.stderr.trim()]).toEqual([
      1,
      "ffynnon: a model 'copy-1' is already stored: give the new one another version."
    ])
    const broken = join(dataDir, "broken.json")
    writeFileSync(broken, JSON.stringify({ format: "ffynnon-match-model" }))
    expect(ffynnon("match", "model", "import", broken).status).toBe(1)
  })

  it("activates a stored model and goes back to the shipped one", () => {
    const unknown = ffynnon("match", "model", "activate", "no-such-model")
    expect([unknown.status, unknown.stderr.trim()]).toEqual([1, "ffynnon: no model 'no-such-model' is stored."])
    expect(ffynnon("match", "model", "activate", "copy-1").status).toBe(0)
    expect(ffynnon("match", "model", "list").stdout).toMatch(/^\* copy-1 {2}trained /m)
    expect(ffynnon("match", "model", "deactivate").status).toBe(0)
    expect(ffynnon("match", "model", "list").stdout).toMatch(/^ {2}copy-1 /m)
  })

  it("loads the sample patients", () => {
    expect(ffynnon("load", "patients", sampleCsv).status).toBe(0)
  })

  it("finds the household pairs of the sample patients, holds them for review and names records by id only", () => {
    const out = join(dataDir, "pairs.csv")
    const run = ffynnon("match", "dedupe", "--threshold", "0.5", "--out", out)
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^12 live records, \d+ blocked pairs scored/m)
    expect(run.stdout).toMatch(/^0 likely duplicate pairs in 0 clusters; [1-9]\d* more pairs at the threshold held for review/m)
    const [header, ...pairs] = readFileSync(out, "utf8").trim().split("\n")
    expect(header).toBe("cluster,patient_id,other_id,probability,review")
    expect(pairs.length).toBeGreaterThan(0)
    for (const pair of pairs) expect(pair).toMatch(/^,[0-9a-f-]{36},[0-9a-f-]{36},0\.\d{6},(forenames|birth dates|different)/)
    // No names in what the command prints or writes.
    expect(run.stdout + pairs.join("\n")).not.toMatch(/Jones|Evans|Siân/)
  })

  it("refuses a threshold that is not a probability", () => {
    const bad = ffynnon("match", "dedupe", "--threshold", "1.5")
    expect([bad.status, bad.stderr.trim()]).toEqual([1, "ffynnon: --threshold must be between 0 and 1."])
  })
})
