/**
 * `POST /fhir/Patient/$match` over real HTTP handling (`app.request()`) and a real database, on
 * the sample patients (a family of four at one address, twins among them) plus a father and son
 * the test creates: the right record first despite Welsh misspellings and transposed dates, the
 * grades, the explanation, bad input, tokens and the audit trail.
 */
import { loadPatients } from "@ffynnon/demographics"
import { Effect, Layer, Redacted } from "effect"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { nhsNumber, patient } from "../../../libs/demographics/test/patients"
import { Auth, makeAuth, signToken } from "../src/auth"
import { matchExplanationUrl, matchGradeUrl } from "../src/demographics/match"
import { apiHarness } from "./harness"

const sampleCsv = join(import.meta.dirname, "..", "..", "..", "data", "sample", "patients", "ffynnon-sample-patients.csv")
const secret = Redacted.make("a-test-secret-of-some-length-0123456789")
const token = (scope: string) => Effect.runPromise(signToken(secret, { scope, sub: "dr-evans", client: "test-epr" }))

const nhsSystem = "https://fhir.nhs.uk/Id/nhs-number"

interface Entry {
  resource: { id: string; identifier: Array<{ system: string; value: string }> }
  search: { mode: string; score: number; extension: Array<{ url: string; valueCode?: string; extension?: Array<Extension> }> }
}
interface Extension {
  url: string
  valueCode?: string
  valueString?: string
  valueDecimal?: number
  extension?: Array<Extension>
}

const nhsOf = (entry: Entry) => entry.resource.identifier.find((identifier) => identifier.system === nhsSystem)?.value
const gradeOf = (entry: Entry) => entry.search.extension.find((extension) => extension.url === matchGradeUrl)?.valueCode

const query = (resource: Record<string, unknown>, more: Array<Record<string, unknown>> = []) => ({
  resourceType: "Parameters",
  parameter: [{ name: "resource", resource: { resourceType: "Patient", ...resource } }, ...more]
})

for (const kind of testDatabases) {
  describe(`Patient/$match on ${kind.name}`, () => {
    const api = apiHarness(kind, Effect.void, Layer.succeed(Auth, makeAuth({ secret })))
    let full: string
    let searcher: string
    const match = async (body: unknown, bearer: string | null = searcher) => {
      const response = await api.request("/fhir/Patient/$match", {
        method: "POST",
        headers: { "content-type": "application/fhir+json", ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }) },
        body: JSON.stringify(body)
      })
      return { status: response.status, body: await response.json() }
    }

    beforeAll(async () => {
      full = await token("system/Patient.cruds system/AuditEvent.rs")
      searcher = await token("user/Patient.s")
      await api.runtime.runPromise(loadPatients(sampleCsv, { actor: { client: "test" } }))
      // A father and the son named after him, at one address.
      for (const [stem, birthDate] of [
        [910000300, "1952-08-19"],
        [910000400, "1981-05-07"]
      ] as const) {
        const father = patient(
          {
            name: [{ use: "official", family: "Prydderch", given: ["Gwilym", "Huw"] }],
            gender: "male",
            birthDate,
            address: [{ use: "home", line: ["7 Heol y Bryn"], city: "Llanelli", postalCode: "SA15 3BD" }]
          },
          nhsNumber(stem)
        )
        const created = await api.request("/fhir/Patient", {
          method: "POST",
          headers: { "content-type": "application/fhir+json", authorization: `Bearer ${full}` },
          body: JSON.stringify(father)
        })
        expect(created.status).toBe(201)
      }
    })

    it("finds a misspelt Welsh name with day and month transposed, the right record first", async () => {
      // Catrin Mair Williams, born 1988-09-09 at SA1 1JF: asked as Katrin Wiliams, born 1988-09-09 → kept, and the
      // father of the Jones household asked as David (Dafydd) Jones born 1975-02-11 (for 1975-11-02).
      const found = await match(
        query({ name: [{ family: "Jones", given: ["David"] }], birthDate: "1975-02-11", address: [{ postalCode: "CF10 1AA" }] })
      )
      expect(found.status).toBe(200)
      expect(found.body.resourceType).toBe("Bundle")
      expect(found.body.type).toBe("searchset")
      const [first] = found.body.entry as Array<Entry>
      expect(nhsOf(first!)).toBe("9990000085")
      expect(first!.search.mode).toBe("match")
      const scores = (found.body.entry as Array<Entry>).map((entry) => entry.search.score)
      expect(scores).toEqual([...scores].sort((a, b) => b - a))

      const misspelt = await match(query({ name: [{ family: "Wiliams", given: ["Katrin"] }], birthDate: "1988-09-09", gender: "female" }))
      expect(nhsOf(misspelt.body.entry[0])).toBe("9990000360")
    })

    it("answers certain for an exact NHS number, name and birth date, with the explanation", async () => {
      const found = await match(
        query({
          identifier: [{ system: nhsSystem, value: "9990000433" }],
          name: [{ family: "ap Rhys", given: ["Iolo"] }],
          birthDate: "1966-12-01"
        })
      )
      expect(found.status).toBe(200)
      const [first] = found.body.entry as Array<Entry>
      expect([nhsOf(first!), gradeOf(first!)]).toEqual(["9990000433", "certain"])
      expect(first!.search.score).toBeGreaterThanOrEqual(0.99)
      const explanation = first!.search.extension.find((extension) => extension.url === matchExplanationUrl)!.extension!
      expect(explanation.find((part) => part.url === "model")?.valueString).toBe("welsh-synthetic-2")
      const comparisons = explanation.filter((part) => part.url === "comparison").map((part) => part.extension!)
      const nhs = comparisons.find((parts) => parts.some((part) => part.url === "name" && part.valueCode === "nhsNumber"))!
      expect(nhs.find((part) => part.url === "level")?.valueCode).toBe("exact")
      expect(nhs.find((part) => part.url === "weight")!.valueDecimal).toBeGreaterThan(0)
      // The parts add up to the match weight.
      const total = explanation.find((part) => part.url === "weight")!.valueDecimal!
      const parts =
        explanation.find((part) => part.url === "priorWeight")!.valueDecimal! +
        comparisons
          .flat()
          .reduce((sum, part) => sum + (part.url === "weight" || part.url === "termFrequencyAdjustment" ? part.valueDecimal! : 0), 0)
      expect(parts).toBeCloseTo(total, 2)

      const onlyCertain = await match(
        query({ identifier: [{ system: nhsSystem, value: "9990000433" }], birthDate: "1966-12-01" }, [
          { name: "onlyCertainMatches", valueBoolean: true }
        ])
      )
      expect((onlyCertain.body.entry as Array<Entry>).map(gradeOf)).toEqual(["certain"])
    })

    it("never answers certain for twins or for a father and son at one address", async () => {
      // Osian and Gwenllian Jones, twins born 2012-06-20 at CF10 1AA: asked for Osian, the best answer is Osian, but his
      // twin is plausible too, so the answer is not certain.
      const twins = await match(
        query({ name: [{ family: "Jones", given: ["Osian"] }], birthDate: "2012-06-20", address: [{ postalCode: "CF10 1AA" }] })
      )
      const twinEntries = twins.body.entry as Array<Entry>
      expect(nhsOf(twinEntries[0]!)).toBe("9990000158")
      expect(twinEntries.map(nhsOf)).toContain("9990000220")
      expect(twinEntries.map(gradeOf)).not.toContain("certain")
      const father = await match(
        query({
          name: [{ family: "Prydderch", given: ["Gwilym"] }],
          birthDate: "1952-08-19",
          address: [{ line: ["7 Heol y Bryn"], postalCode: "SA15 3BD" }]
        })
      )
      const entries = father.body.entry as Array<Entry>
      expect(nhsOf(entries[0]!)).toBe(nhsNumber(910000300))
      // Both Gwilym Prydderchs are plausible: the best cannot be certain while the other is a candidate.
      expect(entries.map(nhsOf)).toContain(nhsNumber(910000400))
      expect(entries.map(gradeOf)).not.toContain("certain")
    })

    it("answers an empty Bundle, or only possible candidates, for someone the index does not hold", async () => {
      const unknown = await match(
        query({ name: [{ family: "Zabłocki", given: ["Wojciech"] }], birthDate: "1944-02-17", address: [{ postalCode: "LL11 2AA" }] })
      )
      expect(unknown.status).toBe(200)
      const entries = (unknown.body.entry ?? []) as Array<Entry>
      expect(entries.every((entry) => gradeOf(entry) === "possible")).toBe(true)
      expect(unknown.body.total).toBe(entries.length)
      // A name starting with a LIKE wildcard is taken literally by the initial rules.
      const wildcard = await match(query({ name: [{ family: "%", given: ["_"] }], birthDate: "1944-02-17" }))
      expect([wildcard.status, wildcard.body.total]).toEqual([200, 0])
      // 1 January is the usual placeholder for an unknown birth date: no evidence, so a surname alone has no candidates.
      const placeholder = await match(query({ name: [{ family: "Jones" }], birthDate: "1975-01-01" }))
      expect([placeholder.status, placeholder.body.total, placeholder.body.entry]).toEqual([200, 0, undefined])
    })

    it("refuses bad input with a 400 OperationOutcome, writing nothing", async () => {
      const future = new Date(Date.now() + 86_400_000 * 30).toISOString().slice(0, 10)
      const cases: Array<[unknown, RegExp]> = [
        [{ resourceType: "Patient" }, /Parameters/],
        [{ resourceType: "Parameters", parameter: [] }, /'resource'/],
        [
          { resourceType: "Parameters", parameter: [{ name: "resource", resource: { resourceType: "Practitioner" } }] },
          /must be a Patient/
        ],
        [query({ name: [{ family: 7 }], birthDate: "1966-12-01" }), /family/],
        [query({ name: [{ family: "ap Rhys" }], birthDate: "1966-02-30" }), /birthDate/],
        [query({ name: [{ family: "ap Rhys" }], birthDate: future }), /future/],
        [query({ name: [{ family: "ap Rhys" }], birthDate: "1966-12-01" }, [{ name: "count", valueInteger: 0 }]), /count/],
        [query({ name: [{ family: "ap Rhys" }], birthDate: "1966-12-01" }, [{ name: "count", valueInteger: 101 }]), /count/],
        [
          query({ name: [{ family: "ap Rhys" }], birthDate: "1966-12-01" }, [{ name: "onlyCertainMatches", valueString: "yes" }]),
          /onlyCertainMatches/
        ],
        [query({ name: [{ family: "ap Rhys" }], birthDate: "1966-12-01" }, [{ name: "limit", valueInteger: 1 }]), /Unknown parameter/],
        [query({ name: [{ family: "ap Rhys", given: ["Iolo"] }] }), /Too little/],
        [query({ name: [{ family: "ap Rhys" }], birthDate: "1966" }), /Too little/],
        [query({ identifier: [{ system: nhsSystem, value: "9990000433" }] }), /Too little/],
        [query({ identifier: [{ system: nhsSystem, value: "9990000434" }] }), /not a valid NHS number/],
        [query({ name: [{ family: "J".repeat(5000) }], birthDate: "1966-12-01" }), /longer than 200/],
        [
          query({ name: [{ family: "Jones", given: Array.from({ length: 1000 }, () => "Dai") }], birthDate: "1966-12-01" }),
          /given has more than 20/
        ]
      ]
      for (const [body, message] of cases) {
        const refused = await match(body)
        expect([refused.status, refused.body.resourceType]).toEqual([400, "OperationOutcome"])
        expect(refused.body.issue[0].details.text).toMatch(message)
      }
    })

    it("is listed in the CapabilityStatement", async () => {
      const statement = await (await api.request("/fhir/metadata")).json()
      const patientType = statement.rest[0].resource.find((resource: { type: string }) => resource.type === "Patient")
      expect(patientType.operation).toEqual([{ name: "match", definition: "http://hl7.org/fhir/OperationDefinition/Patient-match" }])
    })

    it("needs a token with Patient search scope, and audits every match", async () => {
      const body = query({ identifier: [{ system: nhsSystem, value: "9990000646" }], name: [{ family: "Evans" }] })
      expect((await match(body, null)).status).toBe(401)
      expect((await match(body, await token("user/Patient.r"))).status).toBe(403)
      const found = await match(body)
      const id = (found.body.entry as Array<Entry>)[0]!.resource.id
      const audit = await api.request(`/fhir/AuditEvent?entity=Patient/${id}`, { headers: { authorization: `Bearer ${full}` } })
      const events = (await audit.json()).entry.map(
        (entry: { resource: { subtype: Array<{ code: string }> } }) => entry.resource.subtype[0]!.code
      )
      expect(events[0]).toBe("match")
    })
  })
}
