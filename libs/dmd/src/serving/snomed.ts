/**
 * dm+d's products under `http://snomed.info/sct`. Every dm+d identifier is a SNOMED CT concept
 * identifier, and the UK drug extension carries them into SNOMED CT, but it is published every
 * four weeks and dm+d every week: a new product is prescribed before SNOMED CT has it. Where the
 * loaded SNOMED CT edition includes the drug extension, the codes it lacks are answered from the
 * newest dm+d release (display `NM`, inactive when `INVALID`); codes SNOMED CT has keep its own
 * answer. Such a code is outside SNOMED CT's hierarchy until the drug extension that has it is
 * loaded: it belongs to no `is-a` or ECL value set, only to the whole code system's.
 */
import type { CodeSystemProvider, ConceptSet } from "@ffynnon/terminology"
import { Either } from "effect"
import type { DmdIndex } from "./DmdIndex"

/** The SNOMED CT United Kingdom drug extension module: an edition holding this concept includes the drug extension. */
export const ukDrugExtensionModule = "999000011000001104"

/** SNOMED CT concepts are positions (0 and up) or expressions (objects); dm+d's products here are negative numbers. */
const fromDmd = (concept: unknown): concept is number => typeof concept === "number" && concept < 0
const handle = (dmdConcept: number) => -1 - dmdConcept
const dmdConcept = (handle: number) => -1 - handle

/** A SNOMED CT set with the dm+d products admitted (never listed, as expressions are not) or refused (SNOMED CT's own sets could take them for positions). */
const withDmd = <C>(set: ConceptSet<C>, admitted: boolean): ConceptSet<C> => ({
  get size() {
    return set.size
  },
  ...(set.closed === undefined ? {} : { closed: set.closed }),
  has: (concept) => (fromDmd(concept) ? admitted : set.has(concept)),
  ...(set.array === undefined ? {} : { array: () => set.array!() }),
  [Symbol.iterator]: () => set[Symbol.iterator]()
})

const combined = new WeakMap<CodeSystemProvider, WeakMap<DmdIndex, CodeSystemProvider | undefined>>()

/**
 * The SNOMED CT provider with the dm+d products it lacks added, or undefined when its edition does
 * not include the drug extension. Kept per provider and index, so a request pays one lookup.
 */
export const withDmdProducts = (snomed: CodeSystemProvider, index: DmdIndex): CodeSystemProvider | undefined => {
  let byIndex = combined.get(snomed)
  if (byIndex === undefined) combined.set(snomed, (byIndex = new WeakMap()))
  if (byIndex.has(index)) return byIndex.get(index)
  const provider = snomed.locate(ukDrugExtensionModule) === undefined ? undefined : combine(snomed, index)
  byIndex.set(index, provider)
  return provider
}

const combine = (snomed: CodeSystemProvider, index: DmdIndex): CodeSystemProvider => {
  const name = (concept: number) => index.display(dmdConcept(concept))
  return {
    ...snomed,
    locate: (code) => {
      const found = snomed.locate(code)
      if (found !== undefined) return found
      const product = index.locate(code)
      return product === undefined || index.isClass(product) ? undefined : handle(product)
    },
    code: (concept) => (fromDmd(concept) ? index.code(dmdConcept(concept)) : snomed.code(concept)),
    display: (concept, languages) => (fromDmd(concept) ? name(concept) : snomed.display(concept, languages)),
    displayLanguage: (concept, languages) => (fromDmd(concept) ? "en" : snomed.displayLanguage?.(concept, languages)),
    definition: (concept) => (fromDmd(concept) ? undefined : snomed.definition(concept)),
    designations: (concept) => (fromDmd(concept) ? [{ language: "en", value: name(concept) }] : snomed.designations(concept)),
    hasDisplay: (concept, display, languages) =>
      fromDmd(concept) ? name(concept).toLowerCase() === display.toLowerCase() : snomed.hasDisplay(concept, display, languages),
    displays: (concept, languages) => (fromDmd(concept) ? [{ value: name(concept), language: "en" }] : snomed.displays(concept, languages)),
    isInactive: (concept) => (fromDmd(concept) ? index.isInvalid(dmdConcept(concept)) : snomed.isInactive(concept)),
    isAbstract: (concept) => !fromDmd(concept) && snomed.isAbstract(concept),
    status: (concept) => (fromDmd(concept) ? (index.isInvalid(dmdConcept(concept)) ? "inactive" : "active") : snomed.status(concept)),
    properties: (concept) =>
      fromDmd(concept) ? [{ code: "inactive", valueBoolean: index.isInvalid(dmdConcept(concept)) }] : snomed.properties(concept),
    parents: (concept) => (fromDmd(concept) ? [] : snomed.parents(concept)),
    children: (concept) => (fromDmd(concept) ? [] : snomed.children(concept)),
    subsumes: (ancestor, concept) => (fromDmd(ancestor) || fromDmd(concept) ? ancestor === concept : snomed.subsumes(ancestor, concept)),
    all: () => withDmd(snomed.all(), true),
    filter: (filter) => Either.map(snomed.filter(filter), (set) => withDmd(set, false))
  }
}
