/**
 * `CodeSystem/$lookup` (https://hl7.org/fhir/R4/codesystem-operation-lookup.html) for any code
 * system: name, version, display, definition, designations, and properties (parent, child,
 * inactive and the code system's own; for SNOMED CT also module, effective time, definition status
 * and attributes). `property` chooses which.
 */
import {
  displayLanguageOf,
  languageFallback,
  say,
  unknownCode,
  elementLanguage,
  preferredForLanguage,
  preferredLanguages,
  statesDisplayLanguage,
  type Coding,
  type ConceptDesignation,
  type PropertyValue
} from "@ffynnon/terminology"
import { Effect } from "effect"
import { defineOperation } from "../fhir/operation"
import { FhirFailure } from "../fhir/outcome"
import { messageLanguage } from "../messages"
import { checkDisplayLanguage, sharedParameters, terminologyContext } from "./context"
import { providerFor } from "./providers"
import { onCodeSystem } from "./instance"

const valueParts = (property: PropertyValue) => {
  const parts: Array<object> = []
  for (const key in property) {
    if (key.startsWith("value")) parts.push({ name: "value", [key]: property[key as keyof PropertyValue] })
  }
  return parts
}

const propertyPart = (property: PropertyValue, description?: string): { name: string; part: Array<object> } => ({
  name: "property",
  part: [
    { name: "code", valueCode: property.code },
    ...valueParts(property),
    ...(description === undefined ? [] : [{ name: "description", valueString: description }]),
    ...(property.subproperty ?? []).map((sub) => ({
      name: "subproperty",
      part: [{ name: "code", valueCode: sub.code }, ...valueParts(sub)]
    }))
  ]
})

/** The display as a designation in the code system's own language, where the code system states it. */
const displayDesignation = (language: string | undefined, display: string | undefined): ReadonlyArray<ConceptDesignation> =>
  language === undefined || display === undefined ? [] : [{ language, use: preferredForLanguage, value: display }]

export const lookupOperation = defineOperation({
  resource: "CodeSystem",
  name: "lookup",
  definition: "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup",
  summary: "Details of a concept: display, definition, designations, properties",
  unknownParameters: "ignore",
  instance: onCodeSystem(["coding"]),
  parameters: {
    code: { type: "code" },
    system: { type: "uri" },
    version: { type: "string" },
    coding: { type: "Coding" },
    date: { type: "dateTime" },
    property: { type: "code", max: "*" },
    ...sharedParameters
  },
  handler: (input, request) =>
    Effect.gen(function* () {
      const coding = (input.coding as Coding | undefined) ?? {}
      const system = input.system ?? coding.system
      const code = input.code ?? coding.code
      if (system === undefined) return yield* FhirFailure.message(400, "required", "give-system", {}, ["system"])
      if (code === undefined) return yield* FhirFailure.message(400, "required", "give-code", {}, ["code"])
      yield* checkDisplayLanguage(input.displayLanguage)
      const context = yield* terminologyContext(input["tx-resource"], input.useSupplement)
      const provider = yield* providerFor(context, system, input.version ?? coding.version)
      const concept = provider.locate(code)
      if (concept === undefined) {
        return yield* FhirFailure.said(404, "not-found", unknownCode(code, system, provider.version), ["code"])
      }
      const languages = preferredLanguages(input.displayLanguage, request.acceptLanguage)
      const wanted = input.property === undefined ? undefined : new Set(input.property)
      const include = (code: string) => wanted === undefined || wanted.has(code) || wanted.has("*")
      const describe = (related: unknown) => provider.display(related, languages)
      const children = include("child") ? provider.children(concept) : []
      const hierarchy = [
        ...(include("parent") ? provider.parents(concept) : []).map((parent) => ({
          property: { code: "parent", valueCode: provider.code(parent) },
          description: describe(parent)
        })),
        ...children.map((child) => ({ property: { code: "child", valueCode: provider.code(child) }, description: describe(child) }))
      ]
      const own = provider.properties(concept).filter((property) => !["parent", "child", "inactive"].includes(property.code))
      const properties = [
        ...hierarchy,
        { property: { code: "inactive", valueBoolean: provider.isInactive(concept) } as PropertyValue, description: undefined },
        ...own.map((property) => ({ property, description: undefined }))
      ].filter(({ property }) => include(property.code))
      const display = provider.display(concept, languages)
      const servedLanguage = display === undefined || languages.length === 0 ? undefined : displayLanguageOf(provider, concept, languages)
      const displayLanguage = statesDisplayLanguage(languages) ? servedLanguage : undefined
      if (servedLanguage !== undefined) request.answerLanguage(servedLanguage)
      const languageNote = servedLanguage === undefined ? undefined : languageFallback(languages, [servedLanguage], false)
      const definition = provider.definition(concept)
      return {
        resourceType: "Parameters",
        parameter: [
          { name: "code", valueCode: provider.code(concept) },
          { name: "system", valueUri: provider.system },
          { name: "name", valueString: provider.name },
          ...(provider.version === undefined ? [] : [{ name: "version", valueString: provider.version }]),
          ...(display === undefined
            ? []
            : [
                {
                  name: "display",
                  valueString: display,
                  // Which language the display is in, when the request asked for one other than English (it may have fallen back).
                  ...(displayLanguage === undefined ? {} : { _valueString: elementLanguage(displayLanguage) })
                }
              ]),
          ...(definition === undefined ? [] : [{ name: "definition", valueString: definition }]),
          { name: "abstract", valueBoolean: provider.isAbstract(concept) },
          ...[...displayDesignation(provider.language, display), ...provider.designations(concept)].map((designation) => ({
            name: "designation",
            part: [
              ...(designation.language === undefined ? [] : [{ name: "language", valueCode: designation.language }]),
              ...(designation.use === undefined ? [] : [{ name: "use", valueCoding: designation.use }]),
              ...(designation.source === undefined ? [] : [{ name: "source", valueCanonical: designation.source }]),
              { name: "value", valueString: designation.value }
            ]
          })),
          ...properties.map(({ property, description }) => propertyPart(property, description)),
          ...provider.supplements.map((supplement) => ({ name: "used-supplement", valueCanonical: supplement })),
          // A note for the client, which the HL7 tests' comparison leaves out as it does tx.fhir.org's diagnostics.
          ...(languageNote === undefined
            ? []
            : [{ name: "diagnostics", valueString: say(messageLanguage(request.acceptLanguage), languageNote) }])
        ]
      }
    })
})
