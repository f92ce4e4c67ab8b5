import { Command } from "@effect/cli"
import { fhirCommand } from "./fhir"
import { snomedCommand } from "./snomed"
import { welshCommand } from "./welsh"

/** `ffynnon load <kind> <path>`: one subcommand per kind of release. */
export const loadCommand = Command.make("load").pipe(
  Command.withDescription("Load a release into the store, in one transaction, with progress and a summary."),
  Command.withSubcommands([snomedCommand, fhirCommand, welshCommand])
)
export { formatTable } from "./table"
