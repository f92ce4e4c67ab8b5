/**
 * The ValueSet engine (https://hl7.org/fhir/R4/valueset.html#compositions): what a value set's
 * `compose` means over any provider. `includes` evaluates each include as a set of one provider's
 * concepts (enumerated codes, filters) intersected with imported value sets; `expand` lists the
 * members, and `membership` answers whether one code is a member without listing the rest, so
 * validating against a value set over a million SNOMED CT concepts costs one set test.
 */
import { Either } from "effect"
import type { CodeSystemResource, ValueSetComposeConcept, ValueSetInclude, ValueSetResource } from "../fhir"
import { FilterError, type CodeSystemProvider, type ConceptSet } from "../provider"
import { notFound, terminologyError, type TerminologyError } from "../errors"
import { alternatives, message } from "../messages"
import { compareVersions, isRange, versionMatches } from "../versions"

export type Provider = CodeSystemProvider<unknown>

/** How a code system reference resolved. */
export type CodeSystemResolution =
  | { readonly _tag: "found"; readonly provider: Provider }
  | { readonly _tag: "unknown-system" }
  | { readonly _tag: "unknown-version"; readonly known: ReadonlyArray<string> }
  /** The URL is a supplement's, which adds to a code system but is not one. */
  | { readonly _tag: "supplement"; readonly canonical: string }

/** Where the engine finds code systems and value sets: a request's own resources, the store, the loaded releases. */
export interface Resolver {
  codeSystem(system: string, version: string | undefined): CodeSystemResolution
  valueSet(url: string, version: string | undefined): ValueSetResource | undefined
}

export interface VersionRules {
  /** `system-version`: the version to use where a value set does not say. */
  readonly defaults: ReadonlyMap<string, string>
  /** `force-system-version`: the version to use whatever the value set says. */
  readonly forced: ReadonlyMap<string, string>
  /** `check-system-version`: a version the value set's own must match. */
  readonly checked: ReadonlyMap<string, string>
  /** `default-valueset-version`: the version of an imported value set where the import does not say. */
  readonly valueSetDefaults: ReadonlyMap<string, string>
  /** Versions the codes being validated name: taken where the value set allows a range of versions (`1.x`) that includes them. */
  readonly preferred?: ReadonlyMap<string, string>
}

export const noVersionRules: VersionRules = { defaults: new Map(), forced: new Map(), checked: new Map(), valueSetDefaults: new Map() }

/** One member: a provider's concept. */
export interface Member {
  readonly provider: Provider
  readonly concept: unknown
  /** The value set's own entry for the code, when it lists it: its display and extensions. */
  readonly entry?: ValueSetComposeConcept
}

export interface IncludeSet {
  readonly provider: Provider | undefined
  /** The version the include states, if any. */
  readonly stated: string | undefined
  /** The provider's concepts, or all of them when only imports constrain. */
  readonly concepts: ConceptSet<unknown> | undefined
  /** The compose entries of listed concepts: the display and extensions the value set gives them. */
  readonly listed: ReadonlyMap<unknown, ValueSetComposeConcept>
  readonly imports: ReadonlyArray<Composition>
  /** Defined by filters or as the whole code system rather than by listing codes. */
  readonly intensional: boolean
  /** Defined by filters: a chosen part of the code system rather than all of it. */
  readonly filtered: boolean
  /** A code system (or version of it) that could not be found: the include contains nothing, expanding fails, validating reports it. */
  readonly unresolved?: { readonly system: string; readonly version: string | undefined; readonly error: TerminologyError }
}

export interface Composition {
  readonly valueSet: ValueSetResource
  /** `compose.inactive = false`: inactive concepts are not members. */
  readonly activeOnly: boolean
  /**
   * Whether a code means the same in every version of its code system (the `versionsMatch`
   * expansion parameter, true unless the value set says otherwise): then excluding it from one
   * version excludes it from all.
   */
  readonly versionsMatch: boolean
  /** `versionsMatch` set true: a code in several versions is listed once, from the newest. */
  readonly mergeVersions: boolean
  readonly includes: ReadonlyArray<IncludeSet>
  readonly excludes: ReadonlyArray<IncludeSet>
  /** `system|version` of every code system used, for the expansion's `used-codesystem`. */
  readonly usedCodeSystems: ReadonlyArray<string>
  /** Code systems and value sets used that are draft, experimental, deprecated or withdrawn: users are warned. */
  readonly statuses: ReadonlyArray<ResourceStatus>
  /** The version parameters that decided a version (`force-system-version`, `system-version`, `default-valueset-version`), as given. */
  readonly appliedRules: ReadonlyArray<AppliedRule>
  readonly usedValueSets: ReadonlyArray<string>
}

export interface AppliedRule {
  readonly name: "force-system-version" | "system-version" | "default-valueset-version"
  readonly value: string
}

export interface ResourceStatus {
  readonly status: "draft" | "experimental" | "deprecated" | "withdrawn"
  readonly type: "CodeSystem" | "ValueSet"
  readonly canonical: string
}

const standardsStatus = "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status"

/** A resource's status as users should be warned of it: withdrawn or deprecated (standards status), draft, experimental. */
export const resourceStatus = (resource: CodeSystemResource | ValueSetResource): ResourceStatus | undefined => {
  const standards = resource.extension?.find((extension) => extension.url === standardsStatus)?.valueCode
  const status =
    standards === "withdrawn" || standards === "deprecated"
      ? standards
      : resource.status === "draft"
        ? "draft"
        : resource.experimental === true
          ? "experimental"
          : undefined
  return status === undefined
    ? undefined
    : { status, type: resource.resourceType, canonical: canonical(resource.url ?? "", resource.version) }
}

const canonical = (url: string, version: string | undefined) => (version === undefined ? url : `${url}|${version}`)

/** Splits `url|version`. */
export const splitCanonical = (value: string): [string, string | undefined] => {
  const bar = value.indexOf("|")
  return bar < 0 ? [value, undefined] : [value.slice(0, bar), value.slice(bar + 1)]
}

const displayOf = (valueSet: ValueSetResource) =>
  valueSet.url === undefined ? "(unidentified)" : canonical(valueSet.url, valueSet.version)

/**
 * Builds the composition of a value set: every include and exclude evaluated to sets, imports
 * composed recursively. A value set that imports itself, directly or through others, is refused.
 */
export const compose = (
  valueSet: ValueSetResource,
  resolver: Resolver,
  rules: VersionRules = noVersionRules,
  visiting: ReadonlyArray<string> = []
): Either.Either<Composition, TerminologyError> =>
  Either.gen(function* () {
    const key = displayOf(valueSet)
    if (visiting.includes(key)) {
      return yield* Either.left(
        terminologyError("processing", message("value-set-circular", { valueSet: key, pathway: visiting.join(", ") }), {
          txIssueType: "vs-invalid",
          messageId: "VALUESET_CIRCULAR_REFERENCE"
        })
      )
    }
    const path = [...visiting, key]
    const used = new Set<string>()
    const usedValueSets = new Set<string>()
    const statuses = new Map<string, ResourceStatus>()
    const noteStatus = (status: ResourceStatus | undefined) => {
      if (status !== undefined) statuses.set(`${status.type}|${status.canonical}`, status)
    }
    const applied = new Map<string, AppliedRule>()
    const noteRule = (system: string, stated: string | undefined) => {
      const forced = rules.forced.get(system)
      const defaulted = rules.defaults.get(system)
      if (forced !== undefined) applied.set(`f${system}`, { name: "force-system-version", value: `${system}|${forced}` })
      else if (stated === undefined && defaulted !== undefined)
        applied.set(`d${system}`, { name: "system-version", value: `${system}|${defaulted}` })
    }
    const evaluate = (include: ValueSetInclude, excluding: boolean) =>
      Either.gen(function* () {
        const imports: Array<Composition> = []
        for (const reference of include.valueSet ?? []) {
          const [url, stated] = splitCanonical(reference)
          const version = stated ?? rules.valueSetDefaults.get(url)
          const imported = containedValueSet(valueSet, url) ?? resolver.valueSet(url, version)
          if (imported === undefined) {
            return yield* Either.left(
              version === undefined
                ? notFound(message("value-set-not-found", { valueSet: url }), undefined, "Unable_to_resolve_value_Set_")
                : terminologyError("not-found", message("imported-value-set-version-not-found", { valueSet: url, version }), {
                    txIssueType: "not-found",
                    messageId: "VS_EXP_IMPORT_UNK_PINNED",
                    missing: `${url}|${version}`
                  })
            )
          }
          const composition = yield* compose(imported, resolver, rules, path)
          if (stated === undefined && version !== undefined) {
            applied.set(`v${url}`, { name: "default-valueset-version", value: `${url}|${version}` })
          }
          composition.usedCodeSystems.forEach((system) => used.add(system))
          composition.appliedRules.forEach((rule) => applied.set(rule.name + rule.value, rule))
          composition.statuses.forEach(noteStatus)
          noteStatus(resourceStatus(imported))
          if (containedValueSet(valueSet, url) === undefined) usedValueSets.add(displayOf(imported))
          composition.usedValueSets.forEach((url) => usedValueSets.add(url))
          imports.push(composition)
        }
        if (include.system === undefined) {
          return {
            provider: undefined,
            stated: undefined,
            concepts: undefined,
            listed: new Map(),
            imports,
            intensional: false,
            filtered: false
          } satisfies IncludeSet
        }
        const resolved = resolveSystem(resolver, rules, include.system, include.version)
        if (Either.isLeft(resolved)) {
          const unresolved = { system: include.system, version: include.version, error: resolved.left }
          return {
            provider: undefined,
            stated: include.version,
            concepts: undefined,
            listed: new Map(),
            imports,
            intensional: false,
            filtered: false,
            unresolved
          } satisfies IncludeSet
        }
        const provider = resolved.right
        used.add(canonical(provider.system, provider.version))
        noteRule(include.system, include.version)
        if (provider.resource !== undefined) noteStatus(resourceStatus(provider.resource))
        const listedEntries = new Map<unknown, ValueSetComposeConcept>()
        let concepts: ConceptSet<unknown> | undefined
        if (include.concept !== undefined) {
          const listed: Array<unknown> = []
          for (const entry of include.concept) {
            const concept = provider.locate(entry.code)
            if (concept === undefined) continue
            listed.push(concept)
            listedEntries.set(concept, entry)
          }
          concepts = setOf(listed)
        }
        for (const filter of include.filter ?? []) {
          // The shape check lets a filter lack its parts, so the message can name the value set's system.
          const missing = (["property", "op"] as const).find((part) => filter[part] === undefined || filter[part] === "")
          if (missing !== undefined) {
            return yield* Either.left(
              terminologyError(
                "invalid",
                message("filter-without-part", { system: String(include.system), value: String(filter.value), part: missing }),
                { txIssueType: "vs-invalid" }
              )
            )
          }
          if (filter.value === undefined || filter.value === "") {
            return yield* Either.left(
              terminologyError(
                "invalid",
                message("filter-without-value", { system: String(include.system), property: filter.property, op: filter.op }),
                { txIssueType: "vs-invalid", messageId: "UNABLE_TO_HANDLE_SYSTEM_FILTER_WITH_NO_VALUE" }
              )
            )
          }
          const filtered = yield* provider.filter(filter).pipe(Either.mapLeft(filterFailure))
          concepts = concepts === undefined ? filtered : intersect(concepts, filtered)
        }
        return {
          provider,
          stated: include.version,
          concepts: concepts ?? provider.all(),
          listed: listedEntries,
          imports,
          intensional: include.concept === undefined,
          filtered: (include.filter?.length ?? 0) > 0
        } satisfies IncludeSet
      })
    const includes: Array<IncludeSet> = []
    for (const include of valueSet.compose?.include ?? []) includes.push(yield* evaluate(include, false))
    const excludes: Array<IncludeSet> = []
    for (const exclude of valueSet.compose?.exclude ?? []) excludes.push(yield* evaluate(exclude, true))
    return {
      valueSet,
      activeOnly: valueSet.compose?.inactive === false,
      versionsMatch: expansionParameter(valueSet, "versionsMatch") !== "false",
      mergeVersions: expansionParameter(valueSet, "versionsMatch") === "true",
      includes,
      excludes,
      usedCodeSystems: [...used],
      usedValueSets: [...usedValueSets],
      statuses: [...statuses.values()],
      appliedRules: [...applied.values()]
    }
  })

const filterFailure = (error: FilterError) =>
  terminologyError(
    error.reason === "not-supported" || error.reason === "too-costly" || error.reason === "not-found" ? error.reason : "invalid",
    error.said,
    {
      txIssueType: error.reason === "not-found" ? "not-found" : "vs-invalid",
      ...(error.messageId === undefined ? {} : { messageId: error.messageId })
    }
  )

/** The version an include's code system is taken at: forced, else the include's, else the request's default, else the latest. */
export const resolveSystem = (
  resolver: Resolver,
  rules: VersionRules,
  system: string,
  stated: string | undefined
): Either.Either<Provider, TerminologyError> => {
  const forced = rules.forced.get(system)
  const checked = rules.checked.get(system)
  const preferred = rules.preferred?.get(system)
  const allows = (range: string | undefined) => preferred !== undefined && (range === undefined || versionMatches(preferred, range))
  // A range stated or checked takes the coding's version within it; where nothing states a version, the newest one the check allows.
  const version =
    forced ??
    (stated !== undefined && stated !== preferred && allows(stated) && isRange(stated) ? preferred : stated) ??
    rules.defaults.get(system) ??
    (checked !== undefined && allows(checked) ? preferred : checked)
  const resolution = resolver.codeSystem(system, version)
  switch (resolution._tag) {
    case "found": {
      if (checked !== undefined && !versionMatches(resolution.provider.version, checked)) {
        return Either.left(
          terminologyError(
            "exception",
            message("version-not-allowed", { version: String(resolution.provider.version), system, required: checked }),
            { txIssueType: "version-error", messageId: "VALUESET_VERSION_CHECK" }
          )
        )
      }
      return Either.right(resolution.provider)
    }
    case "unknown-system":
      return Either.left(notFound(message("unknown-system", { system }), ["system"]))
    case "supplement":
      return Either.left(
        terminologyError(
          "invalid",
          message("system-is-supplement", { canonical: resolution.canonical, path: "ValueSet.compose.include.system" }),
          { txIssueType: "invalid-data" }
        )
      )
    case "unknown-version":
      return Either.left(
        notFound(
          message("unknown-system-version-cannot-expand", { system, version: String(version), versions: alternatives(resolution.known) }),
          ["system"],
          "UNKNOWN_CODESYSTEM_VERSION_EXP"
        )
      )
  }
}

/** A parameter the value set sets for its own expansion (http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter). */
export const expansionParameter = (valueSet: ValueSetResource, name: string): string | undefined => {
  const parameter = valueSet.compose?.extension?.find(
    (extension) =>
      extension.url === "http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter" &&
      extension.extension?.some((part) => part.url === "name" && part.valueCode === name)
  )
  const value = parameter?.extension?.find((part) => part.url === "value")
  const text = value?.valueCode ?? value?.valueString ?? value?.valueBoolean
  return text === undefined ? undefined : String(text)
}

/** A value set contained in another, referred to by `#id` or by its url. */
const containedValueSet = (valueSet: ValueSetResource, reference: string) =>
  valueSet.contained?.find(
    (resource): resource is ValueSetResource =>
      resource.resourceType === "ValueSet" && (reference === `#${resource.id}` || resource.url === reference)
  )

const setOf = (concepts: ReadonlyArray<unknown>): ConceptSet<unknown> => {
  const members = new Set(concepts)
  const unique = [...members]
  return { size: unique.length, has: (concept) => members.has(concept), [Symbol.iterator]: () => unique[Symbol.iterator]() }
}

/** Lists the smaller set's members that the larger has; membership asks both, so members never listed (expressions) still count. */
const intersect = (a: ConceptSet<unknown>, b: ConceptSet<unknown>): ConceptSet<unknown> => {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  const listed = [...small].filter((concept) => large.has(concept))
  return {
    size: listed.length,
    has: (concept) => a.has(concept) && b.has(concept),
    array: () => listed,
    closed: a.closed === true || b.closed === true,
    [Symbol.iterator]: () => listed[Symbol.iterator]()
  }
}

/** Whether an include's own set has a concept; `acrossVersions`, also the same code in another version of the code system. */
const hasCode = (include: IncludeSet, provider: Provider, concept: unknown, acrossVersions: boolean) => {
  if (include.provider === provider) return include.concepts!.has(concept)
  if (!acrossVersions || include.provider!.system !== provider.system) return false
  const same = include.provider!.locate(provider.code(concept))
  return same !== undefined && include.concepts!.has(same)
}

/** Whether a provider's concept is in an include (its own set and every import). */
const inInclude = (include: IncludeSet, provider: Provider, concept: unknown, acrossVersions = false): boolean =>
  include.unresolved === undefined &&
  (include.provider === undefined || hasCode(include, provider, concept, acrossVersions)) &&
  include.imports.every((imported) => containsConcept(imported, provider, concept))

/**
 * Whether an exclude takes its codes out of every version (versionsMatch): only where it names a
 * version the value set does not include; one that names an included version excludes from that one.
 */
export const excludesAcrossVersions = (composition: Composition, exclude: IncludeSet) =>
  composition.versionsMatch &&
  !composition.includes.some(
    (include) =>
      include.provider !== undefined &&
      include.provider.system === exclude.provider?.system &&
      include.provider.version === exclude.provider.version
  )

const excluded = (composition: Composition, provider: Provider, concept: unknown) =>
  composition.excludes.some((exclude) => inInclude(exclude, provider, concept, excludesAcrossVersions(composition, exclude)))

/** Whether a concept is a member of a composition. */
export const containsConcept = (composition: Composition, provider: Provider, concept: unknown): boolean =>
  !(composition.activeOnly && provider.isInactive(concept)) &&
  composition.includes.some((include) => inInclude(include, provider, concept)) &&
  !excluded(composition, provider, concept)

/** The includes of `system`, imports' included: where a code of that system could be found, and at which version. */
export const includesOf = (composition: Composition, system: string): ReadonlyArray<IncludeSet> => {
  const found: Array<IncludeSet> = []
  const visit = (composition: Composition) => {
    for (const include of composition.includes) {
      if ((include.provider?.system ?? include.unresolved?.system) === system) found.push(include)
      include.imports.forEach(visit)
    }
  }
  visit(composition)
  return found
}

/** The first code system reference in the composition (imports' included) that could not be resolved. */
export const unresolvedError = (composition: Composition): TerminologyError | undefined => {
  for (const include of [...composition.includes, ...composition.excludes]) {
    if (include.unresolved !== undefined) return include.unresolved.error
    for (const imported of include.imports) {
      const error = unresolvedError(imported)
      if (error !== undefined) return error
    }
  }
  return undefined
}

/** The compose entry that lists a concept, if one does (imports' included). */
export const listedEntry = (composition: Composition, concept: unknown): ValueSetComposeConcept | undefined => {
  for (const include of composition.includes) {
    const entry =
      include.listed.get(concept) ?? include.imports.map((imported) => listedEntry(imported, concept)).find((found) => found !== undefined)
    if (entry !== undefined) return entry
  }
  return undefined
}

/** The includes in order, except that several versions of one code system are taken together where the first comes, newest first. */
const newestFirst = (includes: ReadonlyArray<IncludeSet>): ReadonlyArray<IncludeSet> => {
  const system = (include: IncludeSet) => include.provider?.system
  const ordered: Array<IncludeSet> = []
  for (const include of includes) {
    if (ordered.includes(include)) continue
    if (system(include) === undefined) ordered.push(include)
    else
      ordered.push(
        ...includes
          .filter((other) => system(other) === system(include))
          .toSorted((a, b) => compareVersions(a.provider!.version, b.provider!.version))
      )
  }
  return ordered
}

/**
 * The members in order: each include's concepts in the include's order (enumerated codes as
 * listed, filters in the provider's order), without repeats, less the excludes. Where the value
 * set includes several versions of one code system, the newest version's codes come first.
 */
export const members = (composition: Composition): Array<Member> => {
  const result: Array<Member> = []
  const seen = new Map<Provider, Set<unknown>>()
  const add = (provider: Provider, concept: unknown, entry: ValueSetComposeConcept | undefined) => {
    let providerSeen = seen.get(provider)
    if (providerSeen === undefined) seen.set(provider, (providerSeen = new Set()))
    if (providerSeen.has(concept)) return
    providerSeen.add(concept)
    if (composition.activeOnly && provider.isInactive(concept)) return
    if (excluded(composition, provider, concept)) return
    result.push(entry === undefined ? { provider, concept } : { provider, concept, entry })
  }
  for (const include of newestFirst(composition.includes)) {
    if (include.provider !== undefined) {
      const provider = include.provider
      for (const concept of include.concepts!) {
        if (include.imports.every((imported) => containsConcept(imported, provider, concept))) {
          add(provider, concept, include.listed.get(concept))
        }
      }
      continue
    }
    const [first, ...rest] = include.imports
    if (first === undefined) continue
    for (const member of members(first)) {
      if (rest.every((imported) => containsConcept(imported, member.provider, member.concept))) {
        add(member.provider, member.concept, member.entry)
      }
    }
  }
  if (!composition.mergeVersions) return result
  const newest = new Map<string, Member>()
  for (const member of result) {
    const key = `${member.provider.system}|${member.provider.code(member.concept)}`
    const kept = newest.get(key)
    if (kept === undefined || compareVersions(member.provider.version, kept.provider.version) < 0) newest.set(key, member)
  }
  return result.filter((member) => newest.get(`${member.provider.system}|${member.provider.code(member.concept)}`) === member)
}

export { displayOf as valueSetCanonical }
