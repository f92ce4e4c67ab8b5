/** `ffynnon load welsh <rf2-package-or-csv> [--base <version URI>] [--uri <version URI>]` */
import { Args, Command, Options } from "@effect/cli"
import { layerFromConfig, Releases } from "@ffynnon/db"
import { loadWelshList, loadWelshPackage, welshListKind, type WelshListReport } from "@ffynnon/welsh"
import { snomedSystem } from "@ffynnon/snomed"
import { Console, Effect, Layer, Option } from "effect"
import { basename, extname } from "node:path"
import { recordedAttempt } from "./attempt"
import { finishProgressLine, layerStderrProgress } from "./progress"
import { printSnomedReport } from "./snomed"
import { formatTable } from "./table"

export const printWelshListReport = (report: WelshListReport) =>
  Effect.gen(function* () {
    yield* Console.log(`Loaded the Welsh term list ${report.name}, version ${report.version}, as release ${report.releaseId}.`)
    yield* Console.log(formatTable(report.systems.map(({ system, terms, active, preferred }) => ({ system, terms, active, preferred }))))
    yield* Console.log(`time: ${(report.elapsedMs / 1000).toFixed(1)} s`)
  })

/** A `.csv` file is a curated list; anything else (a zip or a folder) an RF2 translation package. */
const isList = (path: string) => path.toLowerCase().endsWith(".csv")

export const welshCommand = Command.make(
  "welsh",
  {
    path: Args.path({ name: "rf2-package-or-csv", exists: "yes" }).pipe(
      Args.withDescription("A SNOMED CT translation package in Welsh (RF2 .zip or folder), or a curated list (.csv)")
    ),
    base: Options.text("base").pipe(
      Options.withDescription(
        "For a translation package: the version URI of the SNOMED CT release it translates (default: the newest loaded)"
      ),
      Options.optional
    ),
    uri: Options.text("uri").pipe(
      Options.withDescription("For a translation package: the version URI of the translated edition, overriding its module dependencies"),
      Options.optional
    )
  },
  ({ path, base, uri }) =>
    (isList(path)
      ? Option.isSome(base) || Option.isSome(uri)
        ? Effect.fail(new Error("--base and --uri are for translation packages, not CSV lists"))
        : Effect.flatMap(recordedAttempt(welshListKind, basename(path, extname(path)), path)(loadWelshList(path)), printWelshListReport)
      : loadWelshPackage(path, {
          ...Option.match(base, { onNone: () => ({}), onSome: (base) => ({ base }) }),
          ...Option.match(uri, { onNone: () => ({}), onSome: (uri) => ({ uri }) })
        }).pipe(recordedAttempt("snomed", snomedSystem, path), Effect.ensuring(finishProgressLine), Effect.flatMap(printSnomedReport))
    ).pipe(Effect.provide(Layer.mergeAll(Releases.Default.pipe(Layer.provide(layerFromConfig)), layerStderrProgress)))
).pipe(
  Command.withDescription(
    "Load Welsh terms: a SNOMED CT translation package (on top of the release it translates, as a new edition) or a curated CSV list for any code system"
  )
)
