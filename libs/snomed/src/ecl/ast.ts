/**
 * The syntax tree of an ECL expression constraint (ECL 2.2, with the 2.3 additions `^R` and
 * `active = *`). Every node records `position`, the 0-based offset of its first character in the
 * text, so that evaluation errors (an unknown concept) can point at the source.
 */

export type EclExpression = SubExpression | CompoundExpression | RefinedExpression | DottedExpression

/** `A AND B AND C`, `A OR B`, `A MINUS B` (exactly two operands). */
export interface CompoundExpression {
  readonly _tag: "Compound"
  readonly position: number
  readonly operator: "and" | "or" | "minus"
  readonly operands: ReadonlyArray<SubExpression>
}

/** `focus : refinement` */
export interface RefinedExpression {
  readonly _tag: "Refined"
  readonly position: number
  readonly focus: SubExpression
  readonly refinement: Refinement
}

/** `focus . attribute . attribute`: the values of those attributes of the focus concepts. */
export interface DottedExpression {
  readonly _tag: "Dotted"
  readonly position: number
  readonly focus: SubExpression
  readonly attributes: ReadonlyArray<SubExpression>
}

export type HierarchyOperator =
  | "descendantOf"
  | "descendantOrSelfOf"
  | "childOf"
  | "childOrSelfOf"
  | "ancestorOf"
  | "ancestorOrSelfOf"
  | "parentOf"
  | "parentOrSelfOf"
  | "top"
  | "bottom"

/** `^`, `^ [field, …]`, `^ [*]` or (ECL 2.3) `^R`, the reference sets containing any of the focus concepts. */
export interface MemberOf {
  readonly position: number
  readonly containingAny: boolean
  /** Fields whose values are returned instead of the referenced components; "*" for all. */
  readonly fields?: ReadonlyArray<string> | "*"
}

export interface SubExpression {
  readonly _tag: "Sub"
  readonly position: number
  readonly operator?: HierarchyOperator
  readonly memberOf?: MemberOf
  readonly focus: Focus
  /** Each `{{ M … }}` block: all its filters hold for the same member row. */
  readonly memberFilters: ReadonlyArray<ReadonlyArray<MemberFilter>>
  /** `{{ D … }}` and `{{ C … }}` blocks, in order. */
  readonly filters: ReadonlyArray<FilterBlock>
  readonly history?: HistorySupplement
}

export type Focus = ConceptReference | Wildcard | AlternateIdentifier | Nested

export interface ConceptReference {
  readonly _tag: "Concept"
  readonly position: number
  readonly id: string
  readonly term?: string
}

export interface Wildcard {
  readonly _tag: "Wildcard"
  readonly position: number
}

/** `LOINC#54486-6` or `"scheme#code"`. */
export interface AlternateIdentifier {
  readonly _tag: "AlternateIdentifier"
  readonly position: number
  readonly scheme: string
  readonly code: string
  readonly term?: string
}

export interface Nested {
  readonly _tag: "Nested"
  readonly position: number
  readonly expression: EclExpression
}

// Refinements

export type Refinement = RefinementSet | AttributeGroup | Attribute

/** Refinements joined by one kind of operator (`AND`/`,` or `OR`). */
export interface RefinementSet {
  readonly _tag: "RefinementSet"
  readonly position: number
  readonly operator: "and" | "or"
  readonly operands: ReadonlyArray<Refinement>
}

export interface Cardinality {
  readonly min: number
  /** undefined for `*` (many). */
  readonly max: number | undefined
}

export interface AttributeGroup {
  readonly _tag: "Group"
  readonly position: number
  readonly cardinality?: Cardinality
  /** Attributes and attribute sets only: groups do not nest. */
  readonly attributes: Refinement
}

export type Comparison = ExpressionComparison | NumericComparison | StringComparison | BooleanComparison

export interface ExpressionComparison {
  readonly _tag: "ExpressionComparison"
  readonly operator: "=" | "!="
  readonly value: SubExpression
}

export type NumericOperator = "=" | "!=" | "<" | "<=" | ">" | ">="

export interface NumericComparison {
  readonly _tag: "NumericComparison"
  readonly operator: NumericOperator
  readonly value: number
  /** As written, for messages and exact decimal comparison. */
  readonly text: string
}

export interface StringComparison {
  readonly _tag: "StringComparison"
  readonly operator: "=" | "!="
  /** Any of these matches (a term set). */
  readonly values: ReadonlyArray<SearchTerm>
}

export interface BooleanComparison {
  readonly _tag: "BooleanComparison"
  readonly operator: "=" | "!="
  readonly value: boolean
}

export interface Attribute {
  readonly _tag: "Attribute"
  readonly position: number
  readonly cardinality?: Cardinality
  readonly reverse: boolean
  readonly name: SubExpression
  readonly comparison: Comparison
}

/** `match:"heart att"` (every word starts a word of the term) or `wild:"cardi*opathy"` (the whole term). */
export type SearchTerm =
  | { readonly _tag: "Match"; readonly text: string }
  | { readonly _tag: "Wild"; readonly text: string; readonly segments: ReadonlyArray<string> }

// Filters

/** A concept set written as a sub-expression or as `(id id …)`. */
export type ConceptSetValue =
  | { readonly _tag: "Expression"; readonly expression: SubExpression }
  | { readonly _tag: "Concepts"; readonly concepts: ReadonlyArray<ConceptReference> }

export type Acceptability = "preferred" | "acceptable"

export type AcceptabilitySet =
  | { readonly _tag: "Tokens"; readonly tokens: ReadonlyArray<Acceptability> }
  | { readonly _tag: "Concepts"; readonly concepts: ReadonlyArray<ConceptReference> }

export interface Dialect {
  readonly position: number
  /** An alias (`en-gb`) or a language reference set. */
  readonly dialect: { readonly _tag: "Alias"; readonly alias: string } | { readonly _tag: "Refset"; readonly refset: ConceptSetValue }
  readonly acceptability?: AcceptabilitySet
}

export type Equality = "=" | "!="

export type DescriptionFilter =
  | { readonly _tag: "Term"; readonly position: number; readonly operator: Equality; readonly terms: ReadonlyArray<SearchTerm> }
  | { readonly _tag: "Language"; readonly position: number; readonly operator: Equality; readonly codes: ReadonlyArray<string> }
  | {
      readonly _tag: "Type"
      readonly position: number
      readonly operator: Equality
      readonly types: { readonly _tag: "Tokens"; readonly tokens: ReadonlyArray<"fsn" | "syn" | "def"> } | ConceptSetValue
    }
  | { readonly _tag: "Dialect"; readonly position: number; readonly operator: Equality; readonly dialects: ReadonlyArray<Dialect> }
  | ModuleFilter
  | EffectiveTimeFilter
  | ActiveFilter
  | { readonly _tag: "DescriptionId"; readonly position: number; readonly operator: Equality; readonly ids: ReadonlyArray<string> }

export type ConceptFilter =
  | {
      readonly _tag: "DefinitionStatus"
      readonly position: number
      readonly operator: Equality
      readonly status: { readonly _tag: "Tokens"; readonly tokens: ReadonlyArray<"primitive" | "defined"> } | ConceptSetValue
    }
  | ModuleFilter
  | EffectiveTimeFilter
  | ActiveFilter

export type MemberFilter =
  | ModuleFilter
  | EffectiveTimeFilter
  | ActiveFilter
  | {
      readonly _tag: "Field"
      readonly position: number
      readonly field: string
      readonly comparison: Comparison | TimeComparison
    }

export interface ModuleFilter {
  readonly _tag: "Module"
  readonly position: number
  readonly operator: Equality
  readonly modules: ConceptSetValue
}

export interface TimeComparison {
  readonly _tag: "TimeComparison"
  readonly operator: NumericOperator
  /** yyyymmdd, or "" for no effective time (unpublished). */
  readonly times: ReadonlyArray<string>
}

export interface EffectiveTimeFilter extends Omit<TimeComparison, "_tag"> {
  readonly _tag: "EffectiveTime"
  readonly position: number
}

export interface ActiveFilter {
  readonly _tag: "Active"
  readonly position: number
  readonly operator: Equality
  /** "*" (ECL 2.3): active or not. */
  readonly value: boolean | "*"
}

export type FilterBlock =
  | { readonly _tag: "DescriptionFilters"; readonly position: number; readonly filters: ReadonlyArray<DescriptionFilter> }
  | { readonly _tag: "ConceptFilters"; readonly position: number; readonly filters: ReadonlyArray<ConceptFilter> }

/** `{{ + HISTORY }}`, `-MIN`, `-MOD`, `-MAX`, or `{{ + HISTORY (refsets) }}`. */
export interface HistorySupplement {
  readonly position: number
  readonly profile: "min" | "mod" | "max" | { readonly _tag: "Subset"; readonly expression: EclExpression }
}
