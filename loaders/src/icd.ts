/** `ffynnon load icd10 <file-or-zip> [--edition who|uk] [--release-version <v>]` and `ffynnon load icd11 <zip-or-file> [--release-version <v>]` */
import { Args, Command, Options } from "@effect/cli"
import { layerFromConfig, Releases } from "@ffynnon/db"
import { icd10System, icd11System, loadIcd10, loadIcd11, type IcdLoadReport } from "@ffynnon/icd"
import { Console, Effect, Layer, Option } from "effect"
import { recordedAttempt } from "./attempt"
import { finishProgressLine, layerStderrProgress } from "./progress"
import { formatTable } from "./table"

export const printIcdReport = (report: IcdLoadReport) =>
  Effect.gen(function* () {
    yield* Console.log(`Loaded ${report.system} version ${report.version} from ${report.source} as release ${report.releaseId}.`)
    yield* Console.log(formatTable(Object.entries(report.counts).map(([kind, count]) => ({ kind, count }))))
    for (const warning of report.warnings) yield* Console.log(`warning: ${warning}`)
    yield* Console.log(`time: ${(report.elapsedMs / 1000).toFixed(1)} s`)
  })

const version = Options.text("release-version").pipe(
  Options.withDescription("The version to register the release under, when the file does not state it"),
  Options.optional
)

const run = <E, R>(kind: "icd10" | "icd11", path: string, load: Effect.Effect<IcdLoadReport, E, R>) =>
  load.pipe(
    recordedAttempt(kind, kind === "icd10" ? icd10System : icd11System, path),
    Effect.ensuring(finishProgressLine),
    Effect.flatMap(printIcdReport),
    Effect.provide(Layer.mergeAll(Releases.Default.pipe(Layer.provide(layerFromConfig)), layerStderrProgress))
  )

const versionOption = (value: Option.Option<string>) => Option.match(value, { onNone: () => ({}), onSome: (version) => ({ version }) })

export const icd11Command = Command.make(
  "icd11",
  {
    path: Args.path({ name: "zip-or-file", exists: "yes" }).pipe(
      Args.withDescription("WHO's ICD-11 MMS simple tabulation: the release zip or the SimpleTabulation-ICD-11-MMS-*.txt inside it")
    ),
    version
  },
  ({ path, version }) => run("icd11", path, loadIcd11(path, versionOption(version)))
).pipe(Command.withDescription("Load ICD-11 MMS from WHO's simple tabulation: chapters, blocks and categories"))

export const icd10Command = Command.make(
  "icd10",
  {
    path: Args.path({ name: "file-or-zip", exists: "yes" }).pipe(
      Args.withDescription(
        "WHO's ICD-10 ClaML (.xml, or its zip), or with --edition uk the TRUD ICD10_Edition5_CodesAndTitlesAndMetadata file"
      )
    ),
    edition: Options.choice("edition", ["who", "uk"]).pipe(
      Options.withDescription("who: WHO ClaML; uk: the UK 5th edition's TRUD text file"),
      Options.withDefault("who" as const)
    ),
    version
  },
  ({ path, edition, version }) => run("icd10", path, loadIcd10(path, { edition, ...versionOption(version) }))
).pipe(Command.withDescription("Load ICD-10 as http://hl7.org/fhir/sid/icd-10: WHO's ClaML with modifiers expanded, or the UK 5th edition"))
