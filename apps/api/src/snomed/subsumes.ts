/**
 * `CodeSystem/$subsumes` for SNOMED CT (https://hl7.org/fhir/R4/codesystem-operation-subsumes.html):
 * whether A subsumes B through the inferred is-a hierarchy of the release.
 */
import { Effect } from "effect"
import { defineOperation } from "../fhir/operation"
import { FhirFailure } from "../fhir/outcome"
import { codingOf, releaseFor, requireCode, snomedSystem, type Coding } from "./common"

export const subsumesOperation = defineOperation({
  resource: "CodeSystem",
  name: "subsumes",
  definition: "http://hl7.org/fhir/OperationDefinition/CodeSystem-subsumes",
  summary: "Whether one SNOMED CT concept subsumes another",
  parameters: {
    codeA: { type: "code" },
    codeB: { type: "code" },
    system: { type: "uri" },
    version: { type: "string" },
    codingA: { type: "Coding" },
    codingB: { type: "Coding" }
  },
  handler: (input) =>
    Effect.gen(function* () {
      const a = codingOf({
        ...(input.codeA === undefined ? {} : { code: input.codeA }),
        ...(input.codingA === undefined ? {} : { coding: input.codingA as Coding })
      })
      const b = codingOf({
        ...(input.codeB === undefined ? {} : { code: input.codeB }),
        ...(input.codingB === undefined ? {} : { coding: input.codingB as Coding })
      })
      const system = input.system ?? a.system ?? b.system
      if (system === undefined) return yield* FhirFailure.of(400, "required", "Give the system (or codings with one).", ["system"])
      const index = yield* releaseFor(system, input.version ?? a.version ?? b.version)
      const position = (code: string, name: string) =>
        Effect.fromNullable(index.position(code)).pipe(
          Effect.orElseFail(() =>
            FhirFailure.of(404, "not-found", `Unknown code '${code}' in the CodeSystem '${snomedSystem}' version '${index.uri}'.`, [name])
          )
        )
      const conceptA = yield* position(yield* requireCode(a, "codeA"), "codeA")
      const conceptB = yield* position(yield* requireCode(b, "codeB"), "codeB")
      const outcome =
        conceptA === conceptB
          ? "equivalent"
          : index.subsumes(conceptA, conceptB)
            ? "subsumes"
            : index.subsumes(conceptB, conceptA)
              ? "subsumed-by"
              : "not-subsumed"
      return { resourceType: "Parameters", parameter: [{ name: "outcome", valueCode: outcome }] }
    })
})
