/** Finding the provider a request names, with the OperationOutcome for a system or version that is not known. */
import { type TerminologyContext } from "./context"
import { Effect } from "effect"
import { message } from "@ffynnon/terminology"
import { FhirFailure } from "../fhir/outcome"

export const providerFor = (context: TerminologyContext, system: string, version: string | undefined) => {
  const resolution = context.resolver.codeSystem(system, version)
  switch (resolution._tag) {
    case "found":
      return Effect.succeed(resolution.provider)
    case "unknown-system":
      return Effect.fail(FhirFailure.said(404, "not-found", message("unknown-system", { system }), ["system"]))
    case "supplement":
      return Effect.fail(FhirFailure.message(400, "invalid", "code-system-is-supplement", { canonical: resolution.canonical }, ["system"]))
    case "unknown-version":
      return Effect.fail(
        FhirFailure.message(
          404,
          "not-found",
          "code-system-version-not-found",
          { system, version: String(version), versions: resolution.known.join(", ") },
          ["version"]
        )
      )
  }
}
