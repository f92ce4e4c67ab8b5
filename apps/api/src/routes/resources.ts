/**
 * Read and search of the terminology resources (https://hl7.org/fhir/R4/http.html#read,
 * https://hl7.org/fhir/R4/search.html): `GET /fhir/{CodeSystem|ValueSet|ConceptMap}/{id}` and
 * `GET /fhir/{type}?url=…&version=…&name=…&title=…&status=…&_count=…&_offset=…`, answering a
 * searchset Bundle. The resources are the ones loaded with `ffynnon load fhir`; CodeSystem
 * answers also hold the loaded SNOMED CT editions. Supported: comma-separated values (any of
 * them), `name` and `title` matching the start ignoring case and accents; no modifiers, no sort.
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi"
import {
  FhirResources,
  terminologyResourceTypes,
  type ResourceSearch,
  type TerminologyResource,
  type TerminologyResourceType
} from "@ffynnon/terminology"
import { Effect, Either } from "effect"
import { FhirFailure } from "../fhir/outcome"
import type { ReadInstance } from "../fhir/operation"
import { ignoredSearchParameters, searchValueParts, unknownSearchParameters, wholeNumberParameter } from "../fhir/search"
import { failureResponses, fhirJson, ResourceSchema } from "../fhir/schemas"
import { searchSnomedCodeSystems, snomedCodeSystem } from "../snomed/codeSystems"
import { outcomeResponse, type AppEnv, type Run } from "../runtime"
import type { SearchCapability } from "./metadata"

const searchParameters = [
  { name: "url", type: "uri" },
  { name: "version", type: "token" },
  { name: "name", type: "string" },
  { name: "title", type: "string" },
  { name: "status", type: "token" }
] as const

// Paging: a page is `_count` entries from `_offset`, with a `next` link while more remain.
const defaultCount = 100
const maxCount = 1000
const pagingParameters = ["_count", "_offset"]
const known = [...searchParameters.map(({ name }) => name), ...pagingParameters]

interface SearchRequest {
  readonly search: ResourceSearch
  readonly count: number
  readonly offset: number
}

const parseSearch = (type: TerminologyResourceType, query: URLSearchParams): Either.Either<SearchRequest, FhirFailure> => {
  const names = [...query.keys()].filter((name) => !ignoredSearchParameters.has(name))
  const unknown = [...new Set(names.filter((name) => !known.includes(name)))]
  if (unknown.length > 0) {
    return Either.left(unknownSearchParameters(type, unknown, known))
  }
  const repeated = [...new Set(names.filter((name, position) => names.indexOf(name) !== position))]
  if (repeated.length > 0) {
    return Either.left(FhirFailure.message(400, "invalid", "search-repeated", { name: repeated[0]! }, repeated))
  }
  const search = Object.fromEntries(
    searchParameters.flatMap(({ name }) => {
      const values = searchValueParts(query.get(name) ?? "").filter((part) => part !== "")
      return values.length === 0 ? [] : [[name, values]]
    })
  ) as ResourceSearch
  return Either.all({
    search: Either.right(search),
    count: Either.map(wholeNumberParameter("_count", query.get("_count") ?? undefined, defaultCount), (count) => Math.min(count, maxCount)),
    offset: wholeNumberParameter("_offset", query.get("_offset") ?? undefined, 0)
  })
}

/** Every match of a search: for CodeSystem, the SNOMED CT editions first, then the stored ones. */
const searchAll = (type: TerminologyResourceType, search: ResourceSearch) =>
  Effect.gen(function* () {
    const stored = (yield* (yield* FhirResources).snapshot).search(type, search)
    return type === "CodeSystem" ? [...(yield* searchSnomedCodeSystems(search)), ...stored] : stored
  })

const readResource = (type: TerminologyResourceType, id: string) =>
  Effect.gen(function* () {
    const found: TerminologyResource | undefined =
      (type === "CodeSystem" ? yield* snomedCodeSystem(id) : undefined) ?? (yield* (yield* FhirResources).snapshot).read(type, id)
    if (found === undefined) return yield* FhirFailure.message(404, "not-found", "resource-not-found", { type, id })
    return found
  })

/** The resource an instance-level operation runs on (`/fhir/{type}/{id}/$name`): the one a read answers. */
export const readInstance: ReadInstance = (type, id) =>
  (terminologyResourceTypes as ReadonlyArray<string>).includes(type)
    ? Effect.map(readResource(type as TerminologyResourceType, id), (resource) => ({ ...resource }))
    : Effect.fail(FhirFailure.message(404, "not-found", "resource-not-found", { type, id }))

const searchset = (requestUrl: string, type: TerminologyResourceType, matches: ReadonlyArray<TerminologyResource>, page: SearchRequest) => {
  const fhirBase = new URL("/fhir", requestUrl).href
  const link = (offset: number) => {
    const url = new URL(requestUrl)
    url.searchParams.set("_offset", String(offset))
    return url.href
  }
  const next = page.offset + page.count
  return {
    resourceType: "Bundle",
    type: "searchset",
    total: matches.length,
    link: [
      { relation: "self", url: requestUrl },
      ...(next < matches.length && page.count > 0 ? [{ relation: "next", url: link(next) }] : [])
    ],
    entry: matches.slice(page.offset, next).map((resource) => ({
      fullUrl: `${fhirBase}/${type}/${resource.id}`,
      resource,
      search: { mode: "match" }
    }))
  }
}

/** Registers read and search for each terminology resource type; returns what the CapabilityStatement lists. */
export const registerResourceRoutes = (app: OpenAPIHono<AppEnv>, run: Run): ReadonlyArray<SearchCapability> =>
  terminologyResourceTypes.map((type) => {
    const responses = (description: string) => ({
      200: { description, content: { [fhirJson]: { schema: ResourceSchema } } },
      ...failureResponses
    })
    app.openAPIRegistry.registerPath({
      method: "get",
      path: `/fhir/${type}`,
      summary: `Search the ${type} resources${type === "CodeSystem" ? " (stored, and the loaded SNOMED CT editions)" : ""}`,
      tags: ["FHIR"],
      request: { query: z.object(Object.fromEntries(known.map((name) => [name, z.string().optional()]))) },
      responses: responses(`A searchset Bundle of ${type} resources`)
    })
    app.openAPIRegistry.registerPath({
      method: "get",
      path: `/fhir/${type}/{id}`,
      summary: `Read a ${type} by id`,
      tags: ["FHIR"],
      request: { params: z.object({ id: z.string() }) },
      responses: responses(`The ${type}`)
    })

    app.get(`/fhir/${type}`, (c) =>
      Either.match(parseSearch(type, new URL(c.req.url).searchParams), {
        onLeft: (failure) => outcomeResponse(c, failure),
        onRight: (page) => run(c, searchAll(type, page.search), (matches) => c.json(searchset(c.req.url, type, matches, page), 200))
      })
    )
    // FHIR ids are letters, digits, '-' and '.': so `$operation` paths never reach this route.
    app.get(`/fhir/${type}/:id{[A-Za-z0-9.-]+}`, (c) => run(c, readResource(type, c.req.param("id")), (resource) => c.json(resource, 200)))
    return { resource: type, parameters: searchParameters }
  })
