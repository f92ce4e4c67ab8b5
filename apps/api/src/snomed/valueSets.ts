/**
 * SNOMED CT's implicit value sets (https://hl7.org/fhir/R4/snomedct.html#implicit): every concept
 * (`?fhir_vs`), a concept and its descendants (`?fhir_vs=isa/<id>`), a reference set's members
 * (`?fhir_vs=refset/<id>`) and the reference sets themselves (`?fhir_vs=refset`), optionally for
 * one edition or version (`http://snomed.info/sct/<module>/version/<yyyymmdd>?fhir_vs…`).
 */
import type { SnomedIndex } from "@ffynnon/snomed"

export type ImplicitValueSet =
  | { readonly kind: "all" }
  | { readonly kind: "isa"; readonly code: string }
  | { readonly kind: "refset"; readonly code: string }
  | { readonly kind: "refsets" }

const implicitUrl =
  /^(http:\/\/snomed\.info\/x?sct)(\/\d{6,18}(?:\/version\/\d{8})?)?\?fhir_vs(?:=(isa\/\d{6,18}|refset\/\d{6,18}|refset))?$/

/** The value set an implicit URL means, with the edition or version it names; undefined for other URLs. */
export const parseImplicitValueSet = (url: string): { valueSet: ImplicitValueSet; version?: string } | undefined => {
  const match = implicitUrl.exec(url)
  if (match === null) return undefined
  const [, base, path, selector] = match
  const valueSet: ImplicitValueSet =
    selector === undefined
      ? { kind: "all" }
      : selector === "refset"
        ? { kind: "refsets" }
        : selector.startsWith("isa/")
          ? { kind: "isa", code: selector.slice(4) }
          : { kind: "refset", code: selector.slice(7) }
  return path === undefined ? { valueSet } : { valueSet, version: `${base}${path}` }
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

/** Members in a stable order (by SCTID, except `isa`: the concept first), and a membership test. */
export const membership = (index: SnomedIndex, valueSet: ImplicitValueSet) => {
  switch (valueSet.kind) {
    case "all":
      return { members: () => Uint32Array.from({ length: index.conceptCount }, (_, concept) => concept), has: () => true }
    case "isa": {
      const root = index.position(valueSet.code)
      if (root === undefined) return { members: () => new Uint32Array(0), has: () => false }
      let members: Uint32Array | undefined
      const all = () => (members ??= index.descendantsAndSelf(root))
      return {
        members: all,
        has: (concept: number) => concept === root || index.subsumes(root, concept)
      }
    }
    case "refset": {
      const members = index.refsetConcepts(valueSet.code)
      return { members: () => members, has: (concept: number) => includesSorted(members, concept) }
    }
    case "refsets": {
      const set = new Set(
        [...index.refsets.keys(), ...index.languageRefsets.keys()]
          .map((refsetId) => index.position(refsetId))
          .filter((concept): concept is number => concept !== undefined)
      )
      return { members: () => Uint32Array.from(set).sort(), has: (concept: number) => set.has(concept) }
    }
  }
}
