/**
 * The terminology operations on one stored resource (`/fhir/ValueSet/{id}/$expand`, …), over the
 * sample FHIR resources and SNOMED CT release, through the app: each answers as the type-level
 * operation naming that resource does, a resource that is not there is a 404, and parameters that
 * name another resource are a 400.
 */
import { describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { sampleUri } from "../../../libs/snomed/test/sample"
import { apiHarness, withSampleReleaseAndResources, type Parameter } from "./harness"

const sct = "http://snomed.info/sct"
const registers = "http://ffynnon.example/fhir/CodeSystem/chronic-condition-register"
const diabetes = "http://ffynnon.example/fhir/ValueSet/diabetes-mellitus"
const conditions = "http://ffynnon.example/fhir/ValueSet/long-term-conditions"
const registerMap = "http://ffynnon.example/fhir/ConceptMap/register-to-snomed"

const q = encodeURIComponent
const parameter = (body: { parameter: Array<Parameter> }, name: string) => body.parameter.find((entry) => entry.name === name)
/** An expansion without what differs between two expansions of the same value set (its identifier and time). */
const stable = ({ expansion: { identifier: _identifier, timestamp: _timestamp, ...expansion }, ...valueSet }: Record<string, any>) => ({
  ...valueSet,
  expansion
})

for (const kind of testDatabases) {
  describe(`Terminology operations on one stored resource on ${kind.name}`, () => {
    const { get, post, request } = apiHarness(kind, withSampleReleaseAndResources)

    it("expands a ValueSet by id as the type-level $expand does by its url, GET and POST alike", async () => {
      const byId = await get("/fhir/ValueSet/diabetes-mellitus/$expand")
      expect(byId.status).toBe(200)
      expect(byId.type).toContain("application/fhir+json")
      const byUrl = await get(`/fhir/ValueSet/$expand?url=${q(diabetes)}`)
      expect(stable(byId.body)).toEqual(stable(byUrl.body))
      expect(byId.body.expansion.contains.map((entry: { code: string }) => entry.code)).toContain("73211009")
      const posted = await post("/fhir/ValueSet/diabetes-mellitus/$expand", [{ name: "count", valueInteger: 1 }])
      expect(posted.status).toBe(200)
      expect(posted.body.expansion.contains).toHaveLength(1)
      expect(posted.body.expansion.total).toBe(byId.body.expansion.total)
    })

    it("validates a code against a ValueSet and a CodeSystem by id", async () => {
      const inSet = await get(`/fhir/ValueSet/long-term-conditions/$validate-code?system=${q(sct)}&code=38341003`)
      expect(inSet.status).toBe(200)
      expect(parameter(inSet.body, "result")!.valueBoolean).toBe(true)
      expect(inSet.body).toEqual((await get(`/fhir/ValueSet/$validate-code?url=${q(conditions)}&system=${q(sct)}&code=38341003`)).body)
      const byCoding = await post("/fhir/ValueSet/long-term-conditions/$validate-code", [
        { name: "coding", valueCoding: { system: sct, code: "73211009" } }
      ])
      expect(parameter(byCoding.body, "result")!.valueBoolean).toBe(true)
      const outside = await get(`/fhir/ValueSet/diabetes-mellitus/$validate-code?system=${q(sct)}&code=195967001`)
      expect(parameter(outside.body, "result")!.valueBoolean).toBe(false)

      const inSystem = await get(
        "/fhir/CodeSystem/chronic-condition-register/$validate-code?code=DM1&display=Type%201%20diabetes%20register"
      )
      expect(parameter(inSystem.body, "result")!.valueBoolean).toBe(true)
      expect(parameter(inSystem.body, "version")!.valueString).toBe("1.0.0")
      const unknown = await get("/fhir/CodeSystem/chronic-condition-register/$validate-code?code=XYZ")
      expect(parameter(unknown.body, "result")!.valueBoolean).toBe(false)
      expect(unknown.body).toEqual((await get(`/fhir/CodeSystem/$validate-code?url=${q(registers)}&code=XYZ`)).body)
    })

    it("looks up and tests subsumption in a stored CodeSystem and a SNOMED CT edition by id", async () => {
      const lookup = await get("/fhir/CodeSystem/chronic-condition-register/$lookup?code=DM")
      expect(lookup.status).toBe(200)
      expect(lookup.body).toEqual((await get(`/fhir/CodeSystem/$lookup?system=${q(registers)}&code=DM`)).body)
      expect(parameter(lookup.body, "display")!.valueString).toBe("Diabetes register")
      const subsumes = await post("/fhir/CodeSystem/chronic-condition-register/$subsumes", [
        { name: "codeA", valueCode: "DM" },
        { name: "codeB", valueCode: "DM2" }
      ])
      expect(parameter(subsumes.body, "outcome")!.valueCode).toBe("subsumes")

      const editions = (await get(`/fhir/CodeSystem?url=${q(sct)}`)).body.entry
      const edition = editions.find((entry: { resource: { version: string } }) => entry.resource.version === sampleUri).resource
      const snomed = await get(`/fhir/CodeSystem/${edition.id}/$lookup?code=73211009&property=parent`)
      expect(snomed.status).toBe(200)
      expect(parameter(snomed.body, "system")!.valueUri).toBe(sct)
      expect(parameter(snomed.body, "version")!.valueString).toBe(sampleUri)
      const child = (await get(`/fhir/CodeSystem/${edition.id}/$lookup?code=73211009&property=child`)).body.parameter.find(
        (entry: Parameter) => entry.name === "property"
      ).part[1].valueCode
      const below = await get(`/fhir/CodeSystem/${edition.id}/$subsumes?codeA=${child}&codeB=73211009`)
      expect(parameter(below.body, "outcome")!.valueCode).toBe("subsumed-by")
    })

    it("translates with a ConceptMap by id", async () => {
      const translated = await get(`/fhir/ConceptMap/register-to-snomed/$translate?system=${q(registers)}&code=AST`)
      expect(translated.status).toBe(200)
      expect(parameter(translated.body, "result")!.valueBoolean).toBe(true)
      const match = parameter(translated.body, "match")!.part!
      expect(match.find((part) => part.name === "concept")!.valueCoding).toMatchObject({ system: sct, code: "195967001" })
      expect(translated.body).toEqual((await get(`/fhir/ConceptMap/$translate?url=${q(registerMap)}&system=${q(registers)}&code=AST`)).body)
    })

    it("answers a 404 OperationOutcome naming a resource that is not there, of that type", async () => {
      for (const path of [
        "ValueSet/no-such-set/$expand",
        "ValueSet/chronic-condition-register/$validate-code?code=AST",
        "CodeSystem/diabetes-mellitus/$lookup?code=73211009",
        "CodeSystem/no-such-system/$subsumes?codeA=DM&codeB=DM1",
        "CodeSystem/no-such-system/$validate-code?code=DM",
        "ConceptMap/no-such-map/$translate?code=AST"
      ]) {
        const { status, body } = await get(`/fhir/${path}`)
        const named = path.slice(0, path.indexOf("/$"))
        expect([status, body.issue]).toEqual([
          404,
          [{ severity: "error", code: "not-found", details: { text: `${named} is not known here.` } }]
        ])
      }
    })

    it("refuses parameters that name another resource with a 400 naming the parameter, and accepts ones naming the same", async () => {
      for (const path of [
        `ValueSet/diabetes-mellitus/$expand?url=${q(diabetes)}`,
        `ValueSet/diabetes-mellitus/$expand?url=${q(`${diabetes}|1.0.0`)}&valueSetVersion=1.0.0`,
        `CodeSystem/chronic-condition-register/$lookup?code=DM&system=${q(registers)}&version=1.x`,
        `CodeSystem/chronic-condition-register/$validate-code?code=DM&url=${q(registers)}`,
        `ConceptMap/register-to-snomed/$translate?code=AST&system=${q(registers)}&url=${q(registerMap)}&conceptMapVersion=1.0.0`
      ]) {
        expect([path, (await get(`/fhir/${path}`)).status]).toEqual([path, 200])
      }
      const refused: Array<readonly [string, ReadonlyArray<Parameter>, string]> = [
        ["ValueSet/diabetes-mellitus/$expand", [{ name: "url", valueUri: conditions }], "url"],
        ["ValueSet/diabetes-mellitus/$expand", [{ name: "url", valueUri: `${diabetes}|2.0.0` }], "url"],
        ["ValueSet/diabetes-mellitus/$validate-code", [{ name: "valueSetVersion", valueString: "2.0.0" }], "valueSetVersion"],
        ["ValueSet/diabetes-mellitus/$expand", [{ name: "valueSet", resource: { resourceType: "ValueSet", url: conditions } }], "valueSet"],
        [
          "CodeSystem/chronic-condition-register/$lookup",
          [
            { name: "system", valueUri: sct },
            { name: "code", valueCode: "DM" }
          ],
          "system"
        ],
        [
          "CodeSystem/chronic-condition-register/$lookup",
          [{ name: "coding", valueCoding: { system: registers, version: "2.0.0", code: "DM" } }],
          "coding.version"
        ],
        [
          "CodeSystem/chronic-condition-register/$subsumes",
          [
            { name: "codingA", valueCoding: { system: registers, code: "DM" } },
            { name: "codingB", valueCoding: { system: sct, code: "73211009" } }
          ],
          "codingB.system"
        ],
        [
          "CodeSystem/chronic-condition-register/$validate-code",
          [{ name: "coding", valueCoding: { system: sct, code: "73211009" } }],
          "coding.system"
        ],
        [
          "CodeSystem/chronic-condition-register/$validate-code",
          [{ name: "codeSystem", resource: { resourceType: "CodeSystem", url: registers, content: "complete" } }],
          "codeSystem"
        ],
        ["ConceptMap/register-to-snomed/$translate", [{ name: "url", valueUri: `${sct}?fhir_cm=447562003` }], "url"]
      ]
      for (const [path, parameters, named] of refused) {
        const { status, body } = await post(`/fhir/${path}`, parameters)
        expect([path, status, body.issue[0].code, body.issue[0].expression]).toEqual([path, 400, "invalid", [named]])
      }
      const { body } = await get(`/fhir/ValueSet/diabetes-mellitus/$expand?url=${q(conditions)}`)
      expect(body.issue[0].details.text).toBe(
        `The operation runs on ValueSet/diabetes-mellitus (${diabetes}|1.0.0), but url names ${conditions}: leave url out, or name ValueSet/diabetes-mellitus.`
      )
      const welsh = await request(`/fhir/ValueSet/diabetes-mellitus/$expand?url=${q(conditions)}`, { headers: { "accept-language": "cy" } })
      expect((await welsh.json()).issue[0].details.text).toBe(
        `Mae'r weithred yn rhedeg ar ValueSet/diabetes-mellitus (${diabetes}|1.0.0), ond mae url yn enwi ${conditions}: gadewch url allan, neu enwch ValueSet/diabetes-mellitus.`
      )
    })

    it("documents the instance-level routes in the OpenAPI document and the CapabilityStatement", async () => {
      const document = await (await request("/openapi.json")).json()
      const instanceOperations = [
        ["ValueSet", "expand"],
        ["ValueSet", "validate-code"],
        ["CodeSystem", "lookup"],
        ["CodeSystem", "validate-code"],
        ["CodeSystem", "subsumes"],
        ["ConceptMap", "translate"]
      ]
      for (const [type, name] of instanceOperations) {
        const path = document.paths[`/fhir/${type}/{id}/$${name}`]
        expect(Object.keys(path)).toEqual(["get", "post"])
        expect(path.get.parameters[0]).toMatchObject({ name: "id", in: "path", required: true })
      }
      expect(Object.keys(document.paths).filter((path) => path.includes("{id}/$"))).toHaveLength(instanceOperations.length)
      const statement = (await get("/fhir/metadata")).body
      const documented = statement.rest[0].resource.flatMap((resource: { type: string; operation?: Array<Record<string, string>> }) =>
        (resource.operation ?? []).flatMap((operation) => (operation.documentation === undefined ? [] : [[resource.type, operation.name]]))
      )
      expect(documented.sort()).toEqual([...instanceOperations].sort())
      const valueSet = statement.rest[0].resource.find((resource: { type: string }) => resource.type === "ValueSet")
      expect(valueSet.operation.find((operation: { name: string }) => operation.name === "expand").documentation).toBe(
        "Also on a single ValueSet: [base]/ValueSet/[id]/$expand."
      )
    })
  })
}
