import { Command } from "@effect/cli"
import { fhirCommand } from "./fhir"
import { patientsCommand } from "./patients"
import { snomedCommand } from "./snomed"

/** `ffynnon load <kind> <path>`: one subcommand per kind of release. */
export const loadCommand = Command.make("load").pipe(
  Command.withDescription("Load a release into the store, in one transaction, with progress and a summary."),
  Command.withSubcommands([snomedCommand, fhirCommand, patientsCommand])
)
export { formatTable } from "./table"
