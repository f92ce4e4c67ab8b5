/**
 * The terminology engine through the app with resources sent per request (`tx-resource`): a small
 * code system in two versions and value sets over it, expanded, validated against and looked up;
 * version rules; and the bad input the engine must refuse in bounded time (value sets that include
 * themselves, catastrophic regexes, malformed resources, expansions too large to return at once).
 * SNOMED CT through the same engine is tested in snomed.test.ts and ecl.test.ts.
 */
import { FhirResources, loadFhirResources, type CodeSystemResource, type ValueSetResource } from "@ffynnon/terminology"
import { Effect } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { apiHarness } from "./harness"

const system = "http://example.org/fhir/CodeSystem/ward"

type Parameter = { name: string; part?: Array<Parameter>; resource?: Outcome } & Record<string, unknown>
type Outcome = {
  resourceType: string
  issue: Array<{ severity: string; code: string; details: { text: string; coding?: Array<{ code: string }> } }>
}
type Contains = { code: string; display?: string; inactive?: boolean; contains?: Array<Contains> }
type Answer = Outcome & {
  parameter: Array<Parameter>
  expansion: { total: number; contains?: Array<Contains>; parameter: Array<Parameter> }
}

const wards = (version: string, display: (code: string) => string): CodeSystemResource => ({
  resourceType: "CodeSystem",
  url: system,
  version,
  name: "Wards",
  status: "active",
  content: "complete",
  caseSensitive: true,
  language: "en",
  property: [{ code: "status", uri: "http://hl7.org/fhir/concept-properties#status", type: "code" }],
  concept: [
    {
      code: "medical",
      display: display("medical"),
      definition: "Medical wards",
      designation: [{ language: "cy", value: "Wardiau meddygol" }],
      concept: [
        { code: "cardiology", display: display("cardiology") },
        { code: "respiratory", display: display("respiratory") },
        { code: "old-ward", display: display("old-ward"), property: [{ code: "status", valueCode: "retired" }] }
      ]
    },
    { code: "surgical", display: display("surgical"), property: [{ code: "status", valueCode: "active" }] }
  ]
})

/** A complete code system of these concepts. */
const codeSystem = (
  url: string,
  concept: NonNullable<CodeSystemResource["concept"]>,
  more: Partial<CodeSystemResource> = {}
): CodeSystemResource => ({
  resourceType: "CodeSystem",
  url,
  status: "active",
  content: "complete",
  concept,
  ...more
})

const title = (code: string) => code.charAt(0).toUpperCase() + code.slice(1)
const version1 = wards("1.0.0", title)
const version2 = wards("2.0.0", (code) => `${title(code)} ward`)

const valueSet = (url: string, compose: NonNullable<ValueSetResource["compose"]>): ValueSetResource => ({
  resourceType: "ValueSet",
  url,
  version: "1",
  status: "active",
  compose
})
const medical = valueSet("http://example.org/fhir/ValueSet/medical", {
  include: [{ system, filter: [{ property: "concept", op: "is-a", value: "medical" }] }]
})
const pinned = valueSet("http://example.org/fhir/ValueSet/pinned", { include: [{ system, version: "1.0.0" }] })
const selfish = valueSet("http://example.org/fhir/ValueSet/selfish", {
  include: [{ valueSet: ["http://example.org/fhir/ValueSet/selfish"] }]
})
const loopA = valueSet("http://example.org/fhir/ValueSet/loop-a", { include: [{ valueSet: ["http://example.org/fhir/ValueSet/loop-b"] }] })
const loopB = valueSet("http://example.org/fhir/ValueSet/loop-b", { include: [{ valueSet: ["http://example.org/fhir/ValueSet/loop-a"] }] })
const hostile = valueSet("http://example.org/fhir/ValueSet/hostile", {
  include: [{ system, filter: [{ property: "code", op: "regex", value: "((a+)+)+" }] }]
})
const resources = [version1, version2, medical, pinned, selfish, loopA, loopB, hostile]

/** A code system with a grouper: an abstract (not selectable) concept above a member. */
const grouped: CodeSystemResource = {
  resourceType: "CodeSystem",
  url: "http://example.org/fhir/CodeSystem/grouped",
  status: "active",
  content: "complete",
  concept: [
    {
      code: "group",
      display: "Group",
      property: [{ code: "notSelectable", valueBoolean: true }],
      concept: [{ code: "member", display: "Member" }]
    }
  ]
}
const allGrouped = valueSet("http://example.org/fhir/ValueSet/grouped", { include: [{ system: grouped.url! }] })

const parameter = (answer: Answer, name: string) => answer.parameter.find((entry) => entry.name === name)

const gender = "http://hl7.org/fhir/administrative-gender"

/** A package's own administrative-gender: the built-in version with other displays, and a newer one. */
const loadGenderVersions = Effect.suspend(() => {
  const folder = mkdtempSync(join(tmpdir(), "ffynnon-gender-"))
  const genders = (version: string, suffix: string): CodeSystemResource => ({
    resourceType: "CodeSystem",
    id: `gender-${version.replaceAll(".", "-")}`,
    url: gender,
    version,
    status: "active",
    content: "complete",
    concept: ["male", "female"].map((code) => ({ code, display: `${title(code)}${suffix}` }))
  })
  writeFileSync(join(folder, "same.json"), JSON.stringify(genders("4.0.1", " (package)")))
  writeFileSync(join(folder, "newer.json"), JSON.stringify(genders("5.0.0", " (newer)")))
  return Effect.zipRight(
    loadFhirResources(folder),
    Effect.flatMap(FhirResources, (resources) => resources.refresh)
  )
})

for (const kind of testDatabases) {
  describe(`the terminology engine on ${kind.name}`, () => {
    const api = apiHarness(kind)
    // A second deployment, where a package of FHIR's own administrative-gender was loaded.
    const loaded = apiHarness(kind, loadGenderVersions)
    const answer = async (server: typeof api, operation: string, parameters: Array<Parameter>) =>
      (await server.post(`/fhir/${operation}`, parameters)).body as Answer
    const post = async (operation: string, parameters: Array<Parameter>, extra: ReadonlyArray<object> = resources) => {
      const { status, body } = await api.post(`/fhir/${operation}`, [
        ...parameters,
        ...extra.map((resource) => ({ name: "tx-resource", resource }))
      ])
      return { status, body: body as Answer }
    }

    it("expands an is-a value set over a sent code system, nested by its hierarchy, at the newest version", async () => {
      const { status, body } = await post("ValueSet/$expand", [{ name: "url", valueUri: medical.url }])
      expect(status).toBe(200)
      expect(body.expansion.total).toBe(4)
      const [root] = body.expansion.contains!
      expect(root).toMatchObject({ code: "medical", display: "Medical ward" })
      expect(root!.contains!.map((entry) => entry.code)).toEqual(["cardiology", "respiratory", "old-ward"])
      expect(root!.contains!.find((entry) => entry.code === "old-ward")!.inactive).toBe(true)
      expect(body.expansion.parameter).toContainEqual({ name: "used-codesystem", valueUri: `${system}|2.0.0` })

      const flat = await post("ValueSet/$expand", [
        { name: "url", valueUri: medical.url },
        { name: "excludeNested", valueBoolean: true },
        { name: "activeOnly", valueBoolean: true },
        { name: "displayLanguage", valueCode: "cy" },
        { name: "includeDesignations", valueBoolean: true }
      ])
      expect(flat.body.expansion.contains!.map((entry) => entry.code)).toEqual(["medical", "cardiology", "respiratory"])
      expect(flat.body.expansion.contains![0]!.display).toBe("Wardiau meddygol")
    })

    it("keeps the nesting of an is-a value set under a text filter, and answers a text search of a whole code system flat", async () => {
      const searched = await post("ValueSet/$expand", [
        { name: "url", valueUri: medical.url },
        { name: "filter", valueString: "ward" }
      ])
      const [root] = searched.body.expansion.contains!
      expect(searched.body.expansion.contains).toHaveLength(1)
      expect(root!.code).toBe("medical")
      expect(root!.contains!.map((entry) => entry.code)).toEqual(["cardiology", "respiratory", "old-ward"])
      // Where the parent does not match, its matching children stand at the top.
      const children = await post("ValueSet/$expand", [
        { name: "url", valueUri: medical.url },
        { name: "filter", valueString: "cardiology" }
      ])
      expect(children.body.expansion.contains!.map((entry) => [entry.code, entry.contains])).toEqual([["cardiology", undefined]])

      const everyWard = valueSet("http://example.org/fhir/ValueSet/every-ward", { include: [{ system }] })
      const unfiltered = await post("ValueSet/$expand", [{ name: "url", valueUri: everyWard.url }], [...resources, everyWard])
      expect(unfiltered.body.expansion.contains!.map((entry) => entry.code)).toEqual(["medical", "surgical"])
      const search = await post(
        "ValueSet/$expand",
        [
          { name: "url", valueUri: everyWard.url },
          { name: "filter", valueString: "ward" }
        ],
        [...resources, everyWard]
      )
      expect(search.body.expansion.contains!.every((entry) => entry.contains === undefined)).toBe(true)
      expect(search.body.expansion.total).toBe(5)
    })

    it("validates codes against a value set: membership, display, inactive codes, unknown codes", async () => {
      const validate = (coding: object, extra: Array<Parameter> = []) =>
        post("ValueSet/$validate-code", [{ name: "url", valueUri: medical.url }, { name: "coding", valueCoding: coding }, ...extra])
      const good = await validate({ system, code: "cardiology", display: "Cardiology ward" })
      expect(parameter(good.body, "result")!.valueBoolean).toBe(true)
      expect(parameter(good.body, "version")!.valueString).toBe("2.0.0")

      const outside = await validate({ system, code: "surgical" })
      expect(parameter(outside.body, "result")!.valueBoolean).toBe(false)
      const outsideIssue = parameter(outside.body, "issues")!.resource!.issue[0]!
      expect(outsideIssue.details.coding![0]!.code).toBe("not-in-vs")

      const wrongDisplay = await validate({ system, code: "cardiology", display: "Heart ward" })
      expect(parameter(wrongDisplay.body, "result")!.valueBoolean).toBe(false)
      expect(parameter(wrongDisplay.body, "message")!.valueString).toMatch(/Wrong Display Name 'Heart ward'.*'Cardiology ward'/)

      const retired = await validate({ system, code: "old-ward" })
      expect(parameter(retired.body, "inactive")!.valueBoolean).toBe(true)
      const activeOnly = await validate({ system, code: "old-ward" }, [{ name: "activeOnly", valueBoolean: true }])
      expect(parameter(activeOnly.body, "result")!.valueBoolean).toBe(false)

      const unknown = await validate({ system, code: "neurology" })
      expect(parameter(unknown.body, "message")!.valueString).toMatch(/Unknown code 'neurology'/)
    })

    it("checks a code against the version the value set pins, and reports a coding that names another", async () => {
      const atPinned = await post("ValueSet/$validate-code", [
        { name: "url", valueUri: pinned.url },
        { name: "coding", valueCoding: { system, code: "cardiology", version: "2.0.0" } }
      ])
      expect(parameter(atPinned.body, "result")!.valueBoolean).toBe(false)
      expect(parameter(atPinned.body, "version")!.valueString).toBe("1.0.0")
      expect(parameter(atPinned.body, "display")!.valueString).toBe("Cardiology")
      expect(parameter(atPinned.body, "issues")!.resource!.issue.map((issue) => issue.details.coding![0]!.code)).toContain("vs-invalid")

      const forced = await post("ValueSet/$expand", [
        { name: "url", valueUri: medical.url },
        { name: "force-system-version", valueCanonical: `${system}|1.0.0` }
      ])
      expect(forced.body.expansion.contains![0]!.display).toBe("Medical")

      const missing = await post("CodeSystem/$lookup", [
        { name: "system", valueUri: system },
        { name: "version", valueString: "3.0.0" },
        { name: "code", valueCode: "medical" }
      ])
      expect(missing.status).toBe(404)
      expect(missing.body.issue[0]!.details.text).toMatch(/version '3.0.0'.*Valid versions: 1.0.0, 2.0.0/)
    })

    it("takes several versions of one code system in a value set version by version", async () => {
      const version3 = { ...version2, version: "3.0.0", concept: [...version2.concept!, { code: "neurology", display: "Neurology ward" }] }
      const both = valueSet("http://example.org/fhir/ValueSet/both", {
        include: [
          { system, version: "1.0.0" },
          { system, version: "3.0.0" }
        ],
        exclude: [{ system, version: "1.0.0", concept: [{ code: "surgical" }] }]
      })
      const sent = [version1, version3, both]
      const expanded = await post(
        "ValueSet/$expand",
        [
          { name: "url", valueUri: both.url },
          { name: "excludeNested", valueBoolean: true }
        ],
        sent
      )
      // The newest version's codes first; the exclude names an included version, so takes surgical out of that one only.
      const listed = expanded.body.expansion.contains!.map((entry) => `${(entry as { version?: string }).version}#${entry.code}`)
      expect(listed.slice(0, 6)).toEqual([
        "3.0.0#medical",
        "3.0.0#cardiology",
        "3.0.0#respiratory",
        "3.0.0#old-ward",
        "3.0.0#surgical",
        "3.0.0#neurology"
      ])
      expect(listed).not.toContain("1.0.0#surgical")
      // An active status goes without saying; only a retired or deprecated one travels with the code.
      const statuses = (code: string) =>
        JSON.stringify((expanded.body.expansion.contains!.find((entry) => entry.code === code) as { extension?: unknown }).extension ?? [])
      expect(statuses("surgical")).not.toContain("status")
      expect(statuses("old-ward")).toContain("retired")
      expect(expanded.body.expansion.total).toBe(10)

      // A coding naming an included version is checked at that version, though another version has the code.
      const atNamed = await post(
        "ValueSet/$validate-code",
        [
          { name: "url", valueUri: both.url },
          { name: "coding", valueCoding: { system, version: "1.0.0", code: "neurology" } }
        ],
        sent
      )
      expect(parameter(atNamed.body, "result")!.valueBoolean).toBe(false)
      const issues = parameter(atNamed.body, "issues")!.resource!.issue.map((issue) => issue.details.coding![0]!.code)
      expect(issues).toEqual(["not-in-vs", "invalid-code"])
      expect(parameter(atNamed.body, "message")!.valueString).toMatch(/Unknown code 'neurology' in the CodeSystem '.*' version '1.0.0'/)
    })

    it("reports a value set version a check refuses, and leaves membership undecided where the value set's version is unknown", async () => {
      const atTwo = valueSet("http://example.org/fhir/ValueSet/at-two", { include: [{ system, version: "2.0.0" }] })
      const atNine = valueSet("http://example.org/fhir/ValueSet/at-nine", { include: [{ system, version: "9.9.9" }] })
      const sent = [version1, version2, atTwo, atNine]
      const refused = await post(
        "ValueSet/$validate-code",
        [
          { name: "url", valueUri: atTwo.url },
          { name: "coding", valueCoding: { system, code: "medical" } },
          { name: "check-system-version", valueCanonical: `${system}|1.0.0` }
        ],
        sent
      )
      expect(parameter(refused.body, "result")!.valueBoolean).toBe(false)
      expect(parameter(refused.body, "version")!.valueString).toBe("2.0.0")
      expect(parameter(refused.body, "issues")!.resource!.issue).toEqual([
        expect.objectContaining({
          code: "exception",
          details: expect.objectContaining({ text: expect.stringMatching(/'2.0.0' is not allowed/) })
        })
      ])

      const unknown = await post(
        "ValueSet/$validate-code",
        [
          { name: "url", valueUri: atNine.url },
          { name: "codeableConcept", valueCodeableConcept: { coding: [{ system, version: "1.0.0", code: "medical" }] } }
        ],
        sent
      )
      expect(parameter(unknown.body, "result")!.valueBoolean).toBe(false)
      expect(parameter(unknown.body, "version")!.valueString).toBe("1.0.0")
      expect(parameter(unknown.body, "code")).toBeUndefined()
      const codes = parameter(unknown.body, "issues")!.resource!.issue.map((issue) => issue.details.coding![0]!.code)
      expect(codes).not.toContain("not-in-vs")
      expect(codes).toContain("not-found")
    })

    it("carries labels, order, weights and statuses from concept extensions as expansion properties, and echoes rendering", async () => {
      const sd = "http://hl7.org/fhir/StructureDefinition/"
      const ranked: CodeSystemResource = {
        resourceType: "CodeSystem",
        url: "http://example.org/fhir/CodeSystem/ranked",
        version: "1",
        status: "active",
        content: "complete",
        concept: [
          {
            code: "first",
            display: "First",
            extension: [
              { url: `${sd}codesystem-conceptOrder`, valueInteger: 2 },
              { url: `${sd}rendering-style`, valueString: "font-weight: bold" },
              { url: "http://example.org/unknown", valueString: "left out" }
            ]
          },
          { code: "second", display: "Second", extension: [{ url: `${sd}structuredefinition-standards-status`, valueCode: "deprecated" }] }
        ]
      }
      const labels: CodeSystemResource = {
        resourceType: "CodeSystem",
        url: "http://example.org/fhir/CodeSystem/ranked-labels",
        version: "1",
        status: "active",
        content: "supplement",
        supplements: ranked.url!,
        concept: [
          {
            code: "first",
            extension: [
              { url: `${sd}codesystem-label`, valueString: "a." },
              { url: `${sd}itemWeight`, valueDecimal: 1.5 }
            ]
          }
        ]
      }
      const listed: ValueSetResource = {
        ...valueSet("http://example.org/fhir/ValueSet/ranked", {
          include: [{ system: ranked.url!, concept: [{ code: "first", extension: [{ url: `${sd}valueset-label`, valueString: "(i)" }] }] }]
        }),
        extension: [{ url: `${sd}valueset-supplement`, valueCanonical: `${labels.url}|1` }]
      }
      const all = valueSet("http://example.org/fhir/ValueSet/ranked-all", { include: [{ system: ranked.url! }] })
      const expand = (url: string) => post("ValueSet/$expand", [{ name: "url", valueUri: url }], [ranked, labels, listed, all])
      type Extended = Contains & { extension?: Array<{ url: string; valueString?: string; extension?: Array<Record<string, unknown>> }> }
      const properties = (entry: Extended) =>
        Object.fromEntries(
          (entry.extension ?? [])
            .filter((extension) => extension.url.endsWith("expansion.contains.property"))
            .map(({ extension }) => [extension![0]!.valueCode, Object.values(extension![1]!).at(-1)])
        )

      const fromList = await expand(listed.url!)
      const [first] = fromList.body.expansion.contains as Array<Extended>
      // The value set's label wins over the supplement's; order and weight come from the code system and the supplement.
      expect(properties(first!)).toEqual({ label: "(i)", order: 2, weight: 1.5 })
      expect(first!.extension).toContainEqual({ url: `${sd}rendering-style`, valueString: "font-weight: bold" })
      expect(JSON.stringify(first)).not.toContain("left out")
      expect(fromList.body.expansion.parameter).toContainEqual({ name: "used-supplement", valueUri: `${labels.url}|1` })

      const whole = await expand(all.url!)
      const second = (whole.body.expansion.contains as Array<Extended>).find((entry) => entry.code === "second")!
      expect(properties(second)).toEqual({ status: "deprecated" })
    })

    it("records the default-valueset-version that chose an imported value set's version", async () => {
      const importing = valueSet("http://example.org/fhir/ValueSet/importing", { include: [{ valueSet: [medical.url!] }] })
      const { body } = await post(
        "ValueSet/$expand",
        [
          { name: "url", valueUri: importing.url },
          { name: "default-valueset-version", valueCanonical: `${medical.url}|1` }
        ],
        [...resources, importing]
      )
      expect(body.expansion.parameter).toContainEqual({ name: "default-valueset-version", valueUri: `${medical.url}|1` })
      expect(body.expansion.total).toBe(4)
    })

    it("says only whether codes are members with valueset-membership-only", async () => {
      const validate = (coding: object) =>
        post("ValueSet/$validate-code", [
          { name: "url", valueUri: medical.url },
          { name: "valueset-membership-only", valueBoolean: true },
          { name: "coding", valueCoding: coding }
        ])
      // A wrong display is no concern of membership.
      const member = await validate({ system, code: "cardiology", display: "Heart ward" })
      expect(parameter(member.body, "result")!.valueBoolean).toBe(true)
      expect(parameter(member.body, "issues")).toBeUndefined()
      const outside = await validate({ system, code: "neurology" })
      expect(parameter(outside.body, "result")!.valueBoolean).toBe(false)
      expect(parameter(outside.body, "issues")!.resource!.issue.map((issue) => issue.details.coding![0]!.code)).toEqual(["not-in-vs"])
    })

    it("reports a withdrawn value set validated against", async () => {
      const withdrawn: ValueSetResource = {
        ...medical,
        url: "http://example.org/fhir/ValueSet/withdrawn",
        extension: [{ url: "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status", valueCode: "withdrawn" }]
      }
      const { body } = await post(
        "ValueSet/$validate-code",
        [
          { name: "url", valueUri: withdrawn.url },
          { name: "coding", valueCoding: { system, code: "cardiology" } }
        ],
        [...resources, withdrawn]
      )
      expect(parameter(body, "result")!.valueBoolean).toBe(true)
      expect(parameter(body, "issues")!.resource!.issue.map((issue) => issue.details.text)).toContain(
        `Reference to withdrawn ValueSet ${withdrawn.url}|1`
      )
    })

    it("takes displays in no stated language for any language, and designations for other purposes as no display", async () => {
      const unstated = codeSystem("http://example.org/fhir/CodeSystem/unstated", [
        {
          code: "a",
          display: "Alpha",
          designation: [{ use: { system: "http://example.org/fhir/CodeSystem/uses", code: "abbreviation" }, value: "A." }]
        }
      ])
      const validate = (display: string) =>
        post(
          "CodeSystem/$validate-code",
          [
            { name: "coding", valueCoding: { system: unstated.url, code: "a", display } },
            { name: "displayLanguage", valueCode: "de" }
          ],
          [unstated]
        )
      const right = await validate("Alpha")
      expect(parameter(right.body, "result")!.valueBoolean).toBe(true)
      expect(parameter(right.body, "issues")).toBeUndefined()
      const abbreviation = await validate("A.")
      expect(parameter(abbreviation.body, "result")!.valueBoolean).toBe(false)
      expect(parameter(abbreviation.body, "message")!.valueString).toMatch(/Valid display is 'Alpha' \(for the language\(s\) 'de'\)/)

      const nothing = await post("ValueSet/$validate-code", [{ name: "url", valueUri: medical.url }])
      expect(nothing.status).toBe(400)
      expect(nothing.body.issue[0]).toMatchObject({
        code: "invalid",
        details: { text: expect.stringMatching(/^Unable to find code to validate/) }
      })
    })

    it("looks up a concept's display, definition, designations and hierarchy, and answers subsumption", async () => {
      const { body } = await post("CodeSystem/$lookup", [
        { name: "system", valueUri: system },
        { name: "code", valueCode: "medical" }
      ])
      expect(parameter(body, "display")!.valueString).toBe("Medical ward")
      expect(parameter(body, "definition")!.valueString).toBe("Medical wards")
      const children = body.parameter.filter(
        (entry) => entry.name === "property" && entry.part!.some((part) => part.name === "code" && part.valueCode === "child")
      )
      expect(children).toHaveLength(3)
      const subsumes = await post("CodeSystem/$subsumes", [
        { name: "system", valueUri: system },
        { name: "codeA", valueCode: "medical" },
        { name: "codeB", valueCode: "respiratory" }
      ])
      expect(parameter(subsumes.body, "outcome")!.valueCode).toBe("subsumes")
    })

    it("refuses value sets that include themselves, directly or through others", async () => {
      for (const url of [selfish.url, loopA.url]) {
        const { status, body } = await post("ValueSet/$expand", [{ name: "url", valueUri: url! }])
        expect(status).toBe(422)
        expect(body.issue[0]).toMatchObject({ code: "processing", details: { text: expect.stringMatching(/includes itself/) } })
      }
    })

    it("evaluates a regex that backtracks catastrophically elsewhere, and answers correctly", async () => {
      const codes = ["a".repeat(59), `${"a".repeat(59)}!`]
      const trap: CodeSystemResource = { ...version1, version: "9.0.0", concept: codes.map((code) => ({ code, display: code })) }
      const { status, body } = await post("ValueSet/$expand", [{ name: "url", valueUri: hostile.url }], [...resources, trap])
      expect(status).toBe(200)
      expect(body.expansion.contains!.map((entry) => entry.code)).toEqual([codes[0]])
    })

    it("refuses a malformed tx-resource with a 400 naming it", async () => {
      const { status, body } = await post("ValueSet/$expand", [{ name: "url", valueUri: medical.url }], [{ resourceType: "Patient" }])
      expect(status).toBe(400)
      expect(body.issue[0]).toMatchObject({ code: "invalid", details: { text: expect.stringMatching(/tx-resource 1 is a Patient/) } })
    })

    it("refuses a sent resource of broken structure with a 400 naming the parameter and the element", async () => {
      const malformed: Array<[string, Array<{ name: string } & Record<string, unknown>>, RegExp]> = [
        [
          "ValueSet/$expand",
          [{ name: "tx-resource", resource: { ...version1, concept: [{ code: "a", concept: "b" }] } }],
          /^tx-resource 1: CodeSystem\.concept\[0\]\.concept is not a list\.$/
        ],
        [
          "ValueSet/$expand",
          [{ name: "valueSet", resource: { resourceType: "ValueSet", compose: { include: "all" } } }],
          /^valueSet: ValueSet\.compose\.include is not a list\.$/
        ],
        [
          "CodeSystem/$validate-code",
          [
            { name: "codeSystem", resource: { ...version1, concept: [{ display: "no code" }] } },
            { name: "code", valueCode: "a" }
          ],
          /^codeSystem: CodeSystem\.concept\[0\]\.code is missing\.$/
        ]
      ]
      for (const [operation, parameters, message] of malformed) {
        const { status, body } = await api.post(`/fhir/${operation}`, parameters)
        expect(status).toBe(400)
        expect(body.issue[0]).toMatchObject({ code: "invalid", details: { text: expect.stringMatching(message) } })
      }
    })

    it("refuses a filter that lacks its property or operator, naming what is missing", async () => {
      for (const [filter, missing] of [
        [{ op: "is-a", value: "a" }, "property"],
        [{ property: "concept", value: "a" }, "op"]
      ] as const) {
        const sent = { resourceType: "ValueSet", compose: { include: [{ system: version1.url, filter: [filter] }] } }
        const { status, body } = await api.post("/fhir/ValueSet/$expand", [
          { name: "valueSet", resource: sent },
          ...resources.map((resource) => ({ name: "tx-resource", resource }))
        ])
        expect(status).toBe(400)
        expect(body.issue[0].details.text).toBe(`The system ${version1.url} filter with value = a has no ${missing}`)
      }
    })

    it("answers too-costly for an expansion beyond the limit, and pages it instead", async () => {
      const large = codeSystem(
        "http://example.org/fhir/CodeSystem/large",
        Array.from({ length: 1500 }, (_, position) => ({ code: `c${position}`, display: `Code ${position}` }))
      )
      const everything = valueSet("http://example.org/fhir/ValueSet/large", { include: [{ system: large.url! }] })
      const all = await post("ValueSet/$expand", [{ name: "url", valueUri: everything.url! }], [large, everything])
      expect(all.status).toBe(422)
      expect(all.body.issue[0]!.code).toBe("too-costly")
      const page = await post(
        "ValueSet/$expand",
        [
          { name: "url", valueUri: everything.url! },
          { name: "offset", valueInteger: 1000 },
          { name: "count", valueInteger: 5 }
        ],
        [large, everything]
      )
      expect(page.body.expansion.total).toBe(1500)
      const limited = await post(
        "ValueSet/$expand",
        [
          { name: "url", valueUri: everything.url! },
          { name: "limitedExpansion", valueBoolean: true }
        ],
        [large, everything]
      )
      expect(limited.status).toBe(200)
      expect(limited.body.expansion.contains).toHaveLength(1000)
      expect(limited.body.expansion).toMatchObject({
        extension: [{ url: "http://hl7.org/fhir/StructureDefinition/valueset-toocostly", valueBoolean: true }]
      })
      expect(page.body.expansion.contains!.map((entry) => entry.code)).toEqual(["c1000", "c1001", "c1002", "c1003", "c1004"])
    })

    it("treats a code a fragment lacks as possibly valid, and marks its expansions unclosed", async () => {
      const fragment: CodeSystemResource = {
        ...version1,
        url: "http://example.org/fhir/CodeSystem/fragment",
        version: "1",
        content: "fragment"
      }
      const all = valueSet("http://example.org/fhir/ValueSet/fragment", { include: [{ system: fragment.url! }] })
      const validated = await post(
        "ValueSet/$validate-code",
        [
          { name: "url", valueUri: all.url! },
          { name: "coding", valueCoding: { system: fragment.url, code: "neurology" } }
        ],
        [fragment, all]
      )
      expect(parameter(validated.body, "result")!.valueBoolean).toBe(true)
      expect(parameter(validated.body, "issues")!.resource!.issue[0]).toMatchObject({
        severity: "warning",
        details: { text: expect.stringMatching(/fragment/) }
      })
      const expanded = await post("ValueSet/$expand", [{ name: "url", valueUri: all.url! }], [fragment, all])
      expect(expanded.body.expansion.parameter).toContainEqual({ name: "used-fragment", valueUri: `${fragment.url}|1` })
    })

    it("leaves groupers out of pick-lists with excludeNotForUI", async () => {
      const request = [
        { name: "url", valueUri: allGrouped.url! },
        { name: "excludeNested", valueBoolean: true }
      ]
      const everything = await post("ValueSet/$expand", request, [grouped, allGrouped])
      expect(everything.body.expansion.contains!.map((entry) => entry.code)).toEqual(["group", "member"])
      const pickList = await post("ValueSet/$expand", [...request, { name: "excludeNotForUI", valueBoolean: true }], [grouped, allGrouped])
      expect(pickList.body.expansion.contains!.map((entry) => entry.code)).toEqual(["member"])
    })

    it("refuses an abstract code where the request says abstract codes are not allowed (abstract=false), and only then", async () => {
      const validate = async (operation: string, code: string, abstract?: boolean) =>
        (
          await post(
            operation,
            [
              ...(operation.startsWith("ValueSet")
                ? [{ name: "url", valueUri: allGrouped.url! }]
                : [{ name: "url", valueUri: grouped.url! }]),
              { name: "coding", valueCoding: { system: grouped.url!, code } },
              ...(abstract === undefined ? [] : [{ name: "abstract", valueBoolean: abstract }])
            ],
            [grouped, allGrouped]
          )
        ).body
      for (const operation of ["ValueSet/$validate-code", "CodeSystem/$validate-code"]) {
        for (const abstract of [undefined, true])
          expect(parameter(await validate(operation, "group", abstract), "result")!.valueBoolean).toBe(true)
        expect(parameter(await validate(operation, "member", false), "result")!.valueBoolean).toBe(true)
        const refused = await validate(operation, "group", false)
        expect(parameter(refused, "result")!.valueBoolean).toBe(false)
        expect(parameter(refused, "message")!.valueString).toBe(`Code '${grouped.url}#group' is abstract, and not allowed in this context`)
        const issue = (parameter(refused, "issues")!.resource as Outcome).issue[0]!
        expect(issue).toMatchObject({ severity: "error", code: "business-rule", expression: ["Coding.code"] })
      }
    })

    it("names an unknown code system", async () => {
      const { status, body } = await post("CodeSystem/$lookup", [
        { name: "system", valueUri: "http://example.org/unknown" },
        { name: "code", valueCode: "x" }
      ])
      expect(status).toBe(404)
      expect(body.issue[0]!.details.text).toMatch(/http:\/\/example.org\/unknown/)
    })

    it("serves the code systems Ffynnon's resources are bound to, with their value sets, on a deployment that loaded nothing", async () => {
      const expansion = await answer(api, "ValueSet/$expand", [
        { name: "url", valueUri: "http://hl7.org/fhir/ValueSet/administrative-gender" }
      ])
      expect(expansion.expansion.contains!.map((entry) => entry.code)).toEqual(["male", "female", "other", "unknown"])
      expect(expansion.expansion.parameter).toContainEqual({ name: "used-codesystem", valueUri: `${gender}|4.0.1` })

      // A value set excluding codes of a built-in code system from its built-in value set.
      const pickList = valueSet("http://example.org/fhir/ValueSet/genders", {
        include: [{ valueSet: ["http://hl7.org/fhir/ValueSet/administrative-gender"] }],
        exclude: [{ system: gender, concept: [{ code: "other" }, { code: "unknown" }] }]
      })
      const picked = await answer(api, "ValueSet/$expand", [{ name: "valueSet", resource: pickList as unknown as Outcome }])
      expect(picked.expansion.contains!.map((entry) => entry.code)).toEqual(["male", "female"])

      const notFound = await answer(api, "CodeSystem/$lookup", [
        { name: "system", valueUri: "http://hl7.org/fhir/issue-type" },
        { name: "code", valueCode: "not-found" }
      ])
      expect(parameter(notFound, "display")!.valueString).toBe("Not Found")
      expect(notFound.parameter.filter((entry) => entry.name === "property").map((entry) => entry.part![1])).toContainEqual({
        name: "value",
        valueCode: "processing"
      })

      const read = await api.get("/fhir/CodeSystem/publication-status")
      expect(read.body).toMatchObject({ url: "http://hl7.org/fhir/publication-status", version: "4.0.1", content: "complete" })
    })

    it("lets a loaded package replace the same version and add others beside it", async () => {
      const lookup = (version?: string) =>
        answer(loaded, "CodeSystem/$lookup", [
          { name: "system", valueUri: gender },
          ...(version === undefined ? [] : [{ name: "version", valueString: version }]),
          { name: "code", valueCode: "male" }
        ])
      expect(parameter(await lookup(), "display")!.valueString).toBe("Male (newer)")
      expect(parameter(await lookup("4.0.1"), "display")!.valueString).toBe("Male (package)")
      // The built-in value set takes the newest version of its code system.
      const expansion = await answer(loaded, "ValueSet/$expand", [
        { name: "url", valueUri: "http://hl7.org/fhir/ValueSet/administrative-gender" }
      ])
      expect(expansion.expansion.contains!.map((entry) => entry.display)).toEqual(["Male (newer)", "Female (newer)"])
    })
  })
}
