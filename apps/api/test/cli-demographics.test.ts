/** `ffynnon token`, `ffynnon load patients` and `ffynnon audit verify` as a user runs them, over real processes. */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { describe, expect, it } from "vitest"
import { commandLine, repositoryRoot } from "./commandLine"

const sampleCsv = join(repositoryRoot, "data", "sample", "patients", "ffynnon-sample-patients.csv")
const { dataDir, ffynnonWith } = commandLine("demographics", { FFYNNON_AUTH_SECRET: "" })

describe("ffynnon token", () => {
  it("prints a token signed with FFYNNON_AUTH_SECRET carrying the scopes and user", async () => {
    const { status, stdout } = await ffynnonWith(
      { FFYNNON_AUTH_SECRET: "a-secret-for-the-cli-test-0123456789" },
      "token",
      "--scope",
      "system/Patient.rs",
      "--sub",
      "dr-evans"
    )
    expect(status).toBe(0)
    const payload = JSON.parse(Buffer.from(stdout.trim().split(".")[1]!, "base64url").toString())
    expect(payload).toMatchObject({ scope: "system/Patient.rs", sub: "dr-evans" })
  })
  it("says what is missing without a secret", async () => {
    const { status, stderr } = await ffynnonWith({}, "token", "--scope", "system/Patient.rs")
    expect(status).toBe(1)
    expect(stderr.trim()).toBe("ffynnon: FFYNNON_AUTH_SECRET is not set: it is the secret the token is signed with.")
  })
})

describe("ffynnon load patients and audit verify", () => {
  it("loads a CSV with a summary, then verifies the audit trail and finds a changed event", async () => {
    const csv = join(dataDir, "extract.csv")
    writeFileSync(csv, `${readFileSync(sampleCsv, "utf8").trim()}\n1234567890,,,,,Bad,Number,male,1970-01-01,,,,,,,,,,,,,\n`)
    const load = await ffynnonWith({}, "load", "patients", csv)
    expect(load.status).toBe(0)
    expect(load.stdout).toMatch(/^loaded\s+rejected\s+seconds$/m)
    expect(load.stdout).toMatch(/^\s*12\s+1\s+[\d.]+$/m)
    expect(readFileSync(`${csv}.rejects.tsv`, "utf8")).toMatch(/^14\tPatient.identifier\[0\].value: /)
    const verified = await ffynnonWith({}, "audit", "verify")
    expect([verified.status, verified.stdout.trim()]).toEqual([0, "The audit trail is intact: 1 events, each chained to the one before."])

    // Someone with the database's owner rights edits the trail behind the trigger.
    const database = new PGlite(join(dataDir, "pglite"))
    await database.exec(
      "alter table audit_event disable trigger audit_event_no_change; update audit_event set event = replace(event, 'extract', 'other'); alter table audit_event enable trigger audit_event_no_change"
    )
    await database.close()
    const broken = await ffynnonWith({}, "audit", "verify")
    expect([broken.status, broken.stderr.trim()]).toEqual([
      1,
      "ffynnon: the audit trail is broken at event 1: its event was changed after it was written (0 events before it are intact)."
    ])
  })
})
