/**
 * `GET /fhir/metadata`: the CapabilityStatement (https://hl7.org/fhir/R4/capabilitystatement.html),
 * listing exactly the operations registered; with `mode=terminology`, the TerminologyCapabilities
 * (https://hl7.org/fhir/R4/terminologycapabilities.html) listing the loaded code systems and versions.
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi"
import { Releases, type Release } from "@ffynnon/db"
import { Array, Effect } from "effect"
import type { OperationCapability } from "../fhir/operation"
import { failureResponses, fhirJson, ResourceSchema } from "../fhir/schemas"
import { zodFailure } from "../fhir/outcome"
import { outcomeResponse, type AppEnv, type Run } from "../runtime"
import packageJson from "../../package.json" with { type: "json" }

export const software = { name: "Ffynnon", version: packageJson.version, releaseDate: packageJson.releaseDate }

/** A resource type searchable with `GET /fhir/<type>?…`. */
export interface SearchCapability {
  readonly resource: string
  readonly parameters: ReadonlyArray<{ readonly name: string; readonly type: "uri" | "token" | "string" }>
}

const capabilityStatement = (
  base: string,
  date: string,
  operations: ReadonlyArray<OperationCapability>,
  searches: ReadonlyArray<SearchCapability>
) => {
  const byResource = Array.groupBy(
    operations.filter((operation) => operation.resource !== undefined),
    (operation) => operation.resource!
  )
  const types = [...new Set([...searches.map((search) => search.resource), ...Object.keys(byResource)])]
  const asEntry = ({ name, definition }: OperationCapability) => ({ name, definition })
  return {
    resourceType: "CapabilityStatement",
    id: "ffynnon",
    version: software.version,
    name: "Ffynnon",
    title: "Ffynnon terminology and demographics server",
    status: "active",
    date,
    publisher: "Ffynnon",
    kind: "instance",
    software,
    implementation: { description: "Ffynnon FHIR API", url: base },
    fhirVersion: "4.0.1",
    format: ["application/fhir+json", "json"],
    rest: [
      {
        mode: "server",
        resource: types.map((type) => {
          const search = searches.find((entry) => entry.resource === type)
          return {
            type,
            ...(search === undefined ? {} : { interaction: [{ code: "search-type" }], searchParam: search.parameters }),
            ...(byResource[type] === undefined ? {} : { operation: byResource[type].map(asEntry) })
          }
        }),
        operation: operations.filter((operation) => operation.resource === undefined).map(asEntry)
      }
    ]
  }
}

/** Each active code system with its versions, the most recently loaded first and marked default. */
const terminologyCapabilities = (date: string, releases: ReadonlyArray<Release>) => ({
  resourceType: "TerminologyCapabilities",
  id: "ffynnon",
  version: software.version,
  name: "Ffynnon",
  title: "Ffynnon terminology capabilities",
  status: "active",
  date,
  kind: "instance",
  software,
  codeSystem: Object.entries(
    Array.groupBy(
      releases.filter((release) => release.status === "active"),
      (release) => release.codeSystem
    )
  ).map(([uri, versions]) => ({ uri, version: versions.map((release, index) => ({ code: release.version, isDefault: index === 0 })) }))
})

export const registerMetadata = (
  app: OpenAPIHono<AppEnv>,
  run: Run,
  operations: ReadonlyArray<OperationCapability>,
  searches: ReadonlyArray<SearchCapability>
) => {
  const startedAt = new Date().toISOString()
  const query = z.object({ mode: z.enum(["full", "normative", "terminology"]).optional() })
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/fhir/metadata",
    summary: "CapabilityStatement, or TerminologyCapabilities with mode=terminology",
    tags: ["FHIR"],
    request: { query },
    responses: {
      200: { description: "The server's capabilities", content: { [fhirJson]: { schema: ResourceSchema } } },
      ...failureResponses
    }
  })
  app.get("/fhir/metadata", (c) => {
    const parsed = query.safeParse({ mode: c.req.query("mode") })
    if (!parsed.success) return outcomeResponse(c, zodFailure(parsed.error))
    if (parsed.data.mode !== "terminology") {
      return c.json(capabilityStatement(new URL("/fhir", c.req.url).href, startedAt, operations, searches), 200)
    }
    return run(
      c,
      Effect.flatMap(Releases, (releases) => releases.list()),
      (releases) => c.json(terminologyCapabilities(startedAt, releases), 200)
    )
  })
}
