/** The ways an expression can fail to be read. */
import { message, sayInEnglish } from "@ffynnon/terminology"
import { Data } from "effect"
import { syntaxMessage, type SyntaxProblem } from "../grammar"

/** The text is not Compositional Grammar: `position` is the 0-based offset where parsing stopped, `expected` what could have come there. */
export class ExpressionSyntaxError extends Data.TaggedError("ExpressionSyntaxError")<SyntaxProblem> {
  get said() {
    return syntaxMessage(message("syntax-grammar-expression"), this)
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}
