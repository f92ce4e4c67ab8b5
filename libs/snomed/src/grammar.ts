/** What SNOMED CT's two text grammars (ECL and Compositional Grammar) share: how a syntax error reads. */
import { alternatives, message, type Message, type MessageValue } from "@ffynnon/terminology"

/** Where parsing stopped and what could have come there. */
export interface SyntaxProblem {
  readonly text: string
  /** The 0-based offset where parsing stopped. */
  readonly position: number
  /** Literal tokens (`'|'`, the same in every language) and catalogued descriptions (a term closed by '|'). */
  readonly expected: ReadonlyArray<string | Message>
  /** What was there instead (a few characters), "" at the end. */
  readonly found: string
  /** A more specific explanation, when there is one (mixed operators, nesting too deep). */
  readonly reason?: Message
}

/** `<grammar> syntax error at <position>: <reason>; expected …, found '…'`, every word of it from the catalogues. */
export const syntaxMessage = (grammar: MessageValue, problem: SyntaxProblem): Message => {
  const expected = problem.expected.length > 0 ? message("syntax-expected", { expected: alternatives(problem.expected) }) : undefined
  const detail =
    problem.reason !== undefined && expected !== undefined
      ? message("syntax-reason-expected", { reason: problem.reason, expected })
      : (problem.reason ?? expected ?? "")
  const found = problem.found === "" ? message("syntax-found-end") : message("syntax-found", { found: problem.found })
  return message("syntax-error", { grammar, position: problem.position, detail, found })
}

/** The problem at `at` in `text`: the next word (up to 12 characters) as what was found. */
export const problemAt = (text: string, at: number, expected: SyntaxProblem["expected"], reason?: Message): SyntaxProblem => {
  const rest = text.slice(at)
  const found = rest.length === 0 ? "" : (/^\S{1,12}/.exec(rest)?.[0] ?? rest.slice(0, 1))
  return { text, position: at, expected, found, ...(reason === undefined ? {} : { reason }) }
}

/** Descriptions both grammars expect. */
export const expectedEnd = message("syntax-expected-end")
export const expectedConceptId = message("syntax-expected-concept-id")
export const expectedSctId = message("syntax-expected-sctid", { min: 6, max: 18 })
export const expectedTerm = message("syntax-expected-term")
export const expectedHashNumber = message("syntax-expected-hash-number")
export const nestedDeeperThan = (max: number) => message("syntax-reason-nested-deeper", { max })
