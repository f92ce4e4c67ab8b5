/**
 * A FHIR CodeSystem resource as a provider (https://hl7.org/fhir/R4/codesystem.html): concepts
 * with their nesting or `parent`/`child` properties as the hierarchy, designations, properties,
 * case sensitivity, and supplements layered on top (extra designations and properties). Built once
 * per resource; lookups are map reads.
 */
import { Either } from "effect"
import type { CodeSystemConcept, CodeSystemProperty, CodeSystemResource, Coding, Extension, PropertyValue, ValueSetFilter } from "../fhir"
import {
  arrayConceptSet,
  filterError,
  matchesSearch,
  type FilterError,
  searchWords,
  type CodeSystemProvider,
  type ConceptDesignation,
  type ConceptSet
} from "../provider"
import { message } from "../messages"
import { compileRegex } from "../regex"

export interface FhirConcept {
  readonly code: string
  readonly display: string | undefined
  readonly definition: string | undefined
  readonly designations: Array<ConceptDesignation>
  readonly properties: Array<PropertyValue>
  readonly extensions: Array<Extension>
  readonly parents: Array<FhirConcept>
  readonly children: Array<FhirConcept>
  readonly source: CodeSystemConcept
}

const conceptProperties = "http://hl7.org/fhir/concept-properties#"

/** The property's code in this code system for a standard concept property (by its URI or its usual code). */
const standardProperty = (definitions: ReadonlyArray<CodeSystemProperty>, name: string) =>
  definitions.find((definition) => definition.uri === `${conceptProperties}${name}`)?.code ?? name

/** A property value as text, for filters and comparisons. */
/** Designation uses that name a display (FHIR's preferred-for-language, SNOMED CT's synonym and FSN); a designation for another purpose is not one. */
const displayUses = new Set([
  "http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra|preferredForLanguage",
  "http://terminology.hl7.org/CodeSystem/designation-usage|display",
  "http://snomed.info/sct|900000000000013009",
  "http://snomed.info/sct|900000000000003001"
])
const isDisplayUse = (use: Coding | undefined) => use === undefined || displayUses.has(`${use.system}|${use.code}`)

export const propertyText = (value: PropertyValue): string | undefined => {
  const { code: _code, extension: _extension, ...rest } = value
  const found = Object.entries(rest).find(([key]) => key.startsWith("value"))?.[1]
  if (found === undefined) return undefined
  if (typeof found === "object" && found !== null) return (found as { code?: string }).code
  return String(found)
}

export const makeFhirCodeSystem = (
  resource: CodeSystemResource,
  supplements: ReadonlyArray<CodeSystemResource> = []
): CodeSystemProvider<FhirConcept> => {
  const caseSensitive = resource.caseSensitive === true
  const key = (code: string) => (caseSensitive ? code : code.toLowerCase())
  const byCode = new Map<string, FhirConcept>()
  const ordered: Array<FhirConcept> = []
  const roots: Array<FhirConcept> = []
  const definitions = [...(resource.property ?? []), ...supplements.flatMap((supplement) => supplement.property ?? [])]

  const add = (source: CodeSystemConcept, parent: FhirConcept | undefined) => {
    const concept: FhirConcept = {
      code: source.code,
      display: source.display,
      definition: source.definition,
      designations: [...(source.designation ?? [])],
      properties: [...(source.property ?? [])],
      extensions: [...(source.extension ?? [])],
      parents: parent === undefined ? [] : [parent],
      children: [],
      source
    }
    if (!byCode.has(key(source.code))) {
      byCode.set(key(source.code), concept)
      ordered.push(concept)
    }
    parent?.children.push(concept)
    for (const child of source.concept ?? []) add(child, concept)
  }
  for (const source of resource.concept ?? []) add(source, undefined)

  // Hierarchy stated as properties rather than nesting.
  const parentCode = standardProperty(definitions, "parent")
  const childCode = standardProperty(definitions, "child")
  const link = (parent: FhirConcept | undefined, child: FhirConcept | undefined) => {
    if (parent === undefined || child === undefined || child.parents.includes(parent)) return
    child.parents.push(parent)
    parent.children.push(child)
  }
  for (const concept of ordered) {
    for (const property of concept.properties) {
      const value = propertyText(property)
      if (value === undefined) continue
      if (property.code === parentCode) link(byCode.get(key(value)), concept)
      else if (property.code === childCode) link(concept, byCode.get(key(value)))
    }
  }
  for (const concept of ordered) if (concept.parents.length === 0) roots.push(concept)

  const canonicalOf = (resource: CodeSystemResource) =>
    resource.version === undefined ? (resource.url ?? "") : `${resource.url}|${resource.version}`
  for (const supplement of supplements) {
    const source = canonicalOf(supplement)
    const walk = (entries: ReadonlyArray<CodeSystemConcept>) => {
      for (const entry of entries) {
        const concept = byCode.get(key(entry.code))
        if (concept !== undefined) {
          concept.designations.push(...(entry.designation ?? []).map((designation) => ({ ...designation, source })))
          concept.properties.push(...(entry.property ?? []))
          concept.extensions.push(...(entry.extension ?? []))
          if (entry.display !== undefined && supplement.language !== undefined) {
            concept.designations.push({ language: supplement.language, value: entry.display, source })
          }
        }
        walk(entry.concept ?? [])
      }
    }
    walk(supplement.concept ?? [])
  }

  const valueOf = (concept: FhirConcept, name: string) => {
    const code = standardProperty(definitions, name)
    const property = concept.properties.find((property) => property.code === code)
    return property === undefined ? undefined : propertyText(property)
  }
  const status = (concept: FhirConcept) => valueOf(concept, "status")
  const isInactive = (concept: FhirConcept) => {
    const inactive = valueOf(concept, "inactive")
    if (inactive !== undefined) return inactive === "true"
    const value = status(concept)
    return value === "retired" || value === "inactive"
  }
  const isAbstract = (concept: FhirConcept) => valueOf(concept, "notSelectable") === "true"

  // A display in no stated language (neither its own nor the code system's) may be in any of them.
  const serves = (language: string | undefined, languages: ReadonlyArray<string>) =>
    languages.length === 0 || language === undefined || languages.some((wanted) => languageMatches(language, wanted))
  /** The display for the preferred languages and the language it is in: the first language the code system or a designation has. */
  const displayFor = (concept: FhirConcept, languages: ReadonlyArray<string>): { value?: string; language?: string } => {
    for (const language of languages) {
      if (resource.language !== undefined && languageMatches(resource.language, language) && concept.display !== undefined) {
        return { value: concept.display, language: resource.language }
      }
      const designation = concept.designations.find(
        (designation) => designation.language !== undefined && languageMatches(designation.language, language)
      )
      if (designation !== undefined) return designation
    }
    return {
      ...(concept.display === undefined ? {} : { value: concept.display }),
      ...(resource.language === undefined ? {} : { language: resource.language })
    }
  }
  const displaysOf = (concept: FhirConcept, languages: ReadonlyArray<string>) => [
    ...(concept.display !== undefined && serves(resource.language, languages)
      ? [{ value: concept.display, ...(resource.language === undefined ? {} : { language: resource.language }) }]
      : []),
    ...concept.designations
      .filter((designation) => isDisplayUse(designation.use) && serves(designation.language ?? resource.language, languages))
      .map(({ value, language }) => ({ value, ...(language === undefined ? {} : { language }) }))
  ]

  const descendants = (concept: FhirConcept, into: Set<FhirConcept>) => {
    for (const child of concept.children) {
      if (into.has(child)) continue
      into.add(child)
      descendants(child, into)
    }
    return into
  }
  const ancestors = (concept: FhirConcept, into: Set<FhirConcept>) => {
    for (const parent of concept.parents) {
      if (into.has(parent)) continue
      into.add(parent)
      ancestors(parent, into)
    }
    return into
  }
  const inOrder = (members: Set<FhirConcept>) => arrayConceptSet(ordered.filter((concept) => members.has(concept)))
  const where = (predicate: (concept: FhirConcept) => boolean) => arrayConceptSet(ordered.filter(predicate))

  const conceptFor = (filter: ValueSetFilter) => {
    const concept = byCode.get(key(filter.value))
    return concept === undefined
      ? Either.left(
          filterError(
            "invalid",
            message("filter-code-not-in-code-system", {
              code: filter.value,
              filter: `${filter.property} ${filter.op}`,
              url: String(resource.url)
            })
          )
        )
      : Either.right(concept)
  }
  const valuesIn = (filter: ValueSetFilter) => new Set(filter.value.split(",").map((value) => value.trim()))
  // Standard concept properties (http://hl7.org/fhir/concept-properties) have values even where the code system does not declare them.
  const derived: Record<string, (concept: FhirConcept) => string> = {
    inactive: (concept) => String(isInactive(concept))
  }
  // Known everywhere, but a concept matches a value only where it states one.
  const standardNames = ["inactive", "notSelectable", "status"]
  const textsOf = (concept: FhirConcept, property: string): ReadonlyArray<string> => {
    if (property === "code") return [concept.code]
    if (property === "display") return concept.display === undefined ? [] : [concept.display]
    const values = concept.properties.filter((value) => value.code === property).flatMap((value) => propertyText(value) ?? [])
    const standard = derived[property]
    return values.length === 0 && standard !== undefined ? [standard(concept)] : values
  }
  const unsupported = (filter: ValueSetFilter) =>
    Either.left(
      filterError(
        "not-supported",
        message("filter-not-supported-by-code-system", {
          filter: `${filter.property} ${filter.op} ${filter.value}`,
          url: String(resource.url)
        })
      )
    )

  const hierarchyFilter = (filter: ValueSetFilter): Either.Either<ConceptSet<FhirConcept>, FilterError> =>
    Either.map(conceptFor(filter), (concept) => {
      switch (filter.op) {
        case "is-a":
          return inOrder(descendants(concept, new Set([concept])))
        case "descendent-of":
          return inOrder(descendants(concept, new Set()))
        case "is-not-a": {
          const excluded = descendants(concept, new Set([concept]))
          return where((candidate) => !excluded.has(candidate))
        }
        case "child-of":
          return inOrder(new Set(concept.children))
        case "descendent-leaf":
          return inOrder(new Set([...descendants(concept, new Set())].filter((candidate) => candidate.children.length === 0)))
        case "generalizes":
          return inOrder(ancestors(concept, new Set([concept])))
        default:
          return inOrder(new Set([concept]))
      }
    })

  const filter = (filter: ValueSetFilter): Either.Either<ConceptSet<FhirConcept>, FilterError> => {
    const isConceptProperty = filter.property === "concept" || filter.property === "code"
    if (isConceptProperty && ["is-a", "descendent-of", "is-not-a", "child-of", "descendent-leaf", "generalizes"].includes(filter.op)) {
      return hierarchyFilter(filter)
    }
    if (isConceptProperty && filter.op === "=") return hierarchyFilter(filter)
    const property = filter.property === "concept" ? "code" : filter.property
    const known = ["code", "display", ...standardNames].includes(property) || definitions.some((definition) => definition.code === property)
    if (!known) return unsupported(filter)
    switch (filter.op) {
      case "=":
        return Either.right(where((concept) => textsOf(concept, property).includes(filter.value)))
      case "in": {
        const values = valuesIn(filter)
        return Either.right(where((concept) => textsOf(concept, property).some((value) => values.has(value))))
      }
      case "not-in": {
        const values = valuesIn(filter)
        return Either.right(where((concept) => !textsOf(concept, property).some((value) => values.has(value))))
      }
      case "exists": {
        const wanted = filter.value === "true"
        return Either.right(where((concept) => textsOf(concept, property).length > 0 === wanted))
      }
      case "regex":
        return Either.map(compileRegex(filter.value), (regex) =>
          where((concept) => textsOf(concept, property).some((value) => regex.test(value)))
        )
      default:
        return unsupported(filter)
    }
  }

  return {
    system: resource.url ?? "",
    version: resource.version,
    name: resource.name ?? resource.title ?? resource.url ?? "",
    caseSensitive,
    compositional: resource.compositional === true,
    polyhierarchical: false,
    content: resource.content ?? "complete",
    resource,
    language: resource.language,
    // Properties concepts carry without a declaration count as known too.
    propertyDefinitions: [
      ...definitions,
      ...[...new Set(ordered.flatMap((concept) => concept.properties.map((property) => property.code)))]
        .filter((code) => !definitions.some((definition) => definition.code === code))
        .map((code) => ({ code, type: "code" as const }))
    ],
    supplements: supplements.map(canonicalOf),
    locate: (code) => byCode.get(key(code)),
    code: (concept) => concept.code,
    display: (concept, languages) => displayFor(concept, languages).value,
    displayLanguage: (concept, languages) => displayFor(concept, languages).language,
    definition: (concept) => concept.definition,
    designations: (concept) => concept.designations,
    hasDisplay: (concept, display, languages) =>
      displaysOf(concept, languages).some(({ value }) =>
        caseSensitive ? value === display : value.toLowerCase() === display.toLowerCase()
      ),
    displays: displaysOf,
    isInactive,
    isAbstract,
    status,
    properties: (concept) => concept.properties,
    extensions: (concept) => concept.extensions,
    parents: (concept) => concept.parents,
    children: (concept) => concept.children,
    roots: () => roots,
    subsumes: (ancestor, concept) => ancestor === concept || ancestors(concept, new Set()).has(ancestor),
    all: () => arrayConceptSet(ordered),
    filter,
    search: (text, within) => {
      const query = searchWords(text)
      return [...within].filter((concept) =>
        matchesSearch(query, [
          concept.code,
          ...(concept.display === undefined ? [] : [concept.display]),
          ...concept.designations.map((designation) => designation.value)
        ])
      )
    }
  }
}

/** Whether a designation's language serves a requested one: `en` serves `en-GB` requests and the reverse. */
export const languageMatches = (have: string, wanted: string) => {
  const a = have.toLowerCase()
  const b = wanted.toLowerCase()
  return a === b || a.startsWith(`${b}-`) || b.startsWith(`${a}-`)
}
