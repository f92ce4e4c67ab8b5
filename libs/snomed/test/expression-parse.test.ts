import { describe, expect, it } from "vitest"
import { say, sayInEnglish, type Message } from "@ffynnon/terminology"
import { Either } from "effect"
import { expressionCode, expressionConcept, isExpression, parseExpression, type SnomedExpression } from "../src/expression/Expression"

const parsed = (text: string): SnomedExpression => {
  const result = parseExpression(text)
  if (Either.isLeft(result)) throw new Error(`${text}: ${result.left.message}`)
  return result.right
}
/** The syntax error, what was expected and why said in English (they are catalogue messages). */
const failure = (text: string) => {
  const result = parseExpression(text)
  if (Either.isRight(result)) throw new Error(`${text} parsed`)
  const { _tag, position, found, message, expected, reason, said } = result.left
  const english = (value: string | Message) => (typeof value === "string" ? value : sayInEnglish(value))
  return { _tag, position, found, message, said, expected: expected.map(english), reason: reason && sayInEnglish(reason) }
}

describe("Compositional Grammar parsing", () => {
  it("reads focus concepts, ungrouped attributes and groups, with or without white space and terms", () => {
    const compact = parsed("128241005:{363698007=181268008}")
    expect(compact).toEqual({
      position: 0,
      focus: [{ _tag: "Concept", position: 0, id: "128241005" }],
      refinement: {
        attributes: [],
        groups: [
          {
            position: 10,
            attributes: [
              {
                position: 11,
                name: { _tag: "Concept", position: 11, id: "363698007" },
                value: { _tag: "Concept", position: 21, id: "181268008" }
              }
            ]
          }
        ]
      }
    })
    const spaced = parsed("  64572001 |Disease| : { 363698007 |Finding site| = 10200004 | Liver structure | }\n")
    expect(spaced.focus[0]).toEqual({ _tag: "Concept", position: 2, id: "64572001", term: "Disease" })
    expect(spaced.refinement.groups[0]!.attributes[0]!.value).toMatchObject({ id: "10200004", term: "Liver structure" })
    expect(expressionCode(spaced)).toBe("64572001:{363698007=10200004}")

    const mixed = parsed(
      "71388002 |Procedure| : 405815000 = 122865005, 260686004 = 129304002 { 405813007 = 15497006 }, { 405813007 = 31156008, 260686004 = 129304002 }"
    )
    expect(mixed.refinement.attributes.map((attribute) => attribute.name.id)).toEqual(["405815000", "260686004"])
    expect(mixed.refinement.groups.map((group) => group.attributes.map((attribute) => attribute.name.id))).toEqual([
      ["405813007"],
      ["405813007", "260686004"]
    ])
    expect(expressionCode(parsed("421720008 |Spray dose form| + 7946007 |Drug suspension|"))).toBe("421720008+7946007")
  })

  it("reads definition status, nested expressions and concrete values", () => {
    expect(parsed("=== 22298006").definitionStatus).toBe("equivalentTo")
    expect(parsed("<<<22298006:363698007=80891009").definitionStatus).toBe("subtypeOf")
    expect(parsed("22298006").definitionStatus).toBeUndefined()

    const nested = parsed(
      "397956004 |Prosthetic arthroplasty of hip| : 363700003 = ( 24136001 |Hip joint structure| : 272741003 = 7771000 )"
    )
    const value = nested.refinement.attributes[0]!.value
    expect(value._tag).toBe("Nested")
    if (value._tag === "Nested") expect(expressionCode(value.expression)).toBe("24136001:272741003=7771000")

    const text = `322236009 : 1142135004 = #500, 1142136003 = #-1.25, 1230370004 = "Tab \\"A\\" \\\\ 1", 859999999102 = TRUE, 859999999103 = false`
    const concrete = parsed(text)
    expect(concrete.refinement.attributes.map((attribute) => attribute.value)).toEqual([
      { _tag: "Number", position: text.indexOf("#500"), value: 500, text: "500" },
      { _tag: "Number", position: text.indexOf("#-1.25"), value: -1.25, text: "-1.25" },
      { _tag: "String", position: text.indexOf('"Tab'), value: 'Tab "A" \\ 1' },
      { _tag: "Boolean", position: text.indexOf("TRUE"), value: true },
      { _tag: "Boolean", position: text.indexOf("false"), value: false }
    ])
    expect(expressionCode(concrete)).toBe(
      `322236009:1142135004=#500,1142136003=#-1.25,1230370004="Tab \\"A\\" \\\\ 1",859999999102=true,859999999103=false`
    )
  })

  it("says where parsing stopped and what could have come there", () => {
    expect(failure("")).toMatchObject({
      _tag: "ExpressionSyntaxError",
      position: 0,
      expected: ["an SCTID (6 to 18 digits, not starting with 0)"]
    })
    expect(failure("12345:1=2").message).toBe(
      "Expression syntax error at 0: expected an SCTID (6 to 18 digits, not starting with 0), found '12345:1=2'"
    )
    expect(failure("0123456")).toMatchObject({ position: 0 })
    expect(failure("1234567890123456789")).toMatchObject({ position: 0 })
    expect(failure("128241005 128241005")).toMatchObject({ position: 10, expected: ["'+'", "':'", "the end"] })
    expect(failure("128241005:{363698007=181268008")).toMatchObject({ position: 30, expected: ["','", "'}'"], found: "" })
    expect(failure("128241005:363698007 181268008")).toMatchObject({ position: 20, expected: ["a |term|", "'='"] })
    expect(failure("128241005:363698007=")).toMatchObject({ position: 20, expected: expect.arrayContaining(["a concept id", "true"]) })
    expect(failure("128241005:363698007=#01")).toMatchObject({ position: 22, expected: ["','", "'{'", "the end"] })
    expect(failure("128241005:363698007=#x")).toMatchObject({ position: 21, expected: ["a number (such as 12, -3 or 1.5)"] })
    expect(failure('128241005:363698007="abc')).toMatchObject({ position: 24, expected: ["'\"' closing the string"] })
    expect(failure('128241005:363698007="a\\bc"')).toMatchObject({ position: 22 })
    expect(failure('128241005:363698007=""')).toMatchObject({ position: 20, reason: "a string value is not empty" })
    expect(failure("128241005 |Inflammatory disease")).toMatchObject({ position: 31, expected: ["'|' closing the term"] })
    expect(failure("128241005 || :363698007=181268008")).toMatchObject({ position: 11, expected: ["a term"] })
    expect(failure("128241005:{363698007=181268008}, 363698007=181268008")).toMatchObject({
      position: 33,
      expected: ["'{'"],
      reason: "ungrouped attributes come before attribute groups"
    })
    expect(failure("128241005:363698007=(181268008")).toMatchObject({ position: 30, expected: ["'+'", "':'", "')'"] })
    expect(failure("* : 363698007 = 181268008")).toMatchObject({ position: 0 })
  })

  it("says a syntax error in Welsh, what was expected and why included", () => {
    expect(say("cy", failure("128241005:363698007=#x").said)).toBe(
      "Gwall cystrawen mynegiad yn safle 21: disgwylid rhif (megis 12, -3 neu 1.5), ond cafwyd 'x'"
    )
    expect(say("cy", failure("128241005:{363698007=181268008}, 363698007=181268008").said)).toBe(
      "Gwall cystrawen mynegiad yn safle 33: daw priodoleddau heb grŵp cyn grwpiau priodoleddau; disgwylid '{', ond cafwyd '363698007=18'"
    )
  })

  it("refuses nesting deeper than it can read", () => {
    const depth = (levels: number) => `${"128241005:363698007=(".repeat(levels)}181268008${")".repeat(levels)}`
    expect(Either.isRight(parseExpression(depth(100)))).toBe(true)
    expect(failure(depth(101))).toMatchObject({ reason: "expression nested more than 100 deep" })
  })

  it("tells expressions from bare SCTIDs and single concepts", () => {
    expect(isExpression("22298006")).toBe(false)
    expect(isExpression("22298006 |Myocardial infarction|")).toBe(true)
    expect(isExpression("22298006:363698007=80891009")).toBe(true)
    expect(expressionConcept(parsed("22298006 |Myocardial infarction|"))).toBe("22298006")
    expect(expressionConcept(parsed("===22298006"))).toBe("22298006")
    expect(expressionConcept(parsed("<<<22298006"))).toBeUndefined()
    expect(expressionConcept(parsed("22298006+80891009"))).toBeUndefined()
    expect(expressionConcept(parsed("22298006:363698007=80891009"))).toBeUndefined()
  })
})
