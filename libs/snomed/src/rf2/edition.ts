/**
 * Which files of a package make up one release, and which edition and version it is: the
 * version URI `http://snomed.info/sct/<edition module>/version/<yyyymmdd>` (SNOMED CT URI
 * Specification), where the edition module is the one no other module depends on in the
 * module dependency reference set.
 */
import { Effect } from "effect"
import { Rf2Error } from "./errors"
import type { ReleaseType, Rf2File, Rf2Package } from "./files"
import { readRf2 } from "./read"

const requiredContent = ["Concept", "Description", "Relationship"]

// Files of the same kind, language and refset summary belong to different editions when there is more than one.
const kindKey = (file: Rf2File) =>
  [file.contentType, file.refsetPattern ?? "", file.summary.replace(/(MONO|UKCL|UKDG|UKED)$/, ""), file.languageCode ?? ""].join("|")

/** The files of one release type, checked for the core files (unless `core` is false: an extension) and for two editions mixed in one folder. */
export const selectFiles = (pkg: Rf2Package, releaseType: ReleaseType, { core = true }: { readonly core?: boolean } = {}) =>
  Effect.gen(function* () {
    const files = pkg.files.filter((file) => file.releaseType === releaseType)
    if (files.length === 0) {
      const types = [...new Set(pkg.files.map((file) => file.releaseType))]
      return yield* new Rf2Error({
        file: pkg.source,
        detail:
          types.length === 0
            ? "no RF2 files found (names like sct2_Concept_Snapshot_INT_20250909.txt)"
            : `no ${releaseType} files found, only ${types.join(" and ")}`
      })
    }
    // A Delta holds only what changed, so it may lack any file.
    for (const contentType of releaseType === "Delta" || !core ? [] : requiredContent) {
      if (!files.some((file) => file.contentType === contentType)) {
        return yield* new Rf2Error({
          file: pkg.source,
          detail: `the core ${contentType} file (sct2_${contentType}_${releaseType}_…) is missing`
        })
      }
    }
    const seen = new Map<string, Rf2File>()
    for (const file of files) {
      const other = seen.get(kindKey(file))
      if (other !== undefined) {
        return yield* new Rf2Error({
          file: pkg.source,
          detail: `two editions are mixed here: ${other.path} and ${file.path}; load each edition from its own folder or zip`
        })
      }
      seen.set(kindKey(file), file)
    }
    return files
  })

export const versionUriPattern = /^http:\/\/snomed\.info\/x?sct\/(\d{6,18})\/version\/(\d{8})$/

/** The edition's version URI, from the module dependency reference set and the files' date. */
export const editionUri = (files: ReadonlyArray<Rf2File>) =>
  Effect.gen(function* () {
    const dependencies = files.find((file) => file.contentType === "Refset" && file.summary.startsWith("ModuleDependency"))
    const date = files
      .map((file) => file.date)
      .sort()
      .at(-1)!
    if (dependencies === undefined) {
      return yield* new Rf2Error({
        file: files[0]!.path,
        detail: "there is no module dependency file to tell the edition from; give the edition's URI with --uri"
      })
    }
    const { sources, targets } = yield* Effect.tryPromise({
      try: async () => {
        const sources = new Set<string>()
        const targets = new Set<string>()
        for await (const { fields } of (await readRf2(dependencies)).rows) {
          if (fields[2] !== "1") continue
          sources.add(fields[3]!)
          targets.add(fields[5]!)
        }
        return { sources, targets }
      },
      catch: (error) => (error instanceof Rf2Error ? error : new Rf2Error({ file: dependencies.path, detail: String(error) }))
    })
    const editions = [...sources].filter((module) => !targets.has(module))
    if (editions.length !== 1) {
      return yield* new Rf2Error({
        file: dependencies.path,
        detail: `cannot tell the edition: ${editions.length === 0 ? "no module" : `modules ${editions.join(", ")}`} at the top of the dependencies; give the edition's URI with --uri`
      })
    }
    return `http://snomed.info/sct/${editions[0]}/version/${date}`
  })
