/**
 * `ConceptMap/$translate` through the app: maps sent as `tx-resource`, given inline, stored (the
 * sample FHIR resources) and SNOMED CT's implicit maps (the sample release), and the HL7
 * tx-ecosystem `translate` cases checked with the team's runner when `../shared` has them.
 */
import { type ConceptMapResource } from "@ffynnon/terminology"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { apiHarness, withSampleReleaseAndResources, type Parameter } from "./harness"

const sct = "http://snomed.info/sct"
const lab = "http://example.org/lab"
const loinc = "http://loinc.org"
const specimen = "http://example.org/fhir/StructureDefinition/specimen"
const register = "http://ffynnon.example/fhir/CodeSystem/chronic-condition-register"
const registerMap = "http://ffynnon.example/fhir/ConceptMap/register-to-snomed"
// `../shared` beside the repository, or `$FFYNNON_SHARED_DIR` (a checkout elsewhere).
const shared = process.env.FFYNNON_SHARED_DIR ?? join(import.meta.dirname, "..", "..", "..", "..", "shared")
const txEcosystem = join(shared, "fixtures", "tx-ecosystem")
const txRunner = join(shared, "tools", "tx-runner")
const haveEcosystem = existsSync(join(txEcosystem, "test-cases.json")) && existsSync(join(txRunner, "compare.ts"))

type Answer = { resourceType: string; parameter: Array<Parameter>; issue?: Array<{ details: { text: string } }> }

const labToLoinc: ConceptMapResource = {
  resourceType: "ConceptMap",
  url: "http://example.org/cm/lab-loinc",
  version: "1.0",
  status: "active",
  sourceUri: "http://example.org/vs/lab",
  targetUri: "http://example.org/vs/loinc",
  group: [
    {
      source: lab,
      target: loinc,
      element: [
        { code: "GLU", display: "Glucose", target: [{ code: "2345-7", display: "Glucose SerPl", equivalence: "equivalent" }] },
        {
          code: "NA",
          target: [
            { code: "2951-2", equivalence: "equivalent", dependsOn: [{ property: specimen, value: "serum" }] },
            { code: "2947-0", equivalence: "equivalent", dependsOn: [{ property: specimen, value: "blood" }] }
          ]
        },
        {
          code: "PANEL",
          target: [
            {
              code: "24323-8",
              equivalence: "wider",
              product: [{ property: specimen, system: "http://example.org/specimen", value: "serum" }]
            }
          ]
        }
      ]
    }
  ]
}
const labToSnomed: ConceptMapResource = {
  resourceType: "ConceptMap",
  url: "http://example.org/cm/lab-snomed",
  status: "active",
  group: [{ source: lab, target: sct, element: [{ code: "GLU", target: [{ code: "33747003", equivalence: "equivalent" }] }] }]
}

/** Each match as `{ part name: value }`, with its products as a list of each one's parts. */
const matches = (body: Answer) =>
  body.parameter
    .filter((parameter) => parameter.name === "match")
    .map((match) => {
      const parts = Object.fromEntries(
        match.part!.filter((part) => part.name !== "product").map((part) => [part.name, Object.values(part)[1]])
      ) as Record<string, unknown>
      const product = match.part!.filter((part) => part.name === "product").map((part) => part.part)
      return product.length === 0 ? parts : { ...parts, product }
    })
const valueOf = (body: Answer, name: string) => {
  const found = body.parameter.find((parameter) => parameter.name === name)
  return found === undefined ? undefined : Object.values(found)[1]
}

for (const kind of testDatabases) {
  describe(`ConceptMap/$translate on ${kind.name}`, () => {
    const api = apiHarness(kind, withSampleReleaseAndResources)
    const post = async (parameters: Array<Parameter>, maps: ReadonlyArray<ConceptMapResource> = [labToLoinc, labToSnomed]) => {
      const { status, body } = await api.post("/fhir/ConceptMap/$translate", [
        ...parameters,
        ...maps.map((resource) => ({ name: "tx-resource", resource }))
      ])
      return { status, body: body as Answer }
    }
    const get = async (query: Record<string, string>) => {
      const { status, body } = await api.get(`/fhir/ConceptMap/$translate?${new URLSearchParams(query)}`)
      return { status, body: body as Answer }
    }

    it("translates with a tx-resource map named by url, answering R4's equivalence, concept, product and source", async () => {
      const { status, body } = await post([
        { name: "url", valueUri: labToLoinc.url },
        { name: "system", valueUri: lab },
        { name: "code", valueCode: "GLU" }
      ])
      expect(status).toBe(200)
      expect(body).toEqual({
        resourceType: "Parameters",
        parameter: [
          { name: "result", valueBoolean: true },
          {
            name: "match",
            part: [
              { name: "equivalence", valueCode: "equivalent" },
              { name: "concept", valueCoding: { system: loinc, code: "2345-7", display: "Glucose SerPl" } },
              { name: "source", valueUri: "http://example.org/cm/lab-loinc|1.0" }
            ]
          }
        ]
      })
      const panel = await post([
        { name: "url", valueUri: `${labToLoinc.url}|1.0` },
        { name: "coding", valueCoding: { system: lab, code: "PANEL" } }
      ])
      expect(matches(panel.body)).toEqual([
        {
          equivalence: "wider",
          concept: { system: loinc, code: "24323-8" },
          product: [
            [
              { name: "element", valueUri: specimen },
              { name: "concept", valueCoding: { system: "http://example.org/specimen", code: "serum" } }
            ]
          ],
          source: "http://example.org/cm/lab-loinc|1.0"
        }
      ])
    })

    it("reverse=true translates a target code back to its sources", async () => {
      const { body } = await post([
        { name: "url", valueUri: labToLoinc.url },
        { name: "system", valueUri: loinc },
        { name: "code", valueCode: "2345-7" },
        { name: "reverse", valueBoolean: true }
      ])
      expect(valueOf(body, "result")).toBe(true)
      expect(matches(body).map((match) => match.concept)).toEqual([{ system: lab, code: "GLU", display: "Glucose" }])
    })

    it("chooses among targets by the dependency parameters their dependsOn need", async () => {
      const translate = (dependency: Array<Parameter>) =>
        post([
          { name: "url", valueUri: labToLoinc.url },
          { name: "codeableConcept", valueCodeableConcept: { coding: [{ system: lab, code: "NA" }] } },
          ...dependency
        ])
      const none = await translate([])
      expect(valueOf(none.body, "result")).toBe(false)
      expect(valueOf(none.body, "message")).toMatch(/No target for 'NA'/)
      const serum = await translate([
        {
          name: "dependency",
          part: [
            { name: "element", valueUri: specimen },
            { name: "concept", valueCodeableConcept: { coding: [{ code: "serum" }] } }
          ]
        }
      ])
      expect(matches(serum.body).map((match) => (match.concept as { code: string }).code)).toEqual(["2951-2"])
      const malformed = await translate([{ name: "dependency", part: [{ name: "element", valueUri: specimen }] }])
      expect(malformed.status).toBe(400)
      expect(malformed.body.issue![0]!.details.text).toMatch(/dependency needs an element/)
    })

    it("with no url uses every map from the code's system that fits targetsystem and the source and target value sets", async () => {
      const targets = async (parameters: Array<Parameter>) =>
        matches((await post([{ name: "system", valueUri: lab }, { name: "code", valueCode: "GLU" }, ...parameters])).body).map((match) => [
          (match.concept as { system: string }).system,
          match.source
        ])
      expect(await targets([])).toEqual([
        [loinc, "http://example.org/cm/lab-loinc|1.0"],
        [sct, "http://example.org/cm/lab-snomed"]
      ])
      expect(await targets([{ name: "targetsystem", valueUri: sct }])).toEqual([[sct, "http://example.org/cm/lab-snomed"]])
      expect(await targets([{ name: "target", valueUri: "http://example.org/vs/loinc" }])).toEqual([
        [loinc, "http://example.org/cm/lab-loinc|1.0"]
      ])
      expect(await targets([{ name: "source", valueUri: "http://example.org/vs/other" }])).toEqual([])
      const nothing = await post([
        { name: "system", valueUri: lab },
        { name: "code", valueCode: "GLU" },
        { name: "targetsystem", valueUri: "http://example.org/nowhere" }
      ])
      expect(nothing.body.parameter).toEqual([
        { name: "result", valueBoolean: false },
        { name: "message", valueString: "No ConceptMap translates 'GLU' in 'http://example.org/lab' to 'http://example.org/nowhere'" }
      ])
    })

    it("translates with a map given inline as conceptMap, and refuses another resource there", async () => {
      const inline = await post(
        [
          { name: "conceptMap", resource: labToSnomed },
          { name: "system", valueUri: lab },
          { name: "code", valueCode: "GLU" }
        ],
        []
      )
      expect(matches(inline.body).map((match) => match.concept)).toEqual([{ system: sct, code: "33747003" }])
      const wrong = await post(
        [
          { name: "conceptMap", resource: { resourceType: "ValueSet" } },
          { name: "code", valueCode: "GLU" }
        ],
        []
      )
      expect(wrong.status).toBe(400)
      expect(wrong.body.issue![0]!.details.text).toMatch(/holds a ValueSet, not a ConceptMap/)
      const broken = await post(
        [
          { name: "conceptMap", resource: { resourceType: "ConceptMap", group: [{ source: lab, element: [{ code: "GLU", target: 5 }] }] } },
          { name: "code", valueCode: "GLU" },
          { name: "system", valueUri: lab }
        ],
        []
      )
      expect(broken.status).toBe(400)
      expect(broken.body.issue![0]!.details.text).toBe("conceptMap: ConceptMap.group[0].element[0].target is not a list.")
    })

    it("translates with a stored map, by url and found by its systems, over GET", async () => {
      const byUrl = await get({ url: registerMap, system: register, code: "CHD" })
      expect(byUrl.status).toBe(200)
      expect(matches(byUrl.body)).toEqual([
        {
          equivalence: "narrower",
          concept: { system: sct, code: "22298006", display: "Myocardial infarction" },
          comment: "Myocardial infarction is one of the conditions the register covered.",
          source: `${registerMap}|1.0.0`
        }
      ])
      const found = await get({ system: register, code: "AST", targetsystem: sct })
      expect(matches(found.body).map((match) => match.source)).toEqual([`${registerMap}|1.0.0`])
    })

    it("with no url translates a SNOMED CT code through the implicit maps towards targetsystem, and back", async () => {
      const icd10 = await get({ system: sct, code: "22298006", targetsystem: "http://hl7.org/fhir/sid/icd-10" })
      const field = (name: string) => ({ name: "element", valueUri: `http://snomed.info/field/ExtendedMapRefset.${name}` })
      expect(matches(icd10.body)).toEqual([
        {
          equivalence: "inexact",
          // The UK map's I219 in the classification's form (no ICD-10 edition is loaded here to give its display).
          concept: { system: "http://hl7.org/fhir/sid/icd-10", code: "I21.9" },
          source: `${sct}?fhir_cm=999002271000000101`,
          product: [
            [field("mapGroup"), { name: "concept", valueCoding: { code: "1" } }],
            [field("mapPriority"), { name: "concept", valueCoding: { code: "1" } }],
            [field("mapRule"), { name: "concept", valueCoding: { code: "TRUE" } }],
            [field("mapAdvice"), { name: "concept", valueCoding: { code: "ALWAYS I219" } }],
            [field("correlationId"), { name: "concept", valueCoding: { system: sct, code: "447561005", display: expect.any(String) } }],
            [field("mapCategoryId"), { name: "concept", valueCoding: { system: sct, code: "447637006", display: expect.any(String) } }]
          ]
        }
      ])
      const back = await get({ system: "http://hl7.org/fhir/sid/icd-10", code: "I21.9", reverse: "true" })
      expect(matches(back.body).map((match) => (match.concept as { code: string }).code)).toContain("22298006")
      const replaced = await get({ system: sct, code: "9501000230103", targetsystem: sct })
      expect(matches(replaced.body).map((match) => [match.equivalence, (match.concept as { code: string }).code])).toEqual([
        ["equal", "22298006"]
      ])
    })

    it("answers an OperationOutcome for an unknown map, a missing code, and no url without a system", async () => {
      const unknown = await post([
        { name: "url", valueUri: "http://example.org/cm/none" },
        { name: "system", valueUri: lab },
        { name: "code", valueCode: "GLU" }
      ])
      expect(unknown.status).toBe(404)
      expect(unknown.body.issue![0]!.details.text).toBe("A definition for the ConceptMap 'http://example.org/cm/none' could not be found")
      const noCode = await post([{ name: "url", valueUri: labToLoinc.url }])
      expect(noCode.status).toBe(400)
      expect(noCode.body.issue![0]!.details.text).toMatch(/Give the code to translate/)
      const noSystem = await post([{ name: "code", valueCode: "GLU" }])
      expect(noSystem.status).toBe(400)
      expect(noSystem.body.issue![0]!.details.text).toMatch(/Give the url of the concept map, or the system/)
      const missingOther = await post(
        [
          { name: "url", valueUri: "http://example.org/cm/chained" },
          { name: "system", valueUri: lab },
          { name: "code", valueCode: "XYZ" }
        ],
        [
          {
            resourceType: "ConceptMap",
            url: "http://example.org/cm/chained",
            status: "active",
            group: [{ source: lab, target: loinc, element: [], unmapped: { mode: "other-map", url: "http://example.org/cm/gone" } }]
          }
        ]
      )
      expect(missingOther.status).toBe(404)
      expect(missingOther.body.issue![0]!.details.text).toMatch(/'http:\/\/example.org\/cm\/gone'.*could not be found/)
    })

    it.skipIf(!haveEcosystem)("answers the HL7 tx-ecosystem translate cases as the team's runner scores them for R4", async () => {
      // The runner's own request building (R5 test → R4 wire), scrubbing, sorting and comparison, read in place.
      const { buildBody, toWire } = await import(join(txRunner, "request.ts"))
      const { JsonComparator } = await import(join(txRunner, "compare.ts"))
      const { parseJson } = await import(join(txRunner, "json.ts"))
      const { scrubParameters } = await import(join(txRunner, "scrub.ts"))
      const { sortParameters } = await import(join(txRunner, "sort.ts"))
      const read = (file: string) => parseJson(readFileSync(join(txEcosystem, file), "utf8"))
      const manifest = JSON.parse(readFileSync(join(txEcosystem, "test-cases.json"), "utf8"))
      const suite = manifest.suites.find((candidate: { name: string }) => candidate.name === "translate")
      const setup = suite.setup.map(read)
      expect(suite.tests.length).toBeGreaterThan(0)
      for (const test of suite.tests as Array<{ name: string; request: string; response: string }>) {
        const body = buildBody("translate", read(test.request), setup, read("parameters-default.json"))
        const wire = toWire("translate", body, { base: "http://localhost/fhir", fhir: "r4", headers: {} })
        const response = await api.request(wire.url, { method: wire.method, headers: wire.headers, body: wire.body })
        expect(response.status, test.name).toBe(200)
        const answer = parseJson(await response.text())
        scrubParameters(answer)
        sortParameters(answer)
        const mismatch = new JsonComparator({ modes: new Set(["general"]), version: "4.0.1", strict: true }).compare(
          read(test.response),
          answer
        )
        expect(mismatch, test.name).toBeNull()
      }
    })
  })
}

if (!haveEcosystem) console.warn(`${txEcosystem} or ${txRunner} is absent: the tx-ecosystem translate cases are skipped.`)
