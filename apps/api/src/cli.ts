/**
 * The `ffynnon` command line, the same from source (`npm run ffynnon -- …`) and in the binary:
 * `serve` (the default), `load <kind> <path>`, `releases`, `welsh coverage`, `token`, `audit verify`, `match dedupe`, `match model …`. Expected failures print one line and exit 1.
 */
import { Command, Options, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { layerFromConfig, Releases } from "@ffynnon/db"
import { formatTable, loadCommand } from "@ffynnon/loaders"
import { AuditTrail } from "@ffynnon/demographics"
import { Cause, Console, Effect, Layer, Option } from "effect"
import { writeSync } from "node:fs"
import { AuthSecretConfig, signToken } from "./auth"
import { software } from "./routes/metadata"
import { matchCommand } from "./matchCommands"
import { LoggerLive } from "./runtime"
import { SampleDirectory, SampleDirectoryFromSource } from "./samples"
import { serve, serveThread } from "./serve"
import { servingThreadOptions } from "./threads"
import { welshCommand } from "./welshCoverage"

const samples = Options.boolean("samples").pipe(
  Options.withDescription("First load the bundled sample releases (data/sample) that are not loaded yet")
)

const dev = Options.boolean("dev").pipe(
  Options.withDescription(
    "Dev mode: mint a local access token for the patient endpoints and print it at start-up (with FFYNNON_AUTH_SECRET if set, else a random secret). Not for real patient data."
  )
)

const serveCommand = Command.make("serve", { samples, dev }, serve).pipe(
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

const tokenCommand = Command.make(
  "token",
  {
    scope: Options.text("scope").pipe(
      Options.withDescription("Space-separated SMART scopes, for example 'system/Patient.rs system/Patient.cud'")
    ),
    sub: Options.optional(Options.text("sub").pipe(Options.withDescription("The user the token speaks for (its sub claim)")))
  },
  ({ scope, sub }) =>
    Effect.gen(function* () {
      const secret = yield* AuthSecretConfig
      if (Option.isNone(secret))
        return yield* Effect.fail(new Error("FFYNNON_AUTH_SECRET is not set: it is the secret the token is signed with."))
      yield* Console.log(
        yield* signToken(secret.value, { scope, ...Option.match(sub, { onNone: () => ({}), onSome: (sub) => ({ sub }) }) })
      )
    })
).pipe(Command.withDescription("Print an access token (HS256, valid 8 hours) signed with FFYNNON_AUTH_SECRET, for tests and local tools."))

const auditVerifyCommand = Command.make("verify", {}, () =>
  Effect.gen(function* () {
    const check = yield* (yield* AuditTrail).verify
    if (check.broken !== undefined) {
      return yield* Effect.fail(
        new Error(
          `the audit trail is broken at event ${check.broken.seq}: ${check.broken.reason} (${check.rows} events before it are intact).`
        )
      )
    }
    yield* Console.log(`The audit trail is intact: ${check.rows} events, each chained to the one before.`)
  }).pipe(Effect.provide(AuditTrail.Default.pipe(Layer.provide(layerFromConfig))))
).pipe(Command.withDescription("Check the audit trail's hash chain; exits 1 naming the first event changed, removed or inserted."))

const auditCommand = Command.make("audit").pipe(
  Command.withDescription("The patient audit trail."),
  Command.withSubcommands([auditVerifyCommand])
)

const ffynnon = Command.make("ffynnon", { samples, dev }, serve).pipe(
  Command.withDescription("Ffynnon: FHIR terminology and demographics for NHS Wales. Without a command: serve."),
  Command.withSubcommands([serveCommand, loadCommand, releasesCommand, welshCommand, tokenCommand, auditCommand, matchCommand])
)

const cli = Command.run(ffynnon, { name: software.name, version: software.version })

/** The message for a failure a user can act on; anything else is a bug and gets its full cause. */
const explain = (cause: Cause.Cause<unknown>) =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => Cause.pretty(cause),
    onSome: (error) => (error instanceof Error ? error.message : String(error))
  })

/** Runs a program to its end, a failure a user can act on printed as one line on stderr and exit code 1. */
const runProgram = <E>(
  program: Effect.Effect<unknown, E, NodeContext.NodeContext | SampleDirectory>,
  extra: Layer.Layer<SampleDirectory, unknown>
) =>
  program.pipe(
    Effect.provide(Layer.mergeAll(NodeContext.layer, LoggerLive, extra)),
    // Written synchronously: the process exits right after, and a piped stderr would lose an async write.
    Effect.tapErrorCause((cause) =>
      Cause.isInterruptedOnly(cause) || Option.exists(Cause.failureOption(cause), ValidationError.isValidationError)
        ? Effect.void
        : Effect.sync(() => writeSync(2, `ffynnon: ${explain(cause)}\n`))
    ),
    NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true })
  )

/** Runs the command line with `extra` services: where the samples are, and in the binary PGlite's embedded files. */
export const main = (extra: Layer.Layer<SampleDirectory, unknown> = SampleDirectoryFromSource) => runProgram(cli(process.argv), extra)

// A serving thread (`FFYNNON_THREADS`) runs the program that started it, source or binary, which
// includes this module: it serves from here, and the entry leaves the command line alone.
const servingThread = servingThreadOptions()
if (servingThread !== undefined) runProgram(serveThread(servingThread), SampleDirectoryFromSource)
else if (import.meta.main) main()
