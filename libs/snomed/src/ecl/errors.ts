/** The ways an ECL expression can fail: to parse, to name real concepts, or to be answered within bounds. */
import { Data } from "effect"
import { syntaxMessage, type SyntaxProblem } from "../grammar"

/** The text is not ECL: `position` is the 0-based offset where parsing stopped, `expected` what could have come there. */
export class EclSyntaxError extends Data.TaggedError("EclSyntaxError")<SyntaxProblem> {
  override get message() {
    return syntaxMessage("ECL", this)
  }
}

/** A concept the expression names is not in the release (ECL treats this as an error, not an empty set). */
export class EclUnknownConcept extends Data.TaggedError("EclUnknownConcept")<{
  readonly id: string
  readonly position: number
}> {
  override get message() {
    return `ECL: concept ${this.id} (at ${this.position}) is not in this release`
  }
}

/** Valid ECL that this release's index cannot answer (data it does not hold). */
export class EclUnsupported extends Data.TaggedError("EclUnsupported")<{
  readonly feature: string
  readonly position: number
}> {
  override get message() {
    return `ECL: ${this.feature} (at ${this.position}) cannot be evaluated on this release`
  }
}

/** Evaluation would take more work than allowed; the caller should narrow the expression. */
export class EclTooCostly extends Data.TaggedError("EclTooCostly")<{
  readonly limit: number
}> {
  override get message() {
    return `ECL: the expression needs more than ${this.limit} steps to evaluate; narrow it`
  }
}

export type EclError = EclSyntaxError | EclUnknownConcept | EclUnsupported | EclTooCostly
