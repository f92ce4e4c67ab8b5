/** SNOMED CT Expression Constraint Language: parse (`parseEcl`) and evaluate over a serving index (`evaluateEcl`). */
export type * as EclAst from "./ast"
export type { EclExpression } from "./ast"
export * from "./errors"
export { defaultEclMaxSteps, dialectAliases, evaluateEcl, warmUpEcl, warmUpEclCached, type EclOptions, type EclResult } from "./evaluate"
export { maxEclNesting, parseEcl } from "./parse"
