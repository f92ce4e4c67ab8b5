/**
 * The one place where failures become HTTP answers: every error a handler can end with is
 * mapped here to a status and an OperationOutcome. Details of unexpected errors go to the log,
 * keyed by request id, never to the client.
 */
import { DatabaseError, DatabaseUnavailable } from "@ffynnon/db"
import { DuplicateNhsNumber, InvalidPatient, MergeRefused, MultipleMatches, PatientNotFound, VersionConflict } from "@ffynnon/demographics"
import { Cause, Option } from "effect"
import { FhirFailure } from "./fhir/outcome"

export const toFhirFailure = (cause: Cause.Cause<unknown>, requestId: string): FhirFailure => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (error instanceof FhirFailure) return error
    if (error instanceof InvalidPatient) return FhirFailure.said(400, "invalid", error.said, [error.expression])
    if (error instanceof PatientNotFound) return FhirFailure.said(404, "not-found", error.said)
    // FHIR: a version that does not match If-Match, or a condition matching several records, is 412.
    if (error instanceof VersionConflict || error instanceof MultipleMatches) return FhirFailure.said(412, "conflict", error.said)
    if (error instanceof DuplicateNhsNumber) return FhirFailure.said(409, "duplicate", error.said, ["Patient.identifier"])
    if (error instanceof MergeRefused) return FhirFailure.said(422, "business-rule", error.said)
    if (error instanceof DatabaseUnavailable) {
      return FhirFailure.message(503, "transient", "database-unavailable")
    }
    if (error instanceof DatabaseError) {
      return FhirFailure.message(500, "exception", "database-error", { requestId })
    }
  }
  return FhirFailure.message(500, "exception", "unexpected-error", { requestId })
}

/** Failures the server caused, worth an error line in the log; the client's own mistakes are not. */
export const isServerFault = (failure: FhirFailure) => failure.status >= 500
