/**
 * The patient endpoints: `GET|POST|PUT /fhir/Patient…` (read, vread, history, search, create with
 * `If-None-Exist`, update with `If-Match`), `POST /fhir/Patient/$merge` and `$unmerge`,
 * `POST /fhir` (batch and transaction Bundles) and `GET /fhir/AuditEvent?entity=Patient/<id>`.
 * Every one needs a bearer token with the right scope (see `auth.ts`) and is audited.
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi"
import { AuditTrail, PatientMatcher, Patients } from "@ffynnon/demographics"
import { Cause, Effect, Either, Option } from "effect"
import type { Context } from "hono"
import { allows } from "../auth"
import { toFhirFailure } from "../failures"
import { readJsonBody } from "../fhir/operation"
import { FhirFailure, operationOutcome } from "../fhir/outcome"
import { unknownSearchParameters } from "../fhir/search"
import { failureResponses, fhirJson, ResourceSchema } from "../fhir/schemas"
import { entryIssue, messageLanguage, translateOutcome } from "../messages"
import { outcomeResponse, type AppEnv, type Run } from "../runtime"
import type { SearchCapability } from "../routes/metadata"
import {
  answerHeaders,
  authenticate,
  parsePatientRequest,
  perform,
  performCreates,
  performIn,
  permit,
  requiredPermission,
  type Answer,
  type PatientRequest
} from "./interactions"
import { matchBundle, parseMatchRequest } from "./match"
import { patientSearchParameters } from "./search"

/** Batch entries run this many at a time: fewer than the connection pool's 10, so other requests still get one. */
const batchConcurrency = 6

const fhirBase = (c: Context<AppEnv>) => new URL("/fhir", c.req.url).href

const credentials = (c: Context<AppEnv>) => ({ authorization: c.req.header("authorization"), purpose: c.req.header("x-purpose-of-use") })

const statusText: Record<number, string> = {
  200: "OK",
  201: "Created",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  422: "Unprocessable Entity",
  500: "Internal Server Error",
  503: "Service Unavailable"
}

/** A failure inside a Bundle, naming the entry it came from (in the language the answer is said in). */
const atEntry = (failure: FhirFailure, index: number) =>
  new FhirFailure({
    status: failure.status,
    outcome: operationOutcome(
      ...failure.outcome.issue.map((problem) =>
        entryIssue(problem, index, (text) => ({ ...problem, details: { text }, expression: [`Bundle.entry[${index}]`] }))
      )
    )
  })

const asFailure = (error: unknown, requestId: string) => toFhirFailure(Cause.fail(error), requestId)

const entryResponse = (base: string, answer: Answer) => {
  const headers = answerHeaders(base, answer)
  return {
    ...(answer.patient === undefined ? {} : { fullUrl: `${base}/Patient/${answer.patient.id}` }),
    resource: answer.resource,
    response: {
      status: `${answer.status} ${statusText[answer.status]}`,
      ...(headers.Location === undefined ? {} : { location: headers.Location }),
      ...(headers.ETag === undefined ? {} : { etag: headers.ETag }),
      ...(answer.patient === undefined ? {} : { lastModified: answer.patient.meta.lastUpdated })
    }
  }
}

interface BundleEntry {
  readonly fullUrl?: unknown
  readonly request?: { readonly method?: string; readonly url?: string; readonly ifMatch?: string; readonly ifNoneExist?: string }
  readonly resource?: unknown
}

const isPlaceholder = (value: unknown): value is string => typeof value === "string" && value.startsWith("urn:uuid:")

/**
 * `resource` with every `reference` to a `urn:uuid:` of the Bundle replaced by `Patient/<id>`
 * (https://hl7.org/fhir/R4/bundle.html#references); a reference to one no earlier entry resolved is refused.
 */
const resolveReferences = (resource: unknown, ids: ReadonlyMap<string, string | undefined>): Either.Either<unknown, FhirFailure> => {
  let unresolved: string | undefined
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk)
    if (value === null || typeof value !== "object") return value
    return Object.fromEntries(
      Object.entries(value).map(([name, element]) => {
        if (name !== "reference" || !isPlaceholder(element)) return [name, walk(element)]
        const id = ids.get(element)
        if (id === undefined) unresolved ??= element
        return [name, id === undefined ? element : `Patient/${id}`]
      })
    )
  }
  const resolved = walk(resource)
  return unresolved === undefined
    ? Either.right(resolved)
    : Either.left(FhirFailure.message(400, "not-found", "bundle-reference-unresolved", { reference: unresolved }, ["Bundle.entry"]))
}

const parseEntry = (entry: BundleEntry, index: number): Either.Either<PatientRequest, FhirFailure> => {
  const { method, url, ifMatch, ifNoneExist } = (entry as BundleEntry | null)?.request ?? {}
  if (typeof method !== "string" || typeof url !== "string") {
    return Either.left(FhirFailure.message(400, "required", "bundle-entry-needs-request", { index }, [`Bundle.entry[${index}].request`]))
  }
  return Either.mapLeft(parsePatientRequest(method, url, entry.resource, { ifMatch, ifNoneExist }), (failure) => atEntry(failure, index))
}

/**
 * A batch (each entry on its own, each answered) or a transaction (all entries in one database
 * transaction: every one succeeds, or the first failure is the answer and nothing is written).
 * https://hl7.org/fhir/R4/http.html#transaction
 */
const processBundle = (c: Context<AppEnv>, body: unknown) =>
  Effect.gen(function* () {
    const base = fhirBase(c)
    const requestId = c.get("requestId")
    const grant = yield* authenticate(credentials(c))
    const bundle = body as { resourceType?: unknown; type?: unknown; entry?: unknown }
    if (bundle?.resourceType !== "Bundle" || (bundle.type !== "batch" && bundle.type !== "transaction")) {
      return yield* FhirFailure.message(400, "invalid", "bundle-not-batch", {}, ["Bundle.type"])
    }
    if (bundle.entry !== undefined && !Array.isArray(bundle.entry))
      return yield* FhirFailure.message(400, "structure", "bundle-entry-not-list", {}, ["Bundle.entry"])
    const entries = (bundle.entry ?? []) as ReadonlyArray<BundleEntry>
    const parsed = entries.map(parseEntry)
    // A batch answers its entries' failures inside the Bundle, so they are said in the client's language here.
    const language = messageLanguage(c.req.header("accept-language"))

    if (bundle.type === "batch") {
      // Batch entries are independent (FHIR: no entry may depend on another): plain creates go to
      // the index together, set-based, and the other entries run several at once.
      const creates = allows(grant.scopes, "Patient", "c")
        ? parsed.flatMap((request, index) =>
            Either.isRight(request) && request.right.kind === "create" && request.right.ifNoneExist === undefined
              ? [{ index, resource: request.right.resource }]
              : []
          )
        : []
      const created = new Map<number, Either.Either<Answer, unknown>>()
      if (creates.length > 0) {
        const outcomes = yield* Effect.either(
          performCreates(
            grant.actor,
            creates.map(({ resource }) => resource)
          )
        )
        creates.forEach(({ index }, n) => created.set(index, Either.isLeft(outcomes) ? Either.left(outcomes.left) : outcomes.right[n]!))
      }
      const answered = yield* Effect.forEach(
        parsed,
        (request, index) =>
          (
            created.get(index) ??
            Effect.flatMap(request, (request) =>
              Effect.zipRight(permit(grant, "Patient", requiredPermission(request)), perform(grant.actor, request, base))
            )
          ).pipe(
            Effect.map((answer) => entryResponse(base, answer)),
            Effect.catchAll((error) => {
              const failure = asFailure(error, requestId)
              return Effect.succeed({
                response: {
                  status: `${failure.status} ${statusText[failure.status] ?? ""}`.trim(),
                  outcome: translateOutcome(failure.outcome, language)
                }
              })
            })
          ),
        { concurrency: batchConcurrency }
      )
      return { resourceType: "Bundle", type: "batch-response", entry: answered }
    }

    const requests = yield* Either.all(parsed)
    for (const request of requests) yield* permit(grant, "Patient", requiredPermission(request))
    // The records that entries name by a `urn:uuid:` fullUrl: a plain create's id is chosen now, so
    // references to it resolve wherever they are; a conditional create's once it has run.
    const ids = new Map<string, string | undefined>()
    requests.forEach((request, index) => {
      const fullUrl = entries[index]!.fullUrl
      if (request.kind === "create" && isPlaceholder(fullUrl)) {
        ids.set(fullUrl, request.ifNoneExist === undefined ? crypto.randomUUID() : undefined)
      }
    })
    const answers = yield* (yield* Patients).transaction(
      grant.actor,
      (operations) =>
        Effect.forEach(requests, (request, index) => {
          const fullUrl = entries[index]!.fullUrl
          const run = Effect.gen(function* () {
            const resolved =
              request.kind === "create" || request.kind === "update"
                ? { ...request, resource: yield* resolveReferences(request.resource, ids) }
                : request
            const answer = yield* performIn(operations, resolved, isPlaceholder(fullUrl) ? ids.get(fullUrl) : undefined)
            if (isPlaceholder(fullUrl) && answer.patient !== undefined) ids.set(fullUrl, answer.patient.id)
            return answer
          })
          return Effect.mapError(run, (error) => atEntry(asFailure(error, requestId), index))
        }),
      (answers) => answers.flatMap((answer) => (answer.patient === undefined ? [] : [`Patient/${answer.patient.id}`]))
    )
    return { resourceType: "Bundle", type: "transaction-response", entry: answers.map((answer) => entryResponse(base, answer)) }
  })

/** `Patient/<id>` from a Parameters valueReference, or a 400 naming the parameter. */
const patientReference = (
  parameters: ReadonlyArray<{ name?: string; valueReference?: { reference?: string }; valueString?: string }>,
  name: string
) => {
  const reference = parameters.find((parameter) => parameter.name === name)?.valueReference?.reference
  const id = /^(?:.*\/)?Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference ?? "")?.[1]
  return id === undefined
    ? Either.left(FhirFailure.message(400, "required", "parameter-not-patient-reference", { name }, [name]))
    : Either.right(id)
}

const reasonOf = (parameters: ReadonlyArray<{ name?: string; valueString?: string }>) => {
  const reason = parameters.find((parameter) => parameter.name === "reason")?.valueString?.trim()
  return reason === undefined || reason === ""
    ? Either.left(FhirFailure.message(400, "required", "reason-required", {}, ["reason"]))
    : Either.right(reason)
}

const mergeInput = (body: unknown, withTarget: boolean) =>
  Either.gen(function* () {
    const parameters =
      (body as { resourceType?: unknown; parameter?: unknown })?.resourceType === "Parameters"
        ? (body as { parameter?: unknown }).parameter
        : undefined
    if (!Array.isArray(parameters)) return yield* Either.left(FhirFailure.message(400, "structure", "send-parameters", {}, ["Parameters"]))
    return {
      source: yield* patientReference(parameters, "source-patient"),
      target: withTarget ? yield* patientReference(parameters, "target-patient") : "",
      reason: yield* reasonOf(parameters)
    }
  })

/** Registers the patient and audit routes; returns what the CapabilityStatement lists. */
export const registerPatientRoutes = (app: OpenAPIHono<AppEnv>, run: Run): ReadonlyArray<SearchCapability> => {
  const documented = (method: "get" | "post" | "put", path: string, summary: string, request: object = {}) =>
    app.openAPIRegistry.registerPath({
      method,
      path,
      summary,
      tags: ["Demographics"],
      security: [{ bearer: [] }],
      request,
      responses: {
        200: { description: "The resource", content: { [fhirJson]: { schema: ResourceSchema } } },
        401: { description: "No valid access token", content: failureResponses[400].content },
        403: { description: "The token lacks the scope", content: failureResponses[400].content },
        ...failureResponses
      }
    })
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT" })
  const id = z.object({ id: z.string() })
  const body = { body: { content: { [fhirJson]: { schema: ResourceSchema } } } }
  documented("get", "/fhir/Patient", "Search patients (scope Patient.s)", {
    query: z.object(
      Object.fromEntries(
        [...patientSearchParameters.map(({ name }) => name), "_count", "_offset"].map((name) => [name, z.string().optional()])
      )
    )
  })
  documented("post", "/fhir/Patient", "Create a patient; If-None-Exist makes it conditional (scope Patient.c)", body)
  documented("get", "/fhir/Patient/{id}", "Read a patient (scope Patient.r)", { params: id })
  documented("put", "/fhir/Patient/{id}", 'Update a patient; If-Match: W/"<version>" checks the version (scope Patient.u)', {
    params: id,
    ...body
  })
  documented("get", "/fhir/Patient/{id}/_history", "Every version of a patient (scope Patient.r)", { params: id })
  documented("get", "/fhir/Patient/{id}/_history/{vid}", "One version of a patient (scope Patient.r)", {
    params: z.object({ id: z.string(), vid: z.string() })
  })
  documented("post", "/fhir/Patient/$merge", "Merge source-patient into target-patient, with a reason (scope Patient.u)", body)
  documented("post", "/fhir/Patient/$unmerge", "Undo the merge of source-patient, with a reason (scope Patient.u)", body)
  documented(
    "post",
    "/fhir/Patient/$match",
    "Find the index's records of a person: a Parameters body with resource (a Patient), onlyCertainMatches and count; a searchset Bundle with calibrated scores and match grades (scope Patient.s)",
    body
  )
  documented("post", "/fhir", "A batch or transaction Bundle of Patient interactions", body)
  documented("get", "/fhir/AuditEvent", "The audit events of a record: entity=Patient/<id> (scope AuditEvent.s)", {
    query: z.object({ entity: z.string(), _count: z.string().optional(), _offset: z.string().optional() })
  })
  documented("get", "/fhir/AuditEvent/{id}", "One audit event, as the search's fullUrls name it (scope AuditEvent.r)", { params: id })

  const withBody = async (c: Context<AppEnv>, resourceType: string, handle: (body: unknown) => Promise<Response>) =>
    Either.match(await readJsonBody(c, resourceType), { onLeft: (failure) => outcomeResponse(c, failure), onRight: handle })

  const mergeRoute = (operation: "merge" | "unmerge") => (c: Context<AppEnv>) =>
    withBody(c, "Parameters", (body) =>
      run(
        c,
        Effect.gen(function* () {
          const grant = yield* authenticate(credentials(c))
          const input = yield* mergeInput(body, operation === "merge")
          yield* permit(grant, "Patient", "u")
          const patients = yield* Patients
          const result =
            operation === "merge"
              ? yield* patients.merge(grant.actor, input.source, input.target, input.reason)
              : yield* patients.unmerge(grant.actor, input.source, input.reason)
          return operation === "merge" ? result.target : result.source
        }),
        (patient) => c.json(patient, 200, answerHeaders(fhirBase(c), { status: 200, resource: patient, patient }))
      )
    )
  app.post("/fhir/Patient/$merge", mergeRoute("merge"))
  app.post("/fhir/Patient/$unmerge", mergeRoute("unmerge"))

  app.post("/fhir/Patient/$match", (c) =>
    withBody(c, "Parameters", (body) =>
      run(
        c,
        Effect.gen(function* () {
          const grant = yield* authenticate(credentials(c))
          const request = yield* parseMatchRequest(body, new Date().toISOString().slice(0, 10))
          // Matching reads the index as a search does, and needs the same scope.
          yield* permit(grant, "Patient", "s")
          return matchBundle(fhirBase(c), yield* (yield* PatientMatcher).match(grant.actor, request))
        }),
        (bundle) => c.json(bundle, 200)
      )
    )
  )

  const patientRoute = async (c: Context<AppEnv>) => {
    const method = c.req.method
    const handle = (body: unknown) => {
      const base = fhirBase(c)
      return run(
        c,
        Effect.gen(function* () {
          const grant = yield* authenticate(credentials(c))
          const request = yield* parsePatientRequest(method, c.req.url.slice(base.length + 1), body, {
            ifMatch: c.req.header("if-match"),
            ifNoneExist: c.req.header("if-none-exist")
          })
          yield* permit(grant, "Patient", requiredPermission(request))
          return yield* perform(grant.actor, request, base)
        }),
        (answer) => c.json(answer.resource, answer.status, answerHeaders(base, answer))
      )
    }
    return method === "GET" ? handle(undefined) : withBody(c, "Patient", handle)
  }
  app.on(["GET", "POST", "PUT"], ["/fhir/Patient", "/fhir/Patient/*"], patientRoute)

  app.post("/fhir", (c) => withBody(c, "Bundle", (body) => run(c, processBundle(c, body), (bundle) => c.json(bundle, 200))))

  app.get("/fhir/AuditEvent", (c) =>
    run(
      c,
      Effect.gen(function* () {
        const grant = yield* authenticate(credentials(c))
        const query = new URL(c.req.url).searchParams
        const unknown = [...query.keys()].filter((name) => !["entity", "_count", "_offset", "_format", "_pretty"].includes(name))
        if (unknown.length > 0) return yield* unknownSearchParameters("AuditEvent", unknown, ["entity", "_count", "_offset"])
        const entity = query.get("entity") ?? ""
        if (!/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(entity))
          return yield* FhirFailure.message(400, "required", "entity-required", {}, ["entity"])
        const number = (name: string, fallback: number) => {
          const value = query.get(name)
          return value === null
            ? Effect.succeed(fallback)
            : /^\d+$/.test(value)
              ? Effect.succeed(Number(value))
              : FhirFailure.message(400, "invalid", "parameter-not-whole-number", { name }, [name])
        }
        const page = { count: Math.min(yield* number("_count", 50), 1000), offset: yield* number("_offset", 0) }
        yield* permit(grant, "AuditEvent", "s")
        const found = yield* (yield* AuditTrail).searchForEntity(grant.actor, entity, page, `AuditEvent?${query}`)
        const base = fhirBase(c)
        const next = page.offset + page.count
        const link = (offset: number) => `${base}/AuditEvent?entity=${encodeURIComponent(entity)}&_count=${page.count}&_offset=${offset}`
        return {
          resourceType: "Bundle",
          type: "searchset",
          total: found.total,
          link: [
            { relation: "self", url: link(page.offset) },
            ...(next < found.total && page.count > 0 ? [{ relation: "next", url: link(next) }] : [])
          ],
          entry: found.events.map((event) => ({ fullUrl: `${base}/AuditEvent/${event.id}`, resource: event, search: { mode: "match" } }))
        }
      }),
      (bundle) => c.json(bundle, 200)
    )
  )

  app.get("/fhir/AuditEvent/:id{[0-9]{1,18}}", (c) =>
    run(
      c,
      Effect.gen(function* () {
        const grant = yield* authenticate(credentials(c))
        yield* permit(grant, "AuditEvent", "r")
        const id = c.req.param("id")
        const event = yield* (yield* AuditTrail).read(grant.actor, Number(id))
        if (Option.isNone(event)) return yield* FhirFailure.message(404, "not-found", "resource-not-found", { type: "AuditEvent", id })
        return event.value
      }),
      (event) => c.json(event, 200)
    )
  )

  return [
    {
      resource: "Patient",
      parameters: patientSearchParameters,
      interactions: ["vread", "history-instance", "create", "update"],
      operations: [{ name: "match", definition: "http://hl7.org/fhir/OperationDefinition/Patient-match" }]
    },
    { resource: "AuditEvent", parameters: [{ name: "entity", type: "reference" }] }
  ]
}
