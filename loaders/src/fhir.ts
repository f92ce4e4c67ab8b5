/** `ffynnon load fhir <file-folder-or-package>` */
import { Args, Command } from "@effect/cli"
import { layerFromConfig, Releases } from "@ffynnon/db"
import { loadFhirResources, type FhirLoadReport } from "@ffynnon/terminology"
import { Console, Effect, Layer } from "effect"
import { basename } from "node:path"
import { recordedAttempt } from "./attempt"
import { formatTable } from "./table"

export const printFhirReport = (report: FhirLoadReport) =>
  Effect.gen(function* () {
    yield* Console.log(`Loaded ${report.name}, version ${report.version}, as release ${report.releaseId}.`)
    yield* Console.log(formatTable(Object.entries(report.counts).map(([type, resources]) => ({ type, resources }))))
    const skipped = Object.entries(report.skippedResources).map(([type, count]) => `${count} ${type}`)
    if (skipped.length > 0) yield* Console.log(`skipped (not terminology resources): ${skipped.join(", ")}`)
    if (report.skippedFiles > 0) yield* Console.log(`skipped files (not JSON, or in a package's subfolders): ${report.skippedFiles}`)
    for (const warning of report.warnings) yield* Console.log(`warning: ${warning}`)
    yield* Console.log(`time: ${(report.elapsedMs / 1000).toFixed(1)} s`)
  })

export const fhirCommand = Command.make(
  "fhir",
  {
    path: Args.path({ name: "file-folder-or-package", exists: "yes" }).pipe(
      Args.withDescription("A JSON resource or Bundle, a folder of them, or a FHIR package (.tgz, or unpacked)")
    )
  },
  ({ path }) =>
    loadFhirResources(path).pipe(
      // The release is named after the package, folder or file, which is unknown until read.
      recordedAttempt("fhir", basename(path), path),
      Effect.flatMap(printFhirReport),
      Effect.provide(Releases.Default.pipe(Layer.provide(layerFromConfig)))
    )
).pipe(
  Command.withDescription("Load FHIR CodeSystem, ValueSet and ConceptMap resources, as one release named after the package, folder or file")
)
