/**
 * Operation input: the same named parameters arrive as a GET query string or as a FHIR
 * `Parameters` resource in a POST body (https://hl7.org/fhir/R4/operations.html#request).
 * Each operation declares its parameters once; this turns either form into one typed record
 * and answers anything else (unknown names, wrong types, repeats) with a 400 OperationOutcome.
 */
import { Either } from "effect"
import { FhirFailure, issue, operationOutcome, type OperationOutcomeIssue } from "./outcome"
import { cataloguedIssue, type MessageKey } from "../messages"

/** Primitive types arrive as text in a query string and as `value<Type>` in a body. */
type PrimitiveType = "string" | "code" | "uri" | "canonical" | "boolean" | "integer" | "dateTime"
/** Complex types arrive only in a body; `parts` is a parameter made of `part`s, such as `$translate`'s `dependency`. */
type ComplexType = "Coding" | "CodeableConcept" | "Resource" | "parts"

export interface ParameterSpec {
  readonly type: PrimitiveType | ComplexType
  /** `*` when the parameter may repeat. */
  readonly max?: 1 | "*"
}

type ValueOf<T extends ParameterSpec["type"]> = T extends "boolean"
  ? boolean
  : T extends "integer"
    ? number
    : T extends "parts"
      ? ReadonlyArray<Record<string, unknown>>
      : T extends ComplexType
        ? Record<string, unknown>
        : string

export type OperationInput<Spec extends Record<string, ParameterSpec>> = {
  readonly [K in keyof Spec]?: Spec[K]["max"] extends "*" ? ReadonlyArray<ValueOf<Spec[K]["type"]>> : ValueOf<Spec[K]["type"]>
}

const primitiveTypes = new Set<string>(["string", "code", "uri", "canonical", "boolean", "integer", "dateTime"])

const valueKeyOf = (type: ParameterSpec["type"]) =>
  type === "Resource" ? "resource" : type === "parts" ? "part" : `value${type.charAt(0).toUpperCase()}${type.slice(1)}`

// Clients send primitives under neighbouring types (valueString for a uri, valueUri for a code):
// accept any primitive in its text form where a textual type is expected.
const textualKeys = [
  "valueString",
  "valueCode",
  "valueUri",
  "valueUrl",
  "valueCanonical",
  "valueId",
  "valueMarkdown",
  "valueOid",
  "valueUuid",
  "valueDateTime",
  "valueDate"
]

/** An `invalid` issue about one parameter, its text from the catalogues. */
const invalid = (key: MessageKey, values: Readonly<Record<string, string>>, name: string) =>
  cataloguedIssue(key, values, (text) => issue("error", "invalid", text, [name]))

const fromText = (name: string, type: PrimitiveType, text: string): Either.Either<unknown, OperationOutcomeIssue> => {
  switch (type) {
    case "boolean":
      return text === "true" || text === "false"
        ? Either.right(text === "true")
        : Either.left(invalid("parameter-not-boolean", { name, value: text }, name))
    case "integer":
      return /^-?\d{1,15}$/.test(text)
        ? Either.right(Number(text))
        : Either.left(invalid("parameter-not-integer", { name, value: text }, name))
    default:
      return text.length > 0 ? Either.right(text) : Either.left(invalid("parameter-empty", { name }, name))
  }
}

const fromPart = (
  name: string,
  type: ParameterSpec["type"],
  part: Record<string, unknown>
): Either.Either<unknown, OperationOutcomeIssue> => {
  const exact = part[valueKeyOf(type)]
  if (!primitiveTypes.has(type)) {
    return typeof exact === "object" && exact !== null
      ? Either.right(exact)
      : Either.left(invalid("parameter-not-type", { name, type }, name))
  }
  if (exact !== undefined && typeof exact !== "string") return Either.right(exact)
  const text = exact ?? textualKeys.map((key) => part[key]).find((value) => typeof value === "string")
  return typeof text === "string"
    ? fromText(name, type as PrimitiveType, text)
    : Either.left(invalid("parameter-no-value", { name, key: valueKeyOf(type) }, name))
}

/** How unknown parameter names are treated: refused, or ignored as the terminology test clients expect. */
export type UnknownParameters = "refuse" | "ignore"

const collect = <Spec extends Record<string, ParameterSpec>>(
  operation: string,
  spec: Spec,
  entries: ReadonlyArray<readonly [string, (spec: ParameterSpec) => Either.Either<unknown, OperationOutcomeIssue>]>,
  unknown: UnknownParameters
): Either.Either<OperationInput<Spec>, FhirFailure> => {
  const values = new Map<string, Array<unknown>>()
  const problems: Array<OperationOutcomeIssue> = []
  for (const [name, read] of entries) {
    const parameter = spec[name]
    if (parameter === undefined) {
      if (unknown === "ignore") continue
      problems.push(
        cataloguedIssue("parameter-unknown", { name, operation, known: Object.keys(spec).join(", ") }, (text) =>
          issue("error", "not-supported", text, [name])
        )
      )
      continue
    }
    Either.match(read(parameter), {
      onLeft: (problem) => problems.push(problem),
      onRight: (value) => values.set(name, [...(values.get(name) ?? []), value])
    })
  }
  for (const [name, list] of values) {
    if (spec[name]!.max !== "*" && list.length > 1) {
      problems.push(invalid("parameter-repeated", { name }, name))
    }
  }
  if (problems.length > 0) return Either.left(new FhirFailure({ status: 400, outcome: operationOutcome(...problems) }))
  const input: Record<string, unknown> = {}
  for (const [name, list] of values) input[name] = spec[name]!.max === "*" ? list : list[0]
  return Either.right(input as OperationInput<Spec>)
}

/** Reads a GET query string; complex types cannot be expressed there. */
export const fromQuery = <Spec extends Record<string, ParameterSpec>>(
  operation: string,
  spec: Spec,
  query: URLSearchParams,
  unknown: UnknownParameters = "refuse"
) =>
  collect(
    operation,
    spec,
    [...query].map(
      ([name, text]) =>
        [
          name,
          (parameter: ParameterSpec) =>
            primitiveTypes.has(parameter.type)
              ? fromText(name, parameter.type as PrimitiveType, text)
              : Either.left(
                  cataloguedIssue("parameter-needs-post", { name, type: parameter.type }, (text) =>
                    issue("error", "not-supported", text, [name])
                  )
                )
        ] as const
    ),
    unknown
  )

/** Reads the `parameter` list of a POST `Parameters` body (already checked to be one). */
export const fromParameters = <Spec extends Record<string, ParameterSpec>>(
  operation: string,
  spec: Spec,
  parameters: ReadonlyArray<{ readonly name: string } & Record<string, unknown>>,
  unknown: UnknownParameters = "refuse"
) =>
  collect(
    operation,
    spec,
    parameters.map((part) => [part.name, (parameter: ParameterSpec) => fromPart(part.name, parameter.type, part)] as const),
    unknown
  )
