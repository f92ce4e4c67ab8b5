import { describe, expect, it } from "@effect/vitest"
import { say, sayInEnglish, type Message } from "@ffynnon/terminology"
import { Either } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type { EclAst, EclExpression } from "../src/ecl/Ecl"
import { maxEclNesting, parseEcl } from "../src/ecl/Ecl"
import { sharedFolder } from "./sample"

const examplesFolder = join(sharedFolder, "fixtures", "ecl", "examples")
if (!existsSync(examplesFolder)) console.warn(`${examplesFolder} is absent: the official ECL examples are not parsed.`)

const parsed = (text: string): EclExpression => {
  const result = parseEcl(text)
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

/** The syntax error, what was expected and why said in English (they are catalogue messages). */
const failure = (text: string) => {
  const result = parseEcl(text)
  if (Either.isRight(result)) throw new Error(`'${text}' parsed`)
  const { _tag, position, found, message, expected, reason, said } = result.left
  const english = (value: string | Message) => (typeof value === "string" ? value : sayInEnglish(value))
  return { _tag, position, found, message, said, expected: expected.map(english), reason: reason && sayInEnglish(reason) }
}

describe("ECL parser", () => {
  it.skipIf(!existsSync(examplesFolder))("parses every official ECL 2.2 example", () => {
    const files = readdirSync(examplesFolder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    expect(files.length).toBe(121)
    for (const file of files) {
      const result = parseEcl(readFileSync(join(file.parentPath, file.name), "utf8"))
      expect(Either.isRight(result) ? "parsed" : `${file.name}: ${result.left.message}`).toBe("parsed")
    }
  })

  it("builds the tree of a refinement with groups, cardinality, reverse attributes and concrete values", () => {
    const expression = parsed(`< 404684003 |Clinical finding| :
      [1..1] { 363698007 |Finding site| = << 39057004, 116676008 != 415582006 },
      R 127489000 = *, 1142135004 >= #-2.5, 111115 = ("PANADOL" wild:"PANA*"), 859999999102 = TRUE`)
    expect(expression).toMatchObject({
      _tag: "Refined",
      focus: { _tag: "Sub", operator: "descendantOf", focus: { _tag: "Concept", id: "404684003", term: "Clinical finding" } },
      refinement: {
        _tag: "RefinementSet",
        operator: "and",
        operands: [
          {
            _tag: "Group",
            cardinality: { min: 1, max: 1 },
            attributes: {
              _tag: "RefinementSet",
              operands: [
                { _tag: "Attribute", reverse: false, comparison: { _tag: "ExpressionComparison", operator: "=" } },
                { _tag: "Attribute", comparison: { _tag: "ExpressionComparison", operator: "!=" } }
              ]
            }
          },
          { _tag: "Attribute", reverse: true, comparison: { value: { focus: { _tag: "Wildcard" } } } },
          { _tag: "Attribute", comparison: { _tag: "NumericComparison", operator: ">=", value: -2.5 } },
          {
            _tag: "Attribute",
            comparison: {
              _tag: "StringComparison",
              values: [
                { _tag: "Match", text: "PANADOL" },
                { _tag: "Wild", segments: ["PANA", ""] }
              ]
            }
          },
          { _tag: "Attribute", comparison: { _tag: "BooleanComparison", value: true } }
        ]
      }
    })
  })

  it("tells a bracketed attribute name from a bracketed refinement", () => {
    const name = parsed("<< 125605004 : [0..0] ( << 410662002 MINUS 363698007 ) = *")
    expect(name).toMatchObject({ refinement: { _tag: "Attribute", name: { focus: { _tag: "Nested" } } } })
    const nested = parsed("< 404684003 : ( 363698007 = << 39057004 |x (y)| AND 116676008 = * ) OR 42752001 = *")
    expect(nested).toMatchObject({ refinement: { _tag: "RefinementSet", operator: "or", operands: [{ _tag: "RefinementSet" }, {}] } })
  })

  it("reads filters, member fields, history supplements and the ECL 2.3 additions", () => {
    const expression = parsed(
      `^ [targetComponentId, mapTarget] 447562003 {{ M mapGroup != #2, mapTarget = wild:"J*", active = 1 }}
       {{ D term = ("heart" match:"card"), language = (en sv), type = (syn fsn), dialect = (en-gb (prefer) en-nhs-clinical) }}
       {{ C definitionStatus = primitive, effectiveTime >= "20190731", active = * }} {{ + HISTORY-MOD }}`
    ) as EclAst.SubExpression
    expect(expression.memberOf).toEqual({ position: 0, containingAny: false, fields: ["targetComponentId", "mapTarget"] })
    expect(expression.memberFilters[0]!.map((filter) => filter._tag)).toEqual(["Field", "Field", "Active"])
    expect(expression.filters.map((block) => block._tag)).toEqual(["DescriptionFilters", "ConceptFilters"])
    expect(expression.filters[0]).toMatchObject({
      filters: [
        {
          _tag: "Term",
          terms: [
            { _tag: "Match", text: "heart" },
            { _tag: "Match", text: "card" }
          ]
        },
        { _tag: "Language", codes: ["en", "sv"] },
        { _tag: "Type", types: { _tag: "Tokens", tokens: ["syn", "fsn"] } },
        {
          _tag: "Dialect",
          dialects: [
            { dialect: { alias: "en-gb" }, acceptability: { _tag: "Tokens", tokens: ["preferred"] } },
            { dialect: { alias: "en-nhs-clinical" } }
          ]
        }
      ]
    })
    expect(expression.filters[1]).toMatchObject({ filters: [{}, { _tag: "EffectiveTime", times: ["20190731"] }, { value: "*" }] })
    expect(expression.history).toMatchObject({ profile: "mod" })
    expect(parsed("^R 404684003")).toMatchObject({ memberOf: { containingAny: true } })
    expect(parsed("<< 195967001 {{ + HISTORY (900000000000527005 OR 900000000000526001) }}")).toMatchObject({
      history: { profile: { _tag: "Subset", expression: { _tag: "Compound", operator: "or" } } }
    })
  })

  it("takes comments and white space anywhere white space may be", () => {
    expect(parsed("/* a */ << /* b */ 73211009 /* c */ |Diabetes| /* d */ AND /* e */ ^ 21000230108")).toMatchObject({
      _tag: "Compound",
      operator: "and"
    })
  })

  it("answers a syntax error with its position and what could have come there", () => {
    expect(failure("<< abc")).toMatchObject({ position: 3, found: "abc" })
    expect(failure("<< abc").message).toBe(
      "ECL syntax error at 3: expected a concept id, '*', '(' or an alternate identifier (scheme#code), found 'abc'"
    )
    expect(failure("<<")).toMatchObject({ position: 2, found: "" })
    expect(failure("< 404684003 :")).toMatchObject({ position: 13 })
    expect(failure("< 404684003 : 363698007 ~ 1234567").expected).toEqual(["a comparison operator (=, !=, <, <=, >, >=)"])
    expect(failure("(< 404684003").expected).toContain("')'")
    expect(failure("< 12345").expected).toEqual(["an SCTID (6 to 18 digits, not starting with 0)"])
    expect(failure('< 404684003 {{ term = "heart }}').message).toMatch(/closing the term/)
    expect(failure("< 404684003 /* open").position).toBe(19)
    expect(failure('< 404684003 {{ C effectiveTime = "20191331" }}').expected).toEqual(["a date as yyyymmdd"])
  })

  it("says a syntax error in Welsh, what was expected and why included", () => {
    expect(say("cy", failure("< 404684003 |Clinical finding").said)).toBe(
      "Gwall cystrawen ECL yn safle 13: disgwylid term wedi'i gau gan '|', ond cafwyd 'Clinical'"
    )
    expect(say("cy", failure("<< 19829001 AND << 301867009 OR << 195967001").said)).toBe(
      "Gwall cystrawen ECL yn safle 29: mae cymysgu AND, OR a MINUS yn gofyn am gromfachau, ond cafwyd 'OR'"
    )
    expect(say("cy", failure("< 404684003 : [2..1] 363698007 = *").said)).toBe(
      "Gwall cystrawen ECL yn safle 14: mae isafswm y cardinaledd, 2, yn uwch na'i uchafswm, 1, ond cafwyd '[2..1]'"
    )
    expect(say("cy", failure("< 404684003 {{ D dialect = en-gb (xyz) }}").said)).toBe(
      "Gwall cystrawen ECL yn safle 34: disgwylid accept neu prefer, ond cafwyd 'xyz)'"
    )
  })

  it("refuses AND mixed with OR, chained MINUS and bad cardinalities, pointing at the offender", () => {
    expect(failure("<< 19829001 AND << 301867009 OR << 195967001")).toMatchObject({
      position: 29,
      reason: expect.stringMatching(/brackets/)
    })
    expect(failure("<< 19829001 , << 301867009 OR << 195967001").position).toBe(27)
    expect(failure("<< 19829001 MINUS << 301867009 MINUS 195967001").position).toBe(31)
    expect(failure("< 404684003 : 363698007 = * , 116676008 = * OR 42752001 = *").position).toBe(44)
    expect(failure("< 404684003 : [2..1] 363698007 = *")).toMatchObject({ position: 14, reason: expect.stringMatching(/minimum 2/) })
    expect(failure("< 404684003 : { { 363698007 = * } }").reason).toMatch(/do not nest/)
    expect(failure("< 404684003 : 363698007 < 39057004").expected).toEqual(["'#' and a number"])
  })

  it("refuses nesting beyond the limit instead of exhausting the stack", () => {
    const deep = `${"(".repeat(5_000)}<< 404684003${")".repeat(5_000)}`
    expect(failure(deep)).toMatchObject({ position: maxEclNesting, reason: expect.stringMatching(/nested/) })
    const allowed = `${"(".repeat(maxEclNesting)}<< 404684003${")".repeat(maxEclNesting)}`
    expect(Either.isRight(parseEcl(allowed))).toBe(true)
  })
})
