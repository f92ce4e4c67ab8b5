/**
 * The structure the engine relies on in a CodeSystem, ValueSet or ConceptMap: the lists it walks
 * and the strings it compares, as `fhir.ts` names them. A resource sent with a request or loaded
 * from a package is checked once, on arrival, so a malformed one is refused with the element at
 * fault rather than failing midway through an operation. Everything else passes untouched.
 */
import { Either, ParseResult, Schema } from "effect"
import { terminologyResourceTypes, type TerminologyResource } from "./fhir"
import { message, type Message, type MessageKey } from "./messages"

const text = Schema.optional(Schema.String)
const list = <S extends Schema.Schema.Any>(item: S) => Schema.optional(Schema.Array(item))

const Extension = Schema.Struct({ url: Schema.String })
const Coding = Schema.Struct({ system: text, version: text, code: text, display: text })
const Designation = Schema.Struct({ language: text, use: Schema.optional(Coding), value: Schema.String })

interface PropertyValue {
  readonly code: string
  readonly subproperty?: ReadonlyArray<PropertyValue> | undefined
}
const PropertyValue: Schema.Schema<PropertyValue> = Schema.Struct({
  code: Schema.String,
  subproperty: list(Schema.suspend(() => PropertyValue))
})

interface Concept {
  readonly code: string
  readonly concept?: ReadonlyArray<Concept> | undefined
}
const Concept: Schema.Schema<Concept> = Schema.Struct({
  code: Schema.String,
  display: text,
  definition: text,
  designation: list(Designation),
  property: list(PropertyValue),
  extension: list(Extension),
  concept: list(Schema.suspend(() => Concept))
})

const canonical = { url: text, version: text, name: text, title: text, status: text, extension: list(Extension) }

const CodeSystem = Schema.Struct({
  ...canonical,
  supplements: text,
  content: text,
  caseSensitive: Schema.optional(Schema.Boolean),
  property: list(Schema.Struct({ code: Schema.String, type: text })),
  filter: list(Schema.Struct({ code: Schema.String, operator: list(Schema.String) })),
  concept: list(Concept)
})

const Include = Schema.Struct({
  system: text,
  version: text,
  concept: list(Schema.Struct({ code: Schema.String, display: text, designation: list(Designation), extension: list(Extension) })),
  // A filter missing a part is the engine's to report, with the message the FHIR validator gives, when the filter is used.
  filter: list(Schema.Struct({ property: text, op: text, value: text })),
  valueSet: list(Schema.String),
  extension: list(Extension)
})

const ValueSet = Schema.Struct({
  ...canonical,
  compose: Schema.optional(Schema.Struct({ inactive: Schema.optional(Schema.Boolean), include: list(Include), exclude: list(Include) }))
})

const Dependency = Schema.Struct({ property: Schema.String, system: text, value: Schema.String })

const ConceptMap = Schema.Struct({
  ...canonical,
  group: list(
    Schema.Struct({
      source: text,
      sourceVersion: text,
      target: text,
      targetVersion: text,
      element: list(
        Schema.Struct({
          code: text,
          display: text,
          target: list(
            Schema.Struct({
              code: text,
              display: text,
              equivalence: text,
              comment: text,
              dependsOn: list(Dependency),
              product: list(Dependency)
            })
          )
        })
      ),
      unmapped: Schema.optional(Schema.Struct({ mode: Schema.String, code: text, display: text, url: text }))
    })
  )
})

const shapes = { CodeSystem, ValueSet, ConceptMap } as const

const isTerminologyType = (type: unknown): type is keyof typeof shapes =>
  (terminologyResourceTypes as ReadonlyArray<unknown>).includes(type)

/** `group[0].element` as FHIRPath writes it. */
const pathText = (path: ReadonlyArray<PropertyKey>) =>
  path.map((step) => (typeof step === "number" ? `[${step}]` : `.${String(step)}`)).join("")

/** The catalogue message for what is wrong (Effect's own messages spell out the whole expected type; an unusual one is kept). */
const problemKeys: Readonly<Record<string, MessageKey>> = {
  string: "shape-not-string",
  boolean: "shape-not-boolean",
  ReadonlyArray: "shape-not-list",
  "{": "shape-not-object"
}

const problemOf = (element: string, { _tag, message: problem }: ParseResult.ArrayFormatterIssue): Message => {
  if (_tag === "Missing") return message("shape-missing", { element })
  const expected = /^Expected (string|boolean|ReadonlyArray|\{)/.exec(problem)?.[1]
  return expected === undefined ? message("shape-problem", { element, problem }) : message(problemKeys[expected]!, { element })
}

/**
 * The resource, typed, when it is a terminology resource of sound structure; otherwise the first
 * problem, naming the element (`ConceptMap.group[0].element is not a list`).
 */
export const checkTerminologyResource = (resource: Record<string, unknown>): Either.Either<TerminologyResource, Message> => {
  const type = resource.resourceType
  if (!isTerminologyType(type)) return Either.left(message("shape-not-terminology", { type: String(type) }))
  return Either.match(Schema.decodeUnknownEither(shapes[type] as Schema.Schema<unknown>, { errors: "first" })(resource), {
    onLeft: (error) => {
      const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
      return Either.left(first === undefined ? message("shape-malformed", { type }) : problemOf(`${type}${pathText(first.path)}`, first))
    },
    // The resource as it arrived, not the decoded copy, which would drop every element not named here.
    onRight: () => Either.right(resource as unknown as TerminologyResource)
  })
}
