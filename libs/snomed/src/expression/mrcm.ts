/**
 * Checks a post-coordinated expression against the release's Machine Readable Concept Model (the
 * MRCM attribute domain and attribute range reference sets,
 * https://confluence.ihtsdotools.org/display/DOCMRCM): each attribute must be allowed on its focus
 * concepts, take a value in its range, and appear no more often in a group than the model allows.
 *
 * Choices, and why:
 * - Only rules that apply to post-coordinated content (content types "all SNOMED CT content" and
 *   "all postcoordinated content") and are mandatory are checked; optional rules are advice.
 * - An attribute is allowed when any focus concept is its domain or below it: the expression is a
 *   subtype of each focus concept.
 * - A nested value (`= (71388002 : …)`) is checked as an expression of its own, and is in range
 *   when its meaning falls within the range constraint (as `expressionMatchesEcl` decides).
 * - Concrete ranges (`dec(>#0..)`, `int(#1..#10)`, `str`) are checked for the kind of value and its
 *   bounds; a concept value where a concrete one is expected (or the reverse) is out of range.
 * - Group cardinality (`attributeInGroupCardinality`) is checked per written group, each ungrouped
 *   attribute counting as a group of its own. The total cardinality is not: the focus concepts'
 *   own attributes count towards it, and which of them a refinement replaces needs a classifier.
 */
import { alternatives, message, type Message } from "@ffynnon/terminology"
import { Either } from "effect"
import type { EclExpression } from "../ecl/ast"
import { evaluateEcl, type EclResult } from "../ecl/evaluate"
import { parseEcl } from "../ecl/parse"
import { dataOf, fieldSeparator, type SnomedIndex } from "../index/SnomedIndex"
import type { Attribute, AttributeValue, SubExpression } from "./ast"
import { expressionMatchesEcl } from "./ecl"

const mandatory = "723597001"
/** Content types whose rules apply to post-coordinated expressions. */
const postcoordinated = new Set(["723596005", "723595009"])

export interface MrcmDomain {
  readonly domain: number
  /** Whether the attribute belongs in role groups; one that does not is written ungrouped. */
  readonly grouped: boolean
  /** Most occurrences in one role group, and ungrouped (for an attribute that is not grouped); Infinity when unbounded. */
  readonly maxInGroup: number
  readonly maxUngrouped: number
}

export interface MrcmRange {
  /** The range constraint as written in the reference set. */
  readonly text: string
  readonly constraint: ConceptRange | ConcreteRange
}

interface ConceptRange {
  readonly _tag: "Concepts"
  readonly ecl: EclExpression
}

interface ConcreteRange {
  readonly _tag: "Concrete"
  readonly kind: "dec" | "int" | "str" | "bool"
  readonly min?: { readonly value: number; readonly open: boolean }
  readonly max?: { readonly value: number; readonly open: boolean }
}

/** The concept model of a release: by attribute concept position. */
export interface Mrcm {
  readonly domains: ReadonlyMap<number, ReadonlyArray<MrcmDomain>>
  readonly ranges: ReadonlyMap<number, ReadonlyArray<MrcmRange>>
}

export interface MrcmViolation {
  /** Where the attribute (or its value) is written. */
  readonly position: number
  readonly said: Message
}

const models = new WeakMap<SnomedIndex, Mrcm | null>()
const rangeSets = new WeakMap<MrcmRange, EclResult | null>()

const cardinalityMax = (text: string | undefined) => {
  const max = /^\d+\.\.(\d+|\*)$/.exec(text?.trim() ?? "")?.[1]
  return max === undefined || max === "*" ? Number.POSITIVE_INFINITY : Number(max)
}

/** `dec(>#0..)`, `int(#1..#10)`, `str`, `bool`: the MRCM's concrete domain syntax. */
const concreteRange = (text: string): ConcreteRange | undefined => {
  const match = /^(dec|int|str|bool)\s*(?:\((.*)\))?$/.exec(text.trim())
  if (match === null) return undefined
  const kind = match[1] as ConcreteRange["kind"]
  const bounds = /^\s*(>)?(?:#(-?[\d.]+))?\s*\.\.\s*(<)?(?:#(-?[\d.]+))?\s*$/.exec(match[2] ?? "")
  if (bounds === null) return { kind, _tag: "Concrete" }
  return {
    _tag: "Concrete",
    kind,
    ...(bounds[2] === undefined ? {} : { min: { value: Number(bounds[2]), open: bounds[1] !== undefined } }),
    ...(bounds[4] === undefined ? {} : { max: { value: Number(bounds[4]), open: bounds[3] !== undefined } })
  }
}

/**
 * The release's MRCM attribute domains and ranges, read once per index from the reference sets
 * with those columns; undefined when the release has none (then nothing can be checked).
 */
export const releaseMrcm = (index: SnomedIndex): Mrcm | undefined => {
  const known = models.get(dataOf(index))
  if (known !== undefined) return known ?? undefined
  const domains = new Map<number, Array<MrcmDomain>>()
  const ranges = new Map<number, Array<MrcmRange>>()
  for (const refset of index.refsets.values()) {
    const rows = refset.rows
    const column = (name: string) => refset.columns.indexOf(name)
    const [domainId, rangeConstraint, strength, content] = [
      column("domainId"),
      column("rangeConstraint"),
      column("ruleStrengthId"),
      column("contentTypeId")
    ]
    if (rows === undefined || (domainId === -1 && rangeConstraint === -1) || strength === -1 || content === -1) continue
    for (let row = 0; row < rows.concept.length; row++) {
      if (refset.members.active[row] !== 1) continue
      const fields = rows.fields.get(row).split(fieldSeparator)
      if (fields[strength] !== mandatory || !postcoordinated.has(fields[content]!)) continue
      const attribute = rows.concept[row]!
      if (domainId !== -1) {
        const domain = index.position(fields[domainId]!)
        if (domain === undefined) continue
        const list = domains.get(attribute) ?? []
        list.push({
          domain,
          grouped: fields[column("grouped")] !== "0",
          maxInGroup: cardinalityMax(fields[column("attributeInGroupCardinality")]),
          maxUngrouped: cardinalityMax(fields[column("attributeCardinality")])
        })
        domains.set(attribute, list)
      } else {
        const text = fields[rangeConstraint]!
        const constraint =
          concreteRange(text) ?? Either.getOrUndefined(Either.map(parseEcl(text), (ecl) => ({ _tag: "Concepts" as const, ecl })))
        // A range the parser cannot read checks nothing rather than rejecting every value.
        if (constraint === undefined) continue
        const list = ranges.get(attribute) ?? []
        list.push({ text, constraint })
        ranges.set(attribute, list)
      }
    }
  }
  const model = domains.size === 0 && ranges.size === 0 ? undefined : { domains, ranges }
  models.set(dataOf(index), model ?? null)
  return model
}

const inConcreteRange = (range: ConcreteRange, value: AttributeValue) => {
  switch (range.kind) {
    case "str":
      return value._tag === "String"
    case "bool":
      return value._tag === "Boolean"
    case "dec":
    case "int": {
      if (value._tag !== "Number" || (range.kind === "int" && !Number.isInteger(value.value))) return false
      const { min, max } = range
      return (
        (min === undefined || (min.open ? value.value > min.value : value.value >= min.value)) &&
        (max === undefined || (max.open ? value.value < max.value : value.value <= max.value))
      )
    }
  }
}

const inRange = (index: SnomedIndex, range: MrcmRange, value: AttributeValue): boolean => {
  const constraint = range.constraint
  if (constraint._tag === "Concrete") return inConcreteRange(constraint, value)
  if (value._tag === "Nested") return Either.getOrElse(expressionMatchesEcl(index, constraint.ecl, value.expression), () => false)
  if (value._tag !== "Concept") return false
  let set = rangeSets.get(range)
  if (set === undefined) {
    const evaluated = evaluateEcl(index, constraint.ecl)
    set = Either.isRight(evaluated) ? evaluated.right : null
    rangeSets.set(range, set)
  }
  const position = index.position(value.id)
  // A range naming concepts this release lacks checks nothing rather than rejecting every value.
  return set === null || (position !== undefined && set.has(position))
}

const display = (index: SnomedIndex, position: number) => {
  const term = index.preferredTerm(position, [])
  return term === undefined ? index.code(position) : `${index.code(position)} |${term}|`
}

/**
 * The ways `expression` breaks the release's concept model (empty when it conforms, or when the
 * release has no MRCM reference sets). Concepts the release lacks are `checkExpression`'s to
 * report; attributes naming them are skipped here.
 */
export const mrcmViolations = (index: SnomedIndex, expression: SubExpression): ReadonlyArray<MrcmViolation> => {
  const model = releaseMrcm(index)
  if (model === undefined) return []
  const violations: Array<MrcmViolation> = []
  const check = (expression: SubExpression) => {
    const focus = expression.focus.flatMap(({ id }) => index.position(id) ?? [])
    /** `siblings`: the attributes of its role group; undefined when written ungrouped. */
    const attribute = (attribute: Attribute, siblings: ReadonlyArray<Attribute> | undefined) => {
      const type = index.position(attribute.name.id)
      if (type === undefined) return
      const name = display(index, type)
      const domains = (model.domains.get(type) ?? []).filter(({ domain }) => focus.some((concept) => index.subsumes(domain, concept)))
      if (domains.length === 0) {
        const allowed = (model.domains.get(type) ?? []).map(({ domain }) => display(index, domain))
        violations.push({
          position: attribute.position,
          said:
            allowed.length === 0
              ? message("mrcm-not-an-attribute", { name })
              : message("mrcm-outside-domain", {
                  name,
                  focus: focus.map((concept) => display(index, concept)).join(" + "),
                  domains: alternatives(allowed)
                })
        })
      } else {
        // Written ungrouped, a grouped attribute is a group of its own; one that is not grouped counts against its total.
        const ungrouped = siblings === undefined
        const max = Math.max(
          ...domains.map((rule) => (ungrouped ? (rule.grouped ? Number.POSITIVE_INFINITY : rule.maxUngrouped) : rule.maxInGroup))
        )
        const same = (siblings ?? expression.refinement.attributes).filter((other) => other.name.id === attribute.name.id)
        // Reported once, at the first of them.
        if (same.length > max && same[0] === attribute) {
          violations.push({
            position: attribute.position,
            said:
              max === 0
                ? message("mrcm-not-grouped", { name })
                : message(ungrouped ? "mrcm-too-many-ungrouped" : "mrcm-too-many-in-group", { name, count: same.length, max })
          })
        }
      }
      const ranges = model.ranges.get(type) ?? []
      if (ranges.length > 0 && !ranges.some((range) => inRange(index, range, attribute.value))) {
        violations.push({
          position: attribute.value.position,
          said: message("mrcm-outside-range", { name, ranges: alternatives(ranges.map(({ text }) => text)) })
        })
      }
      if (attribute.value._tag === "Nested") check(attribute.value.expression)
    }
    for (const ungrouped of expression.refinement.attributes) attribute(ungrouped, undefined)
    for (const group of expression.refinement.groups) for (const grouped of group.attributes) attribute(grouped, group.attributes)
  }
  check(expression)
  return violations
}
