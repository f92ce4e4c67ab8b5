/**
 * `ValueSet/$validate-code` (https://hl7.org/fhir/R4/valueset-operation-validate-code.html) and
 * `CodeSystem/$validate-code` (https://hl7.org/fhir/R4/codesystem-operation-validate-code.html):
 * a code (`code`+`system`), a `coding` or a `codeableConcept`, checked by the engine against a
 * value set or a code system.
 */
import {
  codePaths,
  codingPaths,
  compose,
  preferredLanguages,
  valueSetLanguage,
  validateCode,
  validateCodeableConcept,
  validationFailure,
  type CodeableConcept,
  type Coding
} from "@ffynnon/terminology"
import { Effect, Either } from "effect"
import { defineOperation } from "../fhir/operation"
import { FhirFailure } from "../fhir/outcome"
import { fromParameters, type OperationInput } from "../fhir/parameters"
import { messageLanguage, translateOutcome } from "../messages"
import { onCodeSystemToValidate, onValueSet } from "./instance"
import {
  checkDisplayLanguage,
  requestedValueSet,
  resourceParameter,
  sharedParameters,
  terminologyContext,
  terminologyFailure,
  versionRules
} from "./context"

const parameters = {
  url: { type: "uri" },
  valueSet: { type: "Resource" },
  codeSystem: { type: "Resource" },
  valueSetVersion: { type: "string" },
  code: { type: "code" },
  system: { type: "uri" },
  systemVersion: { type: "string" },
  version: { type: "string" },
  display: { type: "string" },
  coding: { type: "Coding" },
  codeableConcept: { type: "CodeableConcept" },
  date: { type: "dateTime" },
  abstract: { type: "boolean" },
  activeOnly: { type: "boolean" },
  inferSystem: { type: "boolean" },
  "lenient-display-validation": { type: "boolean" },
  "valueset-membership-only": { type: "boolean" },
  ...sharedParameters
} as const

type Input = OperationInput<typeof parameters>

/** A value set's imports that cannot be found: the code cannot be in it, which is an answer rather than an error. */
const missingParts = new Set(["Unable_to_resolve_value_Set_", "VS_EXP_IMPORT_UNK_PINNED"])

/** What is being validated: the separate code parameters, a Coding, or a CodeableConcept. */
const subject = (input: Input, system: string | undefined, version: string | undefined) => {
  if (input.codeableConcept !== undefined) return { kind: "codeableConcept", concept: input.codeableConcept as CodeableConcept } as const
  if (input.coding !== undefined) return { kind: "coding", coding: input.coding as Coding, paths: codingPaths } as const
  const coding: Coding = {
    ...(input.code === undefined ? {} : { code: input.code }),
    ...(system === undefined ? {} : { system }),
    ...(version === undefined ? {} : { version }),
    ...(input.display === undefined ? {} : { display: input.display })
  }
  return { kind: "coding", coding, paths: codePaths } as const
}

const validate = (input: Input, acceptLanguage: string | undefined, forValueSet: boolean) =>
  Effect.gen(function* () {
    const codeSystem = input.codeSystem === undefined ? undefined : yield* resourceParameter("codeSystem", input.codeSystem, ["CodeSystem"])
    yield* checkDisplayLanguage(input.displayLanguage)
    const context = yield* terminologyContext(
      input.codeSystem === undefined ? input["tx-resource"] : [...(input["tx-resource"] ?? []), input.codeSystem],
      input.useSupplement
    )
    // The versions the codes name, for value sets that allow a range of versions.
    const codings = [
      ...((input.codeableConcept as CodeableConcept | undefined)?.coding ?? []),
      ...(input.coding === undefined ? [] : [input.coding as Coding]),
      ...(input.system === undefined || (input.systemVersion ?? input.version) === undefined
        ? []
        : [{ system: input.system, version: input.systemVersion ?? input.version }])
    ]
    const preferred = new Map(
      codings.flatMap((coding) =>
        coding.system === undefined || coding.version === undefined ? [] : [[coding.system, coding.version] as const]
      )
    )
    const rules = { ...versionRules(input), preferred }
    let composition
    let resolver = context.resolver
    if (forValueSet) {
      const { valueSet, context: supplemented } = yield* requestedValueSet(context, input)
      resolver = supplemented.resolver
      const composed = compose(valueSet, resolver, rules)
      if (Either.isLeft(composed)) {
        // A value set whose parts cannot be found still answers (not valid, and why); one that is wrong is an error.
        if (!missingParts.has(composed.left.messageId ?? "")) return yield* Effect.fail(terminologyFailure(composed.left))
        return validationFailure(composed.left, input.codeableConcept as CodeableConcept | undefined, messageLanguage(acceptLanguage))
      }
      composition = composed.right
    }
    const system = forValueSet ? input.system : (input.url ?? codeSystem?.url ?? input.system)
    const version = forValueSet ? (input.systemVersion ?? input.version) : input.version
    const what = subject(input, system, version)
    if (what.kind === "coding" && what.coding.code === undefined) {
      // Worded as the FHIR validator's message (the HL7 suite checks it), naming the parameters looked for.
      return yield* FhirFailure.message(400, "invalid", "no-code-to-validate")
    }
    const languageText =
      input.displayLanguage ?? acceptLanguage ?? (composition === undefined ? undefined : valueSetLanguage(composition.valueSet))
    const options = {
      resolver,
      rules,
      ...(composition === undefined ? {} : { composition }),
      ...(languageText === undefined ? {} : { languageText }),
      languages: preferredLanguages(
        input.displayLanguage,
        acceptLanguage ?? (composition === undefined ? undefined : valueSetLanguage(composition.valueSet))
      ),
      activeOnly: input.activeOnly === true,
      ...(input.abstract === undefined ? {} : { abstractAllowed: input.abstract }),
      inferSystem: input.inferSystem === true,
      lenientDisplay: input["lenient-display-validation"] === true,
      membershipOnly: input["valueset-membership-only"] === true,
      messageLanguage: messageLanguage(acceptLanguage)
    }
    if (what.kind === "codeableConcept") return validateCodeableConcept(what.concept, options)
    const coding = forValueSet || what.coding.system !== undefined || system === undefined ? what.coding : { ...what.coding, system }
    return validateCode(coding, what.paths, options)
  })

export const codeSystemValidateCodeOperation = defineOperation({
  resource: "CodeSystem",
  name: "validate-code",
  definition: "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code",
  summary: "Whether a code (and display) is valid in a code system",
  unknownParameters: "ignore",
  parameters,
  instance: onCodeSystemToValidate,
  handler: (input, request) => validate(input, request.acceptLanguage, false)
})

export const valueSetValidateCodeOperation = defineOperation({
  resource: "ValueSet",
  name: "validate-code",
  definition: "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code",
  summary: "Whether a code (and display) is in a value set",
  unknownParameters: "ignore",
  parameters,
  instance: onValueSet,
  handler: (input, request) => validate(input, request.acceptLanguage, true)
})

/**
 * `ValueSet/$batch-validate-code` (from the HL7 terminology ecosystem): several `validation`
 * Parameters, each validated as `ValueSet/$validate-code` with the request's other parameters
 * (the value set, `tx-resource`s) as defaults; one `validation` answer each, in order.
 */
export const valueSetBatchValidateCodeOperation = defineOperation({
  resource: "ValueSet",
  name: "batch-validate-code",
  definition: "http://hl7.org/fhir/uv/tx-ecosystem/OperationDefinition/ValueSet-batch-validate-code",
  summary: "Validate many codes against value sets in one request",
  unknownParameters: "ignore",
  parameters: { ...parameters, validation: { type: "Resource", max: "*" } },
  handler: ({ validation, ...shared }, request) => {
    // Each entry's outcome is answered inside the Parameters, so it is said in the request's language here.
    const said = (failure: FhirFailure) => Effect.succeed(translateOutcome(failure.outcome, messageLanguage(request.acceptLanguage)))
    return Effect.forEach(validation ?? [], (entry) => {
      const inner = (entry as { parameter?: ReadonlyArray<{ readonly name: string } & Record<string, unknown>> }).parameter ?? []
      return Either.match(fromParameters("ValueSet$batch-validate-code", parameters, inner, "ignore"), {
        onLeft: said,
        onRight: (own) =>
          validate({ ...shared, ...own }, request.acceptLanguage, true).pipe(
            Effect.catchIf((error): error is FhirFailure => error instanceof FhirFailure, said)
          )
      })
    }).pipe(
      Effect.map((answers) => ({
        resourceType: "Parameters",
        parameter: answers.map((resource) => ({ name: "validation", resource }))
      }))
    )
  }
})
