/**
 * `CodeSystem/$subsumes` (https://hl7.org/fhir/R4/codesystem-operation-subsumes.html) for any
 * hierarchical code system: whether A subsumes B, is subsumed by it, is equivalent, or neither.
 */
import { message, type Coding } from "@ffynnon/terminology"
import { Effect } from "effect"
import { defineOperation } from "../fhir/operation"
import { FhirFailure } from "../fhir/outcome"
import { sharedParameters, terminologyContext } from "./context"
import { providerFor } from "./providers"
import { onCodeSystem } from "./instance"

export const subsumesOperation = defineOperation({
  resource: "CodeSystem",
  name: "subsumes",
  definition: "http://hl7.org/fhir/OperationDefinition/CodeSystem-subsumes",
  summary: "Whether one concept subsumes another",
  unknownParameters: "ignore",
  instance: onCodeSystem(["codingA", "codingB"]),
  parameters: {
    codeA: { type: "code" },
    codeB: { type: "code" },
    system: { type: "uri" },
    version: { type: "string" },
    codingA: { type: "Coding" },
    codingB: { type: "Coding" },
    ...sharedParameters
  },
  handler: (input) =>
    Effect.gen(function* () {
      const a = (input.codingA as Coding | undefined) ?? {}
      const b = (input.codingB as Coding | undefined) ?? {}
      const system = input.system ?? a.system ?? b.system
      if (system === undefined) return yield* FhirFailure.message(400, "required", "subsumes-give-system", {}, ["system"])
      const context = yield* terminologyContext(input["tx-resource"])
      const provider = yield* providerFor(context, system, input.version ?? a.version ?? b.version)
      const locate = (code: string | undefined, name: string) =>
        code === undefined
          ? Effect.fail(FhirFailure.message(400, "required", "subsumes-give-code", { name, coding: `coding${name.slice(-1)}` }, [name]))
          : Effect.fromNullable(provider.locate(code)).pipe(
              Effect.orElseFail(() =>
                FhirFailure.said(
                  404,
                  "not-found",
                  provider.version === undefined
                    ? message("unknown-code", { code, system })
                    : message("unknown-code-version", { code, system, version: provider.version }),
                  [name]
                )
              )
            )
      const conceptA = yield* locate(input.codeA ?? a.code, "codeA")
      const conceptB = yield* locate(input.codeB ?? b.code, "codeB")
      const outcome =
        conceptA === conceptB
          ? "equivalent"
          : provider.subsumes(conceptA, conceptB)
            ? "subsumes"
            : provider.subsumes(conceptB, conceptA)
              ? "subsumed-by"
              : "not-subsumed"
      return { resourceType: "Parameters", parameter: [{ name: "outcome", valueCode: outcome }] }
    })
})
