/**
 * A recursive-descent parser for ECL 2.2 (`../shared/fixtures/ecl/ECL-2.2.g4` and its ABNF),
 * with the ECL 2.3 additions `^R` (reference sets containing any of the concepts) and
 * `active = *`. It reads the text once, left to right; the two places where the grammar needs
 * more than one character of lookahead (`(` opening a nested refinement or a bracketed attribute
 * name; `(` opening a concept-id set or a sub-expression in filters) are decided by a bounded scan.
 *
 * Where the grammar is silent the parser is strict the way the specification's prose is:
 * AND and OR (or `,`) are not mixed without brackets, MINUS takes exactly two operands, and a
 * cardinality's minimum may not exceed its maximum. Keywords are case-insensitive (ABNF strings
 * are), and need only a word boundary after them.
 */
import { Either } from "effect"
import type {
  Acceptability,
  AcceptabilitySet,
  Attribute,
  AttributeGroup,
  Cardinality,
  Comparison,
  ConceptFilter,
  ConceptReference,
  ConceptSetValue,
  DescriptionFilter,
  Dialect,
  EclExpression,
  Equality,
  FilterBlock,
  Focus,
  HierarchyOperator,
  HistorySupplement,
  MemberFilter,
  MemberOf,
  NumericOperator,
  Refinement,
  SearchTerm,
  SubExpression,
  TimeComparison
} from "./ast"
import { alternatives, message, type Message } from "@ffynnon/terminology"
import { EclSyntaxError } from "./errors"
import { expectedEnd, expectedHashNumber, expectedSctId, expectedTerm, nestedDeeperThan, problemAt, type SyntaxProblem } from "../grammar"

/** Brackets, filter blocks and nested values deeper than this are refused: evaluation recurses as deep. */
export const maxEclNesting = 100

const hierarchyOperators: ReadonlyArray<readonly [string, HierarchyOperator]> = [
  ["<<!", "childOrSelfOf"],
  ["<<", "descendantOrSelfOf"],
  ["<!", "childOf"],
  ["<", "descendantOf"],
  [">>!", "parentOrSelfOf"],
  [">>", "ancestorOrSelfOf"],
  [">!", "parentOf"],
  [">", "ancestorOf"],
  ["!!>", "top"],
  ["!!<", "bottom"]
]

const comparisonOperators: ReadonlyArray<NumericOperator> = ["!=", "<=", ">=", "=", "<", ">"]

const isDigit = (char: string | undefined) => char !== undefined && char >= "0" && char <= "9"
const isAlpha = (char: string | undefined) => char !== undefined && ((char >= "a" && char <= "z") || (char >= "A" && char <= "Z"))
const isWordChar = (char: string | undefined) => isAlpha(char) || isDigit(char)

const anotherAttribute = message("ecl-expected-another-attribute")
// Whole lists in one message, so that Welsh mutates the description after "neu" (ddynodydd).
const focusExpected = message("ecl-expected-focus")
const constraintExpected = message("ecl-expected-constraint")
const alternateIdentifierClosed = message("ecl-expected-alternate-identifier-closed")
const identifierCode = message("ecl-expected-identifier-code")
const activeValue = alternatives(["1", "0", "true", "false", "'*'"])
const descriptionFilters = ["term", "language", "type", "typeId", "dialect", "dialectId", "moduleId", "effectiveTime", "active", "id"]
const conceptFilters = ["definitionStatus", "definitionStatusId", "moduleId", "effectiveTime", "active"]

class Parser {
  pos = 0
  private depth = 0

  constructor(readonly text: string) {}

  fail(expected: SyntaxProblem["expected"], at = this.pos, reason?: Message): never {
    throw new EclSyntaxError(problemAt(this.text, at, expected, reason))
  }

  /** The current character (a method, so that checks on it do not narrow its type for later ones). */
  private peek(): string | undefined {
    return this.text[this.pos]
  }

  private startsWith(literal: string, at = this.pos) {
    return this.text.startsWith(literal, at)
  }

  private expect(literal: string, expected: SyntaxProblem["expected"] = [`'${literal}'`]) {
    if (!this.startsWith(literal)) this.fail(expected)
    this.pos += literal.length
  }

  /** Optional white space and comments. */
  ws() {
    for (;;) {
      const char = this.peek()
      if (char === " " || char === "\t" || char === "\r" || char === "\n") this.pos++
      else if (this.startsWith("/*")) {
        const end = this.text.indexOf("*/", this.pos + 2)
        if (end === -1) this.fail([message("ecl-expected-comment-closed")], this.text.length)
        this.pos = end + 2
      } else return
    }
  }

  /** A case-insensitive keyword followed by a word boundary, consumed when present. */
  private keyword(word: string) {
    if (this.text.slice(this.pos, this.pos + word.length).toLowerCase() !== word.toLowerCase()) return false
    if (isWordChar(this.text[this.pos + word.length])) return false
    this.pos += word.length
    return true
  }

  private keywordAhead(word: string) {
    const at = this.pos
    const found = this.keyword(word)
    this.pos = at
    return found
  }

  /** The first of `words` present here (list longer words before their prefixes). */
  private oneOf<const W extends string>(words: ReadonlyArray<W>): W | undefined {
    return words.find((word) => this.keyword(word))
  }

  private enter(at: number) {
    if (++this.depth > maxEclNesting) this.fail([], at, nestedDeeperThan(maxEclNesting))
  }

  private leave() {
    this.depth--
  }

  /** True when an alternate identifier (`scheme#code`) starts at `at`. */
  private alternateIdentifierAt(at: number) {
    return /^"?[A-Za-z][A-Za-z0-9-]*#/.test(this.text.slice(at, at + 64))
  }

  // Expression constraints

  expressionConstraint(closing: string | undefined): EclExpression {
    this.ws()
    const start = this.pos
    const first = this.subExpression()
    this.ws()
    let expression: EclExpression = first
    let follow: Array<string | Message>
    if (this.peek() === ":") {
      this.pos++
      this.ws()
      expression = { _tag: "Refined", position: start, focus: first, refinement: this.refinement(false) }
      follow = [anotherAttribute]
    } else if (this.peek() === ".") {
      const attributes: Array<SubExpression> = []
      while (this.peek() === ".") {
        this.pos++
        this.ws()
        attributes.push(this.subExpression())
        this.ws()
      }
      expression = { _tag: "Dotted", position: start, focus: first, attributes }
      follow = [message("ecl-expected-dot-attribute")]
    } else {
      const operator = this.binaryOperator()
      if (operator !== undefined) {
        const operands = [first]
        for (;;) {
          this.ws()
          operands.push(this.subExpression())
          this.ws()
          const next = this.pos
          const another = this.binaryOperator()
          if (another === undefined) break
          if (another !== operator || operator === "minus") {
            this.fail([], next, message(operator === "minus" ? "ecl-reason-minus-two-operands" : "ecl-reason-mixed-and-or-minus"))
          }
        }
        expression = { _tag: "Compound", position: start, operator, operands }
        follow = operator === "minus" ? [] : [operator === "and" ? "'AND'" : "'OR'"]
      } else follow = ["':'", "'AND'", "'OR'", "'MINUS'", "'.'"]
    }
    this.ws()
    const atEnd = closing === undefined ? this.pos === this.text.length : this.peek() === closing
    if (!atEnd) this.fail([...follow, closing === undefined ? expectedEnd : `'${closing}'`])
    return expression
  }

  private binaryOperator(): "and" | "or" | "minus" | undefined {
    if (this.peek() === ",") {
      this.pos++
      return "and"
    }
    if (this.keyword("AND")) return "and"
    if (this.keyword("OR")) return "or"
    if (this.keyword("MINUS")) return "minus"
    return undefined
  }

  subExpression(): SubExpression {
    const start = this.pos
    const operator = hierarchyOperators.find(([symbol]) => this.startsWith(symbol))
    if (operator !== undefined) {
      this.pos += operator[0].length
      this.ws()
    }
    const memberOf = this.memberOf()
    const focus = this.focus(operator === undefined && memberOf === undefined)
    const memberFilters: Array<ReadonlyArray<MemberFilter>> = []
    const filters: Array<FilterBlock> = []
    let history: HistorySupplement | undefined
    for (;;) {
      const before = this.pos
      this.ws()
      if (!this.startsWith("{{")) {
        this.pos = before
        break
      }
      const blockStart = this.pos
      this.enter(blockStart)
      this.pos += 2
      this.ws()
      const letter = this.peek()?.toLowerCase()
      const marker = !isAlpha(this.text[this.pos + 1])
      if (this.peek() === "+") {
        history = this.history(blockStart)
        this.leave()
        break
      } else if (letter === "m" && marker) {
        if (filters.length > 0) this.fail([], blockStart, message("ecl-reason-member-filters-first"))
        this.pos++
        memberFilters.push(this.filterList(() => this.memberFilter()))
      } else if (letter === "c" && marker) {
        this.pos++
        filters.push({ _tag: "ConceptFilters", position: blockStart, filters: this.filterList(() => this.conceptFilter()) })
      } else {
        if (letter === "d" && marker) this.pos++
        filters.push({ _tag: "DescriptionFilters", position: blockStart, filters: this.filterList(() => this.descriptionFilter()) })
      }
      this.leave()
    }
    return {
      _tag: "Sub",
      position: start,
      ...(operator === undefined ? {} : { operator: operator[1] }),
      ...(memberOf === undefined ? {} : { memberOf }),
      focus,
      memberFilters,
      filters,
      ...(history === undefined ? {} : { history })
    }
  }

  private memberOf(): MemberOf | undefined {
    if (this.peek() !== "^") return undefined
    const position = this.pos
    this.pos++
    const containingAny = this.peek() === "R" && !this.alternateIdentifierAt(this.pos)
    if (containingAny) this.pos++
    this.ws()
    if (containingAny || this.peek() !== "[") return { position, containingAny }
    this.pos++
    this.ws()
    let fields: Array<string> | "*"
    if (this.peek() === "*") {
      this.pos++
      fields = "*"
    } else {
      fields = [this.fieldName()]
      for (;;) {
        this.ws()
        if (this.peek() !== ",") break
        this.pos++
        this.ws()
        fields.push(this.fieldName())
      }
    }
    this.ws()
    this.expect("]", [message("ecl-expected-another-field"), "']'"])
    this.ws()
    return { position, containingAny, fields }
  }

  private fieldName() {
    const start = this.pos
    while (isAlpha(this.peek())) this.pos++
    if (this.pos === start) this.fail([message("ecl-expected-field-name")])
    return this.text.slice(start, this.pos)
  }

  private focus(bare: boolean): Focus {
    const start = this.pos
    const char = this.peek()
    if (char === "(") {
      this.enter(start)
      this.pos++
      const expression = this.expressionConstraint(")")
      this.pos++
      this.leave()
      return { _tag: "Nested", position: start, expression }
    }
    if (char === "*") {
      this.pos++
      return { _tag: "Wildcard", position: start }
    }
    if (isDigit(char)) return this.conceptReference()
    if ((char === '"' || isAlpha(char)) && this.alternateIdentifierAt(start)) return this.alternateIdentifier()
    this.fail([bare ? constraintExpected : focusExpected])
  }

  conceptReference(): ConceptReference {
    const start = this.pos
    while (isDigit(this.peek())) this.pos++
    const id = this.text.slice(start, this.pos)
    if (id.length < 6 || id.length > 18 || id[0] === "0" || isAlpha(this.peek())) this.fail([expectedSctId], start)
    const term = this.term()
    return { _tag: "Concept", position: start, id, ...(term === undefined ? {} : { term }) }
  }

  /** An optional `|term|` after a concept id. */
  private term() {
    const before = this.pos
    this.ws()
    if (this.peek() !== "|") {
      this.pos = before
      return undefined
    }
    const close = this.text.indexOf("|", this.pos + 1)
    if (close === -1) this.fail([message("ecl-expected-term-closed-by-bar")], this.pos + 1)
    const term = this.text.slice(this.pos + 1, close).trim()
    if (term === "") this.fail([expectedTerm], this.pos + 1)
    this.pos = close + 1
    return term
  }

  private alternateIdentifier(): Focus {
    const start = this.pos
    const quoted = this.peek() === '"'
    if (quoted) this.pos++
    const schemeStart = this.pos
    while (isWordChar(this.peek()) || this.peek() === "-") this.pos++
    const scheme = this.text.slice(schemeStart, this.pos)
    this.pos++ // '#', checked by alternateIdentifierAt
    const codeStart = this.pos
    // `LOINC#"54486-6"`, as the specification's examples write it, besides the grammar's `"LOINC#54486-6"`.
    const codeQuoted = !quoted && this.peek() === '"'
    if (codeQuoted) {
      this.pos++
      const close = this.text.indexOf('"', this.pos)
      if (close === -1) this.fail([alternateIdentifierClosed], this.text.length)
      if (close === this.pos) this.fail([identifierCode])
      const code = this.text.slice(this.pos, close)
      this.pos = close + 1
      const term = this.term()
      return { _tag: "AlternateIdentifier", position: start, scheme, code, ...(term === undefined ? {} : { term }) }
    }
    if (quoted) {
      while (this.pos < this.text.length && this.peek() !== '"' && this.peek() !== "\\") this.pos++
      if (this.pos === codeStart) this.fail([identifierCode])
      const code = this.text.slice(codeStart, this.pos)
      this.expect('"', [alternateIdentifierClosed])
      const term = this.term()
      return { _tag: "AlternateIdentifier", position: start, scheme, code, ...(term === undefined ? {} : { term }) }
    }
    while (
      isWordChar(this.peek()) ||
      this.peek() === "-" ||
      this.peek() === "_" ||
      (this.peek() === "." && isWordChar(this.text[this.pos + 1]))
    )
      this.pos++
    if (this.pos === codeStart) this.fail([identifierCode])
    const code = this.text.slice(codeStart, this.pos)
    const term = this.term()
    return { _tag: "AlternateIdentifier", position: start, scheme, code, ...(term === undefined ? {} : { term }) }
  }

  // Refinements

  refinement(inGroup: boolean): Refinement {
    const start = this.pos
    const first = this.subRefinement(inGroup)
    const operands = [first]
    let operator: "and" | "or" | undefined
    for (;;) {
      const before = this.pos
      this.ws()
      const at = this.pos
      const next = this.peek() === "," ? (this.pos++, "and" as const) : this.keyword("AND") ? "and" : this.keyword("OR") ? "or" : undefined
      if (next === undefined) {
        this.pos = before
        break
      }
      if (operator !== undefined && next !== operator) this.fail([], at, message("ecl-reason-mixed-refinement"))
      operator = next
      this.ws()
      operands.push(this.subRefinement(inGroup))
    }
    return operator === undefined ? first : { _tag: "RefinementSet", position: start, operator, operands }
  }

  private subRefinement(inGroup: boolean): Refinement {
    this.ws()
    const start = this.pos
    if (this.peek() === "[") {
      const cardinality = this.cardinality()
      this.ws()
      if (this.peek() === "{") return this.group(start, cardinality, inGroup)
      return this.attribute(start, cardinality)
    }
    if (this.peek() === "{") return this.group(start, undefined, inGroup)
    if (this.peek() === "(" && !this.bracketedAttributeName()) {
      this.enter(start)
      this.pos++
      this.ws()
      const inner = this.refinement(inGroup)
      this.ws()
      this.expect(")", [anotherAttribute, "')'"])
      this.leave()
      return inner
    }
    return this.attribute(start, undefined)
  }

  /** At `(`: true when the bracket holds an attribute name (a comparison operator follows it), not a nested refinement. */
  private bracketedAttributeName() {
    let depth = 0
    let at = this.pos
    const text = this.text
    while (at < text.length) {
      const char = text[at]!
      if (char === "(") depth++
      else if (char === ")") {
        if (--depth === 0) break
      } else if (char === "|") {
        const close = text.indexOf("|", at + 1)
        if (close === -1) return false
        at = close
      } else if (char === '"') {
        at++
        while (at < text.length && text[at] !== '"') at += text[at] === "\\" ? 2 : 1
      } else if (text.startsWith("/*", at)) {
        const close = text.indexOf("*/", at + 2)
        if (close === -1) return false
        at = close + 1
      }
      at++
    }
    at++
    for (;;) {
      if (/\s/.test(text[at] ?? "")) at++
      else if (text.startsWith("/*", at)) {
        const close = text.indexOf("*/", at + 2)
        if (close === -1) return false
        at = close + 2
      } else break
    }
    const char = text[at]
    return char === "=" || char === "<" || char === ">" || text.startsWith("!=", at)
  }

  private group(start: number, cardinality: Cardinality | undefined, inGroup: boolean): AttributeGroup {
    if (inGroup) this.fail([], this.pos, message("ecl-reason-groups-do-not-nest"))
    this.enter(start)
    this.pos++
    this.ws()
    const attributes = this.refinement(true)
    this.ws()
    this.expect("}", [anotherAttribute, "'}'"])
    this.leave()
    return { _tag: "Group", position: start, ...(cardinality === undefined ? {} : { cardinality }), attributes }
  }

  private cardinality(): Cardinality {
    const start = this.pos
    this.pos++
    this.ws()
    const min = this.nonNegativeInteger()
    this.ws()
    this.expect("..")
    this.ws()
    let max: number | undefined
    if (this.peek() === "*") this.pos++
    else max = this.nonNegativeInteger()
    this.ws()
    this.expect("]")
    if (max !== undefined && min > max) this.fail([], start, message("ecl-reason-cardinality", { min, max }))
    return { min, max }
  }

  private nonNegativeInteger() {
    const start = this.pos
    while (isDigit(this.peek())) this.pos++
    const digits = this.text.slice(start, this.pos)
    if (digits === "" || (digits.length > 1 && digits[0] === "0")) this.fail([message("ecl-expected-whole-number")], start)
    return Number(digits)
  }

  private attribute(start: number, cardinality: Cardinality | undefined): Attribute {
    this.ws()
    let reverse = false
    if ((this.peek() === "R" || this.peek() === "r") && !this.alternateIdentifierAt(this.pos)) {
      reverse = true
      this.pos++
      this.ws()
    }
    const nameStart = this.pos
    if (!isDigit(this.peek()) && this.peek() !== "*" && this.peek() !== "(" && this.peek() !== "^" && !"<>!".includes(this.peek() ?? "x")) {
      if (!this.alternateIdentifierAt(this.pos)) this.fail([message("ecl-expected-attribute")], nameStart)
    }
    const name = this.subExpression()
    this.ws()
    const comparison = this.comparison(comparisonOperators, true) as Comparison
    return {
      _tag: "Attribute",
      position: start,
      ...(cardinality === undefined ? {} : { cardinality }),
      reverse,
      name,
      comparison
    }
  }

  private operator<O extends string>(operators: ReadonlyArray<O>): O {
    const found = operators.find((operator) => this.startsWith(operator))
    if (found === undefined)
      this.fail([operators.length === 2 ? alternatives(["'='", "'!='"]) : message("ecl-expected-comparison-operator")])
    this.pos += found.length
    return found
  }

  private equality(): Equality {
    return this.operator<Equality>(["!=", "="])
  }

  /** True when a string value (`"…"`, `match:`, `wild:` or a bracketed set of them) starts here. */
  private stringAhead() {
    const rest = this.text.slice(this.pos, this.pos + 64)
    return /^("|(match|wild)\s*:|\(\s*("|(match|wild)\s*:))/i.test(rest)
  }

  /** The value after an attribute or member field name: expression, `#number`, string, boolean (or, for fields, times). */
  private comparison(operators: ReadonlyArray<NumericOperator>, attribute: boolean): Comparison | TimeComparison {
    const operatorAt = this.pos
    const operator = this.operator(operators)
    this.ws()
    const equality = operator === "=" || operator === "!="
    if (this.peek() === "#") {
      this.pos++
      const { value, text } = this.numericValue()
      return { _tag: "NumericComparison", operator, value, text }
    }
    if (this.stringAhead()) {
      if (!equality && !attribute) return { _tag: "TimeComparison", operator, times: this.timeValues() }
      if (!equality) this.fail([], operatorAt, message("ecl-reason-strings-compare"))
      return { _tag: "StringComparison", operator: operator as Equality, values: this.searchTerms() }
    }
    if (this.keywordAhead("true") || this.keywordAhead("false")) {
      if (!equality) this.fail([], operatorAt, message("ecl-reason-booleans-compare"))
      const value = this.keyword("true") || !this.keyword("false")
      return { _tag: "BooleanComparison", operator: operator as Equality, value }
    }
    if (!equality) this.fail([expectedHashNumber])
    return { _tag: "ExpressionComparison", operator: operator as Equality, value: this.subExpression() }
  }

  private numericValue() {
    const start = this.pos
    if (this.peek() === "-" || this.peek() === "+") this.pos++
    const integerStart = this.pos
    while (isDigit(this.peek())) this.pos++
    const integer = this.text.slice(integerStart, this.pos)
    if (integer === "" || (integer.length > 1 && integer[0] === "0")) this.fail([message("ecl-expected-number")], integerStart)
    if (this.peek() === "." && isDigit(this.text[this.pos + 1])) {
      this.pos++
      while (isDigit(this.peek())) this.pos++
    }
    const text = this.text.slice(start, this.pos)
    return { value: Number(text), text }
  }

  // Search terms

  private searchTerms(): ReadonlyArray<SearchTerm> {
    if (this.peek() !== "(") return [this.searchTerm()]
    this.pos++
    this.ws()
    const terms = [this.searchTerm()]
    for (;;) {
      this.ws()
      if (this.peek() === ")") break
      terms.push(this.searchTerm())
    }
    this.pos++
    return terms
  }

  private searchTerm(): SearchTerm {
    const start = this.pos
    if (this.keyword("wild")) {
      this.ws()
      this.expect(":")
      this.ws()
      return this.wildTerm()
    }
    if (this.keyword("match")) {
      this.ws()
      this.expect(":")
      this.ws()
    }
    if (this.peek() !== '"') this.fail([message("ecl-expected-quoted-term"), "'match:'", "'wild:'"], start)
    return { _tag: "Match", text: this.quoted(false).join("") }
  }

  private wildTerm(): SearchTerm {
    const segments = this.quoted(true)
    return { _tag: "Wild", text: segments.join("*"), segments }
  }

  /** A quoted string with `\"` and `\\` escapes (and `\*` when `wild`, splitting on unescaped `*`). */
  private quoted(wild: boolean): Array<string> {
    this.expect('"')
    const start = this.pos
    const segments = [""]
    for (;;) {
      const char = this.peek()
      if (char === undefined) this.fail([message("ecl-expected-term-closed")])
      if (char === '"') break
      if (char === "\\") {
        const escaped = this.text[this.pos + 1]
        if (escaped !== '"' && escaped !== "\\" && !(wild && escaped === "*")) {
          this.fail([alternatives(wild ? ['\\"', "\\\\", "\\*"] : ['\\"', "\\\\"])], this.pos)
        }
        segments[segments.length - 1] += escaped
        this.pos += 2
      } else if (wild && char === "*") {
        segments.push("")
        this.pos++
      } else {
        segments[segments.length - 1] += char
        this.pos++
      }
    }
    if (segments.join("").trim() === "" && segments.length === 1) this.fail([message("ecl-expected-search-term")], start)
    this.pos++
    return wild ? segments : [segments.join("").trim()]
  }

  // Filters

  private filterList<F>(filter: () => F): ReadonlyArray<F> {
    this.ws()
    const filters = [filter()]
    for (;;) {
      this.ws()
      if (this.peek() !== ",") break
      this.pos++
      this.ws()
      filters.push(filter())
    }
    this.ws()
    this.expect("}}", [message("ecl-expected-another-filter"), "'}}'"])
    return filters
  }

  private descriptionFilter(): DescriptionFilter {
    const position = this.pos
    const keyword = this.oneOf([
      "term",
      "language",
      "typeId",
      "type",
      "dialectId",
      "dialect",
      "moduleId",
      "effectiveTime",
      "active",
      "id"
    ] as const)
    this.ws()
    switch (keyword) {
      case "term": {
        const operator = this.equality()
        this.ws()
        return { _tag: "Term", position, operator, terms: this.searchTerms() }
      }
      case "language": {
        const operator = this.equality()
        this.ws()
        return { _tag: "Language", position, operator, codes: this.tokenSet(() => this.languageCode()) }
      }
      case "type": {
        const operator = this.equality()
        this.ws()
        const tokens = this.tokenSet(() => this.token(["syn", "fsn", "def"] as const))
        return { _tag: "Type", position, operator, types: { _tag: "Tokens", tokens } }
      }
      case "typeId": {
        const operator = this.equality()
        this.ws()
        return { _tag: "Type", position, operator, types: this.conceptSetValue() }
      }
      case "dialect":
      case "dialectId":
        return { _tag: "Dialect", position, ...this.dialects(keyword === "dialectId") }
      case "moduleId":
      case "effectiveTime":
      case "active":
        return this.commonFilter(keyword, position)
      case "id": {
        const operator = this.equality()
        this.ws()
        return { _tag: "DescriptionId", position, operator, ids: this.tokenSet(() => this.conceptReference().id) }
      }
      case undefined:
        return this.fail([message("ecl-expected-description-filter", { filters: alternatives(descriptionFilters) })])
    }
  }

  private conceptFilter(): ConceptFilter {
    const position = this.pos
    const keyword = this.oneOf(["definitionStatusId", "definitionStatus", "moduleId", "effectiveTime", "active"] as const)
    this.ws()
    switch (keyword) {
      case "definitionStatus": {
        const operator = this.equality()
        this.ws()
        const tokens = this.tokenSet(() => this.token(["primitive", "defined"] as const))
        return { _tag: "DefinitionStatus", position, operator, status: { _tag: "Tokens", tokens } }
      }
      case "definitionStatusId": {
        const operator = this.equality()
        this.ws()
        return { _tag: "DefinitionStatus", position, operator, status: this.conceptSetValue() }
      }
      case "moduleId":
      case "effectiveTime":
      case "active":
        return this.commonFilter(keyword, position)
      case undefined:
        return this.fail([message("ecl-expected-concept-filter", { filters: alternatives(conceptFilters) })])
    }
  }

  private memberFilter(): MemberFilter {
    const position = this.pos
    const keyword = this.oneOf(["moduleId", "effectiveTime", "active"] as const)
    if (keyword !== undefined) {
      this.ws()
      return this.commonFilter(keyword, position)
    }
    if (!isAlpha(this.peek())) this.fail([message("ecl-expected-member-filter")])
    const field = this.fieldName()
    this.ws()
    return { _tag: "Field", position, field, comparison: this.comparison(comparisonOperators, false) }
  }

  private commonFilter(keyword: "moduleId" | "effectiveTime" | "active", position: number) {
    if (keyword === "moduleId") {
      const operator = this.equality()
      this.ws()
      return { _tag: "Module" as const, position, operator, modules: this.conceptSetValue() }
    }
    if (keyword === "effectiveTime") {
      const operator = this.operator(comparisonOperators)
      this.ws()
      return { _tag: "EffectiveTime" as const, position, operator, times: this.timeValues() }
    }
    const operator = this.equality()
    this.ws()
    let value: boolean | "*"
    if (this.peek() === "*") {
      this.pos++
      value = "*"
    } else if (this.peek() === "1" || this.peek() === "0") {
      value = this.peek() === "1"
      this.pos++
      if (isWordChar(this.peek())) this.fail([activeValue], this.pos - 1)
    } else if (this.keyword("true")) value = true
    else if (this.keyword("false")) value = false
    else this.fail([activeValue])
    return { _tag: "Active" as const, position, operator, value }
  }

  /** One value or a bracketed, space-separated set of them. */
  private tokenSet<T>(item: () => T): ReadonlyArray<T> {
    if (this.peek() !== "(") return [item()]
    this.pos++
    this.ws()
    const items = [item()]
    for (;;) {
      this.ws()
      if (this.peek() === ")") break
      items.push(item())
    }
    this.pos++
    return items
  }

  private token<const T extends string>(tokens: ReadonlyArray<T>): T {
    const found = this.oneOf(tokens)
    if (found === undefined) this.fail([alternatives(tokens)])
    return found.toLowerCase() as T
  }

  private languageCode() {
    if (!isAlpha(this.peek()) || !isAlpha(this.text[this.pos + 1]) || isWordChar(this.text[this.pos + 2])) {
      this.fail([message("ecl-expected-language-code")])
    }
    this.pos += 2
    return this.text.slice(this.pos - 2, this.pos).toLowerCase()
  }

  /** At `(`: true when a bracketed concept-id set starts here (an id followed by another, or alone when `allowSingle`). */
  private conceptSetAhead(allowSingle: boolean) {
    if (this.peek() !== "(") return false
    const start = this.pos
    try {
      this.pos++
      this.ws()
      if (!isDigit(this.peek())) return false
      this.conceptReference()
      this.ws()
      return isDigit(this.peek()) || (allowSingle && (this.peek() === ")" || this.peek() === "("))
    } catch (error) {
      if (error instanceof EclSyntaxError) return false
      throw error
    } finally {
      this.pos = start
    }
  }

  /** A sub-expression, or `(id id …)`. */
  private conceptSetValue(): ConceptSetValue {
    if (this.conceptSetAhead(false)) return { _tag: "Concepts", concepts: this.conceptList() }
    return { _tag: "Expression", expression: this.subExpression() }
  }

  private conceptList(): ReadonlyArray<ConceptReference> {
    return this.tokenSet(() => this.conceptReference())
  }

  private dialects(byId: boolean): { operator: Equality; dialects: ReadonlyArray<Dialect> } {
    const operator = this.equality()
    this.ws()
    const dialects: Array<Dialect> = []
    const one = (): Dialect => {
      const position = this.pos
      if (byId) return { position, dialect: { _tag: "Refset", refset: { _tag: "Concepts", concepts: [this.conceptReference()] } } }
      const start = this.pos
      if (!isAlpha(this.peek())) this.fail([message("ecl-expected-dialect-alias")])
      while (isWordChar(this.peek()) || this.peek() === "-") this.pos++
      return { position, dialect: { _tag: "Alias", alias: this.text.slice(start, this.pos).toLowerCase() } }
    }
    const withAcceptability = (dialect: Dialect): Dialect => {
      const before = this.pos
      this.ws()
      if (this.peek() !== "(") {
        this.pos = before
        return dialect
      }
      return { ...dialect, acceptability: this.acceptabilitySet() }
    }
    if (byId && !this.conceptSetAhead(true)) {
      const position = this.pos
      const refset = this.conceptSetValue()
      dialects.push({ position, dialect: { _tag: "Refset", refset } })
    } else if (this.peek() === "(") {
      this.pos++
      this.ws()
      dialects.push(withAcceptability(one()))
      for (;;) {
        this.ws()
        if (this.peek() === ")") break
        dialects.push(withAcceptability(one()))
      }
      this.pos++
    } else dialects.push(one())
    // An acceptability set after the whole dialect filter applies to every dialect without one of its own.
    const before = this.pos
    this.ws()
    if (this.peek() === "(") {
      const acceptability = this.acceptabilitySet()
      return {
        operator,
        dialects: dialects.map((dialect) => (dialect.acceptability === undefined ? { ...dialect, acceptability } : dialect))
      }
    }
    this.pos = before
    return { operator, dialects }
  }

  private acceptabilitySet(): AcceptabilitySet {
    if (this.conceptSetAhead(true)) return { _tag: "Concepts", concepts: this.conceptList() }
    this.expect("(")
    this.ws()
    const tokens: Array<Acceptability> = []
    for (;;) {
      const token = this.oneOf(["accept", "prefer"] as const)
      if (token === undefined) this.fail([alternatives(["accept", "prefer"])])
      tokens.push(token.toLowerCase() === "accept" ? "acceptable" : "preferred")
      this.ws()
      if (this.peek() === ")") break
    }
    this.pos++
    return { _tag: "Tokens", tokens }
  }

  private timeValues(): ReadonlyArray<string> {
    return this.tokenSet(() => this.timeValue())
  }

  private timeValue() {
    const start = this.pos
    this.expect('"', [message("ecl-expected-quoted-date")])
    if (this.peek() === '"') {
      this.pos++
      return ""
    }
    const date = this.text.slice(this.pos, this.pos + 8)
    const valid = /^[1-9]\d{3}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(date)
    if (!valid) this.fail([message("ecl-expected-date")], start + 1)
    this.pos += 8
    this.expect('"', [message("ecl-expected-date-closed")])
    return date
  }

  private history(blockStart: number): HistorySupplement {
    this.pos++
    this.ws()
    const keywordAt = this.pos
    if (this.text.slice(this.pos, this.pos + 7).toLowerCase() !== "history") this.fail(["HISTORY"])
    this.pos += 7
    let profile: HistorySupplement["profile"] = "max"
    if ((this.peek() === "-" || this.peek() === "_") && /^(min|mod|max)\b/i.test(this.text.slice(this.pos + 1, this.pos + 5))) {
      profile = this.text.slice(this.pos + 1, this.pos + 4).toLowerCase() as "min" | "mod" | "max"
      this.pos += 4
    } else {
      if (isWordChar(this.peek())) this.fail(["HISTORY"], keywordAt)
      this.ws()
      if (this.peek() === "(") {
        this.enter(this.pos)
        this.pos++
        const expression = this.expressionConstraint(")")
        this.pos++
        this.leave()
        profile = { _tag: "Subset", expression }
      }
    }
    this.ws()
    this.expect("}}", [message("ecl-expected-history-profile"), "'}}'"])
    return { position: blockStart, profile }
  }
}

/** Parses an ECL expression constraint; a failure says where and what was expected. */
export const parseEcl = (text: string): Either.Either<EclExpression, EclSyntaxError> => {
  const parser = new Parser(text)
  try {
    return Either.right(parser.expressionConstraint(undefined))
  } catch (error) {
    if (error instanceof EclSyntaxError) return Either.left(error)
    if (error instanceof RangeError) return Either.left(tooDeep(text, parser.pos))
    throw error
  }
}

/** The call stack ran out before the nesting limit did (a very long chain of filters or values). */
const tooDeep = (text: string, position: number) =>
  new EclSyntaxError({
    text,
    position,
    expected: [],
    found: text.slice(position, position + 12),
    reason: message("ecl-reason-nested-too-deep")
  })
