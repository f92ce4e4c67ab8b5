/**
 * The bundled sample releases (`data/sample/`), which the main job (`ffynnon serve --samples`)
 * loads when the store does not have them yet, so the API serves something out of the box.
 * From source they are read in place; the binary carries them inside (see `binary.ts`).
 */
import { ReleaseAlreadyLoaded } from "@ffynnon/db"
import { loadPatients } from "@ffynnon/demographics"
import { loadSnomed } from "@ffynnon/snomed"
import { loadFhirResources } from "@ffynnon/terminology"
import { Context, Effect, Layer } from "effect"
import { readdir } from "node:fs/promises"
import { join } from "node:path"

/** Where the sample releases are: `<directory>/snomed/<release folder>`, `<directory>/fhir/<folder of resources>` and `<directory>/patients/<file>.csv`. */
export class SampleDirectory extends Context.Tag("@ffynnon/api/SampleDirectory")<
  SampleDirectory,
  { readonly directory: Effect.Effect<string> }
>() {}

/** The repository's `data/sample`, for running from source. */
export const SampleDirectoryFromSource = Layer.succeed(SampleDirectory, {
  directory: Effect.succeed(join(import.meta.dirname, "..", "..", "..", "data", "sample"))
})

const releaseFolders = (directory: string) =>
  Effect.promise(() => readdir(directory, { withFileTypes: true }).catch(() => [])).pipe(
    Effect.map((entries) => entries.filter((entry) => entry.isDirectory()).map((entry) => join(directory, entry.name)))
  )

const csvFiles = (directory: string) =>
  Effect.promise(() => readdir(directory).catch(() => [])).pipe(
    Effect.map((names) => names.filter((name) => name.endsWith(".csv")).map((name) => join(directory, name)))
  )

/** Runs a load and logs what it loaded; a release already loaded is fine. */
const loadIfNew = <A, E, R>(load: Effect.Effect<A, E, R>, describe: (loaded: A) => Record<string, string>) =>
  load.pipe(
    Effect.tap((loaded) => Effect.logInfo("loaded sample release").pipe(Effect.annotateLogs(describe(loaded)))),
    Effect.catchIf(
      (error): error is E & ReleaseAlreadyLoaded => error instanceof ReleaseAlreadyLoaded,
      () => Effect.void
    )
  )

/** Loads each sample release that is not loaded yet. */
export const loadSamples = Effect.gen(function* () {
  const directory = yield* Effect.flatMap(SampleDirectory, (samples) => samples.directory)
  for (const folder of yield* releaseFolders(join(directory, "snomed"))) {
    yield* loadIfNew(loadSnomed(folder), (report) => ({ uri: report.uri }))
  }
  for (const folder of yield* releaseFolders(join(directory, "fhir"))) {
    yield* loadIfNew(loadFhirResources(folder), (report) => ({ name: report.name, version: report.version }))
  }
  for (const file of yield* csvFiles(join(directory, "patients"))) {
    yield* loadIfNew(loadPatients(file, { actor: { client: "ffynnon serve --samples" } }), (report) => ({
      source: report.source,
      patients: String(report.loaded)
    }))
  }
})
