/**
 * `ffynnon match …`: batch deduplication of the patient index (`match dedupe`) and the stored
 * matching models (`match model list|import|train|activate|deactivate`). Output names records by id
 * only: a data steward looks the records up through the audited API.
 */
import { Args, Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { layerFromConfig } from "@ffynnon/db"
import { AuditTrail, dedupe, MatchModels, parseLabels } from "@ffynnon/demographics"
import { finishProgressLine, layerStderrProgress } from "@ffynnon/loaders"
import { Console, Effect, Layer, Option } from "effect"
import { userInfo } from "node:os"

const actor = (command: string) => ({ client: `ffynnon match ${command}`, user: userInfo().username })

const percent = (value: number) => value.toFixed(4)

/** `patient_id,cluster` lines (a header line is skipped): the true clusters of the records named. */
const readTruth = (path: string) =>
  Effect.gen(function* () {
    const text = yield* (yield* FileSystem.FileSystem).readFileString(path)
    const truth = new Map<string, string>()
    for (const [n, line] of text.split(/\r?\n/).entries()) {
      if (line.trim() === "" || (n === 0 && line.startsWith("patient_id"))) continue
      const [id, cluster, ...rest] = line.split(",")
      if (id === undefined || cluster === undefined || rest.length > 0 || id === "" || cluster === "")
        return yield* Effect.fail(new Error(`${path} line ${n + 1}: expected 'patient_id,cluster'.`))
      truth.set(id.trim(), cluster.trim())
    }
    return truth
  })

const dedupeCommand = Command.make(
  "dedupe",
  {
    threshold: Options.float("threshold").pipe(
      Options.withDefault(0.9),
      Options.withDescription("Link pairs whose probability is at least this (default 0.9, the `probable` grade)")
    ),
    out: Options.optional(Options.file("out").pipe(Options.withDescription("Write the pairs as CSV to this file"))),
    truth: Options.optional(
      Options.file("truth", { exists: "yes" }).pipe(
        Options.withDescription("A CSV of 'patient_id,cluster' (the true clusters): print precision, recall and F1 against it")
      )
    )
  },
  ({ threshold, out, truth }) =>
    Effect.gen(function* () {
      if (!(threshold > 0 && threshold < 1)) return yield* Effect.fail(new Error("--threshold must be between 0 and 1."))
      const truthMap = Option.isSome(truth) ? yield* readTruth(truth.value) : undefined
      const report = yield* dedupe(actor("dedupe"), { threshold, ...(truthMap === undefined ? {} : { truth: truthMap }) }).pipe(
        Effect.ensuring(finishProgressLine)
      )
      if (Option.isSome(out)) {
        const lines = report.pairs.map(
          (pair) => `${pair.cluster ?? ""},${pair.patientId},${pair.otherId},${pair.probability.toFixed(6)},${pair.review ?? ""}`
        )
        yield* (yield* FileSystem.FileSystem).writeFileString(
          out.value,
          ["cluster,patient_id,other_id,probability,review", ...lines].join("\n") + "\n"
        )
      }
      const review = report.pairs.filter((pair) => pair.review !== null).length
      yield* Console.log(
        [
          `run ${report.run} (model ${report.model}, threshold ${report.threshold})`,
          `${report.records} live records, ${report.pairsScored} candidate pairs scored in ${report.seconds.toFixed(1)} s`,
          `${report.pairs.length - review} likely duplicate pairs in ${report.clusters} clusters; ${review} more pairs at the threshold held for review (forenames, birth dates or NHS numbers disagree)`,
          `stored in match_duplicate (run '${report.run}')${Option.isSome(out) ? ` and written to ${out.value}` : ""}`,
          ...(report.metrics === undefined
            ? []
            : [
                `against the truth (${report.metrics.records} records): pairwise precision ${percent(report.metrics.pairwise.precision)}, recall ${percent(report.metrics.pairwise.recall)}, F1 ${percent(report.metrics.pairwise.f1)}; B-cubed F1 ${percent(report.metrics.bcubed.f1)}`
              ])
        ].join("\n")
      )
    }).pipe(Effect.provide(Layer.mergeAll(AuditTrail.Default.pipe(Layer.provideMerge(layerFromConfig)), layerStderrProgress)))
).pipe(
  Command.withDescription(
    "Find likely duplicate records in the patient index with the active model; the pairs go to the match_duplicate table (and --out), audited."
  )
)

const models = <A, E>(f: (models: MatchModels) => Effect.Effect<A, E>) =>
  Effect.flatMap(MatchModels, f).pipe(Effect.provide(MatchModels.Default.pipe(Layer.provide(layerFromConfig))))

const listCommand = Command.make("list", {}, () =>
  models((store) =>
    Effect.gen(function* () {
      const stored = yield* store.list
      if (!stored.some((model) => model.active)) yield* Console.log("No model is active: $match scores with the shipped model.")
      for (const model of stored)
        yield* Console.log(`${model.active ? "*" : " "} ${model.version}  trained ${model.trainedAt}  stored ${model.stored}`)
    })
  )
).pipe(Command.withDescription("List the stored matching models; * marks the active one."))

const importCommand = Command.make("import", { file: Args.file({ name: "model.json", exists: "yes" }) }, ({ file }) =>
  Effect.gen(function* () {
    const text = yield* (yield* FileSystem.FileSystem).readFileString(file)
    const json = yield* Effect.try({ try: () => JSON.parse(text) as unknown, catch: () => new Error(`${file} is not JSON.`) })
    const model = yield* models((store) => store.import(json))
    yield* Console.log(`Stored model '${model.version}' (not active: activate it with 'ffynnon match model activate ${model.version}').`)
  })
).pipe(Command.withDescription("Store a model artefact (the JSON of libs/matching's MatchModel), inactive."))

const trainCommand = Command.make(
  "train",
  {
    version: Args.text({ name: "version" }),
    limit: Options.integer("limit").pipe(Options.withDefault(200_000), Options.withDescription("Train on at most this many records")),
    labels: Options.optional(
      Options.file("labels", { exists: "yes" }).pipe(
        Options.withDescription(
          "A CSV of pairs a data steward labelled (header patient_id,other_id,match; or Splink's unique_id_l,unique_id_r,clerical_match_score): learn m from the labelled matches"
        )
      )
    )
  },
  ({ version, limit, labels }) =>
    Effect.gen(function* () {
      const pairs = Option.isSome(labels)
        ? yield* parseLabels(labels.value, yield* (yield* FileSystem.FileSystem).readFileString(labels.value))
        : undefined
      const model = yield* models((store) =>
        store.train(actor("model train"), version, { limit, ...(pairs === undefined ? {} : { labels: pairs }) })
      )
      const labelled =
        pairs === undefined
          ? "without labels"
          : `with ${pairs.filter((pair) => pair.match).length} labelled matches and ${pairs.filter((pair) => !pair.match).length} non-matches`
      yield* Console.log(
        `Trained and stored model '${model.version}' on ${String(model.training.records)} records ${labelled} (not active: activate it with 'ffynnon match model activate ${model.version}').`
      )
    })
).pipe(Command.withDescription("Train a model on the live records of the index (without labels, or with --labels) and store it, inactive."))

const activateCommand = Command.make("activate", { version: Args.text({ name: "version" }) }, ({ version }) =>
  Effect.zipRight(
    models((store) => store.activate(version)),
    Console.log(`Model '${version}' is active: a running service scores with it within a minute.`)
  )
).pipe(Command.withDescription("Make a stored model the one $match and dedupe score with."))

const deactivateCommand = Command.make("deactivate", {}, () =>
  Effect.zipRight(
    models((store) => store.activate(undefined)),
    Console.log("No model is active: $match scores with the shipped model.")
  )
).pipe(Command.withDescription("Go back to the shipped model."))

const modelCommand = Command.make("model").pipe(
  Command.withDescription("The stored matching models."),
  Command.withSubcommands([listCommand, importCommand, trainCommand, activateCommand, deactivateCommand])
)

export const matchCommand = Command.make("match").pipe(
  Command.withDescription("Probabilistic patient matching: batch deduplication and the stored models."),
  Command.withSubcommands([dedupeCommand, modelCommand])
)
