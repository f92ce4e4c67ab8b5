/** The ways an ECL expression can fail: to parse, to name real concepts, or to be answered within bounds. */
import { message, sayInEnglish } from "@ffynnon/terminology"
import { Data } from "effect"
import { syntaxMessage, type SyntaxProblem } from "../grammar"

/** The text is not ECL: `position` is the 0-based offset where parsing stopped, `expected` what could have come there. */
export class EclSyntaxError extends Data.TaggedError("EclSyntaxError")<SyntaxProblem> {
  get said() {
    return syntaxMessage("ECL", this)
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}

/** A concept the expression names is not in the release (ECL treats this as an error, not an empty set). */
export class EclUnknownConcept extends Data.TaggedError("EclUnknownConcept")<{
  readonly id: string
  readonly position: number
}> {
  get said() {
    return message("ecl-unknown-concept", { id: this.id, position: this.position })
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}

/** Valid ECL that this release's index cannot answer (data it does not hold). */
export class EclUnsupported extends Data.TaggedError("EclUnsupported")<{
  readonly feature: string
  readonly position: number
}> {
  get said() {
    return message("ecl-unsupported", { feature: this.feature, position: this.position })
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}

/** Evaluation would take more work than allowed; the caller should narrow the expression. */
export class EclTooCostly extends Data.TaggedError("EclTooCostly")<{
  readonly limit: number
}> {
  get said() {
    return message("ecl-too-costly", { limit: this.limit })
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}

export type EclError = EclSyntaxError | EclUnknownConcept | EclUnsupported | EclTooCostly
