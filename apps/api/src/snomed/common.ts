/**
 * What every SNOMED CT operation shares: the system URI, finding the release a request means,
 * and the concept a code means, for the operations not yet on the terminology engine (`$translate`).
 */
import { snomedSystem, SnomedReleases, UnknownSnomedVersion } from "@ffynnon/snomed"
import { Effect } from "effect"
import { FhirFailure } from "../fhir/outcome"

export { snomedSystem }

export interface Coding {
  readonly system?: string
  readonly version?: string
  readonly code?: string
  readonly display?: string
}

/** The release for `system` and `version`, or a 404 naming what is loaded. */
export const releaseFor = (system: string | undefined, version: string | undefined, parameter = "system") =>
  Effect.gen(function* () {
    if (system !== undefined && system !== snomedSystem) {
      return yield* FhirFailure.of(404, "not-found", `A definition for CodeSystem '${system}' could not be found.`, [parameter])
    }
    const releases = yield* SnomedReleases
    return yield* releases
      .resolve(version)
      .pipe(Effect.mapError((error: UnknownSnomedVersion) => FhirFailure.of(404, "not-found", error.message, ["version"])))
  })

/** Reads code, system and version from either the separate parameters or a Coding. */
export const codingOf = (input: { code?: string; system?: string; version?: string; coding?: Coding }, codeName = "code"): Coding => {
  const coding = input.coding ?? {}
  const merged = { ...coding, ...(input.code === undefined ? {} : { code: input.code }) }
  const system = input.system ?? coding.system
  const version = input.version ?? coding.version
  return {
    ...merged,
    ...(system === undefined ? {} : { system }),
    ...(version === undefined ? {} : { version }),
    ...(merged.code === undefined ? {} : { code: merged.code })
  }
}

export const requireCode = (coding: Coding, name = "code") =>
  coding.code === undefined
    ? Effect.fail(FhirFailure.of(400, "required", `Give a ${name} (or a coding with one).`, [name]))
    : Effect.succeed(coding.code)
