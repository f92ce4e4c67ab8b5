/**
 * SNOMED CT as a terminology provider (https://hl7.org/fhir/R4/snomedct.html): concepts are
 * index positions, displays come from the language reference sets the requested languages mean,
 * filters are `concept is-a|descendent-of|in|=|generalizes`, `constraint =` (ECL) and
 * `expression =`, and sets are typed arrays, so a value set over a hierarchy of a million concepts
 * costs no per-concept objects.
 */
import {
  filterError,
  message,
  type FilterError,
  type CodeSystemProvider,
  type ConceptDesignation,
  type ConceptSet,
  type PropertyValue,
  type ValueSetFilter
} from "@ffynnon/terminology"
import { Either } from "effect"
import { evaluateEcl } from "./ecl/Ecl"
import { expressionProvider, type SnomedConcept } from "./expressionProvider"
import { neighbours, type SnomedIndex } from "./index/SnomedIndex"
import { Concepts, languageRefsetsFor } from "./metadata"
import { snomedSystem } from "./store/load"

/**
 * The language refsets for the preferred languages, in order: en-GB (and plain `en`) means UK
 * clinical, UK pharmacy, then GB English; en-US means US English; any other language means the
 * loaded refsets with descriptions in it (`cy`: the Welsh language refset of a translated edition).
 * With no preference, the default language (en-GB unless the deployment says otherwise). With
 * `fallback`, the default language's refsets follow the preferred ones: a display in a language
 * translated a part at a time (Welsh) falls back to en-GB, not to whichever refset comes first.
 */
export const languageRefsets = (
  index: SnomedIndex,
  languages: ReadonlyArray<string>,
  defaultLanguage = "en-GB",
  fallback = false
): ReadonlyArray<string> => {
  const key = languages.length === 0 ? defaultLanguage : fallback ? `${languages.join(",")};${defaultLanguage}` : languages.join(",")
  let byKey = refsetsByLanguages.get(index)
  if (byKey === undefined) refsetsByLanguages.set(index, (byKey = new Map()))
  const known = byKey.get(key)
  if (known !== undefined) return known
  const wanted = languages.length === 0 ? [defaultLanguage] : fallback ? [...languages, defaultLanguage] : languages
  const refsets = [
    ...new Set(
      wanted.flatMap(
        (language) =>
          languageRefsetsFor[language.toLowerCase() === "en" ? "en-gb" : language.toLowerCase()] ?? index.refsetsForLanguage(language)
      )
    )
  ]
  // Requests name few distinct language lists; the bound keeps hostile Accept-Language headers from growing it.
  if (byKey.size < 256) byKey.set(key, refsets)
  return refsets
}

/** Language refsets per index and language list, worked out once: every display asks. */
const refsetsByLanguages = new WeakMap<SnomedIndex, Map<string, ReadonlyArray<string>>>()

export const designationUse = {
  fullySpecifiedName: { system: snomedSystem, code: Concepts.fullySpecifiedName, display: "Fully specified name" },
  synonym: { system: snomedSystem, code: Concepts.synonym, display: "Synonym" },
  definition: { system: snomedSystem, code: Concepts.definition, display: "Definition" }
} as const

const roleGroup = "609096000"

/** A concrete value (`#250`, `"text"`, `true`) as a typed FHIR value. */
const concreteValue = (value: string) =>
  value.startsWith("#")
    ? /^#-?\d+$/.test(value)
      ? { valueInteger: Number(value.slice(1)) }
      : { valueDecimal: Number(value.slice(1)) }
    : value === "true" || value === "false"
      ? { valueBoolean: value === "true" }
      : { valueString: value.replace(/^"|"$/g, "") }

const attributeValue = (attribute: { value: string; concrete: boolean }) =>
  attribute.concrete ? concreteValue(attribute.value) : { valueCode: attribute.value }

/** The concept's properties: status, module, effective time, and its attributes by SCTID (grouped ones inside a role group); parents and children are the provider's hierarchy. */
const conceptProperties = (index: SnomedIndex, concept: number): Array<PropertyValue> => {
  const properties: Array<PropertyValue> = [
    { code: "inactive", valueBoolean: !index.isActive(concept) },
    { code: "sufficientlyDefined", valueBoolean: index.concepts.defined[concept] === 1 },
    { code: "moduleId", valueCode: index.moduleId(concept) },
    { code: "effectiveTime", valueString: index.effectiveTime(concept) }
  ]
  const attributes = index.attributesOf(concept)
  for (const attribute of attributes.filter((attribute) => attribute.group === 0)) {
    properties.push({ code: attribute.type, ...attributeValue(attribute) })
  }
  const groups = [...new Set(attributes.filter((attribute) => attribute.group !== 0).map((attribute) => attribute.group))].sort(
    (a, b) => a - b
  )
  for (const group of groups) {
    properties.push({
      code: roleGroup,
      subproperty: attributes
        .filter((attribute) => attribute.group === group)
        .map((attribute) => ({ code: attribute.type, ...attributeValue(attribute) }))
    })
  }
  return properties
}

const includesSorted = (sorted: Uint32Array, value: number) => {
  let low = 0
  let high = sorted.length - 1
  while (low <= high) {
    const middle = (low + high) >>> 1
    if (sorted[middle] === value) return true
    if (sorted[middle]! < value) low = middle + 1
    else high = middle - 1
  }
  return false
}

/** A set over concept positions; `has` is given because the arrays are not all sorted. */
export const positionSet = (members: () => Uint32Array, has: (concept: number) => boolean, size?: number): ConceptSet<number> => {
  let cached: Uint32Array | undefined
  const all = () => (cached ??= members())
  return {
    get size() {
      return size ?? all().length
    },
    has,
    array: all,
    [Symbol.iterator]: () => all()[Symbol.iterator]()
  }
}

const sortedSet = (members: Uint32Array) =>
  positionSet(
    () => members,
    (concept) => includesSorted(members, concept),
    members.length
  )

/** Longer expressions are quoted in errors by the part around the error: an answer should not echo kilobytes. */
const maxQuoted = 200

const quoteEcl = (expression: string, position: number) => {
  if (expression.length <= maxQuoted) return expression
  const start = Math.max(0, Math.min(position - maxQuoted / 2, expression.length - maxQuoted))
  const end = start + maxQuoted
  return `${start > 0 ? "…" : ""}${expression.slice(start, end)}${end < expression.length ? "…" : ""}`
}

/** `constraint =` and `expression =`: the concepts an ECL expression means. */
const eclFilter = (index: SnomedIndex, expression: string): Either.Either<ConceptSet<number>, FilterError> =>
  Either.match(evaluateEcl(index, expression), {
    onRight: (result) =>
      Either.right(
        positionSet(
          () => result.concepts,
          (concept) => result.has(concept),
          result.concepts.length
        )
      ),
    onLeft: (error) =>
      Either.left(
        filterError(
          error._tag === "EclTooCostly" ? "too-costly" : error._tag === "EclUnsupported" ? "not-supported" : "invalid",
          message(error._tag === "EclTooCostly" || error._tag === "EclUnsupported" ? "ecl-unusable" : "ecl-invalid", {
            expression: quoteEcl(expression, error._tag === "EclTooCostly" ? 0 : error.position),
            problem: error.said
          }),
          error._tag === "EclSyntaxError" || error._tag === "EclUnknownConcept" ? "INVALID_ECL" : undefined
        )
      )
  })

const providers = new WeakMap<SnomedIndex, Map<string, CodeSystemProvider<SnomedConcept>>>()

/**
 * The provider for one release's index (one per index and default language, kept while the index
 * is served). `defaultLanguage` is the display language when a request names none.
 */
export const snomedProvider = (index: SnomedIndex, defaultLanguage = "en-GB"): CodeSystemProvider<SnomedConcept> => {
  let byLanguage = providers.get(index)
  if (byLanguage === undefined) providers.set(index, (byLanguage = new Map()))
  const existing = byLanguage.get(defaultLanguage)
  if (existing !== undefined) return existing
  let everyConcept: Uint32Array | undefined
  const unknownConcept = (filter: ValueSetFilter) =>
    filterError(
      "not-found",
      message("filter-concept-not-in-edition", { code: filter.value, filter: `${filter.property} ${filter.op}`, version: index.uri })
    )
  const conceptFilter = (filter: ValueSetFilter): Either.Either<ConceptSet<number>, FilterError> => {
    if (filter.op === "in") {
      return Either.right(sortedSet(index.refsetConcepts(filter.value)))
    }
    const concept = index.position(filter.value)
    if (concept === undefined) return Either.left(unknownConcept(filter))
    switch (filter.op) {
      case "is-a":
        return Either.right(
          positionSet(
            () => index.descendantsAndSelf(concept),
            (candidate) => index.subsumes(concept, candidate)
          )
        )
      case "descendent-of":
        return Either.right(
          positionSet(
            () => index.descendantsAndSelf(concept).subarray(1),
            (candidate) => candidate !== concept && index.subsumes(concept, candidate)
          )
        )
      case "generalizes":
        return Either.right(sortedSet(Uint32Array.from([concept, ...index.ancestors(concept)]).sort()))
      case "=":
        return Either.right(sortedSet(Uint32Array.of(concept)))
      default:
        return Either.left(filterError("not-supported", message("filter-not-supported-for-snomed", { filter: `concept ${filter.op}` })))
    }
  }
  const provider: CodeSystemProvider<number> = {
    system: snomedSystem,
    version: index.uri,
    name: "SNOMED CT",
    caseSensitive: false,
    compositional: true,
    polyhierarchical: true,
    content: "complete",
    resource: undefined,
    language: undefined,
    supplements: [],
    propertyDefinitions: [
      { code: "inactive", uri: "http://hl7.org/fhir/concept-properties#inactive", type: "boolean" },
      { code: "parent", uri: "http://hl7.org/fhir/concept-properties#parent", type: "code" },
      { code: "child", uri: "http://hl7.org/fhir/concept-properties#child", type: "code" },
      { code: "moduleId", uri: "http://snomed.info/field/Concept.moduleId", type: "code" },
      { code: "effectiveTime", uri: "http://snomed.info/field/Concept.effectiveTime", type: "string" },
      { code: "sufficientlyDefined", type: "boolean" }
    ],
    locate: (code) => index.position(code),
    code: (concept) => index.code(concept),
    display: (concept, languages) => index.preferredTerm(concept, languageRefsets(index, languages, defaultLanguage, true)),
    displayLanguage: (concept, languages) => {
      const description = index.displayDescription(concept, languageRefsets(index, languages, defaultLanguage, true))
      return description === undefined ? undefined : index.descriptionLanguage(description)
    },
    definition: () => undefined,
    designations: (concept) =>
      index
        .designations(concept)
        .filter((designation) => designation.active)
        .map((designation): ConceptDesignation => ({
          language: designation.languageCode,
          use: designationUse[designation.type],
          value: designation.term
        })),
    hasDisplay: (concept, display, languages) =>
      index.hasTerm(concept, display, languages.length === 0 ? [] : languageRefsets(index, languages)),
    displays: (concept, languages) =>
      index
        .designations(concept)
        .filter(
          (designation) =>
            designation.active &&
            designation.type !== "definition" &&
            (languages.length === 0 ||
              languages.some((language) => language.toLowerCase().startsWith(designation.languageCode.toLowerCase())))
        )
        .map((designation) => ({ value: designation.term, language: designation.languageCode })),
    isInactive: (concept) => !index.isActive(concept),
    isAbstract: () => false,
    status: (concept) => (index.isActive(concept) ? "active" : "inactive"),
    properties: (concept) => conceptProperties(index, concept),
    parents: (concept) => [...neighbours(index.parents, concept)],
    children: (concept) => [...neighbours(index.children, concept)],
    roots: () => {
      const root = index.position(Concepts.root)
      return root === undefined ? [] : [root]
    },
    subsumes: (ancestor, concept) => index.subsumes(ancestor, concept),
    all: () =>
      positionSet(
        () => (everyConcept ??= Uint32Array.from({ length: index.conceptCount }, (_, concept) => concept)),
        () => true,
        index.conceptCount
      ),
    filter: (filter) => {
      if (filter.property === "concept") return conceptFilter(filter)
      // The reference sets the release holds members of (`?fhir_vs=refset`).
      if (filter.property === "refset" && filter.op === "exists" && filter.value === "true") {
        const refsets = [...index.refsets.keys(), ...index.languageRefsets.keys()].flatMap((refsetId) => index.position(refsetId) ?? [])
        return Either.right(sortedSet(Uint32Array.from(new Set(refsets)).sort()))
      }
      if ((filter.property === "constraint" || filter.property === "expression") && filter.op === "=") {
        return eclFilter(index, filter.value)
      }
      return Either.left(
        filterError("not-supported", message("filter-not-supported-for-snomed", { filter: `${filter.property} ${filter.op}` }))
      )
    },
    search: (text, within) => Array.from(index.search(text, (concept) => within.has(concept)))
  }
  const withExpressions = expressionProvider(index, provider, defaultLanguage)
  byLanguage.set(defaultLanguage, withExpressions)
  return withExpressions
}
