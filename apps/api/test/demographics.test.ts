/**
 * The patient endpoints over real HTTP handling (`app.request()`) and a real database: access
 * tokens and scopes, the FHIR interactions, bad input, Bundles, merges and the audit trail.
 */
import { Effect, Layer, Redacted } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { nhsNumber, patient } from "../../../libs/demographics/test/patients"
import { loggedPath } from "../src/app"
import { Auth, makeAuth, signToken } from "../src/auth"
import { apiHarness } from "./harness"
import { Database } from "@ffynnon/db"
import { AuditTrail, loadPatients } from "@ffynnon/demographics"
import { sql, type SQL } from "drizzle-orm"
import { join } from "node:path"

const sampleCsv = join(import.meta.dirname, "..", "..", "..", "data", "sample", "patients", "ffynnon-sample-patients.csv")

const secret = Redacted.make("a-test-secret-of-some-length-0123456789")
const token = (scope: string, sub = "dr-evans") => Effect.runPromise(signToken(secret, { scope, sub, client: "test-epr" }))

describe("request log lines", () => {
  it("leave out a patient's id, which a client may have filled with an NHS number", () => {
    expect(loggedPath("/fhir/Patient/9434765919/_history/2")).toBe("/fhir/Patient/:id/_history/2")
    expect(loggedPath("/fhir/Patient/$merge")).toBe("/fhir/Patient/$merge")
    expect(loggedPath("/fhir/CodeSystem/abc")).toBe("/fhir/CodeSystem/abc")
  })
})

describe("FFYNNON_AUTH_TERMINOLOGY=token", () => {
  const api = apiHarness(testDatabases[0]!, Effect.void, Layer.succeed(Auth, makeAuth({ secret, terminologyNeedsToken: true })))
  const get = (path: string, bearer?: string) =>
    api.request(path, { headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` } })

  it("puts the terminology endpoints behind a valid token of any scope; the CapabilityStatement stays open", async () => {
    expect((await get("/fhir/metadata")).status).toBe(200)
    const refused = await get("/fhir/CodeSystem")
    expect([refused.status, refused.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="ffynnon"'])
    expect(((await refused.json()) as { issue: Array<{ code: string }> }).issue[0]!.code).toBe("login")
    expect((await get("/fhir/CodeSystem/$lookup?system=http://snomed.info/sct&code=1", "not-a-token")).status).toBe(401)
    expect((await get("/fhir/CodeSystem", await token("system/CodeSystem.rs"))).status).toBe(200)
    // The patient endpoints keep their own check, scopes included.
    expect((await get("/fhir/Patient?family=jones", await token("system/CodeSystem.rs"))).status).toBe(403)
  })
})

for (const kind of testDatabases) {
  describe(`demographics API on ${kind.name}`, () => {
    const api = apiHarness(kind, Effect.void, Layer.succeed(Auth, makeAuth({ secret })))
    let full: string
    let readOnly: string
    beforeAll(async () => {
      full = await token("system/Patient.cruds system/AuditEvent.rs")
      readOnly = await token("user/Patient.rs")
    })
    const call = async (
      method: string,
      path: string,
      options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}
    ) => {
      const response = await api.request(path, {
        method,
        headers: {
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
          ...(options.body === undefined ? {} : { "content-type": "application/fhir+json" }),
          ...options.headers
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
      })
      return { status: response.status, headers: response.headers, body: await response.json() }
    }
    const bundle = (type: string, entry: Array<unknown>) => ({ resourceType: "Bundle", type, entry })
    const create = async (resource: unknown) => {
      const created = await call("POST", "/fhir/Patient", { token: full, body: resource })
      expect(created.status).toBe(201)
      return created.body as { id: string; meta: { versionId: string } }
    }

    it("needs a valid token with the right scope for patients; terminology stays open", async () => {
      const statement = await call("GET", "/fhir/metadata")
      expect(statement.body.rest[0].interaction).toEqual([{ code: "batch" }, { code: "transaction" }])
      expect(statement.body.rest[0].resource.find((resource: { type: string }) => resource.type === "Patient").interaction).toHaveLength(6)
      const none = await call("GET", "/fhir/Patient?family=jones")
      expect(none.status).toBe(401)
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/)
      expect(none.body.resourceType).toBe("OperationOutcome")
      const forged = await Effect.runPromise(
        signToken(Redacted.make("another-secret-entirely-9876543210"), { scope: "system/Patient.cruds" })
      )
      expect((await call("GET", "/fhir/Patient?family=jones", { token: forged })).body.issue[0].details.text).toMatch(/signature/)
      expect((await call("GET", "/fhir/Patient?family=jones", { token: "not.a.jwt" })).status).toBe(401)
      const forbidden = await call("POST", "/fhir/Patient", { token: readOnly, body: patient({}, nhsNumber(910000001)) })
      expect(forbidden.status).toBe(403)
      expect(forbidden.body.issue[0].code).toBe("forbidden")
      expect((await call("GET", "/fhir/Patient?family=nobody", { token: readOnly })).status).toBe(200)
    })

    it("loads patient files as releases that are not code systems", async () => {
      await api.runtime.runPromise(loadPatients(sampleCsv, { actor: { client: "test" } }))
      const capabilities = await call("GET", "/fhir/metadata?mode=terminology")
      expect(capabilities.body.codeSystem.map((codeSystem: { uri: string }) => codeSystem.uri)).not.toContain("urn:ffynnon:patients")
      expect((await call("GET", "/fhir/Patient?identifier=9990000018", { token: readOnly })).body.total).toBe(1)
    })

    it("creates, reads, updates with If-Match, and serves every version", async () => {
      const created = await call("POST", "/fhir/Patient", { token: full, body: patient({}, nhsNumber(910000100)) })
      expect(created.status).toBe(201)
      const id = created.body.id as string
      expect(created.headers.get("location")).toMatch(new RegExp(`/fhir/Patient/${id}/_history/1$`))
      expect(created.headers.get("etag")).toBe('W/"1"')
      expect((await call("GET", `/fhir/Patient/${id}`, { token: readOnly })).body).toEqual(created.body)
      const stale = await call("PUT", `/fhir/Patient/${id}`, {
        token: full,
        body: { ...created.body, gender: "other" },
        headers: { "if-match": 'W/"2"' }
      })
      expect(stale.status).toBe(412)
      const updated = await call("PUT", `/fhir/Patient/${id}`, {
        token: full,
        body: { ...created.body, gender: "other" },
        headers: { "if-match": 'W/"1"' }
      })
      expect([updated.status, updated.body.meta.versionId, updated.headers.get("etag")]).toEqual([200, "2", 'W/"2"'])
      expect((await call("GET", `/fhir/Patient/${id}/_history/1`, { token: full })).body.gender).toBe("female")
      const history = await call("GET", `/fhir/Patient/${id}/_history`, { token: full })
      expect(history.body.entry.map((entry: { resource: { meta: { versionId: string } } }) => entry.resource.meta.versionId)).toEqual([
        "2",
        "1"
      ])
      expect((await call("GET", `/fhir/Patient/${id}/_history/9`, { token: full })).status).toBe(404)
      expect((await call("PUT", `/fhir/Patient/${id}`, { token: full, body: { ...created.body, id: "other" } })).status).toBe(400)
    })

    it("answers bad input with 400 and an OperationOutcome naming the element, writing nothing", async () => {
      const invalidNhs = await call("POST", "/fhir/Patient", { token: full, body: patient({}, "1234567890") })
      expect([invalidNhs.status, invalidNhs.body.issue[0].expression]).toEqual([400, ["Patient.identifier[0].value"]])
      const impossible = await call("POST", "/fhir/Patient", {
        token: full,
        body: patient({ birthDate: "2001-02-29" }, nhsNumber(910000200))
      })
      expect([impossible.status, impossible.body.issue[0].expression]).toEqual([400, ["Patient.birthDate"]])
      const unknownParameter = await call("GET", "/fhir/Patient?family=jones&shoe-size=9", { token: full })
      expect([unknownParameter.status, unknownParameter.body.issue[0].expression]).toEqual([400, ["shoe-size"]])
      expect((await call("GET", "/fhir/Patient?birthdate=1990-13-01", { token: full })).status).toBe(400)
      expect((await call("GET", "/fhir/Patient", { token: full })).status).toBe(400)
      const injection = await call("GET", `/fhir/Patient?family=${encodeURIComponent("'; drop table patient; --")}`, { token: full })
      expect([injection.status, injection.body.total]).toEqual([200, 0])
      const notJson = await api.request("/fhir/Patient", {
        method: "POST",
        headers: { authorization: `Bearer ${full}`, "content-type": "application/fhir+json" },
        body: "{"
      })
      expect(notJson.status).toBe(400)
      expect((await call("GET", `/fhir/Patient?identifier=${nhsNumber(910000200)}`, { token: full })).body.total).toBe(0)
    })

    it("creates conditionally on the NHS number and refuses a second live record with it", async () => {
      const nhs = nhsNumber(910000300)
      const first = await create(patient({}, nhs))
      const again = await call("POST", "/fhir/Patient", {
        token: full,
        body: patient({}, nhs),
        headers: { "if-none-exist": `Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|${nhs}` }
      })
      expect([again.status, again.body.id]).toEqual([200, first.id])
      const duplicate = await call("POST", "/fhir/Patient", { token: full, body: patient({}, nhs) })
      expect([duplicate.status, duplicate.body.issue[0].code]).toEqual([409, "duplicate"])
    })

    it("searches with paging links", async () => {
      for (const stem of [910000400, 910000500, 910000600])
        await create(patient({ name: [{ family: "Prydderch", given: ["Gwen"] }] }, nhsNumber(stem)))
      const first = await call(
        "GET",
        "/fhir/Patient?family=prydd&given=gwen&address-postalcode=CF10&general-practitioner=Organization/W97001&_count=2",
        {
          token: full
        }
      )
      expect([first.body.total, first.body.entry.length]).toEqual([3, 2])
      const next = first.body.link.find((link: { relation: string }) => link.relation === "next").url as string
      const second = await call("GET", next.slice(next.indexOf("/fhir/")), { token: full })
      expect([second.body.entry.length, second.body.link.some((link: { relation: string }) => link.relation === "next")]).toEqual([
        1,
        false
      ])
      expect(
        (await call("GET", "/fhir/Patient?family=prydderch&birthdate=ge1978-03&birthdate=le1978-03-31&gender=female", { token: full })).body
          .total
      ).toBe(3)
      const byOds = await call(
        "GET",
        "/fhir/Patient?family=prydderch&general-practitioner=https://fhir.nhs.uk/Id/ods-organization-code|W97001",
        {
          token: full
        }
      )
      expect(byOds.body.total).toBe(3)
    })

    it("writes a transaction whole or not at all, and answers a batch entry by entry", async () => {
      const good = nhsNumber(910000700)
      const bad = {
        resourceType: "Bundle",
        type: "transaction",
        entry: [
          { resource: patient({}, good), request: { method: "POST", url: "Patient" } },
          { resource: patient({ birthDate: "1978-02-30" }, nhsNumber(910000800)), request: { method: "POST", url: "Patient" } }
        ]
      }
      const refused = await call("POST", "/fhir", { token: full, body: bad })
      expect([refused.status, refused.body.issue[0].expression]).toEqual([400, ["Bundle.entry[1]"]])
      expect((await call("GET", `/fhir/Patient?identifier=${good}`, { token: full })).body.total).toBe(0)
      const entries = bad.entry.slice(0, 1)
      const written = await call("POST", "/fhir", { token: full, body: { ...bad, entry: entries } })
      expect([written.status, written.body.type, written.body.entry[0].response.status]).toEqual([
        200,
        "transaction-response",
        "201 Created"
      ])
      const batch = await call("POST", "/fhir", {
        token: full,
        body: bundle("batch", [
          { request: { method: "GET", url: `Patient?identifier=${good}` } },
          { request: { method: "GET", url: "Patient/no-such-patient" } },
          { resource: patient({}, "1234567890"), request: { method: "POST", url: "Patient" } },
          null
        ])
      })
      expect(batch.body.entry.map((entry: { response: { status: string } }) => entry.response.status)).toEqual([
        "200 OK",
        "404 Not Found",
        "400 Bad Request",
        "400 Bad Request"
      ])
      expect(batch.body.entry[0].resource.total).toBe(1)
    })

    it("resolves urn:uuid references between the entries of a transaction", async () => {
      const [first, second] = ["urn:uuid:7d3f6a0e-0000-4000-8000-000000000001", "urn:uuid:7d3f6a0e-0000-4000-8000-000000000002"]
      const linked = (nhs: string, other: string) => patient({ link: [{ type: "seealso", other: { reference: other } }] }, nhs)
      const written = await call("POST", "/fhir", {
        token: full,
        body: bundle("transaction", [
          { fullUrl: first, resource: linked(nhsNumber(910001400), second), request: { method: "POST", url: "Patient" } },
          { fullUrl: second, resource: linked(nhsNumber(910001500), first), request: { method: "POST", url: "Patient" } }
        ])
      })
      expect(written.status).toBe(200)
      const [a, b] = written.body.entry.map(
        (entry: { resource: { id: string; link: Array<{ other: { reference: string } }> } }) => entry.resource
      )
      expect([a.link[0].other.reference, b.link[0].other.reference]).toEqual([`Patient/${b.id}`, `Patient/${a.id}`])
      expect((await call("GET", `/fhir/Patient/${a.id}`, { token: full })).body.link[0].other.reference).toBe(`Patient/${b.id}`)

      const dangling = await call("POST", "/fhir", {
        token: full,
        body: bundle("transaction", [
          { resource: patient({}, nhsNumber(910001600)), request: { method: "POST", url: "Patient" } },
          {
            resource: linked(nhsNumber(910001700), "urn:uuid:7d3f6a0e-0000-4000-8000-00000000dead"),
            request: { method: "POST", url: "Patient" }
          }
        ])
      })
      expect([dangling.status, dangling.body.issue[0].expression]).toEqual([400, ["Bundle.entry[1]"]])
      expect((await call("GET", `/fhir/Patient?identifier=${nhsNumber(910001600)}`, { token: full })).body.total).toBe(0)
    })

    it("says errors inside Bundle entries in Welsh when Accept-Language prefers it, the entry named in the same language", async () => {
      const dangling = "urn:uuid:7d3f6a0e-0000-4000-8000-00000000beef"
      const transaction = bundle("transaction", [
        { resource: patient({}, nhsNumber(910002100)), request: { method: "POST", url: "Patient" } },
        {
          resource: patient({ link: [{ type: "seealso", other: { reference: dangling } }] }, nhsNumber(910002200)),
          request: { method: "POST", url: "Patient" }
        }
      ])
      const welsh = await call("POST", "/fhir", { token: full, body: transaction, headers: { "accept-language": "cy-GB, en;q=0.5" } })
      expect([welsh.status, welsh.headers.get("content-language")]).toEqual([400, "cy"])
      expect(welsh.body.issue[0]).toMatchObject({
        expression: ["Bundle.entry[1]"],
        details: {
          text: `Cofnod Bundle.entry[1]: Nid yw'r cyfeiriad ${dangling} yn cyfeirio at unrhyw gofnod y mae'r Bundle hwn yn ei greu cyn hynny.`
        }
      })
      const english = await call("POST", "/fhir", { token: full, body: transaction })
      expect(english.body.issue[0].details.text).toBe(
        `Bundle.entry[1]: The reference ${dangling} is to no record this Bundle creates before it.`
      )

      const batch = bundle("batch", [{ request: { method: "DELETE", url: "Patient/someone" } }, { request: { url: "Patient" } }])
      const answered = await call("POST", "/fhir", { token: full, body: batch, headers: { "accept-language": "cy" } })
      expect(
        answered.body.entry.map(
          (entry: { response: { outcome: { issue: Array<{ details: { text: string } }> } } }) =>
            entry.response.outcome.issue[0]!.details.text
        )
      ).toEqual(["Cofnod Bundle.entry[0]: Ni chefnogir DELETE Patient/someone.", "Mae angen method ac url ar Bundle.entry[1].request."])
      const inEnglish = await call("POST", "/fhir", { token: full, body: batch })
      expect(inEnglish.body.entry[0].response.outcome.issue[0].details.text).toBe(
        "Bundle.entry[0]: DELETE Patient/someone is not supported."
      )
    })

    it("creates a batch's plain creates together, each refused or created on its own and audited", async () => {
      const held = await create(patient({}, nhsNumber(910001100)))
      const fresh = nhsNumber(910001200)
      const post = (resource: unknown, extra: object = {}) => ({ resource, request: { method: "POST", url: "Patient", ...extra } })
      const batch = await call("POST", "/fhir", {
        token: full,
        body: bundle("batch", [
          post(patient({}, fresh)),
          post(patient({ birthDate: "1978-02-30" }, nhsNumber(910001300))),
          post(patient({}, nhsNumber(910001100))),
          post(patient({ gender: "male" }, fresh)),
          post(patient({}, undefined)),
          post(patient({}, nhsNumber(910001100)), { ifNoneExist: `identifier=${nhsNumber(910001100)}` })
        ])
      })
      const entries = batch.body.entry as Array<{
        fullUrl?: string
        resource: { id: string }
        response: { status: string; location?: string }
      }>
      expect(entries.map((entry) => entry.response.status)).toEqual([
        "201 Created",
        "400 Bad Request",
        "409 Conflict",
        "409 Conflict",
        "201 Created",
        "200 OK"
      ])
      expect(entries[0]!.response.location).toMatch(new RegExp(`/fhir/Patient/${entries[0]!.resource.id}/_history/1$`))
      expect(entries[5]!.resource.id).toBe(held.id)
      const stored = await call("GET", `/fhir/Patient?identifier=${fresh}`, { token: full })
      expect([stored.body.total, stored.body.entry[0].resource.gender]).toEqual([1, "female"])
      const audit = await call("GET", `/fhir/AuditEvent?entity=Patient/${entries[4]!.resource.id}`, { token: full })
      expect(
        audit.body.entry.map((entry: { resource: { subtype: Array<{ code: string }>; outcome: string } }) => entry.resource)
      ).toMatchObject([{ subtype: [{ code: "create" }], outcome: "0", agent: [{ who: { identifier: { value: "dr-evans" } } }] }])
      // Reading the trail is on the trail too.
      const again = await call("GET", `/fhir/AuditEvent?entity=Patient/${entries[4]!.resource.id}`, { token: full })
      expect(again.body.total).toBe(2)
      const looked = again.body.entry[0].resource
      expect(looked).toMatchObject({ subtype: [{ code: "search-type" }], outcome: "0" })
      expect(Buffer.from(looked.entity[1].query, "base64").toString()).toBe(`AuditEvent?entity=Patient%2F${entries[4]!.resource.id}`)
      // The entries' fullUrls read one event each, audited on the trails of the records it names.
      const one = await call("GET", again.body.entry[1].fullUrl.replace(/^.*\/fhir/, "/fhir"), { token: full })
      expect([one.status, one.body.id, one.body.subtype]).toEqual([
        200,
        again.body.entry[1].resource.id,
        [{ system: "http://hl7.org/fhir/restful-interaction", code: "create" }]
      ])
      expect((await call("GET", "/fhir/AuditEvent/999999999", { token: full })).status).toBe(404)
      expect((await call("GET", `/fhir/AuditEvent/${one.body.id}`, { token: readOnly })).status).toBe(403)
      const last = await call("GET", `/fhir/AuditEvent?entity=Patient/${entries[4]!.resource.id}&_count=1`, { token: full })
      expect(last.body.entry[0].resource).toMatchObject({ subtype: [{ code: "read" }], outcome: "0" })
    })

    it("merges and unmerges with a reason, and tells a citizen who looked at their record", async () => {
      const source = await create(patient({}, nhsNumber(910000900)))
      const target = await create(patient({}, nhsNumber(910001000)))
      const parameters = (extra: Array<object>) => ({
        resourceType: "Parameters",
        parameter: [{ name: "source-patient", valueReference: { reference: `Patient/${source.id}` } }, ...extra]
      })
      expect((await call("POST", "/fhir/Patient/$merge", { token: full, body: parameters([]) })).status).toBe(400)
      const merged = await call("POST", "/fhir/Patient/$merge", {
        token: full,
        body: parameters([
          { name: "target-patient", valueReference: { reference: `Patient/${target.id}` } },
          { name: "reason", valueString: "duplicate registration" }
        ])
      })
      expect([merged.status, merged.body.id, merged.body.link]).toEqual([
        200,
        target.id,
        [{ type: "replaces", other: { reference: `Patient/${source.id}` } }]
      ])
      const read = await call("GET", `/fhir/Patient/${source.id}`, { token: readOnly })
      expect(read.body.link).toEqual([{ type: "replaced-by", other: { reference: `Patient/${target.id}` } }])
      const unmerged = await call("POST", "/fhir/Patient/$unmerge", {
        token: full,
        body: parameters([{ name: "reason", valueString: "not the same person" }])
      })
      expect([unmerged.status, unmerged.body.active]).toEqual([200, true])

      expect((await call("GET", `/fhir/AuditEvent?entity=Patient/${source.id}`, { token: readOnly })).status).toBe(403)
      const audit = await call("GET", `/fhir/AuditEvent?entity=Patient/${source.id}`, {
        token: full,
        headers: { "x-purpose-of-use": "TREAT" }
      })
      const events = audit.body.entry.map(
        (entry: { resource: { subtype: Array<{ code: string }>; agent: Array<{ who: { identifier: { value: string } } }> } }) => [
          entry.resource.subtype[0]!.code,
          entry.resource.agent[0]!.who.identifier.value
        ]
      )
      expect(events).toEqual([
        ["unmerge", "dr-evans"],
        ["read", "dr-evans"],
        ["merge", "dr-evans"],
        ["create", "dr-evans"]
      ])
      expect(audit.body.entry[2].resource.entity[0].description).toBe("duplicate registration")
    })

    it("audits every one of many concurrent requests, sharing commits, in one unbroken chain", async () => {
      const record = await create(patient({}, nhsNumber(910002000)))
      const readers = await Promise.all(Array.from({ length: 20 }, (_, n) => token("user/Patient.rs", `reader-${n}`)))
      const answers = await Promise.all(
        readers.map((reader, n) =>
          n % 2 === 0
            ? call("GET", `/fhir/Patient/${record.id}`, { token: reader })
            : call("GET", `/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|${nhsNumber(910002000)}`, { token: reader })
        )
      )
      expect(answers.map(({ status }) => status)).toEqual(readers.map(() => 200))
      const trail = await api.runtime.runPromise(
        Effect.flatMap(Database, (database) =>
          database.query<{ who: string; recorded: string }>(
            sql`select event::jsonb #>> '{agent,0,who,identifier,value}' as who, recorded::text from audit_event
              where entities @> array[${`Patient/${record.id}`}]::text[] and event like '%reader-%'`
          )
        )
      )
      expect(trail.map(({ who }) => who).sort()).toEqual(readers.map((_, n) => `reader-${n}`).sort())
      // Entries appended together share their transaction and its time: fewer commits than requests, where a
      // commit waits for the disk (PostgreSQL); embedded PGlite commits in memory before the next request arrives.
      if (kind.name === "postgres") expect(new Set(trail.map(({ recorded }) => recorded)).size).toBeLessThan(readers.length)
      const chain = await api.runtime.runPromise(Effect.flatMap(AuditTrail, (audit) => audit.verify))
      expect(chain.broken).toBeUndefined()
    })

    it("serves nothing it could not audit: a failed audit write fails the read or search", async () => {
      const record = await create(patient({ name: [{ family: "Prydderch", given: ["Nia"] }] }, nhsNumber(910002100)))
      const database = (statement: SQL) => api.runtime.runPromise(Effect.flatMap(Database, (database) => database.query(statement)))
      await database(sql`create function audit_event_refuse() returns trigger language plpgsql as $$
        begin raise exception 'the audit store is out of space'; end $$`)
      await database(sql`create trigger audit_event_refuse before insert on audit_event for each row execute function audit_event_refuse()`)
      try {
        const answers = await Promise.all([
          call("GET", `/fhir/Patient/${record.id}`, { token: full }),
          call("GET", `/fhir/Patient?family=prydderch`, { token: full }),
          call("GET", `/fhir/Patient/${record.id}/_history/1`, { token: full })
        ])
        for (const answer of answers) {
          expect([answer.status, answer.body.resourceType, answer.body.issue[0].code]).toEqual([500, "OperationOutcome", "exception"])
          expect(JSON.stringify(answer.body)).not.toMatch(/Prydderch|9100021/)
        }
      } finally {
        await database(sql`drop trigger audit_event_refuse on audit_event`)
        await database(sql`drop function audit_event_refuse()`)
      }
      expect((await call("GET", `/fhir/Patient/${record.id}`, { token: full })).body.name[0].family).toBe("Prydderch")
    })
  })
}
