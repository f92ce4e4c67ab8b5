/** Finding the provider a request names, with the OperationOutcome for a system or version that is not known. */
import { type TerminologyContext } from "./context"
import { Effect } from "effect"
import { FhirFailure } from "../fhir/outcome"

export const providerFor = (context: TerminologyContext, system: string, version: string | undefined) => {
  const resolution = context.resolver.codeSystem(system, version)
  switch (resolution._tag) {
    case "found":
      return Effect.succeed(resolution.provider)
    case "unknown-system":
      return Effect.fail(FhirFailure.of(404, "not-found", `A definition for CodeSystem '${system}' could not be found`, ["system"]))
    case "supplement":
      return Effect.fail(
        FhirFailure.of(400, "invalid", `CodeSystem ${resolution.canonical} is a supplement, not a code system`, ["system"])
      )
    case "unknown-version":
      return Effect.fail(
        FhirFailure.of(
          404,
          "not-found",
          `A definition for CodeSystem '${system}' version '${version}' could not be found. Valid versions: ${resolution.known.join(", ")}`,
          ["version"]
        )
      )
  }
}
