/**
 * `GET /fhir/CodeSystem?url=…&version=…` (https://hl7.org/fhir/R4/codesystem.html#search): the
 * loaded SNOMED CT editions and versions as CodeSystem resources (content `not-present`: the
 * concepts are reached through the operations), in a searchset Bundle.
 */
import type { OpenAPIHono } from "@hono/zod-openapi"
import { z } from "@hono/zod-openapi"
import { SnomedReleases, type SnomedIndex } from "@ffynnon/snomed"
import { Effect } from "effect"
import { zodFailure } from "../fhir/outcome"
import { failureResponses, fhirJson, ResourceSchema } from "../fhir/schemas"
import type { SearchCapability } from "../routes/metadata"
import { outcomeResponse, type AppEnv, type Run } from "../runtime"
import { snomedSystem } from "./common"

const codeSystemOf = (index: SnomedIndex, isDefault: boolean) => ({
  resourceType: "CodeSystem",
  id: `snomed-${index.releaseId}`,
  url: snomedSystem,
  version: index.uri,
  name: "SNOMED_CT",
  title: "SNOMED CT",
  status: "active",
  content: "not-present",
  caseSensitive: false,
  hierarchyMeaning: "is-a",
  count: index.conceptCount,
  ...(isDefault ? { extension: [{ url: "http://hl7.org/fhir/StructureDefinition/codesystem-default", valueBoolean: true }] } : {})
})

const query = z.object({ url: z.string().optional(), version: z.string().optional(), _format: z.string().optional() }).strict()

export const registerCodeSystemSearch = (app: OpenAPIHono<AppEnv>, run: Run): SearchCapability => {
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/fhir/CodeSystem",
    summary: "The loaded code system editions and versions",
    tags: ["FHIR"],
    request: { query },
    responses: {
      200: { description: "A searchset Bundle of CodeSystem resources", content: { [fhirJson]: { schema: ResourceSchema } } },
      ...failureResponses
    }
  })
  app.get("/fhir/CodeSystem", (c) => {
    const parsed = query.safeParse(c.req.query())
    if (!parsed.success) return outcomeResponse(c, zodFailure(parsed.error))
    const { url, version } = parsed.data
    return run(
      c,
      Effect.flatMap(SnomedReleases, (releases) => releases.all),
      (indexes) => {
        const found =
          url === undefined || url === snomedSystem
            ? indexes.filter((index) => version === undefined || index.uri === version || index.uri.startsWith(`${version}/`))
            : []
        return c.json(
          {
            resourceType: "Bundle",
            type: "searchset",
            total: found.length,
            entry: found.map((index) => ({ resource: codeSystemOf(index, index === indexes[0]), search: { mode: "match" } }))
          },
          200
        )
      }
    )
  })
  return {
    resource: "CodeSystem",
    parameters: [
      { name: "url", type: "uri" },
      { name: "version", type: "token" }
    ]
  }
}
