/**
 * The one place where failures become HTTP answers: every error a handler can end with is
 * mapped here to a status and an OperationOutcome. Details of unexpected errors go to the log,
 * keyed by request id, never to the client.
 */
import { DatabaseError, DatabaseUnavailable } from "@ffynnon/db"
import { Cause, Option } from "effect"
import { FhirFailure } from "./fhir/outcome"

export const toFhirFailure = (cause: Cause.Cause<unknown>, requestId: string): FhirFailure => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (error instanceof FhirFailure) return error
    if (error instanceof DatabaseUnavailable) {
      return FhirFailure.of(503, "transient", "The database is unavailable. Try again shortly.")
    }
    if (error instanceof DatabaseError) {
      return FhirFailure.of(500, "exception", `A database error occurred (request ${requestId}).`)
    }
  }
  return FhirFailure.of(500, "exception", `An unexpected error occurred (request ${requestId}).`)
}

/** Failures the server caused, worth an error line in the log; the client's own mistakes are not. */
export const isServerFault = (failure: FhirFailure) => failure.status >= 500
