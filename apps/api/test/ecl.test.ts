/**
 * ECL over HTTP on the sample release: implicit `fhir_vs=ecl/` value sets in `$expand` and
 * `$validate-code`, `constraint` filters in a ValueSet given inline, and the OperationOutcomes for
 * bad expressions. Expected members are worked out here from the release's RF2 files, not by the
 * evaluator.
 */
import { describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { expected, rowsOf, sampleFile, sampleFolder } from "../../../libs/snomed/test/sample"
import { apiHarness, withSampleRelease, type Parameter } from "./harness"

const sct = "http://snomed.info/sct"
const eclValueSet = (ecl: string) => `${sct}?fhir_vs=ecl/${encodeURIComponent(ecl)}`
const expandPath = (ecl: string, extra = "") => `/fhir/ValueSet/$expand?url=${encodeURIComponent(eclValueSet(ecl))}${extra}`

const parameter = (body: { parameter: Array<Parameter> }, name: string) => body.parameter.find((entry) => entry.name === name)
type Contains = { code: string; contains?: Array<Contains> }
/** The codes of an expansion, nested entries (a hierarchical expansion) included. */
const codesOf = (body: { expansion: { contains?: Array<Contains> } }) => {
  const codes = (entries: Array<Contains>): Array<string> => entries.flatMap((entry) => [entry.code, ...codes(entry.contains ?? [])])
  return codes(body.expansion.contains ?? []).sort()
}

/** Active rows of an RF2 file, as records keyed by its header. */
const activeRows = (part: string) => {
  const [header, ...rows] = rowsOf(sampleFile(sampleFolder, part))
  return rows
    .filter((row) => row[header!.indexOf("active")] === "1")
    .map((row) => Object.fromEntries(header!.map((name, at) => [name, row[at]!])))
}

const relationships = activeRows("sct2_Relationship_Snapshot")
const isA = "116680003"
const childrenOf = new Map<string, Array<string>>()
for (const { sourceId, destinationId, typeId } of relationships) {
  if (typeId === isA) childrenOf.set(destinationId!, [...(childrenOf.get(destinationId!) ?? []), sourceId!])
}
const descendantsOf = (code: string): Set<string> => {
  const found = new Set<string>()
  const queue = [code]
  while (queue.length > 0) {
    for (const child of childrenOf.get(queue.pop()!) ?? []) {
      if (found.has(child)) continue
      found.add(child)
      queue.push(child)
    }
  }
  return found
}
const selfAndDescendants = (code: string) => new Set([code, ...descendantsOf(code)])
const sorted = (codes: Iterable<string>) => [...new Set(codes)].sort()

const clinicalFinding = "404684003"
const findingSite = "363698007"
const heartStructure = "2131000230106"
const diabetes = "73211009"
const type2Diabetes = "44054006"
const chronicConditions = "21000230108"
const cardiovascularDisorder = "3021000230102"

/** `< 404684003 : 363698007 = << 2131000230106`: findings with a finding site in the heart. */
const heartFindings = (() => {
  const sites = selfAndDescendants(heartStructure)
  const findings = descendantsOf(clinicalFinding)
  return sorted(
    relationships
      .filter(({ sourceId, typeId, destinationId }) => typeId === findingSite && findings.has(sourceId!) && sites.has(destinationId!))
      .map(({ sourceId }) => sourceId!)
  )
})()

const refsetMembers = (refsetId: string) =>
  activeRows("der2_Refset_SimpleSnapshot")
    .filter((row) => row.refsetId === refsetId)
    .map((row) => row.referencedComponentId!)

/** Concepts with an active description having a word that starts with `prefix` (ASCII terms). */
const withWordStarting = (prefix: string) =>
  new Set(
    activeRows("sct2_Description_Snapshot")
      .filter((row) => new RegExp(`(^|[^a-z0-9])${prefix}`, "i").test(row.term!))
      .map((row) => row.conceptId!)
  )

for (const kind of testDatabases) {
  describe(`ECL over FHIR on ${kind.name}`, () => {
    const { get, post } = apiHarness(kind, withSampleRelease)

    it("$expand of an ECL refinement gives the findings whose site is in the hierarchy", async () => {
      expect(heartFindings.length).toBeGreaterThan(3)
      const { status, body } = await get(expandPath(`< ${clinicalFinding} : ${findingSite} = << ${heartStructure}`))
      expect(status).toBe(200)
      expect(body.expansion.total).toBe(heartFindings.length)
      expect(codesOf(body)).toEqual(heartFindings)
      const page = await get(expandPath(`< ${clinicalFinding} : ${findingSite} = << ${heartStructure}`, "&count=2"))
      expect(page.body.expansion.total).toBe(heartFindings.length)
      expect(page.body.expansion.contains).toHaveLength(2)
    })

    it("$expand of member-of ECL gives the reference set's active members, combined with a hierarchy", async () => {
      const members = refsetMembers(chronicConditions)
      expect(members.length).toBe(
        expected.refsets.find((refset: { refsetId: string }) => refset.refsetId === chronicConditions).activeMembers
      )
      const all = await get(expandPath(`^ ${chronicConditions}`))
      expect(all.body.expansion.total).toBe(members.length)
      expect(codesOf(all.body)).toEqual(sorted(members))
      const cardiovascular = selfAndDescendants(cardiovascularDisorder)
      const outside = sorted(members.filter((code) => !cardiovascular.has(code)))
      expect(outside.length).toBeGreaterThan(0)
      expect(outside.length).toBeLessThan(members.length)
      const minus = await get(expandPath(`^ ${chronicConditions} |Chronic conditions| MINUS << ${cardiovascularDisorder}`))
      expect(codesOf(minus.body)).toEqual(outside)
    })

    it("$expand of ECL with a description filter keeps the concepts with a matching active term", async () => {
      const diabetic = withWordStarting("diab")
      const wanted = sorted([...selfAndDescendants(clinicalFinding)].filter((code) => diabetic.has(code)))
      expect(wanted.length).toBeGreaterThan(3)
      const { body } = await get(expandPath(`<< ${clinicalFinding} {{ term = "DIAB" }}`))
      expect(body.expansion.total).toBe(wanted.length)
      expect(codesOf(body)).toEqual(wanted)
    })

    it("$expand of ECL with a history supplement adds the inactive concepts that SAME AS associations point into the set", async () => {
      const sameAs = activeRows("der2_cRefset_AssociationSnapshot").filter((row) => row.refsetId === "900000000000527005")
      for (const focus of ["22298006", clinicalFinding]) {
        const set = selfAndDescendants(focus)
        const added = sameAs.filter((row) => set.has(row.targetComponentId!)).map((row) => row.referencedComponentId!)
        expect(added.length).toBeGreaterThan(0)
        const { body } = await get(expandPath(`<< ${focus} {{ +HISTORY-MIN }}`))
        expect(codesOf(body)).toEqual(sorted([...set, ...added]))
      }
    })

    it("ValueSet/$validate-code checks a code against an ECL value set, in and out", async () => {
      const url = encodeURIComponent(eclValueSet(`<< ${diabetes} MINUS << ${type2Diabetes}`))
      const inside = await get(`/fhir/ValueSet/$validate-code?url=${url}&system=${sct}&code=${diabetes}`)
      expect(parameter(inside.body, "result")!.valueBoolean).toBe(true)
      expect(parameter(inside.body, "display")!.valueString).toBe("Diabetes mellitus")
      const excluded = await get(`/fhir/ValueSet/$validate-code?url=${url}&system=${sct}&code=${type2Diabetes}`)
      expect(parameter(excluded.body, "result")!.valueBoolean).toBe(false)
      expect(parameter(excluded.body, "message")!.valueString).toMatch(/was not found in the value set/)
      const heart = encodeURIComponent(eclValueSet(`< ${clinicalFinding} : ${findingSite} = << ${heartStructure}`))
      const [heartFinding] = heartFindings
      expect(
        parameter((await get(`/fhir/ValueSet/$validate-code?url=${heart}&system=${sct}&code=${heartFinding}`)).body, "result")!.valueBoolean
      ).toBe(true)
      expect(
        parameter((await get(`/fhir/ValueSet/$validate-code?url=${heart}&system=${sct}&code=${type2Diabetes}`)).body, "result")!
          .valueBoolean
      ).toBe(false)
    })

    it("CodeSystem/$validate-code checks a post-coordinated expression against the release's MRCM attribute domains", async () => {
      const validate = (code: string) => get(`/fhir/CodeSystem/$validate-code?url=${sct}&code=${encodeURIComponent(code)}`)
      const good = await validate(`${type2Diabetes}:{${findingSite}=${heartStructure}}`)
      expect(parameter(good.body, "result")!.valueBoolean).toBe(true)
      // Procedure site - Direct (405813007) belongs to procedures (71388002), not findings.
      const bad = await validate(`${type2Diabetes}:{405813007=${heartStructure}}`)
      expect(parameter(bad.body, "result")!.valueBoolean).toBe(false)
      expect(parameter(bad.body, "message")!.valueString).toBe(
        `The expression does not follow the SNOMED CT concept model (MRCM) at 10: 405813007 |Procedure site - Direct| is not allowed on ${type2Diabetes} |Diabetes mellitus type 2|: its domain is 71388002 |Procedure|`
      )
      const { issue } = parameter(bad.body, "issues")!.resource as { issue: Array<{ severity: string; code: string }> }
      expect(issue.map(({ severity, code }) => [severity, code])).toEqual([["error", "code-invalid"]])
    })

    it("expands a ValueSet given inline whose include has a constraint filter", async () => {
      const valueSet = {
        resourceType: "ValueSet",
        status: "active",
        compose: {
          include: [{ system: sct, filter: [{ property: "constraint", op: "=", value: `<< ${diabetes} MINUS << ${type2Diabetes}` }] }]
        }
      }
      const wanted = sorted([...selfAndDescendants(diabetes)].filter((code) => !selfAndDescendants(type2Diabetes).has(code)))
      const { status, body } = await post("/fhir/ValueSet/$expand", [{ name: "valueSet", resource: valueSet }])
      expect(status).toBe(200)
      expect(body.expansion.total).toBe(wanted.length)
      expect(codesOf(body)).toEqual(wanted)
    })

    it("answers an ECL syntax error with a 400 OperationOutcome giving the expression and the position", async () => {
      const ecl = `< ${clinicalFinding} : ${findingSite} =`
      const { status, body } = await get(expandPath(ecl))
      expect(status).toBe(400)
      expect(body.resourceType).toBe("OperationOutcome")
      expect(body.issue[0]).toMatchObject({ severity: "error", code: "invalid" })
      expect(body.issue[0].details.text).toContain(`'${ecl}'`)
      expect(body.issue[0].details.text).toMatch(new RegExp(`at ${ecl.length}: expected .* found end of input`))
      const unbalanced = await get(expandPath(`(<< ${diabetes} OR << ${type2Diabetes}`))
      expect(unbalanced.status).toBe(400)
      expect(unbalanced.body.issue[0].details.text).toMatch(/expected .*'\)'/)
      const mixed = await get(expandPath(`<< ${diabetes} AND << ${type2Diabetes} OR << ${clinicalFinding}`))
      expect(mixed.status).toBe(400)
      expect(mixed.body.issue[0].details.text).toMatch(/brackets|parenthes/i)
      // Thousands deep: refused at the nesting limit, quoting only the part around it.
      const deep = await get(expandPath(`${"(".repeat(5000)}<< ${diabetes}${")".repeat(5000)}`))
      expect(deep.status).toBe(400)
      expect(deep.body.issue[0].details.text).toMatch(/at 100: expression nested more than 100 deep/)
      expect(deep.body.issue[0].details.text.length).toBeLessThan(500)
    })

    it("answers ECL naming a concept the release does not have with an OperationOutcome naming it", async () => {
      const { status, body } = await get(expandPath(`<< ${diabetes} OR << 999480561000000105`))
      expect(status).toBe(400)
      expect(body.resourceType).toBe("OperationOutcome")
      expect(body.issue[0].details.text).toMatch(/999480561000000105/)
      const validate = await get(
        `/fhir/ValueSet/$validate-code?url=${encodeURIComponent(eclValueSet("<< 999480561000000105"))}&system=${sct}&code=${diabetes}`
      )
      // The value set itself is broken, so $validate-code cannot answer true or false either.
      expect(validate.status).toBe(400)
      expect(validate.body.resourceType).toBe("OperationOutcome")
      expect(validate.body.issue[0]).toMatchObject({ code: "invalid", details: { text: expect.stringMatching(/999480561000000105/) } })
    })
  })
}
