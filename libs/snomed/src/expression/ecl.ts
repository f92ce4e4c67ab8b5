/**
 * Whether an expression is in the set an ECL expression constraint means, the expression taken as
 * a virtual concept: below its focus concepts, with the attributes of `expressionRelationships`.
 * The parts of the constraint that name only concepts of the release are evaluated by
 * `evaluateEcl`; this module answers for the virtual concept alone.
 *
 * Choices, and why (the HL7 `validate-code-ecl-*-expr-*` cases check the hierarchy operators,
 * refinements, `^` and MINUS):
 * - `<` and `<<` reach the expression through any of its focus concepts' ancestors-or-self.
 * - `<!` and `<<!` (beyond self) do not: its proximal parents are not known without a classifier,
 *   and a focus concept may have a child it falls under.
 * - Nothing is below the expression: `>` and `>!` never hold it, `>>` and `>>!` only as itself, and
 *   `!!<` keeps it.
 * - It is no reference set's member and has no descriptions, module or effective time: `^`,
 *   description filters and module filters do not match it, nor `effectiveTime` unless it asks
 *   for none; `active` holds when every concept it names is active; its definition status is as
 *   written (`<<<` primitive, otherwise defined).
 * - It is no attribute's value, so dotted attributes and reversed attributes never give it.
 * - A constraint naming a concept the release does not have fails, as `evaluateEcl` would, even
 *   where the answer would not need it.
 */
import { Either } from "effect"
import type { Attribute, ConceptFilter, EclExpression, FilterBlock, Refinement, SubExpression as EclSubExpression } from "../ecl/ast"
import { EclUnknownConcept, type EclError } from "../ecl/errors"
import { compareNumbers, escapeRegExp, evaluateEcl, type EclOptions, type EclResult } from "../ecl/evaluate"
import { parseEcl } from "../ecl/parse"
import type { SnomedIndex } from "../index/SnomedIndex"
import { Concepts } from "../metadata"
import type { AttributeValue, SnomedExpression } from "./ast"
import { expressionAncestors, expressionIsActive, expressionRelationships, type ExpressionRelationship } from "./meaning"
import { expressionConcept } from "./parse"

const primitive = "900000000000074008"

/** Internal: thrown while matching, returned as the Either's left. */
class Failure {
  constructor(readonly error: EclError) {}
}

/** The first concept reference anywhere in the constraint that the release does not have. */
const unknownConcept = (index: SnomedIndex, node: unknown): { id: string; position: number } | undefined => {
  if (typeof node !== "object" || node === null) return undefined
  const reference = node as { _tag?: unknown; id?: unknown; position?: unknown }
  if (reference._tag === "Concept" && typeof reference.id === "string" && index.position(reference.id) === undefined) {
    return { id: reference.id, position: typeof reference.position === "number" ? reference.position : 0 }
  }
  for (const child of Object.values(node)) {
    const found = unknownConcept(index, child)
    if (found !== undefined) return found
  }
  return undefined
}

class Matcher {
  private readonly sets = new Map<object, EclResult>()
  private readonly bases = new Map<EclSubExpression, EclSubExpression>()
  private readonly relationships = new Map<SnomedExpression, ReadonlyArray<ExpressionRelationship>>()
  private readonly ancestors = new Map<SnomedExpression, Set<number>>()
  private readonly isA: number | undefined

  constructor(
    private readonly index: SnomedIndex,
    private readonly options: EclOptions
  ) {
    this.isA = index.position(Concepts.isA)
  }

  /** The release's concepts in the set `node` means. */
  private real(node: EclExpression): EclResult {
    const known = this.sets.get(node)
    if (known !== undefined) return known
    const evaluated = evaluateEcl(this.index, node, this.options)
    if (Either.isLeft(evaluated)) throw new Failure(evaluated.left)
    this.sets.set(node, evaluated.right)
    return evaluated.right
  }

  /** Whether the set `node` means holds the expression: as its one concept when it names one, else as a virtual concept. */
  contains(node: EclExpression, expression: SnomedExpression): boolean {
    const id = expressionConcept(expression)
    if (id === undefined) return this.virtual(node, expression)
    const concept = this.index.position(id)
    return concept !== undefined && this.real(node).has(concept)
  }

  private virtual(node: EclExpression, expression: SnomedExpression): boolean {
    switch (node._tag) {
      case "Compound": {
        const [first, ...rest] = node.operands
        if (node.operator === "minus") return this.contains(first!, expression) && !this.contains(rest[0]!, expression)
        return node.operator === "and"
          ? node.operands.every((operand) => this.contains(operand, expression))
          : node.operands.some((operand) => this.contains(operand, expression))
      }
      case "Refined":
        return (
          this.contains(node.focus, expression) && this.refinement(node.refinement, expression, this.relationshipsOf(expression), false)
        )
      case "Dotted":
        return false
      case "Sub":
        return this.sub(node, expression)
    }
  }

  private relationshipsOf(expression: SnomedExpression) {
    let found = this.relationships.get(expression)
    if (found === undefined) this.relationships.set(expression, (found = expressionRelationships(this.index, expression)))
    return found
  }

  /** True when the expression is below one of the release's concepts in `set`. */
  private below(set: EclResult, expression: SnomedExpression) {
    let ancestors = this.ancestors.get(expression)
    if (ancestors === undefined) this.ancestors.set(expression, (ancestors = expressionAncestors(this.index, expression)))
    for (const ancestor of ancestors) if (set.has(ancestor)) return true
    return false
  }

  /** The sub-expression before its hierarchy operator, filters and history: its focus and `^`. */
  private base(node: EclSubExpression): EclSubExpression {
    let base = this.bases.get(node)
    if (base === undefined) {
      const { position, focus, memberOf, memberFilters } = node
      base = { _tag: "Sub", position, focus, memberFilters, filters: [], ...(memberOf === undefined ? {} : { memberOf }) }
      this.bases.set(node, base)
    }
    return base
  }

  private sub(node: EclSubExpression, expression: SnomedExpression): boolean {
    return this.hierarchy(node, expression) && node.filters.every((block) => this.filterBlock(block, expression))
  }

  /** Whether the sub-expression, up to its hierarchy operator, holds the expression. */
  private hierarchy(node: EclSubExpression, expression: SnomedExpression): boolean {
    const base = this.base(node)
    const self = () => {
      if (node.memberOf !== undefined) return false
      switch (node.focus._tag) {
        case "Wildcard":
          return this.below(this.real(base), expression)
        case "Nested":
          return this.contains(node.focus.expression, expression)
        default:
          return false
      }
    }
    if (node.operator === undefined) return self()
    switch (node.operator) {
      case "childOrSelfOf":
      case "ancestorOrSelfOf":
      case "parentOrSelfOf":
      case "bottom":
        return self()
      case "descendantOrSelfOf":
        return self() || this.below(this.real(base), expression)
      case "descendantOf":
        return this.below(this.real(base), expression)
      case "top":
        return self() && !this.below(this.real(base), expression)
      case "childOf":
      case "ancestorOf":
      case "parentOf":
        return false
    }
  }

  private filterBlock(block: FilterBlock, expression: SnomedExpression): boolean {
    if (block._tag === "DescriptionFilters") return false
    return block.filters.every((filter) => this.conceptFilter(filter, expression))
  }

  private conceptFilter(filter: ConceptFilter, expression: SnomedExpression): boolean {
    const equal = filter.operator === "="
    switch (filter._tag) {
      case "Active":
        return filter.value === "*" || (expressionIsActive(this.index, expression) === filter.value) === equal
      case "DefinitionStatus": {
        const defined = expression.definitionStatus !== "subtypeOf"
        const { status } = filter
        let listed: boolean
        if (status._tag === "Tokens") listed = status.tokens.includes(defined ? "defined" : "primitive")
        else {
          const id = defined ? Concepts.defined : primitive
          if (status._tag === "Concepts") listed = status.concepts.some((reference) => reference.id === id)
          else {
            const concept = this.index.position(id)
            listed = concept !== undefined && this.real(status.expression).has(concept)
          }
        }
        return listed === equal
      }
      case "Module":
        return !equal
      case "EffectiveTime":
        // Like unpublished content it has no effective time: only `=` the empty time and `!=` dates hold.
        return filter.operator === "=" ? filter.times.includes("") : filter.operator === "!=" ? !filter.times.includes("") : false
    }
  }

  /** Whether the relationships in scope satisfy `refinement`; `grouped` when the scope is one role group. */
  private refinement(
    refinement: Refinement,
    expression: SnomedExpression,
    scope: ReadonlyArray<ExpressionRelationship>,
    grouped: boolean
  ): boolean {
    switch (refinement._tag) {
      case "RefinementSet":
        return refinement.operator === "and"
          ? refinement.operands.every((operand) => this.refinement(operand, expression, scope, grouped))
          : refinement.operands.some((operand) => this.refinement(operand, expression, scope, grouped))
      case "Group": {
        // Each numbered group is one scope, and each ungrouped relationship one of its own.
        const scopes: Array<Array<ExpressionRelationship>> = []
        const numbered = new Map<number, Array<ExpressionRelationship>>()
        for (const relationship of this.relationshipsOf(expression)) {
          if (relationship.group === 0) scopes.push([relationship])
          else {
            const group = numbered.get(relationship.group)
            if (group === undefined) numbered.set(relationship.group, [relationship])
            else group.push(relationship)
          }
        }
        scopes.push(...numbered.values())
        const count = scopes.filter((group) => this.refinement(refinement.attributes, expression, group, true)).length
        return withinCardinality(refinement.cardinality, count)
      }
      case "Attribute":
        return withinCardinality(refinement.cardinality, this.count(refinement, expression, scope, grouped))
    }
  }

  /** How many relationships in scope (and, outside groups, is-a to the focus concepts) satisfy the attribute. */
  private count(attribute: Attribute, expression: SnomedExpression, scope: ReadonlyArray<ExpressionRelationship>, grouped: boolean) {
    if (attribute.reverse) return 0
    const types = this.real(attribute.name)
    let count = 0
    for (const relationship of scope) {
      const type = this.index.position(relationship.type.id)
      if (type !== undefined && types.has(type) && this.valueMatches(attribute, relationship.value)) count++
    }
    if (!grouped && this.isA !== undefined && types.has(this.isA)) {
      for (const focus of expression.focus) if (this.valueMatches(attribute, focus)) count++
    }
    return count
  }

  private valueMatches({ comparison }: Attribute, value: AttributeValue): boolean {
    const equal = comparison.operator === "="
    switch (comparison._tag) {
      case "ExpressionComparison": {
        if (value._tag === "Concept") {
          const concept = this.index.position(value.id)
          return (concept !== undefined && this.real(comparison.value).has(concept)) === equal
        }
        return value._tag === "Nested" && this.contains(comparison.value, value.expression) === equal
      }
      case "NumericComparison":
        return value._tag === "Number" && compareNumbers(comparison.operator, value.value, comparison.value)
      case "StringComparison":
        return (
          value._tag === "String" &&
          comparison.values.some((term) =>
            term._tag === "Match"
              ? term.text.toLowerCase() === value.value.toLowerCase()
              : new RegExp(`^${term.segments.map(escapeRegExp).join(".*")}$`, "is").test(value.value)
          ) === equal
        )
      case "BooleanComparison":
        return value._tag === "Boolean" && (value.value === comparison.value) === equal
    }
  }
}

const withinCardinality = (cardinality: { readonly min: number; readonly max: number | undefined } | undefined, count: number) =>
  count >= (cardinality?.min ?? 1) && (cardinality?.max === undefined || count <= cardinality.max)

/**
 * True when the expression is in the set the ECL constraint (text or parsed) means over the index
 * (see the module comment for how an expression that is not one concept is placed). Fails as
 * `evaluateEcl` would: a syntax error, a concept the release does not have, `EclTooCostly`.
 */
export const expressionMatchesEcl = (
  index: SnomedIndex,
  ecl: EclExpression | string,
  expression: SnomedExpression,
  options: EclOptions = {}
): Either.Either<boolean, EclError> => {
  const parsed = typeof ecl === "string" ? parseEcl(ecl) : Either.right(ecl)
  if (Either.isLeft(parsed)) return Either.left(parsed.left)
  const unknown = unknownConcept(index, parsed.right)
  if (unknown !== undefined) return Either.left(new EclUnknownConcept(unknown))
  try {
    return Either.right(new Matcher(index, options).contains(parsed.right, expression))
  } catch (error) {
    if (error instanceof Failure) return Either.left(error.error)
    throw error
  }
}
