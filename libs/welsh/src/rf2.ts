/**
 * A SNOMED CT translation package in Welsh: an RF2 Snapshot extension with Description files in
 * `cy` and a Welsh language reference set, loaded on top of the SNOMED CT release it translates.
 * Only the package's rows are stored, under its own version URI; the release it translates is
 * served with them laid over it (one index, see SnomedReleases), and the translated edition's URI
 * names that same index. A description of a concept neither has, or a module dependency the
 * release does not satisfy, stops the load with its file and line.
 */
import { loadSnomed } from "@ffynnon/snomed"

export const welshLanguage = "cy"

export interface LoadWelshPackageOptions {
  /** The version URI of the loaded SNOMED CT release it translates; default the newest loaded. */
  readonly base?: string
  /** The version URI of the result, overriding what the package's module dependencies imply. */
  readonly uri?: string
}

export const loadWelshPackage = (source: string, options: LoadWelshPackageOptions = {}) =>
  loadSnomed(source, { ...options, translation: welshLanguage })
