/** A regex filter's syntax errors: the library's reason in the catalogues, its English word for word. */
import { Either } from "effect"
import { RE2JS } from "re2js"
import { describe, expect, it } from "vitest"
import { compileRegex } from "../src/regex"
import { say } from "../src/index"

const failure = (pattern: string) => {
  const compiled = compileRegex(pattern)
  if (Either.isRight(compiled)) throw new Error(`'${pattern}' compiled`)
  return compiled.left
}

const libraryReason = (pattern: string) => {
  try {
    RE2JS.compile(pattern)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`'${pattern}' compiled`)
}

describe("regex filters", () => {
  it("say the library's reason in English as the library does, for each kind of syntax error", () => {
    for (const pattern of [
      "(abc",
      "abc)",
      "[abc",
      "a**",
      "*a",
      "a{1001}",
      "\\",
      "\\q",
      "(?P<a>x)(?P<a>y)",
      "[z-a]",
      "(?i",
      "(".repeat(1200)
    ]) {
      expect(failure(pattern).message).toBe(`The regex '${pattern}' is not valid: ${libraryReason(pattern)}`)
    }
  })

  it("say it in Welsh, the library's fragment as it is", () => {
    expect(say("cy", failure("(abc").said)).toBe(
      "Nid yw'r mynegiad rheolaidd '(abc' yn ddilys: gwall wrth ddosrannu: ')' cau ar goll: `(abc`"
    )
    expect(say("cy", failure("\\").said)).toBe(
      "Nid yw'r mynegiad rheolaidd '\\' yn ddilys: gwall wrth ddosrannu: ôl-slaes ar ddiwedd y mynegiad"
    )
  })
})
