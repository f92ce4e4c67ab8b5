/**
 * The bundled sample releases (`data/sample/`), which the main job (`ffynnon serve --samples`)
 * loads when the store does not have them yet, so the API serves something out of the box.
 * From source they are read in place; the binary carries them inside (see `binary.ts`).
 */
import { ReleaseAlreadyLoaded } from "@ffynnon/db"
import { loadDmd } from "@ffynnon/dmd"
import { loadIcd10, loadIcd11, loadIcdMap } from "@ffynnon/icd"
import { loadPatients } from "@ffynnon/demographics"
import { loadSnomed } from "@ffynnon/snomed"
import { loadFhirResources } from "@ffynnon/terminology"
import { loadWelshList, loadWelshPackage } from "@ffynnon/welsh"
import { Context, Effect, Layer } from "effect"
import type { Dirent } from "node:fs"
import { readdir } from "node:fs/promises"
import { join } from "node:path"

/**
 * Where the sample releases are: `<directory>/snomed/<release folder>`, `<directory>/dmd/<release folder>` (and its bonus
 * folder), `<directory>/icd11/<tabulation file>`, `<directory>/icd10-uk/<TRUD codes and titles file>`,
 * `<directory>/icd-map/<WHO's mapping tables>`,
 * `<directory>/fhir/<folder of resources>` `<directory>/welsh/` (translation package folders and `.csv` lists) and `<directory>/patients/<file>.csv`.
 */
export class SampleDirectory extends Context.Tag("@ffynnon/api/SampleDirectory")<
  SampleDirectory,
  { readonly directory: Effect.Effect<string> }
>() {}

/** The repository's `data/sample`, for running from source. */
export const SampleDirectoryFromSource = Layer.succeed(SampleDirectory, {
  directory: Effect.succeed(join(import.meta.dirname, "..", "..", "..", "data", "sample"))
})

const entries = (directory: string, wanted: (entry: Dirent) => boolean) =>
  Effect.promise(() => readdir(directory, { withFileTypes: true }).catch(() => [])).pipe(
    Effect.map((entries) => entries.filter(wanted).map((entry) => join(directory, entry.name)))
  )
const releaseFolders = (directory: string) => entries(directory, (entry) => entry.isDirectory())
const releaseFiles = (directory: string) => entries(directory, (entry) => entry.isFile() && !entry.name.startsWith("."))

const csvFiles = (directory: string) => entries(directory, (entry) => entry.isFile() && entry.name.endsWith(".csv"))

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
  // dm+d: each main release folder (nhsbsa_dmd_…) with its bonus folder (nhsbsa_dmdbonus_…), if there is one.
  const dmdFolders = yield* releaseFolders(join(directory, "dmd"))
  for (const folder of dmdFolders.filter((path) => /nhsbsa_dmd_/.test(path))) {
    const bonus = dmdFolders.find((path) => path === folder.replace("nhsbsa_dmd_", "nhsbsa_dmdbonus_"))
    yield* loadIfNew(loadDmd(folder, bonus === undefined ? {} : { bonus }), (report) => ({ version: report.version }))
  }
  for (const folder of yield* releaseFolders(join(directory, "fhir"))) {
    yield* loadIfNew(loadFhirResources(folder), (report) => ({ name: report.name, version: report.version }))
  }
  for (const file of yield* releaseFiles(join(directory, "icd11"))) {
    yield* loadIfNew(loadIcd11(file), (report) => ({ system: report.system, version: report.version }))
  }
  for (const file of yield* releaseFiles(join(directory, "icd10-uk"))) {
    yield* loadIfNew(loadIcd10(file, { edition: "uk" }), (report) => ({ system: report.system, version: report.version }))
  }
  // WHO's ICD-10/ICD-11 tables: the folder's tables as one release.
  const icdMaps = join(directory, "icd-map")
  if ((yield* releaseFiles(icdMaps)).length > 0) yield* loadIfNew(loadIcdMap(icdMaps), (report) => ({ version: report.version }))
  // After the SNOMED CT release it translates.
  const welsh = join(directory, "welsh")
  for (const folder of yield* releaseFolders(welsh)) {
    yield* loadIfNew(loadWelshPackage(folder), (report) => ({ uri: report.uri }))
  }
  for (const list of yield* csvFiles(welsh)) {
    yield* loadIfNew(loadWelshList(list), (report) => ({ name: report.name, version: report.version }))
  }
  for (const file of yield* csvFiles(join(directory, "patients"))) {
    yield* loadIfNew(loadPatients(file, { actor: { client: "ffynnon serve --samples" } }), (report) => ({
      source: report.source,
      patients: String(report.loaded)
    }))
  }
})
