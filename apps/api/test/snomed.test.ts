/** The SNOMED CT FHIR operations over the sample release, through the app, against its ground truth. */
import { describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { expected, sampleUri } from "../../../libs/snomed/test/sample"
import { apiHarness, withSampleRelease, type Parameter } from "./harness"

const sct = "http://snomed.info/sct"
const parameter = (body: { parameter: Array<Parameter> }, name: string) => body.parameter.find((entry) => entry.name === name)
const parts = (body: { parameter: Array<Parameter> }, name: string) => body.parameter.filter((entry) => entry.name === name)

for (const kind of testDatabases) {
  describe(`SNOMED CT operations on ${kind.name}`, () => {
    const { get, post } = apiHarness(kind, withSampleRelease)

    it("$lookup gives the display in the requested language, designations and properties", async () => {
      for (const concept of expected.concepts.slice(0, 5)) {
        const { status, body } = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=${concept.code}`)
        expect(status).toBe(200)
        expect(parameter(body, "version")!.valueString).toBe(sampleUri)
        expect(parameter(body, "display")!.valueString).toBe(concept.preferredTerm["999001261000000100"])
        expect(parts(body, "designation").map((designation) => designation.part![2]!.valueString)).toContain(concept.fsn)
        const properties = parts(body, "property").map((property) => [
          property.part![0]!.valueCode,
          Object.values(property.part![1] ?? {})[1]
        ])
        expect(properties).toContainEqual(["inactive", !concept.active])
        for (const parentCode of concept.parents) expect(properties).toContainEqual(["parent", parentCode])
        // Children come by default, as FHIR's terminology servers give them, each with its display.
        const children = expected.concepts.filter((child: { parents: Array<string> }) => child.parents.includes(concept.code))
        expect(properties.filter(([code]) => code === "child").map(([, value]) => value)).toEqual(
          expect.arrayContaining(children.map((child: { code: string }) => child.code))
        )
      }
      const differing = expected.concepts.find(
        (concept: { preferredTerm: Record<string, string> }) =>
          concept.preferredTerm["900000000000508004"] !== concept.preferredTerm["999001261000000100"]
      )
      if (differing !== undefined) {
        const ukClinical = await post("/fhir/CodeSystem/$lookup", [
          { name: "system", valueUri: sct },
          { name: "code", valueCode: differing.code },
          { name: "displayLanguage", valueCode: "en-GB" }
        ])
        expect(parameter(ukClinical.body, "display")!.valueString).toBe(differing.preferredTerm["999001261000000100"])
      }
      const withChildren = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=22298006`)
      const child = parts(withChildren.body, "property").find((property) => property.part![0]!.valueCode === "child")!
      expect(child.part!.map((part) => part.name)).toEqual(["code", "value", "description"])
      const selected = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=22298006&property=inactive`)
      expect(parts(selected.body, "property").map((property) => property.part![0]!.valueCode)).toEqual(["inactive"])
    })

    it("$lookup of an unknown code, system or version is a 404 OperationOutcome naming it", async () => {
      const unknownCode = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=12345678`)
      expect(unknownCode.status).toBe(404)
      expect(unknownCode.body.issue[0].details.text).toMatch(/Unknown code '12345678'/)
      expect((await get(`/fhir/CodeSystem/$lookup?system=http://loinc.org&code=1-8`)).body.issue[0].details.text).toMatch(
        /http:\/\/loinc.org/
      )
      const version = await get(
        `/fhir/CodeSystem/$lookup?system=${sct}&code=22298006&version=http://snomed.info/sct/83821000000107/version/20260101`
      )
      expect(version.status).toBe(404)
      expect(version.body.issue[0].details.text).toMatch(
        /83821000000107.*could not be found. Valid versions: http:\/\/snomed.info\/sct\/11000230100/
      )
    })

    it("$validate-code of an expression naming a concept the release lacks says which, beside the unknown code", async () => {
      const expression = "73211009:{363698007=1234567001}"
      const { status, body } = await get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=${encodeURIComponent(expression)}`)
      expect(status).toBe(200)
      expect(parameter(body, "result")!.valueBoolean).toBe(false)
      const issues = parameter(body, "issues")!.resource as { issue: Array<Record<string, any>> }
      expect(issues.issue.map((issue) => [issue.severity, issue.code, issue.details.coding[0].code, issue.expression])).toEqual([
        ["error", "code-invalid", "invalid-code", ["code"]],
        ["information", "code-invalid", "invalid-code", ["code"]]
      ])
      expect(issues.issue[1]!.details.text).toBe("Not a valid expression: Concept 1234567001 not found")
      // The message states the verdict; the detail stays in the issues.
      expect(parameter(body, "message")!.valueString).toBe(issues.issue[0]!.details.text)
      const welsh = await get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=${encodeURIComponent(expression)}`, {
        "accept-language": "cy"
      })
      expect((parameter(welsh.body, "issues")!.resource as typeof issues).issue[1]!.details.text).toBe(
        "Nid yw'n fynegiad dilys: Ni chanfuwyd y cysyniad 1234567001"
      )
      // A plain concept id that is not there is only unknown.
      const plain = await get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=1234567001`)
      expect((parameter(plain.body, "issues")!.resource as typeof issues).issue).toHaveLength(1)
    })

    it("$expand lists the expressions a value set names, unless excludePostCoordinated", async () => {
      const expression = "73211009:{363698007=123037004}"
      const valueSet = {
        resourceType: "ValueSet",
        url: "http://example.org/fhir/ValueSet/with-expression",
        status: "active",
        compose: { include: [{ system: sct, concept: [{ code: "73211009" }, { code: expression }] }] }
      }
      const codes = async (exclude: Array<Parameter>) =>
        (await post("/fhir/ValueSet/$expand", [{ name: "valueSet", resource: valueSet }, ...exclude])).body.expansion.contains.map(
          (entry: { code: string }) => entry.code
        )
      expect(await codes([])).toEqual(["73211009", expression])
      expect(await codes([{ name: "excludePostCoordinated", valueBoolean: false }])).toEqual(["73211009", expression])
      expect(await codes([{ name: "excludePostCoordinated", valueBoolean: true }])).toEqual(["73211009"])
    })

    it("$subsumes answers every ground-truth pair", async () => {
      for (const { codeA, codeB, outcome } of expected.subsumption) {
        const { body } = await get(`/fhir/CodeSystem/$subsumes?system=${sct}&codeA=${codeA}&codeB=${codeB}`)
        expect({ codeA, codeB, outcome: body.parameter[0].valueCode }).toEqual({ codeA, codeB, outcome })
      }
    })

    it("$validate-code checks the code, the display in the request's language and activity", async () => {
      const valid = await get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=22298006&display=Heart%20attack`)
      expect(parameter(valid.body, "result")!.valueBoolean).toBe(true)
      const wrongDisplay = await get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=22298006&display=Heart%20attak`)
      expect(parameter(wrongDisplay.body, "result")!.valueBoolean).toBe(false)
      expect(parameter(wrongDisplay.body, "message")!.valueString).toMatch(/Wrong Display Name 'Heart attak'/)
      // Letter case counts only as far as the description's case significance says.
      const lowerCase = await get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=22298006&display=heart%20ATTACK`)
      expect(parameter(lowerCase.body, "result")!.valueBoolean).toBe(true)
      expect(
        parameter((await get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=1271000230107&display=mg`)).body, "result")!.valueBoolean
      ).toBe(true)
      expect(
        parameter((await get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=1271000230107&display=MG`)).body, "result")!.valueBoolean
      ).toBe(false)
      const unknown = await get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=12345678`)
      expect(parameter(unknown.body, "result")!.valueBoolean).toBe(false)
      const inactive = await get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=${expected.inactive[0].code}`)
      expect(parameter(inactive.body, "inactive")!.valueBoolean).toBe(true)
      expect(parameter(inactive.body, "message")!.valueString).toMatch(/inactive/)
    })

    it("$expand pages an is-a value set stably, with its total", async () => {
      const { code, activeDescendants } = expected.descendants.find((entry: { activeDescendants: number }) => entry.activeDescendants >= 4)
      const url = `${sct}?fhir_vs=isa/${code}`
      const all = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(url)}&activeOnly=true`)
      expect(all.body.expansion.total).toBe(activeDescendants + 1)
      const first = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(url)}&activeOnly=true&count=2`)
      const second = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(url)}&activeOnly=true&count=2&offset=2`)
      const codes = (expansion: { contains: Array<{ code: string }> }) => expansion.contains.map((entry) => entry.code)
      expect([...codes(first.body.expansion), ...codes(second.body.expansion)]).toEqual(codes(all.body.expansion).slice(0, 4))
      expect(second.body.expansion.offset).toBe(2)
    })

    it("$expand filters by word prefixes, folding case and diacritics, and expands refsets", async () => {
      const { body } = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(`${sct}?fhir_vs`)}&filter=SJOG%20syn&count=5`)
      expect(body.expansion.contains[0].display).toMatch(/Sjögren/)
      const heart = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(`${sct}?fhir_vs`)}&filter=heart%20att`)
      expect(heart.body.expansion.contains.map((entry: { code: string }) => entry.code)).toContain("22298006")
      for (const { refsetId, activeMembers } of expected.refsets) {
        const refset = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(`${sct}?fhir_vs=refset/${refsetId}`)}`)
        expect(refset.body.expansion.total).toBe(activeMembers)
      }
      const refsets = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(`${sct}?fhir_vs=refset`)}`)
      expect(refsets.body.expansion.contains.map((entry: { code: string }) => entry.code)).toEqual(
        expect.arrayContaining(expected.refsets.map((entry: { refsetId: string }) => entry.refsetId))
      )
      const fsnOnly = await get(
        `/fhir/ValueSet/$expand?url=${encodeURIComponent(`${sct}?fhir_vs=isa/22298006`)}&count=1&designation=${encodeURIComponent("http://snomed.info/sct|900000000000003001")}`
      )
      expect(fsnOnly.body.expansion.contains[0].designation).toEqual([
        expect.objectContaining({ use: expect.objectContaining({ code: "900000000000003001" }), value: "Myocardial infarction (disorder)" })
      ])
      const unknown = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent("http://example.org/vs")}`)
      expect(unknown.status).toBe(404)
    })

    it("ValueSet/$validate-code checks membership of an implicit value set", async () => {
      const url = encodeURIComponent(`${sct}?fhir_vs=isa/404684003`)
      expect(
        parameter((await get(`/fhir/ValueSet/$validate-code?url=${url}&system=${sct}&code=22298006`)).body, "result")!.valueBoolean
      ).toBe(true)
      const outside = await get(`/fhir/ValueSet/$validate-code?url=${url}&system=${sct}&code=80146002`)
      expect(parameter(outside.body, "result")!.valueBoolean).toBe(false)
      expect(parameter(outside.body, "message")!.valueString).toMatch(/was not found in the value set/)
    })

    it("$translate returns every map row with group, priority, rule and advice, and reverses", async () => {
      for (const map of expected.maps) {
        const { body } = await get(
          `/fhir/ConceptMap/$translate?url=${encodeURIComponent(`${sct}?fhir_cm=999002271000000101`)}&system=${sct}&code=${map.code}`
        )
        // Each row's fields come as product parts named by their RF2 field URI.
        const matches = parts(body, "match").map((match) =>
          Object.fromEntries(
            match
              .part!.filter((part) => part.name === "product")
              .map((part) => [String(part.part![0]!.valueUri).split(".").at(-1), (part.part![1]!.valueCoding as { code: string }).code])
          )
        )
        expect(
          matches.map(({ mapGroup, mapPriority, mapRule }) => ({ mapGroup: Number(mapGroup), mapPriority: Number(mapPriority), mapRule }))
        ).toEqual(map.icd10.map(({ mapGroup, mapPriority, mapRule }: Record<string, unknown>) => ({ mapGroup, mapPriority, mapRule })))
      }
      const [firstMap] = expected.maps
      const target = firstMap.icd10[0].mapTarget
      const reverse = await get(
        `/fhir/ConceptMap/$translate?url=${encodeURIComponent(`${sct}?fhir_cm=999002271000000101`)}&code=${target}&reverse=true`
      )
      expect(parts(reverse.body, "match").map((match) => (match.part![1]!.valueCoding as { code: string }).code)).toContain(firstMap.code)
      const [inactive] = expected.inactive
      const [association] = inactive.associations
      const replaced = await get(
        `/fhir/ConceptMap/$translate?url=${encodeURIComponent(`${sct}?fhir_cm=${association.refsetId}`)}&code=${inactive.code}`
      )
      expect(parts(replaced.body, "match").map((match) => (match.part![1]!.valueCoding as { code: string }).code)).toContain(
        association.targetComponentId
      )
      // A reference set that maps nothing (a simple or MRCM refset) is not a concept map.
      const notAMap = await get(
        `/fhir/ConceptMap/$translate?url=${encodeURIComponent(`${sct}?fhir_cm=${expected.refsets[0].refsetId}`)}&code=${inactive.code}`
      )
      expect(notAMap.status).toBe(404)
      expect(notAMap.body.issue[0].diagnostics ?? notAMap.body.issue[0].details.text).toMatch(/no map or association reference set/)
    })

    it("lists the loaded release as a CodeSystem and in the TerminologyCapabilities", async () => {
      const { body } = await get(`/fhir/CodeSystem?url=${sct}`)
      expect(body).toMatchObject({ resourceType: "Bundle", type: "searchset", total: 1 })
      expect(body.entry[0].resource).toMatchObject({
        url: sct,
        version: sampleUri,
        content: "not-present",
        count: expected.counts.concepts
      })
      const capabilities = await get("/fhir/metadata?mode=terminology")
      // The release first, then FHIR's own code systems, built in.
      expect(capabilities.body.codeSystem[0]).toEqual({ uri: sct, version: [{ code: sampleUri, isDefault: true }] })
      expect(capabilities.body.codeSystem.filter((entry: { uri: string }) => entry.uri === sct)).toHaveLength(1)
    })
  })
}
