/**
 * The syntax tree of a SNOMED CT Compositional Grammar 2.4 expression
 * (https://confluence.ihtsdotools.org/display/DOCSCG/5.1+Normative+Specification). Every node
 * records `position`, the 0-based offset of its first character in the text, so that problems
 * found later (an unknown concept) can point at the source.
 */

/** `[=== | <<<] focus [: refinement]`: the whole expression. */
export interface SnomedExpression extends SubExpression {
  /** As written; the grammar reads an expression without one as `===`. */
  readonly definitionStatus?: "equivalentTo" | "subtypeOf"
}

/** Focus concepts joined by `+`, refined by attributes: also the form of a bracketed attribute value. */
export interface SubExpression {
  readonly position: number
  readonly focus: ReadonlyArray<ConceptReference>
  /** Ungrouped attributes and attribute groups; empty when there is no `:`. */
  readonly refinement: Refinement
}

/** The grammar puts ungrouped attributes first, then groups: both lists keep the written order. */
export interface Refinement {
  readonly attributes: ReadonlyArray<Attribute>
  readonly groups: ReadonlyArray<AttributeGroup>
}

export interface AttributeGroup {
  readonly position: number
  readonly attributes: ReadonlyArray<Attribute>
}

export interface Attribute {
  readonly position: number
  readonly name: ConceptReference
  readonly value: AttributeValue
}

export type AttributeValue = ConceptReference | NestedExpression | ConcreteValue

export interface ConceptReference {
  readonly _tag: "Concept"
  readonly position: number
  readonly id: string
  /** The `|term|` annotation, trimmed; it is for readers and does not change the meaning. */
  readonly term?: string
}

/** `( subExpression )` as an attribute value. */
export interface NestedExpression {
  readonly _tag: "Nested"
  readonly position: number
  readonly expression: SubExpression
}

export type ConcreteValue = NumericValue | StringValue | BooleanValue

/** `#12`, `#-1.5`. */
export interface NumericValue {
  readonly _tag: "Number"
  readonly position: number
  readonly value: number
  /** As written after `#`, so a decimal keeps its digits when shown again. */
  readonly text: string
}

/** `"text"`, escapes (`\"`, `\\`) resolved. */
export interface StringValue {
  readonly _tag: "String"
  readonly position: number
  readonly value: string
}

export interface BooleanValue {
  readonly _tag: "Boolean"
  readonly position: number
  readonly value: boolean
}
