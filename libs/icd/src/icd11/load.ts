/** `ffynnon load icd11`: the MMS simple tabulation, from the release zip or the file itself. */
import { LoadProgress } from "@ffynnon/db"
import { Effect } from "effect"
import { IcdReleaseError } from "../errors"
import { icd11System } from "../model"
import { readSource } from "../source"
import { storeIcdRelease } from "../store"
import { parseTabulation } from "./tabulation"

export interface LoadIcd11Options {
  /** The version (`2024-01`), when the file does not say. */
  readonly version?: string
}

export const loadIcd11 = (path: string, options: LoadIcd11Options = {}) =>
  Effect.gen(function* () {
    const started = performance.now()
    const progress = yield* LoadProgress
    yield* progress.report({ phase: "reading", item: path, done: 0, unit: "steps" })
    const source = yield* readSource(path, (name) => /^SimpleTabulation.*\.txt$/i.test(name), "SimpleTabulation-ICD-11-MMS-*.txt")
    const tabulation = yield* parseTabulation(source)
    const version = options.version ?? tabulation.version
    if (version === undefined) {
      return yield* new IcdReleaseError({
        file: source.name,
        lineNumber: 1,
        detail: "the header states no version (Version:2024 Jan …) and the file name none (…-2024-01): give one with --release-version"
      })
    }
    return yield* storeIcdRelease(
      { system: icd11System, version, kind: "icd11", sourceName: source.name, sha256: source.sha256, classes: tabulation.classes },
      started
    )
  })
