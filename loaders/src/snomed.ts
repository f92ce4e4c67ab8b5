/** `ffynnon load snomed <zip-or-folder> [--uri <edition/version URI>] [--release-type Snapshot|Full|Delta] [--as-of <date>] [--base <URI>]` */
import { Args, Command, Options } from "@effect/cli"
import { layerFromConfig, Releases } from "@ffynnon/db"
import { loadSnomed, snomedSystem, type SnomedLoadReport } from "@ffynnon/snomed"
import { Console, Effect, Layer, Option } from "effect"
import { recordedAttempt } from "./attempt"
import { finishProgressLine, layerStderrProgress } from "./progress"
import { formatTable } from "./table"

export const printSnomedReport = (report: SnomedLoadReport) =>
  Effect.gen(function* () {
    yield* Console.log(
      `Loaded ${report.uri} as release ${report.releaseId}${report.base === undefined ? "" : `, on top of ${report.base}`}.`
    )
    yield* Console.log(formatTable(report.files.map(({ path, rows, active }) => ({ file: path, rows, active, inactive: rows - active }))))
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
      Options.withDescription(
        "The edition and version URI, e.g. http://snomed.info/sct/83821000000107/version/20260101, overriding what the files imply"
      ),
      Options.optional
    ),
    releaseType: Options.choice("release-type", ["Snapshot", "Full", "Delta"]).pipe(
      Options.withDescription(
        "Which files to load: Snapshot; Full (each component's latest row, as of --as-of); Delta (applied to --base)"
      ),
      Options.withDefault("Snapshot" as const)
    ),
    asOf: Options.text("as-of").pipe(Options.withDescription("For Full: the date (yyyymmdd) to take the snapshot at"), Options.optional),
    base: Options.text("base").pipe(
      Options.withDescription("For Delta: the version URI of the loaded release it applies to (default: the newest of its edition)"),
      Options.optional
    )
  },
  ({ path, uri, releaseType, asOf, base }) =>
    loadSnomed(path, {
      releaseType,
      ...Option.match(uri, { onNone: () => ({}), onSome: (uri) => ({ uri }) }),
      ...Option.match(asOf, { onNone: () => ({}), onSome: (asOf) => ({ asOf }) }),
      ...Option.match(base, { onNone: () => ({}), onSome: (base) => ({ base }) })
    }).pipe(
      recordedAttempt("snomed", snomedSystem, path),
      Effect.ensuring(finishProgressLine),
      Effect.flatMap(printSnomedReport),
      Effect.provide(Layer.mergeAll(Releases.Default.pipe(Layer.provide(layerFromConfig)), layerStderrProgress))
    )
).pipe(
  Command.withDescription(
    "Load a SNOMED CT RF2 release (International, UK clinical, UK drug, monolith, extensions): its Snapshot, Full or Delta files"
  )
)
