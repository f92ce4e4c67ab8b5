/** `ffynnon match model …` and `ffynnon match dedupe` as a data steward runs them, over real processes. */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { commandLine, repositoryRoot } from "./commandLine"

const sampleCsv = join(repositoryRoot, "data", "sample", "patients", "ffynnon-sample-patients.csv")
const shippedModel = join(repositoryRoot, "libs", "matching", "models", "welsh-synthetic-2.json")
const { dataDir, ffynnon } = commandLine("match")

describe("ffynnon match", () => {
  it("stores a model, refusing one it cannot use or a version already stored", async () => {
    expect((await ffynnon("match", "model", "list")).stdout.trim()).toBe("No model is active: $match scores with the shipped model.")
    const copy = join(dataDir, "copy.json")
    writeFileSync(copy, JSON.stringify({ ...JSON.parse(readFileSync(shippedModel, "utf8")), version: "copy-1" }))
    expect((await ffynnon("match", "model", "import", copy)).status).toBe(0)
    const again = await ffynnon("match", "model", "import", copy)
    expect([again.status, again.stderr.trim()]).toEqual([
      1,
      "ffynnon: a model 'copy-1' is already stored: give the new one another version."
    ])
    const broken = join(dataDir, "broken.json")
    writeFileSync(broken, JSON.stringify({ format: "ffynnon-match-model" }))
    expect((await ffynnon("match", "model", "import", broken)).status).toBe(1)
  })

  it("activates a stored model and goes back to the shipped one", async () => {
    const unknown = await ffynnon("match", "model", "activate", "no-such-model")
    expect([unknown.status, unknown.stderr.trim()]).toEqual([1, "ffynnon: no model 'no-such-model' is stored."])
    expect((await ffynnon("match", "model", "activate", "copy-1")).status).toBe(0)
    expect((await ffynnon("match", "model", "list")).stdout).toMatch(/^\* copy-1 {2}trained /m)
    expect((await ffynnon("match", "model", "deactivate")).status).toBe(0)
    expect((await ffynnon("match", "model", "list")).stdout).toMatch(/^ {2}copy-1 /m)
  })

  it("loads the sample patients", async () => {
    expect((await ffynnon("load", "patients", sampleCsv)).status).toBe(0)
  })

  it("finds the household pairs of the sample patients, holds them for review and names records by id only", async () => {
    const out = join(dataDir, "pairs.csv")
    const run = await ffynnon("match", "dedupe", "--threshold", "0.5", "--out", out)
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^12 live records, \d+ candidate pairs scored/m)
    expect(run.stdout).toMatch(/^0 likely duplicate pairs in 0 clusters; [1-9]\d* more pairs at the threshold held for review/m)
    const [header, ...pairs] = readFileSync(out, "utf8").trim().split("\n")
    expect(header).toBe("cluster,patient_id,other_id,probability,review")
    expect(pairs.length).toBeGreaterThan(0)
    for (const pair of pairs) expect(pair).toMatch(/^,[0-9a-f-]{36},[0-9a-f-]{36},0\.\d{6},(forenames|birth dates|different)/)
    // No names in what the command prints or writes.
    expect(run.stdout + pairs.join("\n")).not.toMatch(/Jones|Evans|Siân/)
  })

  it("trains a model with labels from the review file of a dedupe run", async () => {
    // Another source's record of Siân Eleri Jones: no NHS number or hospital number, no accent.
    const [header, sian] = readFileSync(sampleCsv, "utf8").split("\n")
    const copy = join(dataDir, "copy.csv")
    writeFileSync(copy, `${header}\n${sian!.replace(/^9990000018,01,C100001,[^,]*,/, ",,,,").replace("Siân", "Sian")}\n`)
    expect((await ffynnon("load", "patients", copy)).status).toBe(0)
    const review = join(dataDir, "review.csv")
    const run = await ffynnon("match", "dedupe", "--threshold", "0.5", "--out", review)
    expect(run.stdout).toMatch(/^1 likely duplicate pairs in 1 clusters/m)
    // The data steward's verdicts: the linked pair is one person, a pair held for review is not.
    const [reviewHeader, ...pairs] = readFileSync(review, "utf8").trim().split("\n")
    const labels = join(dataDir, "labels.csv")
    writeFileSync(
      labels,
      [`${reviewHeader},match`, ...pairs.map((pair) => `${pair},${pair.startsWith(",") ? "non-match" : "match"}`)].join("\n")
    )
    const trained = await ffynnon("match", "model", "train", "labelled-1", "--labels", labels)
    expect([trained.status, trained.stderr]).toEqual([0, ""])
    expect(trained.stdout).toMatch(/^Trained and stored model 'labelled-1' on 13 records with 1 labelled matches and \d+ non-matches/)
    expect((await ffynnon("match", "model", "list")).stdout).toMatch(/^ {2}labelled-1 /m)
  }, 240_000)

  it("refuses labels it cannot use, storing nothing", async () => {
    const review = join(dataDir, "review.csv")
    const labels = join(dataDir, "labels.csv")
    const [, ...pairs] = readFileSync(review, "utf8").trim().split("\n")
    const refused = async (text: string) => {
      writeFileSync(labels, text)
      const result = await ffynnon("match", "model", "train", "labelled-2", "--labels", labels)
      return [result.status, result.stderr.trim()]
    }
    const [, id, other] = pairs[0]!.split(",")
    expect(await refused(`patient_id,other_id,match\n${id},nobody,1`)).toEqual([
      1,
      `ffynnon: ${labels} line 2: no patient record 'nobody' is stored.`
    ])
    expect(await refused(`patient_id,other_id,match\n${id},${other},perhaps`)).toEqual([
      1,
      `ffynnon: ${labels} line 2: match must be 1, true, yes or match, or 0, false, no or non-match, not 'perhaps'.`
    ])
    expect(await refused(`patient_id,other_id,match\n${id},${other},0`)).toEqual([1, "ffynnon: the labelled pairs hold no match"])
    expect((await ffynnon("match", "model", "list")).stdout).not.toMatch(/labelled-2/)
  }, 240_000)

  it("refuses a threshold that is not a probability", async () => {
    const bad = await ffynnon("match", "dedupe", "--threshold", "1.5")
    expect([bad.status, bad.stderr.trim()]).toEqual([1, "ffynnon: --threshold must be between 0 and 1."])
  })
})
