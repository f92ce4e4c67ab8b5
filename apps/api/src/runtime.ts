/**
 * The services the API runs on, built once per process into one runtime (see `serve.ts`), and
 * the bridge that runs a handler's effect in it and turns every failure into an OperationOutcome.
 */
import { NodeContext } from "@effect/platform-node"
import { Database, layerFromConfig, Releases } from "@ffynnon/db"
import { DmdReleases } from "@ffynnon/dmd"
import { IcdReleases } from "@ffynnon/icd"
import { AuditTrail, PatientMatcher, Patients } from "@ffynnon/demographics"
import { SnomedReleases } from "@ffynnon/snomed"
import { DesignationOverlays, FhirResources, ReleaseCodeSystems, releaseCodeSystemsLayer } from "@ffynnon/terminology"
import { welshDesignationOverlays, WelshTerms } from "@ffynnon/welsh"
import { Cause, Config, Effect, Exit, FiberRef, Layer, Logger, LogLevel, Runtime } from "effect"
import type { Context } from "hono"
import { Auth, AuthFromConfig } from "./auth"
import { isServerFault, toFhirFailure } from "./failures"
import type { FhirFailure } from "./fhir/outcome"
import { isCatalogued, messageLanguage, translateOutcome } from "./messages"

export type ApiServices =
  | Database
  | Releases
  | SnomedReleases
  | DmdReleases
  | IcdReleases
  | FhirResources
  | ReleaseCodeSystems
  | DesignationOverlays
  | WelshTerms
  | Patients
  | PatientMatcher
  | AuditTrail
  | Auth

/** JSON log lines at `LOG_LEVEL` (default Info). */
export const LoggerLive = Layer.unwrapEffect(
  Effect.map(Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info)), (level) =>
    Layer.merge(Logger.json, Logger.minimumLogLevel(level))
  )
)

/**
 * The code systems of loaded releases besides SNOMED CT, one source per library; each library's
 * service layer goes in `releaseLibraries`.
 */
const releaseCodeSystems = releaseCodeSystemsLayer([
  Effect.map(DmdReleases, (dmd) => dmd.source),
  Effect.map(IcdReleases, (icd) => icd.source)
])
const releaseLibraries = Layer.mergeAll(DmdReleases.Default, IcdReleases.Default)

/**
 * Everything the API needs over a database: the release registry, the terminology indexes, the
 * stored FHIR resources, the patient index with its audit trail, and `auth` to check access tokens.
 */
export const servicesOver = <E, R>(database: Layer.Layer<Database, E, R>, auth: Layer.Layer<Auth, unknown> = AuthFromConfig) =>
  Layer.mergeAll(
    SnomedReleases.Default,
    FhirResources.Default,
    releaseCodeSystems.pipe(Layer.provideMerge(releaseLibraries)),
    welshDesignationOverlays.pipe(Layer.provideMerge(WelshTerms.Default)),
    Patients.Default,
    PatientMatcher.Default,
    AuditTrail.Default,
    auth
  ).pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(database))

/** The API's services on the database the environment names, checking tokens with `auth`. */
export const apiLive = (auth: Layer.Layer<Auth, unknown> = AuthFromConfig) =>
  servicesOver(layerFromConfig, auth).pipe(Layer.provide(NodeContext.layer))

export interface AppEnv {
  Variables: { requestId: string }
}

/** The failure's OperationOutcome, its catalogued messages in the language the request prefers (Accept-Language). */
export const outcomeResponse = (c: Context<AppEnv>, failure: FhirFailure) => {
  const catalogued = failure.outcome.issue.some(isCatalogued)
  const language = catalogued ? messageLanguage(c.req.header("accept-language")) : "en"
  return c.json(translateOutcome(failure.outcome, language), failure.status, {
    "Content-Type": "application/fhir+json; charset=utf-8",
    ...(catalogued ? { "Content-Language": language } : {}),
    // RFC 6750: a 401 says which scheme the client must use.
    ...(failure.status === 401 ? { "WWW-Authenticate": 'Bearer realm="ffynnon"' } : {})
  })
}

/** What a failed request's log line says: the error's name and message, never request data. */
const describeCause = (cause: Cause.Cause<unknown>) => {
  const error = Cause.squash(cause)
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
}

/**
 * Writes request log lines in the shape of Effect's JSON logger, at the runtime's minimum level.
 * Requests are the hottest log path: lines are not built as logging effects, and the lines of
 * one turn of the event loop go out in one write (a write per request cost a sixth of the
 * throughput, measured).
 */
export const requestLogger = (runtime: Runtime.Runtime<never>) => {
  const minimum = Runtime.runSync(runtime)(FiberRef.get(FiberRef.currentMinimumLogLevel))
  let pending: Array<string> = []
  const flush = () => {
    process.stdout.write(pending.join(""))
    pending = []
  }
  return (level: LogLevel.LogLevel, annotations: Record<string, string | number>) => {
    if (LogLevel.lessThan(level, minimum)) return
    if (pending.length === 0) setImmediate(flush)
    pending.push(`${JSON.stringify({ message: "request", logLevel: level.label, timestamp: new Date().toISOString(), annotations })}\n`)
  }
}

export type Run = <A>(
  c: Context<AppEnv>,
  effect: Effect.Effect<A, unknown, ApiServices>,
  respond: (value: A) => Response
) => Promise<Response>

/**
 * The handler's exit: at once when it finishes without waiting (terminology operations over the
 * in-memory indexes do), else when it ends, interrupted if the client goes away first.
 */
const runHandler = <A>(runtime: Runtime.Runtime<ApiServices>, effect: Effect.Effect<A, unknown, ApiServices>, request: Request) => {
  // A fiber runs synchronously until it first waits; answering from there spares a promise and an abort listener per request.
  const fiber = Runtime.runFork(runtime)(effect)
  const exit = fiber.unsafePoll()
  if (exit !== null) return exit
  return new Promise<Exit.Exit<A, unknown>>((resolve) => {
    const { signal } = request
    const interrupt = () => fiber.unsafeInterruptAsFork(fiber.id())
    if (signal.aborted) interrupt()
    else signal.addEventListener("abort", interrupt, { once: true })
    fiber.addObserver((exit) => {
      signal.removeEventListener("abort", interrupt)
      resolve(exit)
    })
  })
}

/** Runs handlers in `runtime`, interrupted when the client goes away. */
export const makeRun =
  (runtime: Runtime.Runtime<ApiServices>): Run =>
  async (c, effect, respond) => {
    const exit = await runHandler(runtime, effect, c.req.raw)
    if (Exit.isSuccess(exit)) return respond(exit.value)
    const requestId = c.get("requestId")
    const failure = toFhirFailure(exit.cause, requestId)
    if (isServerFault(failure)) {
      Runtime.runSync(runtime)(
        Effect.logError("request failed").pipe(Effect.annotateLogs({ requestId, status: failure.status, error: describeCause(exit.cause) }))
      )
    }
    return outcomeResponse(c, failure)
  }
