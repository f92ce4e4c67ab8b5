/**
 * An ICD release as a code system provider: the classes become a FHIR CodeSystem (nested by the
 * classification's hierarchy, with ICD's facts as properties and its rubrics as designations)
 * served by the terminology library's `makeFhirCodeSystem`, so hierarchy, filters, paging and
 * lookups behave as for every other code system. On top of that, what is ICD's own:
 * - displays are the titles only (an exclusion term is not a name of the class), and text
 *   search reads titles and inclusion terms;
 * - ICD-10 codes are found in the forms data carries them in: undotted (`A000`), `X`-padded
 *   (`A00X`) and with the UK's dagger/asterisk suffixes (`A170D`, `G01XA`);
 * - ICD-11 postcoordinated codes (`1A00&XN8P1`, `2C6Z/XH1ED9`) are checked stem by stem.
 */
import {
  makeFhirCodeSystem,
  message,
  searchWords,
  type CodeSystemConcept,
  type CodeSystemProperty,
  type CodeSystemProvider,
  type CodeSystemResource,
  type FhirConcept,
  type PropertyValue
} from "@ffynnon/terminology"
import { icd11System, type IcdClass } from "./model"

/** The code system of the designation `use` codes that say which rubric a designation is. */
export const rubricKindSystem = "http://ffynnon.example/fhir/CodeSystem/icd-rubric-kind"

const definitions: ReadonlyArray<CodeSystemProperty> = [
  { code: "kind", type: "code", description: "chapter, block or category" },
  { code: "notSelectable", uri: "http://hl7.org/fhir/concept-properties#notSelectable", type: "boolean" },
  { code: "usage", type: "code", description: "ICD-10: dagger (aetiology) or asterisk (manifestation)" },
  { code: "sex", type: "code", description: "ICD-10 UK: the sex the code is valid for (male, female)" },
  { code: "minAge", type: "string", description: "ICD-10 UK: the youngest age the code is valid for" },
  { code: "maxAge", type: "string", description: "ICD-10 UK: the oldest age the code is valid for" },
  { code: "leaf", type: "boolean", description: "ICD-11: the class has no children" },
  { code: "residual", type: "boolean", description: "ICD-11: an 'other specified' or 'unspecified' residual category" },
  { code: "block", type: "code", description: "A block the class is in (ICD-11: its BlockId)" },
  { code: "foundationUri", type: "string", description: "ICD-11: the Foundation entity the class is" },
  { code: "linearizationUri", type: "string", description: "ICD-11: the class in the MMS linearization" }
]

const propertiesOf = (c: IcdClass, blocks: ReadonlyArray<string>): Array<PropertyValue> => [
  { code: "kind", valueCode: c.kind },
  ...(c.kind === "category" ? [] : [{ code: "notSelectable", valueBoolean: true }]),
  ...(c.usage === undefined ? [] : [{ code: "usage", valueCode: c.usage }]),
  ...(c.sex === undefined ? [] : [{ code: "sex", valueCode: c.sex }]),
  ...(c.minAge === undefined ? [] : [{ code: "minAge", valueString: c.minAge }]),
  ...(c.maxAge === undefined ? [] : [{ code: "maxAge", valueString: c.maxAge }]),
  ...(c.isLeaf === undefined ? [] : [{ code: "leaf", valueBoolean: c.isLeaf }]),
  ...(c.isResidual === undefined ? [] : [{ code: "residual", valueBoolean: c.isResidual }]),
  ...blocks.map((block) => ({ code: "block", valueCode: block })),
  ...(c.foundationUri === undefined ? [] : [{ code: "foundationUri", valueString: c.foundationUri }]),
  ...(c.linearizationUri === undefined ? [] : [{ code: "linearizationUri", valueString: c.linearizationUri }])
]

export interface IcdCodeSystemInfo {
  readonly system: string
  readonly version: string
  readonly name: string
  readonly title: string
}

/** The classes as a FHIR CodeSystem resource, nested by the hierarchy in the classification's order. */
export const icdCodeSystemResource = (info: IcdCodeSystemInfo, classes: ReadonlyArray<IcdClass>): CodeSystemResource => {
  type Node = { -readonly [K in keyof CodeSystemConcept]: CodeSystemConcept[K] } & { concept: Array<CodeSystemConcept> }
  const byCode = new Map(classes.map((c) => [c.code, c]))
  // Each class's blocks: the blocks above it and, for a block, itself (the `block` property of the classes below).
  const blocks = new Map<string, ReadonlyArray<string>>()
  const blocksOf = (c: IcdClass): ReadonlyArray<string> => {
    let found = blocks.get(c.code)
    if (found === undefined) {
      const parent = c.parent === undefined ? undefined : byCode.get(c.parent)
      const above = parent === undefined ? [] : blocksOf(parent)
      found = c.kind === "block" ? [...above, c.code] : above
      blocks.set(c.code, found)
    }
    return found
  }
  const nodes = new Map<string, Node>()
  for (const c of classes) {
    const parent = c.parent === undefined ? undefined : byCode.get(c.parent)
    nodes.set(c.code, {
      code: c.code,
      display: c.title,
      property: propertiesOf(c, parent === undefined ? [] : blocksOf(parent)),
      concept: [],
      ...(c.rubrics.length === 0
        ? {}
        : {
            designation: c.rubrics.map((rubric) => ({
              language: "en",
              use: { system: rubricKindSystem, code: rubric.kind },
              value: rubric.text
            }))
          })
    })
  }
  // Linked once all exist, so a file may list a class before its parent.
  const roots: Array<CodeSystemConcept> = []
  for (const c of classes) {
    const parentNode = c.parent === undefined ? undefined : nodes.get(c.parent)
    if (parentNode === undefined) roots.push(nodes.get(c.code)!)
    else parentNode.concept.push(nodes.get(c.code)!)
  }
  return {
    resourceType: "CodeSystem",
    url: info.system,
    version: info.version,
    name: info.name,
    title: info.title,
    status: "active",
    language: "en",
    caseSensitive: false,
    hierarchyMeaning: "is-a",
    content: "complete",
    count: classes.length,
    property: definitions,
    concept: roots
  }
}

/** ICD-10 as data writes it, in the classification's form: `A000` and `A00.0 D` are A00.0; `A00X` is A00. */
export const icd10CodeForm = (code: string) => {
  const compact = code.toUpperCase().replace(/[\s.]/g, "")
  const match = /^([A-Z]\d\d)(X|\d{0,2})[DA*†]?$/.exec(compact)
  if (match === null) return undefined
  const [, category, subdivision] = match
  return subdivision === "X" || subdivision === "" ? category! : `${category}.${subdivision}`
}

export interface IcdProviderOptions extends IcdCodeSystemInfo {
  readonly classes: ReadonlyArray<IcdClass>
}

export const makeIcdProvider = (options: IcdProviderOptions): CodeSystemProvider<FhirConcept> => {
  const base = makeFhirCodeSystem(icdCodeSystemResource(options, options.classes))
  const isIcd11 = options.system === icd11System
  const chapterOf = (concept: FhirConcept): string => (concept.parents.length === 0 ? concept.code : chapterOf(concept.parents[0]!))
  const isExtension = (concept: FhirConcept) => concept.code.startsWith("X") && chapterOf(concept) === "X"

  /** A postcoordinated ICD-11 code, when every stem and extension code is in the classification and in its place. */
  const postcoordinated = (code: string): FhirConcept | undefined => {
    // Clusters of a stem code and its extension codes: `1A00&XN8P1/2C6Z` → [[1A00, XN8P1], [2C6Z]].
    const located = code
      .trim()
      .split("/")
      .map((cluster) => cluster.split("&").map((part) => base.locate(part)))
    const wellFormed = located.every(
      (cluster) =>
        cluster.every((concept) => concept !== undefined) &&
        !isExtension(cluster[0]!) &&
        cluster.slice(1).every((concept) => isExtension(concept!))
    )
    if (!wellFormed) return undefined
    const concepts = located as ReadonlyArray<ReadonlyArray<FhirConcept>>
    const display = concepts.map((cluster) => cluster.map((concept) => concept.display).join(" & ")).join(" / ")
    const canonical = concepts.map((cluster) => cluster.map((concept) => concept.code).join("&")).join("/")
    return {
      code: canonical,
      display,
      definition: undefined,
      designations: [],
      properties: [{ code: "kind", valueCode: "postcoordinated" }],
      extensions: [],
      // Subsumed by its first stem (and so by everything above it), as the WHO coding tool treats a cluster.
      parents: [concepts[0]![0]!],
      children: [],
      source: { code: canonical, display }
    }
  }
  const locate = (code: string) => {
    const found = base.locate(code)
    if (found !== undefined) return found
    if (isIcd11) return /[&/]/.test(code) ? postcoordinated(code) : undefined
    const form = icd10CodeForm(code)
    return form === undefined ? undefined : base.locate(form)
  }

  const titles = (concept: FhirConcept) => (concept.display === undefined ? [] : [{ value: concept.display, language: "en" }])
  // Folded words of each class's code, title and inclusion terms, made when a text search first reads them.
  const words = new Map<FhirConcept, ReadonlyArray<string>>()
  const wordsOf = (concept: FhirConcept) => {
    let found = words.get(concept)
    if (found === undefined) {
      const inclusions = concept.designations.filter((designation) => designation.use?.code === "inclusion")
      found = searchWords([concept.code, concept.display ?? "", ...inclusions.map((designation) => designation.value)].join(" "))
      words.set(concept, found)
    }
    return found
  }

  return {
    ...base,
    locate,
    displays: (concept) => titles(concept),
    hasDisplay: (concept, display) => concept.display?.toLowerCase() === display.toLowerCase(),
    note: (concept) => (concept.properties[0]?.valueCode === "postcoordinated" ? message("icd-postcoordination-not-checked") : undefined),
    search: (text, within) => {
      const query = searchWords(text)
      return [...within].filter((concept) => {
        const own = wordsOf(concept)
        return query.every((wanted) => own.some((word) => word.startsWith(wanted)))
      })
    }
  }
}
