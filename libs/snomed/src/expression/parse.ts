/**
 * A recursive-descent parser for SNOMED CT Compositional Grammar 2.4
 * (https://confluence.ihtsdotools.org/display/DOCSCG/5.1+Normative+Specification): it reads the
 * text once, left to right, with one character of lookahead. Terms between pipes are kept but
 * not checked (they do not change the meaning); white space is allowed around every token.
 */
import { Either } from "effect"
import type { Attribute, AttributeGroup, AttributeValue, ConceptReference, Refinement, SnomedExpression, SubExpression } from "./ast"
import { message, type Message } from "@ffynnon/terminology"
import { ExpressionSyntaxError } from "./errors"
import {
  expectedConceptId,
  expectedEnd,
  expectedHashNumber,
  expectedSctId,
  expectedTerm,
  nestedDeeperThan,
  problemAt,
  type SyntaxProblem
} from "../grammar"

/** Bracketed values nested deeper than this are refused: everything that reads them recurses as deep. */
const maxNesting = 100

const valueExpected = [
  expectedConceptId,
  message("expression-expected-nested"),
  expectedHashNumber,
  message("expression-expected-quoted-string"),
  "true",
  "false"
]
const number = /[-+]?(?:0|[1-9]\d*)(?:\.\d+)?/y

const isDigit = (char: string | undefined) => char !== undefined && char >= "0" && char <= "9"

class Parser {
  pos = 0
  private depth = 0

  constructor(readonly text: string) {}

  fail(expected: SyntaxProblem["expected"], at = this.pos, reason?: Message): never {
    throw new ExpressionSyntaxError(problemAt(this.text, at, expected, reason))
  }

  private peek(): string | undefined {
    return this.text[this.pos]
  }

  private expect(literal: string, expected: SyntaxProblem["expected"]) {
    if (!this.text.startsWith(literal, this.pos)) this.fail(expected)
    this.pos += literal.length
  }

  private ws() {
    for (let char = this.peek(); char === " " || char === "\t" || char === "\r" || char === "\n"; char = this.peek()) this.pos++
  }

  /** Skips white space when `char` follows it; otherwise leaves the position where it was. */
  private ahead(char: string) {
    const before = this.pos
    this.ws()
    if (this.peek() === char) return true
    this.pos = before
    return false
  }

  expression(): SnomedExpression {
    this.ws()
    let definitionStatus: SnomedExpression["definitionStatus"]
    if (this.text.startsWith("===", this.pos)) definitionStatus = "equivalentTo"
    else if (this.text.startsWith("<<<", this.pos)) definitionStatus = "subtypeOf"
    if (definitionStatus !== undefined) {
      this.pos += 3
      this.ws()
    }
    const expression = this.subExpression()
    this.ws()
    if (this.pos !== this.text.length) this.fail([...follow(expression), expectedEnd])
    return definitionStatus === undefined ? expression : { ...expression, definitionStatus }
  }

  private subExpression(): SubExpression {
    const position = this.pos
    const focus = [this.conceptReference()]
    while (this.ahead("+")) {
      this.pos++
      this.ws()
      focus.push(this.conceptReference())
    }
    let refinement: Refinement = { attributes: [], groups: [] }
    if (this.ahead(":")) {
      this.pos++
      this.ws()
      refinement = this.refinement()
    }
    return { position, focus, refinement }
  }

  /** Ungrouped attributes (comma-separated), then groups (optionally comma-separated): the grammar's order. */
  private refinement(): Refinement {
    const attributes: Array<Attribute> = []
    const groups: Array<AttributeGroup> = []
    if (this.peek() === "{") groups.push(this.group())
    else {
      attributes.push(this.attribute())
      while (this.ahead(",")) {
        this.pos++
        this.ws()
        if (this.peek() === "{") break
        attributes.push(this.attribute())
      }
    }
    for (;;) {
      if (this.peek() !== "{") {
        if (!this.ahead(",") && !this.ahead("{")) break
        if (this.peek() === ",") {
          this.pos++
          this.ws()
          if (this.peek() !== "{") {
            this.fail(["'{'"], this.pos, isDigit(this.peek()) ? message("expression-reason-groups-last") : undefined)
          }
        }
      }
      groups.push(this.group())
    }
    return { attributes, groups }
  }

  private group(): AttributeGroup {
    const position = this.pos
    this.pos++
    this.ws()
    const attributes = [this.attribute()]
    while (this.ahead(",")) {
      this.pos++
      this.ws()
      attributes.push(this.attribute())
    }
    this.ws()
    this.expect("}", ["','", "'}'"])
    return { position, attributes }
  }

  private attribute(): Attribute {
    const position = this.pos
    const name = this.conceptReference()
    this.ws()
    this.expect("=", name.term === undefined ? [message("expression-expected-bar-term"), "'='"] : ["'='"])
    this.ws()
    return { position, name, value: this.attributeValue() }
  }

  private attributeValue(): AttributeValue {
    const position = this.pos
    const char = this.peek()
    if (isDigit(char)) return this.conceptReference()
    if (char === "(") {
      if (++this.depth > maxNesting) this.fail([], position, nestedDeeperThan(maxNesting))
      this.pos++
      this.ws()
      const expression = this.subExpression()
      this.ws()
      this.expect(")", [...follow(expression), "')'"])
      this.depth--
      return { _tag: "Nested", position, expression }
    }
    if (char === "#") {
      number.lastIndex = ++this.pos
      const text = number.exec(this.text)?.[0]
      if (text === undefined) this.fail([message("expression-expected-number")])
      this.pos += text.length
      return { _tag: "Number", position, value: Number(text), text }
    }
    if (char === '"') return this.string()
    for (const [word, value] of [
      ["true", true],
      ["false", false]
    ] as const) {
      if (this.text.slice(this.pos, this.pos + word.length).toLowerCase() === word) {
        this.pos += word.length
        return { _tag: "Boolean", position, value }
      }
    }
    return this.fail(valueExpected)
  }

  private string(): AttributeValue {
    const position = this.pos++
    let value = ""
    for (;;) {
      const char = this.peek()
      if (char === undefined) this.fail([message("expression-expected-string-closed")])
      if (char === '"') break
      if (char === "\\") {
        const escaped = this.text[this.pos + 1]
        if (escaped !== '"' && escaped !== "\\") this.fail([message("expression-expected-escapes")])
        value += escaped
        this.pos += 2
      } else {
        value += char
        this.pos++
      }
    }
    if (value === "") this.fail([], position, message("expression-reason-empty-string"))
    this.pos++
    return { _tag: "String", position, value }
  }

  private conceptReference(): ConceptReference {
    const position = this.pos
    while (isDigit(this.peek())) this.pos++
    const id = this.text.slice(position, this.pos)
    if (!/^[1-9]\d{5,17}$/.test(id)) this.fail([expectedSctId], position)
    if (!this.ahead("|")) return { _tag: "Concept", position, id }
    const end = this.text.indexOf("|", this.pos + 1)
    if (end === -1) this.fail([message("expression-expected-term-closed")], this.text.length)
    const term = this.text.slice(this.pos + 1, end).trim()
    if (term === "") this.fail([expectedTerm], this.pos + 1)
    this.pos = end + 1
    return { _tag: "Concept", position, id, term }
  }
}

/** What may follow a complete sub-expression, for error messages. */
const follow = (expression: SubExpression) => {
  const { attributes, groups } = expression.refinement
  return attributes.length === 0 && groups.length === 0 ? ["'+'", "':'"] : ["','", "'{'"]
}

/** Parses a Compositional Grammar expression; a failure says where and what was expected. */
export const parseExpression = (text: string): Either.Either<SnomedExpression, ExpressionSyntaxError> => {
  const parser = new Parser(text)
  try {
    return Either.right(parser.expression())
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return Either.left(error)
    throw error
  }
}

/** True for any code that is not a bare SCTID (digits only): such codes are read as expressions. */
export const isExpression = (code: string) => !/^\d+$/.test(code)

/**
 * The concept an expression names when it is just one concept (`64572001 |Disease|`, `===64572001`),
 * which callers treat as that concept; undefined for anything more (`<<<` makes even one concept
 * a subtype of it).
 */
export const expressionConcept = (expression: SnomedExpression): string | undefined =>
  expression.focus.length === 1 &&
  expression.refinement.attributes.length === 0 &&
  expression.refinement.groups.length === 0 &&
  expression.definitionStatus !== "subtypeOf"
    ? expression.focus[0]!.id
    : undefined
