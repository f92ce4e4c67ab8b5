/**
 * `CodeSystem/$lookup` for SNOMED CT (https://hl7.org/fhir/R4/codesystem-operation-lookup.html,
 * SNOMED properties per https://hl7.org/fhir/R4/snomedct.html): display, designations and the
 * properties inactive, parent, child, moduleId, effectiveTime, sufficientlyDefined and the
 * concept's attributes by SCTID (grouped ones as parts of a 609096000 role-group property).
 * `property` selects properties; without it, all are returned.
 */
import type { SnomedIndex } from "@ffynnon/snomed"
import { neighbours } from "@ffynnon/snomed"
import { Effect } from "effect"
import { defineOperation } from "../fhir/operation"
import { FhirFailure } from "../fhir/outcome"
import {
  codingOf,
  designationParts,
  languageRefsets,
  preferredLanguages,
  releaseFor,
  requireCode,
  snomedSystem,
  type Coding
} from "./common"

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

export const conceptProperties = (index: SnomedIndex, concept: number) => {
  const properties: Array<{ code: string } & Record<string, unknown>> = [
    { code: "inactive", valueBoolean: !index.isActive(concept) },
    { code: "sufficientlyDefined", valueBoolean: index.concepts.defined[concept] === 1 },
    { code: "moduleId", valueCode: index.moduleId(concept) },
    { code: "effectiveTime", valueString: index.effectiveTime(concept) },
    ...[...neighbours(index.parents, concept)].map((parent) => ({ code: "parent", valueCode: index.code(parent) })),
    ...[...neighbours(index.children, concept)].map((child) => ({ code: "child", valueCode: index.code(child) }))
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

const asPart = (
  property: { code: string; subproperty?: ReadonlyArray<{ code: string } & Record<string, unknown>> } & Record<string, unknown>
) => {
  const { code, subproperty, ...value } = property
  return {
    name: "property",
    part: [
      { name: "code", valueCode: code },
      ...Object.entries(value).map(([key, valueOf]) => ({ name: "value", [key]: valueOf })),
      ...(subproperty ?? []).map(({ code, ...value }) => ({
        name: "subproperty",
        part: [{ name: "code", valueCode: code }, ...Object.entries(value).map(([key, valueOf]) => ({ name: "value", [key]: valueOf }))]
      }))
    ]
  }
}

export const lookupOperation = defineOperation({
  resource: "CodeSystem",
  name: "lookup",
  definition: "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup",
  summary: "Details of a SNOMED CT concept: display, designations, properties",
  parameters: {
    code: { type: "code" },
    system: { type: "uri" },
    version: { type: "string" },
    coding: { type: "Coding" },
    date: { type: "dateTime" },
    displayLanguage: { type: "code" },
    property: { type: "code", max: "*" },
    useSupplement: { type: "canonical", max: "*" }
  },
  handler: (input, request) =>
    Effect.gen(function* () {
      const coding = codingOf({ ...input, ...(input.coding === undefined ? {} : { coding: input.coding as Coding }) })
      if (coding.system === undefined) return yield* FhirFailure.of(400, "required", "Give the system (or a coding with one).", ["system"])
      const code = yield* requireCode(coding)
      const index = yield* releaseFor(coding.system, coding.version)
      const concept = index.position(code)
      if (concept === undefined) {
        return yield* FhirFailure.of(
          404,
          "not-found",
          `Unknown code '${code}' in the CodeSystem '${snomedSystem}' version '${index.uri}'.`,
          ["code"]
        )
      }
      const refsets = languageRefsets(index, preferredLanguages(input.displayLanguage, request.acceptLanguage))
      const wanted = input.property === undefined ? undefined : new Set(input.property)
      return {
        resourceType: "Parameters",
        parameter: [
          { name: "name", valueString: "SNOMED CT" },
          { name: "version", valueString: index.uri },
          { name: "display", valueString: index.preferredTerm(concept, refsets) ?? code },
          ...designationParts(index, concept),
          ...conceptProperties(index, concept)
            .filter((property) => wanted === undefined || wanted.has(property.code) || wanted.has("*"))
            .map(asPart)
        ]
      }
    })
})
