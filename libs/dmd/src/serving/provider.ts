/**
 * dm+d as the FHIR code system `https://dmd.nhs.uk` (UK Core's medication code system), in the
 * shape the NHS England terminology server gives it: the five classes are concepts (`VTM` …
 * `AMPP`) and each product's first `parent`; the product hierarchy gives the others (a VMP's VTM,
 * an AMPP's AMP and VMPP); every other property is named after its element in the release files
 * (`FORMCD`, `ROUTECD`, `VPI` with the strength as subproperties, `PRICE` in pence, `CATCD`, …);
 * `INVALID` products are inactive. Each class has a value set, `https://dmd.nhs.uk/ValueSet/<class>`,
 * without the invalid products. Ingredients, forms, routes, suppliers and units are concepts below
 * their kinds (`INGREDIENT`, `FORM`, …), so the Codings the properties give resolve.
 */
import {
  arrayConceptSet,
  compileRegex,
  filterError,
  type FilterError,
  makeFhirCodeSystem,
  message,
  type CodeSystemProperty,
  type CodeSystemProvider,
  type ConceptSet,
  type PropertyValue,
  type ReleaseCodeSystem,
  type ValueSetFilter,
  type ValueSetResource
} from "@ffynnon/terminology"
import { Either } from "effect"
import { dmdSystem } from "../store/load"
import { lookupTables } from "../release/spec"
import { dmdClasses, kindTables, type DmdIndex } from "./DmdIndex"
import { dmdConceptMaps } from "./conceptMaps"
import { withDmdProducts } from "./snomed"

const snomedSystem = "http://snomed.info/sct"

const propertyDefinitions: ReadonlyArray<CodeSystemProperty> = [
  {
    code: "parent",
    uri: "http://hl7.org/fhir/concept-properties#parent",
    type: "code",
    description: "The class (VTM … AMPP), then the parents in the product hierarchy"
  },
  { code: "child", uri: "http://hl7.org/fhir/concept-properties#child", type: "code" },
  { code: "inactive", uri: "http://hl7.org/fhir/concept-properties#inactive", type: "boolean", description: "INVALID in the release" },
  {
    code: "VPI",
    type: "code",
    description: "A VMP's ingredient (ISID) with its strength (STRNT_NMRTR_VAL, STRNT_NMRTR_UOMCD, …) as subproperties"
  },
  { code: "AP_ING", type: "code", description: "An AMP's excipient (ISID) with its strength as subproperties" },
  // Lookup codes: Codings in https://dmd.nhs.uk/<lookup table>, displayed by the table's description.
  { code: "FORMCD", type: "Coding", description: "Dose form (VMP), https://dmd.nhs.uk/FORM" },
  { code: "ROUTECD", type: "Coding", description: "Route of administration (VMP), https://dmd.nhs.uk/ROUTE" },
  { code: "CATCD", type: "Coding", description: "Controlled drug category (VMP), https://dmd.nhs.uk/CONTROL_DRUG_CATEGORY" },
  { code: "NON_AVAILCD", type: "Coding", description: "VMP non-availability, https://dmd.nhs.uk/VIRTUAL_PRODUCT_NON_AVAIL" },
  { code: "AVAIL_RESTRICTCD", type: "Coding", description: "AMP availability restriction, https://dmd.nhs.uk/AVAILABILITY_RESTRICTION" },
  { code: "PRICE", type: "integer", description: "Price in pence: Drug Tariff (VMPP) or list price (AMPP)" },
  { code: "GTIN", type: "code", description: "A current GTIN of an AMPP" },
  { code: "BNF", type: "string", description: "BNF code (bonus file)" },
  { code: "ATC", type: "string", description: "ATC code (bonus file)" }
]

const valueSetUrl = `${dmdSystem}/ValueSet/`

/** The class value set at `url` (`https://dmd.nhs.uk/ValueSet/VMP`), when it is one. */
export const classValueSet = (url: string, version: string | undefined): ValueSetResource | undefined => {
  const name = url.startsWith(valueSetUrl) ? url.slice(valueSetUrl.length) : undefined
  if (name === undefined || !(dmdClasses as ReadonlyArray<string>).includes(name)) return undefined
  return {
    resourceType: "ValueSet",
    url,
    ...(version === undefined ? {} : { version }),
    name: `dmd${name}`,
    title: `dm+d ${name}s`,
    status: "active",
    description: `Every valid ${name} in dm+d (invalid ones are left out; include them with a value set of your own without compose.inactive = false).`,
    compose: {
      inactive: false,
      include: [
        { system: dmdSystem, ...(version === undefined ? {} : { version }), filter: [{ property: "concept", op: "child-of", value: name }] }
      ]
    }
  }
}

/** A property value as text, for filters. */
const valueText = (value: PropertyValue) =>
  String(
    value.valueCode ??
      value.valueCoding?.code ??
      value.valueString ??
      value.valueInteger ??
      value.valueDecimal ??
      value.valueBoolean ??
      value.valueDateTime ??
      ""
  )

export const makeDmdProvider = (index: DmdIndex): CodeSystemProvider<number> => {
  const all = Array.from({ length: index.size }, (_, concept) => concept)
  const where = (predicate: (concept: number) => boolean) => arrayConceptSet(all.filter(predicate))
  const inOrder = (members: Set<number>) => where((concept) => members.has(concept))
  const filterText = (filter: ValueSetFilter) => `${filter.property} ${filter.op} ${filter.value}`
  const unsupported = (filter: ValueSetFilter) =>
    Either.left(filterError("not-supported", message("filter-not-supported-by", { filter: filterText(filter), system: dmdSystem })))
  const textsOf = (concept: number, property: string): ReadonlyArray<string> => {
    if (property === "inactive") return [String(index.isInvalid(concept))]
    if (property === "parent") return index.parents(concept).map((parent) => index.code(parent))
    return index.properties(concept, property).map((value) => valueText(value.subproperty?.find((sub) => sub.code === "ISID") ?? value))
  }

  // A class's members are the class value sets: one set each, so its membership index is built once, not per request.
  const classMembers = new Map<number, ConceptSet<number>>()
  const childrenOf = (concept: number) => {
    if (!index.isClass(concept)) return arrayConceptSet(index.children(concept))
    const cached = classMembers.get(concept) ?? arrayConceptSet(index.children(concept))
    classMembers.set(concept, cached)
    return cached
  }

  const hierarchy = (filter: ValueSetFilter): Either.Either<ConceptSet<number>, FilterError> => {
    const concept = index.locate(filter.value)
    if (concept === undefined) {
      const said = message("filter-code-not-in-version", { filter: filterText(filter), system: dmdSystem, version: index.version })
      return Either.left(filterError("invalid", said))
    }
    switch (filter.op) {
      case "is-a":
        return Either.right(inOrder(index.descendants(concept)))
      case "descendent-of": {
        const found = index.descendants(concept)
        found.delete(concept)
        return Either.right(inOrder(found))
      }
      case "is-not-a": {
        const excluded = index.descendants(concept)
        return Either.right(where((candidate) => !excluded.has(candidate)))
      }
      case "child-of":
        return Either.right(childrenOf(concept))
      case "generalizes":
        return Either.right(inOrder(index.ancestors(concept)))
      case "=":
        return Either.right(arrayConceptSet([concept]))
      default:
        return unsupported(filter)
    }
  }

  const filter = (filter: ValueSetFilter): Either.Either<ConceptSet<number>, FilterError> => {
    if (filter.property === "concept" || filter.property === "code") return hierarchy(filter)
    const values = new Set(filter.value.split(",").map((value) => value.trim()))
    switch (filter.op) {
      case "=":
        return Either.right(where((concept) => textsOf(concept, filter.property).includes(filter.value)))
      case "in":
        return Either.right(where((concept) => textsOf(concept, filter.property).some((value) => values.has(value))))
      case "exists":
        return Either.right(where((concept) => textsOf(concept, filter.property).length > 0 === (filter.value === "true")))
      case "regex":
        return Either.map(compileRegex(filter.value), (regex) =>
          where((concept) => textsOf(concept, filter.property).some((value) => regex.test(value)))
        )
      default:
        return unsupported(filter)
    }
  }

  return {
    system: dmdSystem,
    version: index.version,
    name: "dm+d",
    caseSensitive: true,
    compositional: false,
    polyhierarchical: true,
    content: "complete",
    resource: undefined,
    language: "en",
    propertyDefinitions,
    supplements: [],
    locate: (code) => index.locate(code),
    code: (concept) => index.code(concept),
    display: (concept) => index.display(concept),
    definition: () => undefined,
    designations: () => [],
    hasDisplay: (concept, display) => index.display(concept).toLowerCase() === display.toLowerCase(),
    displays: (concept) => [{ value: index.display(concept), language: "en" }],
    isInactive: (concept) => index.isInvalid(concept),
    isAbstract: (concept) => index.isClass(concept),
    status: (concept) => (index.isInvalid(concept) ? "inactive" : undefined),
    properties: (concept) => index.properties(concept),
    parents: (concept) => index.parents(concept),
    children: (concept) => index.children(concept),
    roots: () => index.groupings(),
    subsumes: (ancestor, concept) => index.ancestors(concept).has(ancestor),
    all: () => arrayConceptSet(all),
    filter,
    search: (text, within) => index.search(text, (concept) => within.has(concept))
  }
}

/** The releases being served as one `ReleaseCodeSystem`, newest first. */
export const dmdCodeSystem = (indexes: ReadonlyArray<DmdIndex>): ReleaseCodeSystem => {
  const providers = indexes.map(makeDmdProvider)
  return {
    system: dmdSystem,
    versions: indexes.map((index) => index.version),
    provider: (version) => (version === undefined ? providers[0] : providers.find((provider) => provider.version === version)),
    valueSet: (url, version) => classValueSet(url, version),
    extend: (provider) => (provider.system === snomedSystem ? withDmdProducts(provider, indexes[0]!) : undefined),
    conceptMaps: indexes.flatMap(dmdConceptMaps)
  }
}

/** The lookup tables whose codes are not dm+d concepts: each a code system of its own, `https://dmd.nhs.uk/<table>`. */
const lookupSystemTables = [...new Set(Object.values(lookupTables))].filter((table) => !(table in kindTables)).sort()

/**
 * The lookup tables as code systems (`https://dmd.nhs.uk/CONTROL_DRUG_CATEGORY`, …), versioned with
 * their release, so the Codings the products' properties give can be looked up and validated. A
 * table's provider is built when first asked for.
 */
export const dmdLookupCodeSystems = (indexes: ReadonlyArray<DmdIndex>): ReadonlyArray<ReleaseCodeSystem> =>
  lookupSystemTables.map((table) => {
    const system = `${dmdSystem}/${table}`
    const providers = new Map<DmdIndex, CodeSystemProvider>()
    const providerOf = (index: DmdIndex) => {
      let provider = providers.get(index)
      if (provider === undefined) {
        provider = makeFhirCodeSystem({
          resourceType: "CodeSystem",
          url: system,
          version: index.version,
          name: table,
          title: `dm+d ${table.toLowerCase().replaceAll("_", " ")}`,
          status: "active",
          content: "complete",
          caseSensitive: true,
          concept: index.lookupTable(table).map(({ code, description }) => ({ code, display: description }))
        })
        providers.set(index, provider)
      }
      return provider
    }
    return {
      system,
      versions: indexes.map((index) => index.version),
      provider: (version) => {
        const index = version === undefined ? indexes[0] : indexes.find((candidate) => candidate.version === version)
        return index === undefined ? undefined : providerOf(index)
      }
    }
  })
