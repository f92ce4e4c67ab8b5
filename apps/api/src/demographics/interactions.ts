/**
 * Patient interactions (https://hl7.org/fhir/R4/http.html), described once and used by the REST
 * routes and by the entries of batch and transaction Bundles: what was asked (`PatientRequest`,
 * parsed from method, relative URL, body and the conditional headers), which scope it needs,
 * and the answer (status, resource, ETag, Location).
 */
import { AuditTrail, Patients, type Actor, type PatientOperations, type StoredPatient } from "@ffynnon/demographics"
import { Effect, Either } from "effect"
import { allows, Auth, type Grant, type Permission } from "../auth"
import { FhirFailure } from "../fhir/outcome"
import type { MessageKey } from "../messages"
import { parsePatientSearch, type PatientSearchRequest } from "./search"

export type PatientRequest =
  | { readonly kind: "read"; readonly id: string }
  | { readonly kind: "vread"; readonly id: string; readonly versionId: number }
  | { readonly kind: "history"; readonly id: string }
  | { readonly kind: "search"; readonly search: PatientSearchRequest; readonly query: string }
  | { readonly kind: "create"; readonly resource: unknown; readonly ifNoneExist?: PatientSearchRequest }
  | { readonly kind: "update"; readonly id: string; readonly resource: unknown; readonly ifMatch?: number }

/** What a request answers: a status and a resource, with the version headers of a Patient. */
export interface Answer {
  readonly status: 200 | 201
  readonly resource: object
  readonly patient?: StoredPatient
}

const permissionOf: Record<PatientRequest["kind"], Permission> = {
  read: "r",
  vread: "r",
  history: "r",
  search: "s",
  create: "c",
  update: "u"
}

const idPattern = /^[A-Za-z0-9\-.]{1,64}$/

const bad = (key: MessageKey, values: Readonly<Record<string, string>>) => Either.left(FhirFailure.message(400, "invalid", key, values))

/** `W/"3"` (or `3`) to 3. */
const parseETag = (value: string) => {
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(value.trim())
  return match === null ? bad("if-match-not-version", { value }) : Either.right(Number(match[1]))
}

/**
 * The request a method and URL relative to the FHIR base (`Patient/123/_history/2?…`) make,
 * with the body and the conditional headers.
 */
export const parsePatientRequest = (
  method: string,
  relativeUrl: string,
  body: unknown,
  headers: { readonly ifMatch?: string | undefined; readonly ifNoneExist?: string | undefined }
): Either.Either<PatientRequest, FhirFailure> => {
  const [path = "", queryText = ""] = relativeUrl.replace(/^\//, "").split(/\?(.*)/s)
  const segments = path.split("/")
  if (segments[0] !== "Patient") return bad("only-patient-served", { type: segments[0]! })
  const id = segments[1]
  if (id !== undefined && !idPattern.test(id)) return bad("not-a-fhir-id", { id })
  const query = new URLSearchParams(queryText)
  const shape = `${method} ${segments.length === 1 ? "Patient" : segments.length === 2 ? "Patient/id" : segments.slice(2).join("/").replace(/\d+$/, "n")}`
  switch (shape) {
    case "GET Patient":
      return Either.map(parsePatientSearch(query), (search) => ({ kind: "search", search, query: queryText }))
    case "GET Patient/id":
      return Either.right({ kind: "read", id: id! })
    case "GET _history":
      return Either.right({ kind: "history", id: id! })
    case "GET _history/n":
      return Either.right({ kind: "vread", id: id!, versionId: Number(segments[3]) })
    case "POST Patient":
      if (headers.ifNoneExist === undefined) return Either.right({ kind: "create", resource: body })
      // The header is a search's query string; some clients put `Patient?` before it.
      return Either.map(parsePatientSearch(new URLSearchParams(headers.ifNoneExist.replace(/^Patient\?/, ""))), (ifNoneExist) => ({
        kind: "create",
        resource: body,
        ifNoneExist
      }))
    case "PUT Patient/id": {
      const sentId = (body as { id?: unknown } | null)?.id
      if (sentId !== undefined && sentId !== id) return bad("patient-id-mismatch", { sent: String(sentId), id: id! })
      if (headers.ifMatch === undefined) return Either.right({ kind: "update", id: id!, resource: body })
      return Either.map(parseETag(headers.ifMatch), (ifMatch) => ({ kind: "update", id: id!, resource: body, ifMatch }))
    }
  }
  return Either.left(FhirFailure.message(405, "not-supported", "interaction-not-supported", { method, path }))
}

/** The purpose of use a request gives in `X-Purpose-Of-Use` (a v3 ActReason code such as TREAT). */
const purposeOf = (header: string | undefined) => (header !== undefined && /^[A-Z]{2,20}$/.test(header) ? header : undefined)

/** Who is asking: 401 without a valid token. The purpose of use comes from `X-Purpose-Of-Use`. */
export const authenticate = (request: { readonly authorization: string | undefined; readonly purpose: string | undefined }) =>
  Effect.gen(function* () {
    const grant = yield* Effect.flatMap(Auth, (auth) => auth.verify(request.authorization))
    const purpose = purposeOf(request.purpose)
    return purpose === undefined ? grant : { ...grant, actor: { ...grant.actor, purpose } }
  })

/** Succeeds when the grant holds `permission` on `resource`; otherwise a 403, and the refused attempt is audited. */
export const permit = (grant: Grant, resource: string, permission: Permission) =>
  Effect.gen(function* () {
    if (allows(grant.scopes, resource, permission)) return
    const scope = `system/${resource}.${permission === "s" || permission === "r" ? "rs" : "cud"}`
    yield* Effect.flatMap(AuditTrail, (audit) =>
      audit.append(grant.actor, {
        interaction: permission === "s" ? "search-type" : permission === "r" ? "read" : permission === "c" ? "create" : "update",
        entities: [],
        outcome: "4",
        outcomeDesc: `forbidden: no ${scope} scope`
      })
    )
    return yield* FhirFailure.message(403, "forbidden", "scope-forbidden", { scope, resource })
  })

export const requiredPermission = (request: PatientRequest) => permissionOf[request.kind]

const patientAnswer = (status: 200 | 201, patient: StoredPatient): Answer => ({ status, resource: patient, patient })

/** A Bundle of every version of a record, newest first (https://hl7.org/fhir/R4/http.html#history). */
const historyBundle = (base: string, versions: ReadonlyArray<StoredPatient>) => ({
  resourceType: "Bundle",
  type: "history",
  total: versions.length,
  entry: versions.map((version) => ({
    fullUrl: `${base}/Patient/${version.id}`,
    resource: version,
    request: {
      method: version.meta.versionId === "1" ? "POST" : "PUT",
      url: version.meta.versionId === "1" ? "Patient" : `Patient/${version.id}`
    },
    response: {
      status: version.meta.versionId === "1" ? "201 Created" : "200 OK",
      etag: `W/"${version.meta.versionId}"`,
      lastModified: version.meta.lastUpdated
    }
  }))
})

const searchset = (base: string, query: string, request: PatientSearchRequest, total: number, patients: ReadonlyArray<StoredPatient>) => {
  const link = (offset: number) => {
    const params = new URLSearchParams(query)
    params.set("_offset", String(offset))
    return `${base}/Patient?${params}`
  }
  const next = request.offset + request.count
  return {
    resourceType: "Bundle",
    type: "searchset",
    total,
    link: [
      { relation: "self", url: `${base}/Patient${query === "" ? "" : `?${query}`}` },
      ...(next < total && request.count > 0 ? [{ relation: "next", url: link(next) }] : [])
    ],
    entry: patients.map((patient) => ({ fullUrl: `${base}/Patient/${patient.id}`, resource: patient, search: { mode: "match" } }))
  }
}

/** Carries out a request for `actor`, in a transaction of its own, audited. */
export const perform = (actor: Actor, request: PatientRequest, base: string) =>
  Effect.gen(function* () {
    const patients = yield* Patients
    switch (request.kind) {
      case "read":
        return patientAnswer(200, yield* patients.read(actor, request.id))
      case "vread":
        return patientAnswer(200, yield* patients.vread(actor, request.id, request.versionId))
      case "history":
        return { status: 200, resource: historyBundle(base, yield* patients.history(actor, request.id)) } satisfies Answer
      case "search": {
        const { search, count, offset } = request.search
        const found = yield* patients.search(actor, search, { count, offset }, request.query)
        return { status: 200, resource: searchset(base, request.query, request.search, found.total, found.patients) } satisfies Answer
      }
      case "create": {
        const written = yield* patients.create(
          actor,
          request.resource,
          request.ifNoneExist === undefined ? {} : { ifNoneExist: request.ifNoneExist.search }
        )
        return patientAnswer(written.created ? 201 : 200, written.patient)
      }
      case "update": {
        const written = yield* patients.update(
          actor,
          request.id,
          request.resource,
          request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch }
        )
        return patientAnswer(200, written.patient)
      }
    }
  })

/** Carries out plain creates (no `If-None-Exist`) together, each answered on its own (for a batch). */
export const performCreates = (actor: Actor, resources: ReadonlyArray<unknown>) =>
  Effect.map(
    Effect.flatMap(Patients, (patients) => patients.createMany(actor, resources)),
    (outcomes) => outcomes.map(Either.map((patient) => patientAnswer(201, patient)))
  )

/**
 * Carries out a request inside a transaction Bundle's one transaction: reads and writes only.
 * `newId` is the id a created record gets (chosen beforehand so that other entries can refer to it).
 */
export const performIn = (operations: PatientOperations, request: PatientRequest, newId?: string): Effect.Effect<Answer, unknown> => {
  switch (request.kind) {
    case "read":
      return Effect.map(operations.read(request.id), (patient) => patientAnswer(200, patient))
    case "create":
      return Effect.map(
        operations.create(request.resource, {
          ...(request.ifNoneExist === undefined ? {} : { ifNoneExist: request.ifNoneExist.search }),
          ...(newId === undefined ? {} : { id: newId })
        }),
        (written) => patientAnswer(written.created ? 201 : 200, written.patient)
      )
    case "update":
      return Effect.map(
        operations.update(request.id, request.resource, request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch }),
        (written) => patientAnswer(200, written.patient)
      )
    default:
      return Effect.fail(FhirFailure.message(400, "not-supported", "transaction-interaction-not-supported"))
  }
}

/** The version headers of an answer: ETag, Last-Modified and, for a create, Location. */
export const answerHeaders = (base: string, answer: Answer): Record<string, string> =>
  answer.patient === undefined
    ? {}
    : {
        ETag: `W/"${answer.patient.meta.versionId}"`,
        "Last-Modified": new Date(answer.patient.meta.lastUpdated).toUTCString(),
        ...(answer.status === 201 ? { Location: `${base}/Patient/${answer.patient.id}/_history/${answer.patient.meta.versionId}` } : {})
      }
