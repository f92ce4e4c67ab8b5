/** `ffynnon load snomed <zip-or-folder> [--uri <edition/version URI>]` */
import { Args, Command, Options } from "@effect/cli"
import { layerFromConfig, Releases } from "@ffynnon/db"
import { loadSnomed, type SnomedLoadReport } from "@ffynnon/snomed"
import { Console, Effect, Layer, Option } from "effect"
import { finishProgressLine, layerStderrProgress } from "./progress"

export const printSnomedReport = (report: SnomedLoadReport) =>
  Effect.gen(function* () {
    yield* Console.log(`Loaded ${report.uri} as release ${report.releaseId}.`)
    yield* Console.table(report.files.map(({ path, rows, active }) => ({ file: path, rows, active, inactive: rows - active })))
    for (const path of report.skipped) yield* Console.log(`skipped (not stored yet): ${path}`)
    for (const warning of report.warnings) yield* Console.log(`warning: ${warning}`)
    yield* Console.log(
      `time: ${Object.entries(report.phases)
        .map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)} s`)
        .join(", ")}`
    )
  })

export const snomedCommand = Command.make(
  "snomed",
  {
    path: Args.path({ name: "zip-or-folder", exists: "yes" }).pipe(Args.withDescription("An RF2 release: a .zip or an unpacked folder")),
    uri: Options.text("uri").pipe(
      Options.withDescription("The edition and version URI, e.g. http://snomed.info/sct/83821000000107/version/20260101, overriding what the files imply"),
      Options.optional
    )
  },
  ({ path, uri }) =>
    loadSnomed(path, Option.match(uri, { onNone: () => ({}), onSome: (uri) => ({ uri }) })).pipe(
      Effect.ensuring(finishProgressLine),
      Effect.flatMap(printSnomedReport),
      Effect.provide(Layer.mergeAll(Releases.Default.pipe(Layer.provide(layerFromConfig)), layerStderrProgress))
    )
).pipe(Command.withDescription("Load a SNOMED CT RF2 Snapshot release (International, UK clinical, UK drug, monolith, extensions)"))
