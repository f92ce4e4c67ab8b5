/**
 * FHIR R4 OperationOutcome: every failure the API answers is one of these.
 * https://hl7.org/fhir/R4/operationoutcome.html
 */
import { Data } from "effect"
import type { Message, MessageValues } from "@ffynnon/terminology"
import { cataloguedIssue, engineIssue, type MessageKey } from "../messages"

export type IssueSeverity = "fatal" | "error" | "warning" | "information"
/** The subset of http://hl7.org/fhir/issue-type used here. */
export type IssueType =
  | "invalid"
  | "structure"
  | "required"
  | "value"
  | "not-found"
  | "not-supported"
  | "too-costly"
  | "exception"
  | "transient"
  | "conflict"
  | "duplicate"
  | "forbidden"
  | "login"
  | "processing"
  | "security"
  | "informational"
  | "business-rule"
  | "code-invalid"

export interface OperationOutcomeIssue {
  readonly extension?: ReadonlyArray<{ readonly url: string; readonly valueString: string }>
  readonly severity: IssueSeverity
  readonly code: IssueType
  readonly diagnostics?: string
  readonly details?: { readonly coding?: ReadonlyArray<{ readonly system: string; readonly code: string }>; readonly text: string }
  readonly expression?: ReadonlyArray<string>
}

export interface OperationOutcome {
  readonly resourceType: "OperationOutcome"
  readonly issue: ReadonlyArray<OperationOutcomeIssue>
}

export const issue = (
  severity: IssueSeverity,
  code: IssueType,
  text: string,
  expression?: ReadonlyArray<string>
): OperationOutcomeIssue => ({
  severity,
  code,
  details: { text },
  ...(expression === undefined ? {} : { expression })
})

export const operationOutcome = (...issues: ReadonlyArray<OperationOutcomeIssue>): OperationOutcome => ({
  resourceType: "OperationOutcome",
  issue: issues
})

/** The HTTP statuses the API answers failures with. */
export type FailureStatus = 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 422 | 500 | 501 | 503

/** A failure decided at the API edge (bad request, unsupported operation), carried to the one place that answers it. */
export class FhirFailure extends Data.TaggedError("FhirFailure")<{
  readonly status: FailureStatus
  readonly outcome: OperationOutcome
}> {
  static of(status: FailureStatus, code: IssueType, text: string, expression?: ReadonlyArray<string>) {
    return new FhirFailure({ status, outcome: operationOutcome(issue("error", code, text, expression)) })
  }

  /** A failure with a message from the catalogues (`apps/api/messages`), in English until answered. */
  static message(status: FailureStatus, code: IssueType, key: MessageKey, values: MessageValues = {}, expression?: ReadonlyArray<string>) {
    return new FhirFailure({
      status,
      outcome: operationOutcome(cataloguedIssue(key, values, (text) => issue("error", code, text, expression)))
    })
  }

  /** A failure with a message from a library's catalogue (`libs/<library>/messages`), in English until answered. */
  static said(status: FailureStatus, code: IssueType, said: Message, expression?: ReadonlyArray<string>) {
    return new FhirFailure({ status, outcome: operationOutcome(engineIssue(said, (text) => issue("error", code, text, expression))) })
  }
}

/** A zod issue, as much of it as an answer says: its code, path and what was expected. */
interface SchemaProblem {
  readonly code?: string
  readonly path: ReadonlyArray<PropertyKey>
  readonly expected?: unknown
  readonly values?: ReadonlyArray<unknown>
}

/** One problem of a request that failed schema validation, in the catalogues' words, naming the path. */
const schemaIssue = (problem: SchemaProblem) => {
  const expression = problem.path.map(String).join(".")
  const build = (text: string) => issue("error", "invalid", text, expression ? [expression] : undefined)
  if (!expression) return cataloguedIssue("request-invalid", {}, build)
  if (problem.code === "invalid_type" && typeof problem.expected === "string") {
    return cataloguedIssue("request-value-wrong-type", { expression, expected: problem.expected }, build)
  }
  if (problem.code === "invalid_value" && problem.values !== undefined) {
    return cataloguedIssue("request-value-not-allowed", { expression, values: problem.values.map(String).join(", ") }, build)
  }
  return cataloguedIssue("request-value-invalid", { expression }, build)
}

/** A request that failed schema validation, one issue per problem, with the path as FHIRPath-like expression. */
export const zodFailure = (error: { readonly issues: ReadonlyArray<SchemaProblem> }) =>
  new FhirFailure({ status: 400, outcome: operationOutcome(...error.issues.map(schemaIssue)) })
