/**
 * `CodeSystem/$validate-code` (https://hl7.org/fhir/R4/codesystem-operation-validate-code.html) and
 * `ValueSet/$validate-code` over the implicit value sets
 * (https://hl7.org/fhir/R4/valueset-operation-validate-code.html) for SNOMED CT: the code must be
 * in the release (and the value set); a display must be one of the concept's active terms in the
 * request's language; inactive concepts are reported as such.
 */
import type { SnomedIndex } from "@ffynnon/snomed"
import { Effect } from "effect"
import { defineOperation } from "../fhir/operation"
import { FhirFailure } from "../fhir/outcome"
import { codingOf, languageRefsets, preferredLanguages, releaseFor, requireCode, snomedSystem, type Coding } from "./common"
import { membership, parseImplicitValueSet } from "./valueSets"

interface Check {
  readonly index: SnomedIndex
  readonly code: string
  readonly display: string | undefined
  readonly languages: ReadonlyArray<string>
  readonly inValueSet?: (concept: number) => boolean
  readonly valueSetUrl?: string
}

const validate = ({ index, code, display, languages, inValueSet, valueSetUrl }: Check) => {
  const base = [
    { name: "code", valueCode: code },
    { name: "system", valueUri: snomedSystem },
    { name: "version", valueString: index.uri }
  ]
  const concept = index.position(code)
  const answer = (result: boolean, message?: string, extra: ReadonlyArray<object> = []) => ({
    resourceType: "Parameters",
    parameter: [
      { name: "result", valueBoolean: result },
      ...(message === undefined ? [] : [{ name: "message", valueString: message }]),
      ...extra,
      ...base
    ]
  })
  if (concept === undefined) return answer(false, `Unknown code '${code}' in the CodeSystem '${snomedSystem}' version '${index.uri}'.`)
  if (inValueSet !== undefined && !inValueSet(concept)) {
    return answer(false, `The code '${code}' is not in the value set '${valueSetUrl}'.`)
  }
  const refsets = languageRefsets(index, languages)
  const preferred = index.preferredTerm(concept, refsets) ?? code
  const displayPart = [{ name: "display", valueString: preferred }]
  const inactive = index.isActive(concept) ? [] : [{ name: "inactive", valueBoolean: true }]
  if (display !== undefined && !index.hasTerm(concept, display, refsets)) {
    return answer(false, `The display '${display}' is not a valid display for the code '${code}'; a valid display is '${preferred}'.`, [
      ...displayPart,
      ...inactive
    ])
  }
  return answer(true, index.isActive(concept) ? undefined : `The concept '${code}' is inactive.`, [...displayPart, ...inactive])
}

const codingInput = (input: { code?: string; system?: string; version?: string; coding?: object; codeableConcept?: object }) => {
  const fromConcept = (input.codeableConcept as { coding?: ReadonlyArray<Coding> } | undefined)?.coding?.find(
    (coding) => coding.system === snomedSystem
  )
  const coding = (input.coding as Coding | undefined) ?? fromConcept
  return codingOf({ ...input, ...(coding === undefined ? {} : { coding }) })
}

const parameters = {
  url: { type: "uri" },
  code: { type: "code" },
  system: { type: "uri" },
  version: { type: "string" },
  systemVersion: { type: "string" },
  display: { type: "string" },
  coding: { type: "Coding" },
  codeableConcept: { type: "CodeableConcept" },
  date: { type: "dateTime" },
  abstract: { type: "boolean" },
  displayLanguage: { type: "code" },
  activeOnly: { type: "boolean" }
} as const

export const codeSystemValidateCodeOperation = defineOperation({
  resource: "CodeSystem",
  name: "validate-code",
  definition: "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code",
  summary: "Whether a code (and display) is valid in SNOMED CT",
  parameters,
  handler: (input, request) =>
    Effect.gen(function* () {
      const coding = codingInput(input)
      const system = input.url ?? coding.system
      if (system === undefined)
        return yield* FhirFailure.of(400, "required", "Give the url of the code system (or a coding with a system).", ["url"])
      const index = yield* releaseFor(system, coding.version, "url")
      return validate({
        index,
        code: yield* requireCode(coding),
        display: input.display ?? coding.display,
        languages: preferredLanguages(input.displayLanguage, request.acceptLanguage)
      })
    })
})

export const valueSetValidateCodeOperation = defineOperation({
  resource: "ValueSet",
  name: "validate-code",
  definition: "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code",
  summary: "Whether a code (and display) is in a SNOMED CT implicit value set",
  parameters,
  handler: (input, request) =>
    Effect.gen(function* () {
      if (input.url === undefined) return yield* FhirFailure.of(400, "required", "Give the url of the value set.", ["url"])
      const implicit = parseImplicitValueSet(input.url)
      if (implicit === undefined) {
        return yield* FhirFailure.of(404, "not-found", `A definition for the value set '${input.url}' could not be found.`, ["url"])
      }
      const coding = codingInput(input)
      const index = yield* releaseFor(coding.system ?? snomedSystem, implicit.version ?? input.systemVersion ?? coding.version)
      const { has } = membership(index, implicit.valueSet)
      return validate({
        index,
        code: yield* requireCode(coding),
        display: input.display ?? coding.display,
        languages: preferredLanguages(input.displayLanguage, request.acceptLanguage),
        inValueSet: (concept) => has(concept) && (input.activeOnly !== true || index.isActive(concept)),
        valueSetUrl: input.url
      })
    })
})
