/** The ways an expression can fail to be read. */
import { Data } from "effect"

const describeFound = (found: string) => (found === "" ? "end of input" : `'${found}'`)
const alternatives = (items: ReadonlyArray<string>) =>
  items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`

/** The text is not Compositional Grammar: `position` is the 0-based offset where parsing stopped, `expected` what could have come there. */
export class ExpressionSyntaxError extends Data.TaggedError("ExpressionSyntaxError")<{
  readonly text: string
  readonly position: number
  readonly expected: ReadonlyArray<string>
  /** What was there instead (a few characters), "" at the end. */
  readonly found: string
  /** A more specific explanation, when there is one (nesting too deep). */
  readonly reason?: string
}> {
  override get message() {
    const expected = this.expected.length > 0 ? `expected ${alternatives(this.expected)}` : ""
    const detail = [this.reason, expected].filter((part) => part !== undefined && part !== "").join("; ")
    return `Expression syntax error at ${this.position}: ${detail}, found ${describeFound(this.found)}`
  }
}
