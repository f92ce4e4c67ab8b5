/**
 * The bundled sample releases (`data/sample/`), which the main job (`ffynnon serve --samples`)
 * loads when the store does not have them yet, so the API serves something out of the box.
 * From source they are read in place; the binary carries them inside (see `binary.ts`).
 */
import { ReleaseAlreadyLoaded } from "@ffynnon/db"
import { loadSnomed } from "@ffynnon/snomed"
import { Context, Effect, Layer } from "effect"
import { readdir } from "node:fs/promises"
import { join } from "node:path"

/** Where the sample releases are: `<directory>/snomed/<release folder>`. */
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

/** Loads each sample release that is not loaded yet. */
export const loadSamples = Effect.gen(function* () {
  const directory = yield* Effect.flatMap(SampleDirectory, (samples) => samples.directory)
  for (const folder of yield* releaseFolders(join(directory, "snomed"))) {
    yield* loadSnomed(folder).pipe(
      Effect.tap((report) => Effect.logInfo("loaded sample release").pipe(Effect.annotateLogs({ uri: report.uri }))),
      Effect.catchIf(
        (error): error is ReleaseAlreadyLoaded => error instanceof ReleaseAlreadyLoaded,
        () => Effect.void
      )
    )
  }
})
