/**
 * Why a terminology request cannot be answered, in FHIR's terms: the OperationOutcome issue type
 * (http://hl7.org/fhir/issue-type) and, where one applies, the terminology issue type
 * (http://hl7.org/fhir/tools/CodeSystem/tx-issue-type) that clients such as the IG publisher read.
 */
import { Data } from "effect"
import { sayInEnglish, type Message } from "./messages"

export type IssueType =
  "invalid" | "not-found" | "not-supported" | "too-costly" | "business-rule" | "processing" | "code-invalid" | "exception"

interface TerminologyErrorDetails {
  readonly txIssueType?: string
  /** FHIRPath of the request element at fault, e.g. `url` or `Coding.system`. */
  readonly expression?: ReadonlyArray<string>
  /** The message's key in the FHIR validator's message catalogue. */
  readonly messageId?: string
  /** The canonical of the resource that could not be found, where that is the problem. */
  readonly missing?: string
}

export class TerminologyError extends Data.TaggedError("TerminologyError")<
  TerminologyErrorDetails & {
    readonly type: IssueType
    /** The message in English. */
    readonly message: string
    /** The message from the catalogue, to say in the client's language. */
    readonly said: Message
  }
> {}

/** An error whose message is `said` (in English until answered in the client's language). */
export const terminologyError = (type: IssueType, said: Message, details: TerminologyErrorDetails = {}) =>
  new TerminologyError({ ...details, type, message: sayInEnglish(said), said })

/** Carries a message key on an OperationOutcome issue (http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id). */
export const messageIdExtension = (messageId: string) => ({
  url: "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id",
  valueString: messageId
})

export const notFound = (said: Message, expression?: ReadonlyArray<string>, messageId?: string) =>
  terminologyError("not-found", said, {
    txIssueType: "not-found",
    ...(expression === undefined ? {} : { expression }),
    ...(messageId === undefined ? {} : { messageId })
  })
