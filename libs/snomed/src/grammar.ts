/** What SNOMED CT's two text grammars (ECL and Compositional Grammar) share: how a syntax error reads. */

/** Where parsing stopped and what could have come there. */
export interface SyntaxProblem {
  readonly text: string
  /** The 0-based offset where parsing stopped. */
  readonly position: number
  readonly expected: ReadonlyArray<string>
  /** What was there instead (a few characters), "" at the end. */
  readonly found: string
  /** A more specific explanation, when there is one (mixed operators, nesting too deep). */
  readonly reason?: string
}

const alternatives = (items: ReadonlyArray<string>) =>
  items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`

/** `<grammar> syntax error at <position>: <reason>; expected …, found '…'`. */
export const syntaxMessage = (grammar: string, problem: SyntaxProblem) => {
  const expected = problem.expected.length > 0 ? `expected ${alternatives(problem.expected)}` : ""
  const detail = [problem.reason, expected].filter((part) => part !== undefined && part !== "").join("; ")
  return `${grammar} syntax error at ${problem.position}: ${detail}, found ${problem.found === "" ? "end of input" : `'${problem.found}'`}`
}

/** The problem at `at` in `text`: the next word (up to 12 characters) as what was found. */
export const problemAt = (text: string, at: number, expected: ReadonlyArray<string>, reason?: string): SyntaxProblem => {
  const rest = text.slice(at)
  const found = rest.length === 0 ? "" : (/^\S{1,12}/.exec(rest)?.[0] ?? rest.slice(0, 1))
  return { text, position: at, expected, found, ...(reason === undefined ? {} : { reason }) }
}
