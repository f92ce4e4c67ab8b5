/**
 * Regex filters (`regex` op) run on RE2's linear-time engine: a pattern such as `((a+)+)+` that
 * backtracks catastrophically in JavaScript's engine costs the same as any other here, so a
 * hostile value set cannot stall the server. FHIR regex filters match the whole value.
 */
import { Either } from "effect"
import { RE2JS, RE2JSSyntaxException } from "re2js"
import { message, type MessageKey, type MessageValue } from "./messages"
import { filterError, type FilterError } from "./provider"

export interface CompiledRegex {
  test(value: string): boolean
}

/** RE2JS's fixed syntax error descriptions (its parser's `ERR_` texts), by their catalogue keys. */
const descriptions: Readonly<Record<string, MessageKey>> = {
  "regexp/syntax: internal error": "regex-internal-error",
  "invalid character class range": "regex-invalid-char-range",
  "invalid escape sequence": "regex-invalid-escape",
  "invalid named capture": "regex-invalid-named-capture",
  "invalid or unsupported Perl syntax": "regex-invalid-perl-op",
  "invalid nested repetition operator": "regex-invalid-repeat-op",
  "invalid repeat count": "regex-invalid-repeat-size",
  "missing closing ]": "regex-missing-bracket",
  "missing closing )": "regex-missing-paren",
  "missing argument to repetition operator": "regex-missing-repeat-argument",
  "trailing backslash at end of expression": "regex-trailing-backslash",
  "duplicate capture group name": "regex-duplicate-named-capture",
  "unexpected )": "regex-unexpected-paren",
  "expression nests too deeply": "regex-nesting-depth",
  "expression too large": "regex-large",
  "invalid capture in lookbehind": "regex-invalid-capture-in-lookbehind"
}

/** The library's reason in the catalogues' words (as its own message reads in English); another error as the library says it. */
const problemOf = (error: unknown): MessageValue => {
  if (!(error instanceof RE2JSSyntaxException)) return error instanceof Error ? error.message : String(error)
  const key = descriptions[error.error]
  if (key === undefined) return error.message
  const description = message(key)
  return error.input
    ? message("regex-syntax-problem", { description, fragment: error.input })
    : message("regex-syntax-problem-whole", { description })
}

export const compileRegex = (pattern: string): Either.Either<CompiledRegex, FilterError> => {
  try {
    const compiled = RE2JS.compile(pattern)
    return Either.right({ test: (value) => compiled.matches(value) })
  } catch (error) {
    return Either.left(filterError("invalid", message("regex-invalid", { pattern, problem: problemOf(error) })))
  }
}
