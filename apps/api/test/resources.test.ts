/** Read and search of the stored terminology resources, over the sample FHIR resources and SNOMED CT release, through the app. */
import { SnomedReleases } from "@ffynnon/snomed"
import { fhirCoreResources } from "@ffynnon/terminology"
import { Effect } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { sampleUri } from "../../../libs/snomed/test/sample"
import { apiHarness, sampleFhirFolder, withSampleReleaseAndResources } from "./harness"

const samples: Array<{ resourceType: string; id: string; url: string; name: string; title: string; status: string }> = readdirSync(
  sampleFhirFolder
).map((file) => JSON.parse(readFileSync(join(sampleFhirFolder, file), "utf8")))
const ofType = (type: string) => samples.filter((resource) => resource.resourceType === type)
/** What a search of a type finds: the samples and FHIR's own code systems and value sets, built in. */
const servedOfType = (type: string) => [
  ...ofType(type),
  ...fhirCoreResources.filter((row) => row.resourceType === type).map((row) => row.content as (typeof samples)[number])
]
const sct = "http://snomed.info/sct"

for (const kind of testDatabases) {
  describe(`FHIR resource read and search on ${kind.name}`, () => {
    const { get, request, runtime } = apiHarness(kind, withSampleReleaseAndResources)

    it("reads each sample resource by id, as it was loaded", async () => {
      for (const resource of samples) {
        const { status, type, body } = await get(`/fhir/${resource.resourceType}/${resource.id}`)
        expect(status).toBe(200)
        expect(type).toContain("application/fhir+json")
        expect(body).toEqual(resource)
        expect(Object.keys(body).slice(0, 2)).toEqual(["resourceType", "id"])
      }
    })

    it("has sample resources that name concepts of the sample SNOMED CT release by their UK clinical preferred terms", async () => {
      const index = await runtime.runPromise(Effect.flatMap(SnomedReleases, (releases) => releases.resolve()))
      const ukClinical = "999001261000000100"
      const codings = JSON.stringify(samples)
        .match(/"code":"\d{6,18}","display":"[^"]+"/g)!
        .map((pair) => JSON.parse(`{${pair}}`) as { code: string; display: string })
      expect(codings.length).toBeGreaterThan(5)
      for (const { code, display } of codings) {
        const position = index.position(code)
        expect({ code, display: position === undefined ? undefined : index.preferredTerm(position, [ukClinical]) }).toEqual({
          code,
          display
        })
      }
      const isA = ofType("ValueSet").flatMap((resource) => JSON.stringify(resource).match(/"op":"is-a","value":"(\d+)"/)?.[1] ?? [])
      for (const code of isA) expect(index.position(code)).toBeDefined()
    })

    it("answers a 404 OperationOutcome naming what is not there", async () => {
      const { status, body } = await get("/fhir/ConceptMap/no-such-map")
      expect(status).toBe(404)
      expect(body).toMatchObject({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "not-found" }] })
      expect(body.issue[0].details.text).toBe("ConceptMap/no-such-map is not known here.")
      // A ValueSet's id does not find a CodeSystem.
      expect((await get(`/fhir/CodeSystem/${ofType("ValueSet")[0]!.id}`)).status).toBe(404)
    })

    it("searches into a searchset Bundle with full URLs, by url, version, name, title and status", async () => {
      const all = await get("/fhir/ValueSet")
      expect(all.status).toBe(200)
      expect(all.body).toMatchObject({ resourceType: "Bundle", type: "searchset", total: servedOfType("ValueSet").length })
      expect(all.body.link).toEqual([{ relation: "self", url: "http://localhost/fhir/ValueSet" }])
      for (const entry of all.body.entry) {
        expect(entry.fullUrl).toBe(`http://localhost/fhir/ValueSet/${entry.resource.id}`)
        expect(entry.search).toEqual({ mode: "match" })
      }
      expect(all.body.entry.map((entry: { resource: { url: string } }) => entry.resource.url)).toEqual(
        servedOfType("ValueSet")
          .map((resource) => resource.url)
          .sort()
      )

      const diabetes = ofType("ValueSet").find((resource) => resource.id === "diabetes-mellitus")!
      const ids = async (query: string) =>
        (await get(`/fhir/ValueSet?${query}`)).body.entry.map((entry: { resource: { id: string } }) => entry.resource.id)
      expect(await ids(`url=${encodeURIComponent(diabetes.url)}`)).toEqual(["diabetes-mellitus"])
      expect(await ids(`url=${encodeURIComponent(diabetes.url)}&version=9.9.9`)).toEqual([])
      expect(await ids("name=DIABETES")).toEqual(["diabetes-mellitus"])
      expect(await ids("title=long-term")).toEqual(["long-term-conditions"])
      // The samples are drafts or retired; the built-in value sets are active.
      expect(await ids("status=retired,draft")).toHaveLength(ofType("ValueSet").length)
      expect(await ids("status=active")).toHaveLength(servedOfType("ValueSet").length - ofType("ValueSet").length)
      expect(await ids("_format=json&name=")).toHaveLength(servedOfType("ValueSet").length)
      const maps = await get(`/fhir/ConceptMap?url=${encodeURIComponent(ofType("ConceptMap")[0]!.url)}`)
      expect(maps.body.total).toBe(1)
    })

    it("answers one CodeSystem search with the SNOMED CT editions and the stored CodeSystems", async () => {
      const all = await get("/fhir/CodeSystem")
      const urls = all.body.entry.map((entry: { resource: { url: string } }) => entry.resource.url)
      expect(urls).toEqual([
        sct,
        ...servedOfType("CodeSystem")
          .map((resource) => resource.url)
          .sort()
      ])
      const snomed = all.body.entry[0]
      expect(snomed.resource).toMatchObject({ version: sampleUri, content: "not-present" })
      expect((await get(new URL(snomed.fullUrl).pathname)).body).toEqual(snomed.resource)

      const byEdition = await get(`/fhir/CodeSystem?version=${encodeURIComponent(sampleUri.replace(/\/version\/\d+$/, ""))}`)
      expect(byEdition.body.entry.map((entry: { resource: { version: string } }) => entry.resource.version)).toEqual([sampleUri])
      const local = await get(`/fhir/CodeSystem?url=${encodeURIComponent(ofType("CodeSystem")[0]!.url)}`)
      expect(local.body.entry.map((entry: { resource: { id: string } }) => entry.resource.id)).toEqual([ofType("CodeSystem")[0]!.id])
      expect((await get("/fhir/CodeSystem?name=SNOMED")).body.total).toBe(1)
    })

    it("pages with _count and _offset, linking to the next page", async () => {
      const total = servedOfType("ValueSet").length
      const first = await get(`/fhir/ValueSet?_count=${total - 2}`)
      expect(first.body.total).toBe(total)
      expect(first.body.entry).toHaveLength(total - 2)
      const next = first.body.link.find((link: { relation: string }) => link.relation === "next")
      expect(next.url).toBe(`http://localhost/fhir/ValueSet?_count=${total - 2}&_offset=${total - 2}`)
      const second = await get(new URL(next.url).pathname + new URL(next.url).search)
      expect(second.body.entry).toHaveLength(2)
      expect(second.body.link.map((link: { relation: string }) => link.relation)).toEqual(["self"])
      const countOnly = await get("/fhir/ValueSet?_count=0")
      expect(countOnly.body).toMatchObject({ total, entry: [] })
    })

    it("refuses unknown, repeated and malformed parameters with a 400 OperationOutcome naming them", async () => {
      const unknown = await get("/fhir/ValueSet?publisher=x&name:exact=y")
      expect(unknown.status).toBe(400)
      expect(unknown.body.issue[0].details.text).toMatch(
        /^Unknown search parameters 'publisher', 'name:exact' for ValueSet\. Supported: url, version/
      )
      expect(unknown.body.issue[0].expression).toEqual(["publisher", "name:exact"])
      const repeated = await get("/fhir/ConceptMap?url=a&url=b")
      expect(repeated.status).toBe(400)
      expect(repeated.body.issue[0]).toMatchObject({
        expression: ["url"],
        details: { text: expect.stringMatching(/'url' is given more than once/) }
      })
      const count = await get("/fhir/CodeSystem?_count=lots")
      expect(count.status).toBe(400)
      expect(count.body.issue[0].expression).toEqual(["_count"])
    })

    it("documents the routes in the OpenAPI document and the CapabilityStatement", async () => {
      const document = await (await request("/openapi.json")).json()
      for (const type of ["CodeSystem", "ValueSet", "ConceptMap"]) {
        expect(document.paths[`/fhir/${type}`].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual([
          "url",
          "version",
          "name",
          "title",
          "status",
          "_count",
          "_offset"
        ])
        expect(document.paths[`/fhir/${type}/{id}`].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(["id"])
      }
      const statement = (await get("/fhir/metadata")).body
      const valueSet = statement.rest[0].resource.find((resource: { type: string }) => resource.type === "ValueSet")
      expect(valueSet.searchParam.map((parameter: { name: string }) => parameter.name)).toEqual([
        "url",
        "version",
        "name",
        "title",
        "status"
      ])
    })
  })
}
