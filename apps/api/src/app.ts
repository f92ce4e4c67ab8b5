/**
 * The Hono application: middleware, routes, and the answers for everything that is not a route.
 * It is built from a runtime that already holds the services, so tests and the server share it.
 */
import { OpenAPIHono } from "@hono/zod-openapi"
import { Context, Effect, Exit, LogLevel, type Runtime } from "effect"
import { bodyLimit } from "hono/body-limit"
import { HTTPException } from "hono/http-exception"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import { threadId } from "node:worker_threads"
import { registerOperation, type OperationDefinition } from "./fhir/operation"
import type { ParameterSpec } from "./fhir/parameters"
import { translateOperation } from "./terminology/translate"
import { expandOperation } from "./terminology/expand"
import { lookupOperation } from "./terminology/lookup"
import { subsumesOperation } from "./terminology/subsumes"
import {
  codeSystemValidateCodeOperation,
  valueSetBatchValidateCodeOperation,
  valueSetValidateCodeOperation
} from "./terminology/validateCode"
import { FhirFailure, zodFailure, type FailureStatus, type IssueType } from "./fhir/outcome"
import { registerPatientRoutes } from "./demographics/routes"
import { Auth } from "./auth"
import { toFhirFailure } from "./failures"
import { registerReference } from "./reference"
import { registerDmdRoutes } from "./routes/dmd"
import { registerHealth } from "./routes/health"
import { registerMetadata, software } from "./routes/metadata"
import { readInstance, registerResourceRoutes } from "./routes/resources"
import { versionsOperation } from "./routes/versions"
import { makeRun, outcomeResponse, requestLogger, type ApiServices, type AppEnv } from "./runtime"

/** Requests larger than this are refused with 413 before they are read. */
export const maxBodyBytes = 32 * 1024 * 1024

const acceptedRequestId = /^[\w\-.:/]{1,200}$/

/** The path as logged: a patient's id is left out, as a client may send an NHS number in its place. */
export const loggedPath = (path: string) => path.replace(/^\/fhir\/Patient\/(?!\$)[^/]+/, "/fhir/Patient/:id")

const issueTypeForStatus = (status: number): IssueType =>
  status === 413 ? "too-costly" : status === 415 || status === 405 ? "not-supported" : status >= 500 ? "exception" : "invalid"

/**
 * An `HTTPException` (Hono's middleware throws them) in the catalogues' words where one says the
 * same: a body too large, a JSON body that does not parse, or only its status. Another keeps its
 * own English text.
 */
const httpExceptionFailure = (error: HTTPException) => {
  const status = error.status as ContentfulStatusCode & FailureStatus
  if (status === 413) return FhirFailure.message(413, "too-costly", "body-too-large", { bytes: maxBodyBytes })
  // Hono's validator, on a JSON body that does not parse.
  if (status === 400 && error.message === "Malformed JSON in request body") return FhirFailure.message(400, "structure", "body-not-json")
  return error.message === ""
    ? FhirFailure.message(status, issueTypeForStatus(status), "http-error", { status })
    : FhirFailure.of(status, issueTypeForStatus(status), error.message)
}

export const makeApp = (runtime: Runtime.Runtime<ApiServices>) => {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => (result.success ? undefined : outcomeResponse(c, zodFailure(result.error)))
  })
  const run = makeRun(runtime)

  // A request id on every request and answer, FHIR's content type on FHIR's JSON answers, and one
  // JSON log line per request: method, path without the query string (which can carry patient
  // details) or a patient's id, status, the serving thread (`FFYNNON_THREADS`) and duration. One
  // middleware, as each layer costs every request.
  const logRequest = requestLogger(runtime)
  app.use(async (c, next) => {
    const started = performance.now()
    const incoming = c.req.header("x-request-id")
    const requestId = incoming !== undefined && acceptedRequestId.test(incoming) ? incoming : crypto.randomUUID()
    c.set("requestId", requestId)
    // Set before the answer exists: Hono copies a finished response to add a header afterwards (a fifth of $lookup's time, measured).
    c.header("X-Request-Id", requestId)
    await next()
    const { path } = c.req
    const headers = c.res.headers
    if (!headers.has("X-Request-Id")) headers.set("X-Request-Id", requestId)
    // FHIR answers are application/fhir+json unless the client asked for plain JSON only.
    if ((path === "/fhir" || path.startsWith("/fhir/")) && headers.get("content-type")?.startsWith("application/json")) {
      const accept = c.req.header("accept") ?? ""
      const plainJsonOnly = accept.includes("application/json") && !accept.includes("fhir+json")
      if (!plainJsonOnly) headers.set("content-type", "application/fhir+json; charset=utf-8")
    }
    logRequest(path === "/healthz" || path === "/readyz" ? LogLevel.Debug : LogLevel.Info, {
      requestId,
      method: c.req.method,
      path: loggedPath(path),
      status: c.res.status,
      thread: threadId,
      durationMs: Math.round((performance.now() - started) * 100) / 100
    })
  })

  // Only requests that carry a body pass through the limit; its 413 is answered by `httpExceptionFailure`.
  app.on(["POST", "PUT", "PATCH"], "/fhir/*", bodyLimit({ maxSize: maxBodyBytes }))

  // Terminology is open unless configured to need a token (any valid one: it holds no personal
  // data, so it is not audited). The patient endpoints check their own tokens and scopes, and the
  // CapabilityStatement stays open for clients to discover the server.
  const auth = Context.get(runtime.context, Auth)
  if (auth.terminologyNeedsToken) {
    app.use("/fhir/*", async (c, next) => {
      if (/^\/fhir(?:$|\/(?:metadata|Patient|AuditEvent)(?:\/|$))/.test(c.req.path)) return next()
      const verified = await Effect.runPromiseExit(auth.verify(c.req.header("authorization")))
      if (Exit.isFailure(verified)) return outcomeResponse(c, toFhirFailure(verified.cause, c.get("requestId")))
      await next()
    })
  }

  registerHealth(app, run)
  const operations = [
    versionsOperation,
    lookupOperation,
    codeSystemValidateCodeOperation,
    subsumesOperation,
    expandOperation,
    valueSetValidateCodeOperation,
    valueSetBatchValidateCodeOperation,
    translateOperation
  ].map((operation) => registerOperation(app, run, operation as OperationDefinition<Record<string, ParameterSpec>>, readInstance))
  const searches = [...registerResourceRoutes(app, run), ...registerPatientRoutes(app, run)]
  registerDmdRoutes(app, run)
  registerMetadata(app, run, operations, searches)
  registerReference(app, {
    openapi: "3.1.0",
    info: { title: software.name, version: software.version, description: "FHIR R4 terminology and demographics for NHS Wales" }
  })

  app.notFound((c) => {
    const operation = /^\/fhir\/(?:[A-Z][A-Za-z]+\/)?(?:[^/]+\/)?\$([\w-]+)$/.exec(c.req.path)
    const failure =
      operation === null
        ? FhirFailure.message(404, "not-found", "route-not-found", { method: c.req.method, path: c.req.path })
        : FhirFailure.message(501, "not-supported", "operation-not-supported", { operation: operation[1]!, path: c.req.path })
    return outcomeResponse(c, failure)
  })

  app.onError((error, c) => {
    if (error instanceof HTTPException) return outcomeResponse(c, httpExceptionFailure(error))
    return run(c, Effect.die(error), () => c.body(null))
  })

  return app
}
