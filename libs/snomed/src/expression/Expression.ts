/**
 * SNOMED CT post-coordinated expressions (Compositional Grammar 2.4): parse (`parseExpression`),
 * check against a release (`checkExpression`), show (`renderExpression`), and place in the
 * hierarchy and in ECL sets (`expressionSubsumedBy`, `expressionMatchesEcl`), check against the
 * concept model (`mrcmViolations`).
 */
export type * as ExpressionAst from "./ast"
export type { SnomedExpression } from "./ast"
export { expressionMatchesEcl } from "./ecl"
export * from "./errors"
export {
  checkExpression,
  expressionChildren,
  expressionCode,
  expressionParents,
  expressionProperties,
  expressionSubsumedBy,
  renderExpression,
  type ExpressionProblem
} from "./meaning"
export { mrcmViolations, releaseMrcm, type Mrcm, type MrcmViolation } from "./mrcm"
export { expressionConcept, isExpression, parseExpression } from "./parse"
