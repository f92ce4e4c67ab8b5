/**
 * The `ffynnon` command line, the same from source (`npm run ffynnon -- …`) and in the binary:
 * `serve` (the default), `load <kind> <path>`, `releases`, `welsh coverage`. Expected failures print one line and exit 1.
 */
import { Command, Options, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { layerFromConfig, Releases } from "@ffynnon/db"
import { formatTable, loadCommand } from "@ffynnon/loaders"
import { Cause, Console, Effect, Layer, Option } from "effect"
import { writeSync } from "node:fs"
import { software } from "./routes/metadata"
import { LoggerLive } from "./runtime"
import { SampleDirectory, SampleDirectoryFromSource } from "./samples"
import { serve } from "./serve"
import { welshCommand } from "./welshCoverage"

const samples = Options.boolean("samples").pipe(
  Options.withDescription("First load the bundled sample releases (data/sample) that are not loaded yet")
)

const serveCommand = Command.make("serve", { samples }, serve).pipe(
  Command.withDescription("Serve the FHIR API on PORT (default 8080) over DATABASE_URL, or the embedded database in FFYNNON_DATA_DIR.")
)

const releasesCommand = Command.make(
  "releases",
  { json: Options.boolean("json").pipe(Options.withDescription("Print JSON")) },
  ({ json }) =>
    Effect.gen(function* () {
      const releases = yield* (yield* Releases).list()
      if (json) return yield* Console.log(JSON.stringify(releases, null, 2))
      if (releases.length === 0) return yield* Console.log("No releases loaded.")
      yield* Console.log(
        formatTable(
          releases.map((release) => ({
            id: release.id,
            kind: release.kind,
            version: release.version,
            status: release.status,
            loaded: release.loadedAt?.toISOString() ?? "",
            source: release.sourceName
          }))
        )
      )
    }).pipe(Effect.provide(Releases.Default.pipe(Layer.provide(layerFromConfig))))
).pipe(Command.withDescription("List the releases loaded, newest first, including failed attempts."))

const ffynnon = Command.make("ffynnon", { samples }, serve).pipe(
  Command.withDescription("Ffynnon: FHIR terminology and demographics for NHS Wales. Without a command: serve."),
  Command.withSubcommands([serveCommand, loadCommand, releasesCommand, welshCommand])
)

const cli = Command.run(ffynnon, { name: software.name, version: software.version })

/** The message for a failure a user can act on; anything else is a bug and gets its full cause. */
const explain = (cause: Cause.Cause<unknown>) =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => Cause.pretty(cause),
    onSome: (error) => (error instanceof Error ? error.message : String(error))
  })

// Written synchronously: the process exits right after, and a piped stderr would lose an async write.
/** Runs the command line with `extra` services: where the samples are, and in the binary PGlite's embedded files. */
export const main = (extra: Layer.Layer<SampleDirectory, unknown> = SampleDirectoryFromSource) =>
  cli(process.argv).pipe(
    Effect.provide(Layer.mergeAll(NodeContext.layer, LoggerLive, extra)),
    Effect.tapErrorCause((cause) =>
      Cause.isInterruptedOnly(cause) || Option.exists(Cause.failureOption(cause), ValidationError.isValidationError)
        ? Effect.void
        : Effect.sync(() => writeSync(2, `ffynnon: ${explain(cause)}\n`))
    ),
    NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true })
  )

if (import.meta.main) main()
