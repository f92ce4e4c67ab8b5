/**
 * What an expression means over a release's serving index: its concepts checked, its display,
 * its attributes (a simple necessary normal form), its place in the hierarchy.
 *
 * Choices, and why:
 * - The expression is a subtype of every focus concept (`A + B` is both an A and a B), so it is
 *   subsumed by a concept when any focus concept is.
 * - Its attributes are the refinement's, then the focus concepts' own that the refinement does not
 *   make redundant: one of the same (or a more general) type whose value is the same or more general
 *   than a refinement value. A focus concept's role group with an attribute that a refinement group
 *   refines joins that group (`22298006 |Myocardial infarction| : { 363698007 |Finding site| = …
 *   cardiac chamber }` keeps the infarct morphology beside the new site); its other groups keep
 *   numbers of their own after the refinement's. Nothing more is merged: that needs the concept
 *   model (MRCM) and a classifier.
 * - `$lookup` shows the focus concepts' parents and children, as the reference server does
 *   (HL7 test `sct/lookup-procedure-pc`): the expression's own place is not known without a classifier.
 */
import { neighbours, type Attribute as IndexAttribute, type SnomedIndex } from "../index/SnomedIndex"
import type { AttributeValue, ConcreteValue, ConceptReference, SnomedExpression, SubExpression } from "./ast"

/** A concept id the release does not have, or has as inactive. */
export interface ExpressionProblem {
  readonly kind: "unknown" | "inactive"
  readonly id: string
  /** Where the id is first written. */
  readonly position: number
  readonly message: string
}

/** One attribute of an expression's meaning, in the syntax tree's terms (values may be nested expressions). */
export interface ExpressionRelationship {
  /** 0 ungrouped; the refinement's groups 1…n in written order, then the focus concepts' groups. */
  readonly group: number
  readonly type: ConceptReference
  readonly value: AttributeValue
}

/** Every concept reference, in written order. */
const references = (expression: SubExpression): Array<ConceptReference> => {
  const found = [...expression.focus]
  for (const attribute of [...expression.refinement.attributes, ...expression.refinement.groups.flatMap((group) => group.attributes)]) {
    found.push(attribute.name)
    if (attribute.value._tag === "Concept") found.push(attribute.value)
    else if (attribute.value._tag === "Nested") found.push(...references(attribute.value.expression))
  }
  return found
}

/** Each concept id the release does not have (`Concept 240280071 not found`) or has as inactive, once, in written order. */
export const checkExpression = (index: SnomedIndex, expression: SubExpression): ReadonlyArray<ExpressionProblem> => {
  const problems: Array<ExpressionProblem> = []
  const seen = new Set<string>()
  for (const { id, position } of references(expression)) {
    if (seen.has(id)) continue
    seen.add(id)
    const concept = index.position(id)
    if (concept === undefined) problems.push({ kind: "unknown", id, position, message: `Concept ${id} not found` })
    else if (!index.isActive(concept)) problems.push({ kind: "inactive", id, position, message: `Concept ${id} is inactive` })
  }
  return problems
}

/** True when every concept the expression names is active (false when one is not in the release). */
export const expressionIsActive = (index: SnomedIndex, expression: SubExpression) =>
  references(expression).every(({ id }) => {
    const concept = index.position(id)
    return concept !== undefined && index.isActive(concept)
  })

const concreteText = (value: ConcreteValue) =>
  value._tag === "Number"
    ? `#${value.text}`
    : value._tag === "Boolean"
      ? String(value.value)
      : `"${value.value.replace(/[\\"]/g, (char) => `\\${char}`)}"`

/** The expression with no white space, each concept written by `concept`. */
const write = (expression: SubExpression, concept: (reference: ConceptReference) => string): string => {
  const value = (value: AttributeValue) =>
    value._tag === "Concept" ? concept(value) : value._tag === "Nested" ? `(${write(value.expression, concept)})` : concreteText(value)
  const attributes = (list: SubExpression["refinement"]["attributes"]) =>
    list.map((attribute) => `${concept(attribute.name)}=${value(attribute.value)}`).join(",")
  const { refinement } = expression
  const parts = [
    ...(refinement.attributes.length > 0 ? [attributes(refinement.attributes)] : []),
    ...refinement.groups.map((group) => `{${attributes(group.attributes)}}`)
  ]
  const focus = expression.focus.map(concept).join("+")
  return parts.length === 0 ? focus : `${focus}:${parts.join(",")}`
}

const definitionStatusText = (expression: SnomedExpression) =>
  expression.definitionStatus === "equivalentTo" ? "===" : expression.definitionStatus === "subtypeOf" ? "<<<" : ""

/** The expression without terms or white space: `128241005:{363698007=181268008}`. */
export const expressionCode = (expression: SnomedExpression) => definitionStatusText(expression) + write(expression, ({ id }) => id)

/**
 * The display terminology servers give an expression: no white space, each concept as
 * `id|preferred term|` in the first of `refsets` that has one (the written term, or the bare id,
 * for a concept the release does not have), groups in braces, order as written:
 * `128241005|Inflammatory disease of liver|:{363698007|Finding site|=181268008|Entire liver|}`.
 */
export const renderExpression = (index: SnomedIndex, expression: SnomedExpression, refsets: ReadonlyArray<string>) =>
  definitionStatusText(expression) +
  write(expression, ({ id, term }) => {
    const concept = index.position(id)
    const display = (concept === undefined ? undefined : index.preferredTerm(concept, refsets)) ?? term
    return display === undefined ? id : `${id}|${display}|`
  })

/** An index concrete value (`#250`, `"text"`, `true`) in the syntax tree's form. */
const concreteValue = (text: string, position: number): ConcreteValue =>
  text.startsWith("#")
    ? { _tag: "Number", position, value: Number(text.slice(1)), text: text.slice(1) }
    : text.startsWith('"')
      ? { _tag: "String", position, value: text.slice(1, text.endsWith('"') ? -1 : undefined) }
      : { _tag: "Boolean", position, value: /^(true|1)$/i.test(text) }

/** True when `specific`'s focus concepts (or `specific` itself) fall under `general`. */
const valueUnder = (index: SnomedIndex, general: number, specific: AttributeValue): boolean => {
  if (specific._tag === "Concept") {
    const concept = index.position(specific.id)
    return concept !== undefined && index.subsumes(general, concept)
  }
  return specific._tag === "Nested" && expressionSubsumedBy(index, specific.expression, general)
}

/** True when a refinement attribute says what `type = value` of a focus concept says, or more. */
const refines = (index: SnomedIndex, own: ExpressionRelationship, type: number, value: IndexAttribute) => {
  const ownType = index.position(own.type.id)
  if (ownType === undefined || !index.subsumes(type, ownType)) return false
  if (value.concrete) return own.value._tag !== "Concept" && own.value._tag !== "Nested"
  const general = index.position(value.value)
  return general !== undefined && valueUnder(index, general, own.value)
}

/**
 * The expression's attributes: the refinement's as written, then the focus concepts' own that the
 * refinement does not make redundant (see the module comment).
 */
export const expressionRelationships = (index: SnomedIndex, expression: SubExpression): ReadonlyArray<ExpressionRelationship> => {
  const { attributes, groups } = expression.refinement
  const own: Array<ExpressionRelationship> = [
    ...attributes.map((attribute) => ({ group: 0, type: attribute.name, value: attribute.value })),
    ...groups.flatMap((group, at) => group.attributes.map((attribute) => ({ group: at + 1, type: attribute.name, value: attribute.value })))
  ]
  const inherited: Array<ExpressionRelationship> = []
  let nextGroup = groups.length + 1
  for (const focus of expression.focus) {
    const concept = index.position(focus.id)
    if (concept === undefined) continue
    const focusAttributes = index.attributesOf(concept)
    const refiners = focusAttributes.map((attribute) => {
      const type = index.position(attribute.type)
      return type === undefined ? undefined : own.find((relationship) => refines(index, relationship, type, attribute))
    })
    // A focus group that a refinement group refines joins it; the others keep a number of their own.
    const groupOf = new Map<number, number>()
    focusAttributes.forEach((attribute, at) => {
      const refiner = refiners[at]
      if (attribute.group !== 0 && refiner !== undefined && refiner.group !== 0 && !groupOf.has(attribute.group)) {
        groupOf.set(attribute.group, refiner.group)
      }
    })
    focusAttributes.forEach((attribute, at) => {
      if (refiners[at] !== undefined) return
      let group = 0
      if (attribute.group !== 0) {
        group = groupOf.get(attribute.group) ?? nextGroup++
        groupOf.set(attribute.group, group)
      }
      inherited.push({
        group,
        type: { _tag: "Concept", position: focus.position, id: attribute.type },
        value: attribute.concrete
          ? concreteValue(attribute.value, focus.position)
          : { _tag: "Concept", position: focus.position, id: attribute.value }
      })
    })
  }
  return [...own, ...inherited]
}

/**
 * What `$lookup` lists as the expression's attributes, in the index's terms: a concept value is its
 * id, a nested expression its code (`expressionCode`), a concrete value as RF2 writes it (`#250`).
 */
export const expressionProperties = (index: SnomedIndex, expression: SubExpression): ReadonlyArray<IndexAttribute> =>
  expressionRelationships(index, expression).map(({ group, type, value }) => ({
    group,
    type: type.id,
    value: value._tag === "Concept" ? value.id : value._tag === "Nested" ? expressionCode(value.expression) : concreteText(value),
    concrete: value._tag !== "Concept" && value._tag !== "Nested"
  }))

const focusNeighbours = (index: SnomedIndex, expression: SubExpression, graph: SnomedIndex["parents"]) => {
  const found = new Set<number>()
  for (const { id } of expression.focus) {
    const concept = index.position(id)
    if (concept !== undefined) for (const next of neighbours(graph, concept)) found.add(next)
  }
  return [...found]
}

/** The parents `$lookup` shows: the focus concepts' parents (see the module comment). */
export const expressionParents = (index: SnomedIndex, expression: SubExpression): ReadonlyArray<number> =>
  focusNeighbours(index, expression, index.parents)

/** The children `$lookup` shows: the focus concepts' children. */
export const expressionChildren = (index: SnomedIndex, expression: SubExpression): ReadonlyArray<number> =>
  focusNeighbours(index, expression, index.children)

/** True when `concept` subsumes the expression: it is or is an ancestor of one of the focus concepts. */
export const expressionSubsumedBy = (index: SnomedIndex, expression: SubExpression, concept: number): boolean =>
  expression.focus.some(({ id }) => {
    const focus = index.position(id)
    return focus !== undefined && index.subsumes(concept, focus)
  })

/** The concepts the expression falls under: its focus concepts and their ancestors. */
export const expressionAncestors = (index: SnomedIndex, expression: SubExpression): Set<number> => {
  const found = new Set<number>()
  for (const { id } of expression.focus) {
    const focus = index.position(id)
    if (focus === undefined || found.has(focus)) continue
    found.add(focus)
    for (const ancestor of index.ancestors(focus)) found.add(ancestor)
  }
  return found
}
