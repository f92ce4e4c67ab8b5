/**
 * `ValueSet/$expand` (https://hl7.org/fhir/R4/valueset-operation-expand.html) over a composition:
 * the value set with an `expansion` holding `total`, the paged `contains` (nested by the code
 * system's hierarchy unless `excludeNested` or paging asks for a flat list), designations,
 * definitions and requested properties, and the `parameter`s that say how it was made.
 */
import { Either } from "effect"
import { randomUUID } from "node:crypto"
import type { Designation, Extension, PropertyValue, ValueSetResource } from "../fhir"
import { terminologyError, type TerminologyError } from "../errors"
import { message, say, type MessageLanguage } from "../messages"
import { displayLanguageOf, elementLanguage, languageFallback, statesDisplayLanguage } from "../languages"
import { arrayConceptSet, type ConceptDesignation } from "../provider"
import {
  excludesAcrossVersions as excludesAcrossVersionsOf,
  members,
  splitCanonical,
  unresolvedError,
  type Composition,
  type Member,
  type Provider
} from "./engine"

export interface ExpandOptions {
  readonly filter?: string
  readonly offset?: number
  readonly count?: number
  readonly activeOnly?: boolean
  /** Leave out abstract (not selectable) concepts, which a pick-list should not offer. */
  readonly excludeNotForUI?: boolean
  /** Leave out post-coordinated expressions (SNOMED CT) that the value set lists. */
  readonly excludePostCoordinated?: boolean
  /** Answer the first `limit` codes of an expansion too large to return whole, marked as incomplete, instead of refusing it. */
  readonly limitedExpansion?: boolean
  readonly excludeNested?: boolean
  readonly includeDesignations?: boolean
  /** `designation` tokens: `urn:ietf:bcp:47|<language>` or `<system>|<use code>`. */
  readonly designations?: ReadonlyArray<string>
  readonly includeDefinition?: boolean
  /** Preferred display languages, most preferred first. */
  readonly languages: ReadonlyArray<string>
  /** Only the preferred languages will do (`*; q=0`): a concept with no display in them is listed without one. */
  readonly onlyLanguages?: boolean
  readonly properties?: ReadonlyArray<string>
  /** Request parameters the expansion records, in FHIR's Parameters shape. */
  readonly echo: ReadonlyArray<{ readonly name: string } & Record<string, unknown>>
  /** The most codes returned without paging. */
  readonly limit: number
  /** The most codes returned in one page when a count asks for more than `limit`. */
  readonly maxPage: number
  /** The language of the expansion's notes; English when not given. */
  readonly messageLanguage?: MessageLanguage
}

/** The note an expansion carries when its displays are in none of the languages asked for. */
export const languageFallbackExtension = "https://ffynnon.nhs.wales/fhir/StructureDefinition/display-language-fallback"

interface Contains {
  system: string
  version?: string
  abstract?: boolean
  inactive?: boolean
  code: string
  display?: string
  _display?: { extension: Array<Extension> }
  designation?: Array<Designation>
  extension?: Array<Extension>
  contains?: Array<Contains>
}

const wantedDesignation = (tokens: ReadonlyArray<string> | undefined) => (designation: ConceptDesignation) =>
  tokens === undefined ||
  tokens.some((token) => {
    const [system, code = ""] = token.includes("|") ? token.split("|") : ["", token]
    return system === "urn:ietf:bcp:47"
      ? designation.language?.toLowerCase() === code.toLowerCase() ||
          designation.language?.toLowerCase().startsWith(`${code.toLowerCase()}-`) === true
      : designation.use?.code === code && (system === "" || designation.use?.system === system)
  })

/** A concept's status as stated, else `inactive` for an inactive concept; nothing for an active one. */
const statusOf = (
  provider: Provider,
  concept: unknown,
  own: ReadonlyArray<PropertyValue>,
  conceptExtensions: ReadonlyArray<Extension>
): ReadonlyArray<PropertyValue> => {
  const stated = own.filter((property) => property.code === "status")
  if (stated.length > 0) return stated.filter((property) => property.valueCode !== "active")
  const standards = conceptExtensions.find((extension) => extension.url === standardsStatus)?.valueCode
  const status =
    provider.status(concept) ??
    (provider.isInactive(concept) ? "inactive" : typeof standards === "string" && standards !== "normative" ? standards : undefined)
  return status === undefined || status === "active" ? [] : [{ code: "status", valueCode: status }]
}

/** Whether excludes of one version took codes out of another (the versionsMatch rule at work). */
const excludesAcrossVersions = (composition: Composition) =>
  composition.excludes.some(
    (exclude) =>
      excludesAcrossVersionsOf(composition, exclude) &&
      composition.includes.some(
        (include) =>
          include.provider !== undefined &&
          exclude.provider !== undefined &&
          include.provider.system === exclude.provider.system &&
          include.provider !== exclude.provider
      )
  )

const declaredByProvider = new WeakMap<Provider, ReadonlySet<string>>()
const declaredProperties = (provider: Provider) => {
  let declared = declaredByProvider.get(provider)
  if (declared === undefined)
    declaredByProvider.set(provider, (declared = new Set(provider.propertyDefinitions.map((definition) => definition.code))))
  return declared
}

const conceptProperties = "http://hl7.org/fhir/concept-properties#"
/** Properties FHIR defines for every code system (http://hl7.org/fhir/concept-properties). */
const standardProperties = new Set(["status", "inactive", "notSelectable", "parent", "child", "definition", "deprecated", "retirementDate"])

/** `_display` stating the display's language, when known. */
const languageOfDisplay = (language: string | undefined) => (language === undefined ? {} : { _display: elementLanguage(language) })

export const preferredForLanguage = {
  system: "http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra",
  code: "preferredForLanguage",
  display: "Preferred For Language"
}

// R4 has no expansion.property: FHIR's cross-version extensions carry R5's element (https://hl7.org/fhir/versions.html#extensions).
const expansionPropertyExtension = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.property"
const containsPropertyExtension = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property"

const containsProperty = ({ code, ...value }: Omit<PropertyValue, "extension">): Extension => ({
  url: containsPropertyExtension,
  extension: [
    { url: "code", valueCode: code },
    { url: "value", ...value }
  ]
})

const inactiveOf = (provider: Provider, concept: unknown) => provider.isInactive(concept)

const structureDefinition = "http://hl7.org/fhir/StructureDefinition/"
/**
 * Concept extensions that FHIR's expansion carries as properties (R5 `contains.property`): the
 * value set's entry (first) or the code system's concept and its supplements state them.
 */
const extensionProperties = [
  { code: "label", urls: ["valueset-label", "codesystem-label"], uri: `${conceptProperties}label`, type: "valueString" },
  { code: "order", urls: ["valueset-conceptOrder", "codesystem-conceptOrder"], uri: `${conceptProperties}order`, type: "valueDecimal" },
  { code: "weight", urls: ["itemWeight"], uri: `${conceptProperties}itemWeight`, type: "valueDecimal" }
] as const
/** Concept extensions an expansion echoes on the code as they are (how to render it, the value set's own remarks). */
const echoedExtensions = new Set(
  ["rendering-style", "rendering-xhtml", "valueset-deprecated", "valueset-concept-definition"].map((name) => structureDefinition + name)
)
/** Designation extensions an expansion keeps; others (unknown ones) are left out. */
const designationExtensions = new Set(
  ["coding-sctdescid", "rendering-style", "rendering-xhtml", "structuredefinition-standards-status"].map(
    (name) => structureDefinition + name
  )
)
const standardsStatus = `${structureDefinition}structuredefinition-standards-status`

/** The first value each extension URL has, the value set's entry before the code system's concept. */
const firstByUrl = (extensions: ReadonlyArray<Extension>) => {
  const first = new Map<string, Extension>()
  for (const extension of extensions) if (!first.has(extension.url)) first.set(extension.url, extension)
  return first
}

const numberOrString = (extension: Extension) =>
  [extension.valueInteger, extension.valueDecimal, extension.valueString].find((value) => value !== undefined)

/** The selected members: their number, and any run of them. */
interface MemberList {
  readonly length: number
  slice(start: number, end: number): Array<Member>
}

const arrayList = (members: ReadonlyArray<Member>): MemberList => ({
  length: members.length,
  slice: (start, end) => members.slice(start, end)
})

/**
 * A value set that is one include of one code system (an implicit SNOMED CT value set, an is-a
 * filter) is paged straight from the provider's set, best search matches first, without a
 * member object for each of perhaps a million concepts.
 */
/** Whether the options leave a concept out of the expansion whatever the value set says: a grouper from a pick-list, an expression. */
const leftOut = (options: ExpandOptions) => (provider: Provider, concept: unknown) =>
  (options.excludeNotForUI === true && provider.isAbstract(concept)) ||
  (options.excludePostCoordinated === true && provider.isPostCoordinated?.(concept) === true)

const singleInclude = (composition: Composition, options: ExpandOptions): MemberList | undefined => {
  const [include, ...others] = composition.includes
  if (include?.provider === undefined || others.length > 0 || include.imports.length > 0 || composition.excludes.length > 0)
    return undefined
  const provider = include.provider
  const set = include.concepts!
  const activeOnly = options.activeOnly === true || composition.activeOnly
  let concepts: ArrayLike<unknown> =
    options.filter !== undefined && options.filter.trim() !== "" ? provider.search(options.filter, set) : (set.array?.() ?? [...set])
  if (activeOnly) concepts = Array.prototype.filter.call(concepts, (concept: unknown) => !provider.isInactive(concept))
  if (options.excludeNotForUI === true || options.excludePostCoordinated === true) {
    const omit = leftOut(options)
    concepts = Array.prototype.filter.call(concepts, (concept: unknown) => !omit(provider, concept))
  }
  return {
    length: concepts.length,
    slice: (start, end) =>
      (Array.prototype.slice.call(concepts, start, end) as Array<unknown>).map((concept) => {
        const entry = include.listed.get(concept)
        return entry === undefined ? { provider, concept } : { provider, concept, entry }
      })
  }
}

/** Members matching the text filter and activeOnly, in expansion order. */
const selected = (composition: Composition, options: ExpandOptions): MemberList => {
  const single = singleInclude(composition, options)
  if (single !== undefined) return single
  let list = members(composition)
  if (options.activeOnly === true) list = list.filter((member) => !inactiveOf(member.provider, member.concept))
  if (options.excludeNotForUI === true || options.excludePostCoordinated === true) {
    const omit = leftOut(options)
    list = list.filter((member) => !omit(member.provider, member.concept))
  }
  if (options.filter !== undefined && options.filter.trim() !== "") {
    const text = options.filter
    const matching = new Map<Provider, Set<unknown>>()
    for (const provider of new Set(list.map((member) => member.provider))) {
      const within = new Set(list.filter((member) => member.provider === provider).map((member) => member.concept))
      matching.set(provider, new Set(provider.search(text, arrayConceptSet([...within]))))
    }
    list = list.filter((member) => matching.get(member.provider)!.has(member.concept))
  }
  return arrayList(list)
}

export const expand = (composition: Composition, options: ExpandOptions): Either.Either<ValueSetResource, TerminologyError> => {
  const unresolved = unresolvedError(composition)
  if (unresolved !== undefined) return Either.left(unresolved)
  const list = selected(composition, options)
  const offset = Math.max(0, options.offset ?? 0)
  const paged = options.count !== undefined || offset > 0
  const tooCostly = !paged && list.length > options.limit
  if (tooCostly && options.limitedExpansion !== true) {
    return Either.left(
      terminologyError(
        "too-costly",
        message("expansion-too-costly", { valueSet: composition.valueSet.url ?? message("unidentified"), limit: options.limit }),
        { messageId: "VALUESET_TOO_COSTLY" }
      )
    )
  }
  const page = list.slice(offset, offset + (options.count === undefined ? options.limit : Math.min(options.count, options.maxPage)))

  // Codes carry their version only where the value set mixes versions of one code system: it uses
  // several, or names several (a forced version may have made them one).
  const versions = new Map<string, Set<string>>()
  const note = (system: string, version: string | undefined) => {
    if (version !== undefined) versions.set(system, (versions.get(system) ?? new Set()).add(version))
  }
  for (const used of composition.usedCodeSystems) note(...splitCanonical(used))
  const stated = new Map<string, Set<string>>()
  for (const include of composition.includes) {
    const system = include.provider?.system
    if (system !== undefined && include.stated !== undefined) stated.set(system, (stated.get(system) ?? new Set()).add(include.stated))
  }
  const versionsBySystem = new Map(
    [...new Set([...versions.keys(), ...stated.keys()])].map((system) => [
      system,
      Math.max(versions.get(system)?.size ?? 0, stated.get(system)?.size ?? 0)
    ])
  )
  const definitions = new Map<string, string | undefined>()
  const statesLanguage = statesDisplayLanguage(options.languages)
  // The languages of the displays given, where languages were asked for: a note says when none is one of them.
  const servedLanguages = new Set<string | undefined>()
  const entry = (member: Member): Contains => {
    const { provider, concept } = member
    const display =
      member.entry?.display ??
      (options.onlyLanguages === true && provider.displays(concept, options.languages).length === 0
        ? undefined
        : provider.display(concept, options.languages))
    const displayLanguage =
      display === undefined || member.entry?.display !== undefined || options.languages.length === 0
        ? undefined
        : displayLanguageOf(provider, concept, options.languages)
    servedLanguages.add(displayLanguage)
    // The `definition` property is the concept's definition (http://hl7.org/fhir/concept-properties#definition).
    const definition = options.properties?.includes("definition") === true ? provider.definition(concept) : undefined
    if (definition !== undefined && !definitions.has("definition")) definitions.set("definition", `${conceptProperties}definition`)
    // When the display is in another language, the code system's own display becomes one of the designations.
    const ownDisplay = provider.display(concept, [])
    const ownDesignation: ReadonlyArray<ConceptDesignation> =
      provider.language !== undefined && ownDisplay !== undefined && ownDisplay !== display
        ? [{ language: provider.language, use: preferredForLanguage, value: ownDisplay }]
        : []
    const designations =
      options.includeDesignations === true || options.designations !== undefined
        ? [
            ...ownDesignation,
            ...provider.designations(concept).filter((designation) => designation.value !== display || ownDesignation.length === 0),
            // The value set's own designations for a code it lists.
            ...(member.entry?.designation ?? [])
          ].filter(wantedDesignation(options.designations))
        : []
    const fromEntry = member.entry?.extension ?? []
    const fromConcept = provider.extensions?.(concept) ?? []
    const extensions = firstByUrl([...fromEntry, ...fromConcept])
    // A concept's status (retired, deprecated), label, order and weight always travel with it; other properties when asked for.
    const wanted = [...new Set([...(options.properties ?? []), "status"])].filter((code) => code !== "definition")
    // A provider's own properties are read only when one it declares is wanted (SNOMED CT's are costly, and have no status).
    const own = wanted.some((code) => declaredProperties(provider).has(code)) ? provider.properties(concept) : []
    const properties = wanted.flatMap((code) => {
      const values: ReadonlyArray<PropertyValue> =
        code === "parent" || code === "child"
          ? (code === "parent" ? provider.parents(concept) : provider.children(concept)).map((related) => ({
              code,
              valueCode: provider.code(related)
            }))
          : code === "status"
            ? statusOf(provider, concept, own, fromConcept)
            : own.filter((property) => property.code === code)
      if (values.length > 0 && !definitions.has(code)) {
        definitions.set(
          code,
          provider.propertyDefinitions.find((definition) => definition.code === code)?.uri ??
            (standardProperties.has(code) ? `${conceptProperties}${code}` : undefined)
        )
      }
      return values.map(({ extension: _extension, ...value }) => value)
    })
    for (const { code, urls, uri, type } of extensionProperties) {
      const stated = urls.map((url) => extensions.get(structureDefinition + url)).find((extension) => extension !== undefined)
      const value = stated === undefined ? undefined : numberOrString(stated)
      if (value === undefined) continue
      properties.push({ code, [type]: value })
      if (!definitions.has(code)) definitions.set(code, uri)
    }
    // A standards status the value set gives the code is its remark, echoed; the code system's is the status property.
    const echoed = [...extensions.values()].filter(
      (extension) => echoedExtensions.has(extension.url) || (extension.url === standardsStatus && fromEntry.includes(extension))
    )
    return {
      system: provider.system,
      ...((versionsBySystem.get(provider.system) ?? 0) > 1 && provider.version !== undefined ? { version: provider.version } : {}),
      ...(provider.isAbstract(concept) ? { abstract: true } : {}),
      ...(inactiveOf(provider, concept) ? { inactive: true } : {}),
      code: provider.code(concept),
      ...(display === undefined ? {} : { display }),
      ...(statesLanguage ? languageOfDisplay(displayLanguage) : {}),
      ...(designations.length > 0
        ? {
            designation: designations.map(({ language, use, value, extension }) => {
              const kept = extension?.filter((each) => designationExtensions.has(each.url)) ?? []
              return {
                ...(kept.length === 0 ? {} : { extension: kept }),
                ...(language === undefined ? {} : { language }),
                ...(use === undefined ? {} : { use }),
                value
              }
            })
          }
        : {}),
      ...(definition === undefined && properties.length === 0 && echoed.length === 0
        ? {}
        : {
            extension: [
              ...echoed,
              ...(definition === undefined ? [] : [containsProperty({ code: "definition", valueString: definition })]),
              ...properties.map(containsProperty)
            ]
          })
    }
  }

  // Nested by the code system's hierarchy where the value set is defined by it (whole systems, filters)
  // and the hierarchy is a tree; a list of codes, paging or a polyhierarchy stays flat. A text filter
  // over a whole code system is a search, answered flat; over a part of it chosen by filters (such as
  // is-a) the matches keep the shape of that part, each under its parent where the parent matches too.
  const searched = options.filter !== undefined && options.filter !== ""
  const hierarchical =
    options.excludeNested !== true &&
    !paged &&
    composition.includes.every((include) => include.intensional && include.imports.length === 0 && (!searched || include.filtered)) &&
    page.every((member) => !member.provider.polyhierarchical && member.provider.parents(member.concept).length <= 1)
  const contains = hierarchical ? nest(page, entry) : page.map(entry)

  // A fragment of a code system lists only some of its codes, so neither can the expansion.
  const fragments = [
    ...new Set(composition.includes.flatMap((include) => (include.provider?.content === "fragment" ? [include.provider] : [])))
  ]
  const parameters = [
    ...options.echo,
    ...composition.appliedRules.map((rule) => ({ name: rule.name, valueUri: rule.value })),
    ...(composition.mergeVersions || excludesAcrossVersions(composition) ? [{ name: "versionsMatch", valueBoolean: true }] : []),
    ...composition.usedCodeSystems.map((system) => ({ name: "used-codesystem", valueUri: system })),
    ...composition.usedValueSets.map((valueSet) => ({ name: "used-valueset", valueUri: valueSet })),
    ...[...new Set(composition.includes.flatMap((include) => include.provider?.supplements ?? []))].map((supplement) => ({
      name: "used-supplement",
      valueUri: supplement
    })),
    ...fragments.map((provider) => ({
      name: "used-fragment",
      valueUri: provider.version === undefined ? provider.system : `${provider.system}|${provider.version}`
    })),
    ...composition.statuses.map(({ status, canonical }) => ({ name: `warning-${status}`, valueUri: canonical }))
  ]
  // An intensional value set over a compositional code system can never list every member (https://hl7.org/fhir/R4/extension-valueset-unclosed.html).
  const unclosed = composition.includes.some(
    (include) => include.provider?.compositional === true && include.intensional && include.concepts?.closed !== true
  )
  const propertyDeclarations = [...definitions].map(([code, uri]) => ({
    url: expansionPropertyExtension,
    extension: [{ url: "code", valueCode: code }, ...(uri === undefined ? [] : [{ url: "uri", valueUri: uri }])]
  }))
  // The definition comes back only when asked for (`includeDefinition`); the expansion is the answer.
  // The expansion carries the value set's identity and status; its narrative description stays with the definition.
  // Its extensions (supplements to use, and the like) belong to the definition too: applied, not repeated.
  const languageNote = languageFallback(options.languages, [...servedLanguages], true)
  const { expansion: _previous, compose, description: _description, extension, ...valueSet } = composition.valueSet
  return Either.right({
    ...(options.includeDefinition === true && extension !== undefined ? { extension } : {}),
    ...valueSet,
    ...(options.includeDefinition === true && compose !== undefined ? { compose } : {}),
    expansion: {
      identifier: `urn:uuid:${randomUUID()}`,
      timestamp: new Date().toISOString(),
      total: list.length,
      ...(paged ? { offset } : {}),
      parameter: parameters,
      ...(unclosed || tooCostly || fragments.length > 0 || propertyDeclarations.length > 0 || languageNote !== undefined
        ? {
            extension: [
              ...(unclosed || fragments.length > 0
                ? [{ url: "http://hl7.org/fhir/StructureDefinition/valueset-unclosed", valueBoolean: true }]
                : []),
              // The expansion stops at the limit (limitedExpansion): http://hl7.org/fhir/StructureDefinition/valueset-toocostly.
              ...(tooCostly ? [{ url: "http://hl7.org/fhir/StructureDefinition/valueset-toocostly", valueBoolean: true }] : []),
              ...fragments.map((provider) => ({
                url: "http://hl7.org/fhir/StructureDefinition/valueset-unclosed-reason",
                valueString: `This extension is based on a fragment of the code system ${provider.system}`
              })),
              ...propertyDeclarations,
              ...(languageNote === undefined
                ? []
                : [{ url: languageFallbackExtension, valueString: say(options.messageLanguage ?? "en", languageNote) }])
            ]
          }
        : {}),
      ...(contains.length > 0 ? { contains } : {})
    }
  })
}

/** Nests each member under its nearest parent in the expansion; the rest are roots, in order. */
const nest = (list: ReadonlyArray<Member>, entry: (member: Member) => Contains): Array<Contains> => {
  const entries = new Map<unknown, Contains>()
  for (const member of list) entries.set(member.concept, entry(member))
  const roots: Array<Contains> = []
  for (const member of list) {
    const parent = member.provider.parents(member.concept).find((parent) => entries.has(parent))
    const node = entries.get(member.concept)!
    if (parent === undefined) roots.push(node)
    else (entries.get(parent)!.contains ??= []).push(node)
  }
  return roots
}
