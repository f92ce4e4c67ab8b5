/** `ffynnon load patients <file> [--rejects <file>]` */
import { Args, Command, Options } from "@effect/cli"
import { layerFromConfig, Releases } from "@ffynnon/db"
import { AuditTrail, loadPatients } from "@ffynnon/demographics"
import { Console, Effect, Layer, Option } from "effect"
import { userInfo } from "node:os"
import { recordedAttempt } from "./attempt"
import { finishProgressLine, layerStderrProgress } from "./progress"
import { formatTable } from "./table"

export const patientsCommand = Command.make(
  "patients",
  {
    file: Args.file({ name: "file", exists: "yes" }).pipe(
      Args.withDescription("A CSV extract (.csv, columns in docs/demographics.md) or FHIR Patients, one a line (.ndjson)")
    ),
    rejects: Options.optional(
      Options.file("rejects").pipe(Options.withDescription("Where rejected lines go, with their reasons (default <file>.rejects.tsv)"))
    )
  },
  ({ file, rejects }) =>
    loadPatients(file, {
      ...Option.match(rejects, { onNone: () => ({}), onSome: (rejectsFile) => ({ rejectsFile }) }),
      // The operator running the load, for the audit trail.
      actor: { client: "ffynnon load patients", user: userInfo().username }
    }).pipe(
      recordedAttempt("patients", "urn:ffynnon:patients", file),
      Effect.ensuring(finishProgressLine),
      Effect.flatMap((report) =>
        Effect.gen(function* () {
          yield* Console.log(`Loaded ${report.source} as release ${report.releaseId}.`)
          yield* Console.log(
            formatTable([{ loaded: report.loaded, rejected: report.rejected, seconds: (report.elapsedMs / 1000).toFixed(1) }])
          )
          if (report.rejected > 0) yield* Console.log(`rejected lines and reasons: ${report.rejectsFile}`)
        })
      ),
      Effect.provide(
        Layer.mergeAll(Layer.mergeAll(Releases.Default, AuditTrail.Default).pipe(Layer.provide(layerFromConfig)), layerStderrProgress)
      )
    )
).pipe(
  Command.withDescription("Load patients from a CSV extract or FHIR NDJSON in one transaction; bad lines go to a rejects file with reasons")
)
