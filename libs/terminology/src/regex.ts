/**
 * Regex filters (`regex` op) run on RE2's linear-time engine: a pattern such as `((a+)+)+` that
 * backtracks catastrophically in JavaScript's engine costs the same as any other here, so a
 * hostile value set cannot stall the server. FHIR regex filters match the whole value.
 */
import { Either } from "effect"
import { RE2JS } from "re2js"
import { message } from "./messages"
import { filterError, type FilterError } from "./provider"

export interface CompiledRegex {
  test(value: string): boolean
}

export const compileRegex = (pattern: string): Either.Either<CompiledRegex, FilterError> => {
  try {
    const compiled = RE2JS.compile(pattern)
    return Either.right({ test: (value) => compiled.matches(value) })
  } catch (error) {
    return Either.left(
      filterError("invalid", message("regex-invalid", { pattern, problem: error instanceof Error ? error.message : String(error) }))
    )
  }
}
