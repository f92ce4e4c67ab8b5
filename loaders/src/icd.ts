/**
 * `ffynnon load icd10 <file-or-zip> [--edition who|uk] [--release-version <v>]`, `ffynnon load icd11 <zip-or-file> [--release-version <v>]`
 * and `ffynnon load icd-map <zip-folder-or-file> [--release-version <v>]`
 */
import { Args, Command, Options } from "@effect/cli"
import { layerFromConfig, Releases } from "@ffynnon/db"
import {
  icd10System,
  icd11System,
  icdMapSystem,
  loadIcd10,
  loadIcd11,
  loadIcdMap,
  type IcdLoadReport,
  type IcdMapLoadReport
} from "@ffynnon/icd"
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

const printIcdMapReport = (report: IcdMapLoadReport) =>
  Effect.gen(function* () {
    yield* Console.log(
      `Loaded WHO's ICD-10/ICD-11 mapping tables version ${report.version} from ${report.source} as release ${report.releaseId}.`
    )
    yield* Console.log(formatTable(Object.entries(report.counts).map(([table, rows]) => ({ table, rows }))))
    yield* Console.log(`time: ${(report.elapsedMs / 1000).toFixed(1)} s`)
  })

const run = <Report, E, R>(
  kind: "icd10" | "icd11" | "icd-map",
  path: string,
  load: Effect.Effect<Report, E, R>,
  print: (report: Report) => Effect.Effect<void>
) =>
  load.pipe(
    recordedAttempt(kind, { icd10: icd10System, icd11: icd11System, "icd-map": icdMapSystem }[kind], path),
    Effect.ensuring(finishProgressLine),
    Effect.flatMap(print),
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
  ({ path, version }) => run("icd11", path, loadIcd11(path, versionOption(version)), printIcdReport)
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
  ({ path, edition, version }) => run("icd10", path, loadIcd10(path, { edition, ...versionOption(version) }), printIcdReport)
).pipe(Command.withDescription("Load ICD-10 as http://hl7.org/fhir/sid/icd-10: WHO's ClaML with modifiers expanded, or the UK 5th edition"))

export const icdMapCommand = Command.make(
  "icd-map",
  {
    path: Args.path({ name: "zip-folder-or-file", exists: "yes" }).pipe(
      Args.withDescription(
        "WHO's ICD-10/ICD-11 mapping tables: the mapping zip, a folder of them, or one table (10To11MapToOneCategory.txt, …)"
      )
    ),
    version
  },
  ({ path, version }) => run("icd-map", path, loadIcdMap(path, versionOption(version)), printIcdMapReport)
).pipe(Command.withDescription("Load WHO's ICD-10 ↔ ICD-11 mapping tables, served as ConceptMaps for $translate"))
