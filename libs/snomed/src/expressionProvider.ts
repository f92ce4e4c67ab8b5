/**
 * SNOMED CT's provider with post-coordinated expressions (Compositional Grammar) as codes: a code
 * such as `128241005:{363698007=181268008}` is located as an expression whose concepts exist, is
 * shown in its compact form with terms, and is a member of an is-a or ECL value set when its
 * meaning falls within it. Expressions are never listed by an expansion unless a value set names
 * them; the `expressions` filter (true/false) says whether a value set admits them at all.
 */
import { message, type CodeSystemProvider, type ConceptSet, type PropertyValue, type ValueSetFilter } from "@ffynnon/terminology"
import { Either } from "effect"
import { LRUCache } from "lru-cache"
import {
  checkExpression,
  expressionChildren,
  expressionCode,
  expressionConcept,
  expressionMatchesEcl,
  expressionParents,
  expressionProperties,
  expressionSubsumedBy,
  isExpression,
  mrcmViolations,
  parseExpression,
  renderExpression,
  type SnomedExpression
} from "./expression/Expression"
import type { SnomedIndex } from "./index/SnomedIndex"
import { languageRefsets } from "./provider"

/** A post-coordinated expression as a concept handle: its text as given and its canonical code. */
export interface ExpressionConcept {
  readonly expression: SnomedExpression
  readonly text: string
  readonly canonical: string
}

export type SnomedConcept = number | ExpressionConcept

/** Recently located expressions by canonical code, so the same expression is the same handle within and across requests. */
const handlesKept = 10_000

const isConcept = (concept: SnomedConcept): concept is number => typeof concept === "number"

/** Whether a filter admits an expression: hierarchy filters by subsumption, ECL by its meaning. */
const admits = (index: SnomedIndex, filter: ValueSetFilter, concept: ExpressionConcept) => {
  if (filter.property === "concept" && (filter.op === "is-a" || filter.op === "descendent-of")) {
    const ancestor = index.position(filter.value)
    return ancestor !== undefined && expressionSubsumedBy(index, concept.expression, ancestor)
  }
  if ((filter.property === "constraint" || filter.property === "expression") && filter.op === "=") {
    return Either.getOrElse(expressionMatchesEcl(index, filter.value, concept.expression), () => false)
  }
  return false
}

const withExpressions = (
  set: ConceptSet<number>,
  admit: (concept: ExpressionConcept) => boolean,
  closed = false
): ConceptSet<SnomedConcept> => ({
  get size() {
    return set.size
  },
  closed,
  has: (concept: SnomedConcept) => (isConcept(concept) ? set.has(concept) : admit(concept)),
  ...(set.array === undefined ? {} : { array: () => set.array!() }),
  [Symbol.iterator]: () => set[Symbol.iterator]()
})

export const expressionProvider = (
  index: SnomedIndex,
  base: CodeSystemProvider<number>,
  defaultLanguage: string
): CodeSystemProvider<SnomedConcept> => {
  const handles = new LRUCache<string, ExpressionConcept>({ max: handlesKept })
  const locate = (code: string): SnomedConcept | undefined => {
    if (!isExpression(code)) return base.locate(code)
    const parsed = parseExpression(code)
    if (Either.isLeft(parsed)) return undefined
    const single = expressionConcept(parsed.right)
    if (single !== undefined) return base.locate(single)
    if (checkExpression(index, parsed.right).some((problem) => problem.kind === "unknown")) return undefined
    const canonical = expressionCode(parsed.right)
    const known = handles.get(canonical)
    if (known !== undefined) return known
    const handle = { expression: parsed.right, text: code, canonical }
    handles.set(canonical, handle)
    return handle
  }
  // An expression is unknown when it does not parse or names a concept the release lacks; the second is worth saying.
  const unknownReason = (code: string) => {
    if (!isExpression(code)) return undefined
    const parsed = parseExpression(code)
    const missing = Either.isRight(parsed) ? checkExpression(index, parsed.right).find((problem) => problem.kind === "unknown") : undefined
    return missing === undefined
      ? undefined
      : message("expression-not-valid", { problem: message("expression-concept-not-found", { id: missing.id }) })
  }
  const render = (concept: ExpressionConcept, languages: ReadonlyArray<string>) =>
    renderExpression(index, concept.expression, languageRefsets(index, languages, defaultLanguage, true))
  const propertiesOf = (concept: ExpressionConcept): ReadonlyArray<PropertyValue> =>
    expressionProperties(index, concept.expression).map((attribute) => ({ code: attribute.type, valueCode: attribute.value }))
  // `expressions = false` closes the value set: only listed concepts belong.
  const expressionsFilter = (filter: ValueSetFilter): ConceptSet<SnomedConcept> =>
    filter.value === "true" ? withExpressions(base.all(), () => true) : withExpressions(base.all(), () => false, true)

  return {
    ...base,
    locate,
    unknownReason,
    code: (concept) => (isConcept(concept) ? base.code(concept) : concept.text),
    display: (concept, languages) => (isConcept(concept) ? base.display(concept, languages) : render(concept, languages)),
    displayLanguage: (concept, languages) => (isConcept(concept) ? base.displayLanguage?.(concept, languages) : undefined),
    definition: (concept) => (isConcept(concept) ? base.definition(concept) : undefined),
    designations: (concept) => (isConcept(concept) ? base.designations(concept) : []),
    hasDisplay: (concept, display, languages) =>
      isConcept(concept) ? base.hasDisplay(concept, display, languages) : render(concept, languages) === display,
    displays: (concept, languages) => (isConcept(concept) ? base.displays(concept, languages) : [{ value: render(concept, languages) }]),
    isInactive: (concept) => (isConcept(concept) ? base.isInactive(concept) : false),
    isAbstract: (concept) => (isConcept(concept) ? base.isAbstract(concept) : false),
    isPostCoordinated: (concept) => !isConcept(concept),
    status: (concept) => (isConcept(concept) ? base.status(concept) : undefined),
    properties: (concept) => (isConcept(concept) ? base.properties(concept) : propertiesOf(concept)),
    parents: (concept) => (isConcept(concept) ? base.parents(concept) : expressionParents(index, concept.expression)),
    children: (concept) => (isConcept(concept) ? base.children(concept) : expressionChildren(index, concept.expression)),
    // The HL7 test suite expects this note on every valid expression; the MRCM is checked too, where the release has it.
    note: (concept) => (isConcept(concept) ? undefined : message("expression-not-checked-against-mrcm")),
    invalid: (concept) =>
      isConcept(concept)
        ? []
        : mrcmViolations(index, concept.expression).map(({ said: problem, position }) =>
            message("expression-breaks-mrcm", { position, problem })
          ),
    subsumes: (ancestor, concept) =>
      isConcept(ancestor)
        ? isConcept(concept)
          ? base.subsumes(ancestor, concept)
          : expressionSubsumedBy(index, concept.expression, ancestor)
        : !isConcept(concept) && ancestor.canonical === concept.canonical,
    all: () => withExpressions(base.all(), () => false),
    filter: (filter) =>
      filter.property === "expressions" && filter.op === "=" && (filter.value === "true" || filter.value === "false")
        ? Either.right(expressionsFilter(filter))
        : Either.map(base.filter(filter), (set) => withExpressions(set, (concept) => admits(index, filter, concept))),
    // Sets only list concepts (expressions are admitted, never listed), so `within` iterates numbers alone.
    search: (text, within) => base.search(text, within as ConceptSet<number>)
  }
}
