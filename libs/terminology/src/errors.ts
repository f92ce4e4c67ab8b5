/**
 * Why a terminology request cannot be answered, in FHIR's terms: the OperationOutcome issue type
 * (http://hl7.org/fhir/issue-type) and, where one applies, the terminology issue type
 * (http://hl7.org/fhir/tools/CodeSystem/tx-issue-type) that clients such as the IG publisher read.
 */
import { Data } from "effect"

export type IssueType =
  "invalid" | "not-found" | "not-supported" | "too-costly" | "business-rule" | "processing" | "code-invalid" | "exception"

export class TerminologyError extends Data.TaggedError("TerminologyError")<{
  readonly type: IssueType
  readonly message: string
  readonly txIssueType?: string
  /** FHIRPath of the request element at fault, e.g. `url` or `Coding.system`. */
  readonly expression?: ReadonlyArray<string>
  /** The message's key in the FHIR validator's message catalogue. */
  readonly messageId?: string
  /** The canonical of the resource that could not be found, where that is the problem. */
  readonly missing?: string
}> {}

/** Carries a message key on an OperationOutcome issue (http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id). */
export const messageIdExtension = (messageId: string) => ({
  url: "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id",
  valueString: messageId
})

export const notFound = (message: string, expression?: ReadonlyArray<string>, messageId?: string) =>
  new TerminologyError({
    type: "not-found",
    message,
    txIssueType: "not-found",
    ...(expression === undefined ? {} : { expression }),
    ...(messageId === undefined ? {} : { messageId })
  })
