/**
 * A SNOMED CT translation package in Welsh: an RF2 Snapshot extension with Description files in
 * `cy` and a Welsh language reference set, loaded on top of the SNOMED CT release it translates
 * as a new edition (the base's rows with the package's over them, under the package's version
 * URI), the way national editions carry their translations. A description of a concept the base
 * does not have stops the load with its file and line.
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
  loadSnomed(source, { ...options, extension: true, translation: welshLanguage })
