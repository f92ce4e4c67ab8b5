/** `ffynnon load dmd <main-zip-or-folder> [--bonus <zip-or-folder>]` */
import { Args, Command, Options } from "@effect/cli"
import { layerFromConfig, Releases } from "@ffynnon/db"
import { dmdSystem, loadDmd, type DmdLoadReport } from "@ffynnon/dmd"
import { Console, Effect, Layer, Option } from "effect"
import { recordedAttempt } from "./attempt"
import { finishProgressLine, layerStderrProgress } from "./progress"
import { formatTable } from "./table"

export const printDmdReport = (report: DmdLoadReport) =>
  Effect.gen(function* () {
    yield* Console.log(
      `Loaded dm+d ${report.version} (${report.date}) as release ${report.releaseId} in ${(report.milliseconds / 1000).toFixed(1)} s.`
    )
    yield* Console.log(formatTable(Object.entries(report.rows).map(([table, rows]) => ({ table: `dmd_${table}`, rows }))))
    if (report.largest.length > 0) {
      yield* Console.log(formatTable(report.largest.map(({ what, count, code }) => ({ "largest seen": what, count, code }))))
    }
    for (const warning of report.warnings) yield* Console.log(`warning: ${warning}`)
  })

export const dmdCommand = Command.make(
  "dmd",
  {
    path: Args.path({ name: "main-zip-or-folder", exists: "yes" }).pipe(
      Args.withDescription("The NHSBSA dm+d release: nhsbsa_dmd_<release>_<date>000001.zip or its unpacked folder")
    ),
    bonus: Options.text("bonus").pipe(
      Options.withPseudoName("zip-or-folder"),
      Options.withDescription("The supplementary (bonus) zip or folder: BNF/ATC/DDD, HISTORIC_CODES, VTM_INGREDIENTS"),
      Options.optional
    )
  },
  ({ path, bonus }) =>
    loadDmd(path, Option.match(bonus, { onNone: () => ({}), onSome: (bonus) => ({ bonus }) })).pipe(
      recordedAttempt("dmd", dmdSystem, path),
      Effect.ensuring(finishProgressLine),
      Effect.flatMap(printDmdReport),
      Effect.provide(Layer.mergeAll(Releases.Default.pipe(Layer.provide(layerFromConfig)), layerStderrProgress))
    )
).pipe(Command.withDescription("Load a weekly NHSBSA dm+d release (and its bonus files) in one transaction"))
