import { Command } from "@effect/cli"
import { dmdCommand } from "./dmd"
import { fhirCommand } from "./fhir"
import { icd10Command, icd11Command, icdMapCommand } from "./icd"
import { patientsCommand } from "./patients"
import { snomedCommand } from "./snomed"
import { welshCommand } from "./welsh"

/** `ffynnon load <kind> <path>`: one subcommand per kind of release. */
export const loadCommand = Command.make("load").pipe(
  Command.withDescription("Load a release into the store, in one transaction, with progress and a summary."),
  Command.withSubcommands([
    snomedCommand,
    dmdCommand,
    icd10Command,
    icd11Command,
    icdMapCommand,
    fhirCommand,
    welshCommand,
    patientsCommand
  ])
)
export { formatTable } from "./table"
export { finishProgressLine, layerStderrProgress } from "./progress"
