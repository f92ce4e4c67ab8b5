/**
 * `ffynnon load icd10`: WHO's ClaML (`--edition who`, the default) or the UK 5th edition's TRUD
 * text file (`--edition uk`), from the file itself or its zip, as a version of
 * `http://hl7.org/fhir/sid/icd-10`: the ClaML title's version (`2019`) for WHO's, and
 * `uk-5-<date of the file>` for the UK's, which is its own version of ICD-10 (see docs/icd.md).
 */
import { LoadProgress } from "@ffynnon/db"
import { Effect } from "effect"
import { IcdReleaseError } from "../errors"
import { icd10System } from "../model"
import { readSource } from "../source"
import { storeIcdRelease } from "../store"
import { parseClaml } from "./claml"
import { parseTrud } from "./trud"

export interface LoadIcd10Options {
  readonly edition?: "who" | "uk"
  /** The version to register, when the file does not say (or to override it). */
  readonly version?: string
}

/** The UK edition's version from the file name's date (`…_GB_20160401.txt` → `uk-5-20160401`) or its last word (`…_sample.txt` → `uk-5-sample`). */
const ukVersionOf = (name: string) => {
  const stem = name.replace(/^.*[/!]/, "").replace(/\.\w+$/, "")
  const date = /(\d{8})(?!.*\d{8})/.exec(stem)?.[1] ?? /_([A-Za-z0-9-]+)$/.exec(stem)?.[1]
  return date === undefined ? undefined : `uk-5-${date}`
}

export const loadIcd10 = (path: string, options: LoadIcd10Options = {}) =>
  Effect.gen(function* () {
    const started = performance.now()
    const progress = yield* LoadProgress
    yield* progress.report({ phase: "reading", item: path, done: 0, unit: "steps" })
    const uk = options.edition === "uk"
    const source = uk
      ? yield* readSource(path, (name) => /CodesAndTitlesAndMetadata.*\.txt$/i.test(name), "ICD10_Edition5_CodesAndTitlesAndMetadata_*.txt")
      : yield* readSource(path, (name) => /\.xml$/i.test(name), "ClaML .xml file")
    const read = uk
      ? yield* Effect.map(parseTrud(source), (classes) => ({
          classes,
          version: ukVersionOf(source.name),
          warnings: [] as ReadonlyArray<string>
        }))
      : yield* parseClaml(source)
    const version = options.version ?? read.version
    if (version === undefined) {
      return yield* new IcdReleaseError({
        file: source.name,
        detail: uk
          ? "the file name carries no date (…_GB_20160401.txt): give the version with --release-version"
          : "the ClaML has no <Title version=…>: give the version with --release-version"
      })
    }
    return yield* storeIcdRelease(
      { system: icd10System, version, kind: "icd10", sourceName: source.name, sha256: source.sha256, classes: read.classes },
      started,
      read.warnings
    )
  })
