/**
 * `GET /fhir/metadata`: the CapabilityStatement (https://hl7.org/fhir/R4/capabilitystatement.html),
 * listing exactly the operations registered; with `mode=terminology`, the TerminologyCapabilities
 * (https://hl7.org/fhir/R4/terminologycapabilities.html) listing the loaded code systems and versions.
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi"
import { Releases, type Release } from "@ffynnon/db"
import { FhirResources, type CodeSystemResource } from "@ffynnon/terminology"
import { Array, Effect } from "effect"
import type { OperationCapability } from "../fhir/operation"
import { failureResponses, fhirJson, ResourceSchema } from "../fhir/schemas"
import { zodFailure } from "../fhir/outcome"
import { formatMessage, messageLanguage, type MessageLanguage } from "../messages"
import { outcomeResponse, type AppEnv, type Run } from "../runtime"
import packageJson from "../../package.json" with { type: "json" }

export const software = { name: "Ffynnon", version: packageJson.version, releaseDate: packageJson.releaseDate }

/** A resource type readable with `GET /fhir/<type>/<id>` and searchable with `GET /fhir/<type>?…`. */
export interface SearchCapability {
  readonly resource: string
  readonly parameters: ReadonlyArray<{ readonly name: string; readonly type: "uri" | "token" | "string" | "date" | "reference" }>
  /** The RESTful interactions besides read and search-type (https://hl7.org/fhir/R4/codesystem-restful-interaction.html). */
  readonly interactions?: ReadonlyArray<string>
  /** Operations on the type registered with the resource's own routes rather than as `registerOperation` operations. */
  readonly operations?: ReadonlyArray<{ readonly name: string; readonly definition: string }>
}

/** The resource's language, stated when it is not the default English. */
const languageOf = (language: MessageLanguage) => (language === "en" ? {} : { language })

const capabilityStatement = (
  base: string,
  date: string,
  operations: ReadonlyArray<OperationCapability>,
  searches: ReadonlyArray<SearchCapability>,
  language: MessageLanguage
) => {
  const byResource = Array.groupBy(
    operations.filter((operation) => operation.resource !== undefined),
    (operation) => operation.resource!
  )
  const types = [...new Set([...searches.map((search) => search.resource), ...Object.keys(byResource)])]
  const asEntry = ({ resource, name, definition, instanceLevel }: OperationCapability) => ({
    name,
    definition,
    ...(instanceLevel === undefined || resource === undefined
      ? {}
      : { documentation: formatMessage(language, "capability-instance-operation", { resource, name }) })
  })
  return {
    resourceType: "CapabilityStatement",
    id: "ffynnon",
    ...languageOf(language),
    extension: features,
    url: `${base}/CapabilityStatement/ffynnon`,
    version: software.version,
    name: "Ffynnon",
    title: formatMessage(language, "capability-title"),
    status: "active",
    date,
    publisher: "Ffynnon",
    kind: "instance",
    instantiates: ["http://hl7.org/fhir/CapabilityStatement/terminology-server"],
    software,
    implementation: { description: formatMessage(language, "capability-implementation"), url: base },
    fhirVersion: "4.0.1",
    format: ["application/fhir+json", "json"],
    rest: [
      {
        mode: "server",
        security: {
          service: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/restful-security-service", code: "SMART-on-FHIR" }] }],
          description:
            "Patient and AuditEvent need a bearer JWT with SMART v2 scopes (docs/demographics.md); the terminology operations are open."
        },
        // Patient batch and transaction Bundles on POST /fhir (apps/api/src/demographics/routes.ts).
        interaction: [{ code: "batch" }, { code: "transaction" }],
        resource: types.map((type) => {
          const search = searches.find((entry) => entry.resource === type)
          return {
            type,
            ...(search === undefined
              ? {}
              : {
                  interaction: ["read", "search-type", ...(search.interactions ?? [])].map((code) => ({ code })),
                  searchParam: search.parameters
                }),
            ...(byResource[type] === undefined && search?.operations === undefined
              ? {}
              : { operation: [...(byResource[type] ?? []).map(asEntry), ...(search?.operations ?? [])] })
          }
        }),
        operation: operations.filter((operation) => operation.resource === undefined).map(asEntry)
      }
    ]
  }
}

/**
 * Features declared as the HL7 terminology ecosystem specifies
 * (https://build.fhir.org/ig/HL7/fhir-tx-ecosystem-ig/): the version of its test suite the server
 * is measured against, and code systems accepted as `tx-resource` parameters.
 */
const features = [
  { definition: "http://hl7.org/fhir/uv/tx-tests/FeatureDefinition/test-version", value: { valueCode: "1.9.3" } },
  { definition: "http://hl7.org/fhir/uv/tx-ecosystem/FeatureDefinition/CodeSystemAsParameter", value: { valueBoolean: true } }
].map(({ definition, value }) => ({
  url: "http://hl7.org/fhir/uv/application-feature/StructureDefinition/feature",
  extension: [
    { url: "definition", valueCanonical: definition },
    { url: "value", ...value }
  ]
}))

/** The `$expand` parameters supported, for TerminologyCapabilities.expansion. */
const expansionParameters = [
  "activeOnly",
  "check-system-version",
  "count",
  "default-valueset-version",
  "designation",
  "displayLanguage",
  "excludeNested",
  "excludeNotForUI",
  "excludePostCoordinated",
  "filter",
  "force-system-version",
  "includeDefinition",
  "includeDesignations",
  "limitedExpansion",
  "offset",
  "property",
  "system-version",
  "tx-resource",
  "useSupplement"
]

/** Release kinds that are not code systems: FHIR packages (listed by what they hold) and patient loads. */
const notCodeSystems = new Set(["fhir", "patients"])

/**
 * Each code system with its versions, the most recently loaded first and marked default: the
 * loaded releases (SNOMED CT, …) and the stored CodeSystem resources (FHIR packages are releases
 * of resources, not code systems, so they are listed by what they hold).
 */
const terminologyCapabilities = (
  date: string,
  releases: ReadonlyArray<Release>,
  codeSystems: ReadonlyArray<CodeSystemResource>,
  language: MessageLanguage
) => ({
  resourceType: "TerminologyCapabilities",
  id: "ffynnon",
  ...languageOf(language),
  version: software.version,
  name: "Ffynnon",
  title: formatMessage(language, "terminology-capabilities-title"),
  status: "active",
  date,
  kind: "instance",
  software,
  codeSystem: [
    ...Object.entries(
      Array.groupBy(
        releases.filter((release) => release.status === "active" && !notCodeSystems.has(release.kind)),
        (release) => release.codeSystem
      )
    ).map(([uri, versions]) => ({ uri, version: versions.map((release, index) => ({ code: release.version, isDefault: index === 0 })) })),
    ...Object.entries(
      Array.groupBy(
        codeSystems.filter((codeSystem) => codeSystem.url !== undefined && codeSystem.content !== "supplement"),
        (codeSystem) => codeSystem.url!
      )
    ).map(([uri, versions]) => ({
      uri,
      version: versions.flatMap((codeSystem, index) =>
        codeSystem.version === undefined ? [] : [{ code: codeSystem.version, isDefault: index === 0 }]
      )
    }))
  ],
  expansion: { hierarchical: true, paging: true, parameter: expansionParameters.map((name) => ({ name })) }
})

export const registerMetadata = (
  app: OpenAPIHono<AppEnv>,
  run: Run,
  operations: ReadonlyArray<OperationCapability>,
  searches: ReadonlyArray<SearchCapability>
) => {
  const startedAt = new Date().toISOString().slice(0, 10)
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
    // Its texts in the language the request prefers, of those the message catalogues have.
    const language = messageLanguage(c.req.header("accept-language"))
    const headers = { "Content-Language": language }
    if (parsed.data.mode !== "terminology") {
      return c.json(capabilityStatement(new URL("/fhir", c.req.url).href, startedAt, operations, searches, language), 200, headers)
    }
    return run(
      c,
      Effect.all([
        Effect.flatMap(Releases, (releases) => releases.list()),
        Effect.flatMap(FhirResources, (resources) => Effect.map(resources.snapshot, (snapshot) => snapshot.all("CodeSystem")))
      ]),
      ([releases, codeSystems]) => c.json(terminologyCapabilities(startedAt, releases, codeSystems, language), 200, headers)
    )
  })
}
