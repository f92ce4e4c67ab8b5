/** Finding the SNOMED CT release a request means, for SNOMED CT's implicit concept maps in `$translate`. */
import { snomedSystem, SnomedReleases, UnknownSnomedVersion } from "@ffynnon/snomed"
import { Effect } from "effect"
import { FhirFailure } from "../fhir/outcome"

/** The release for `system` and `version`, or a 404 naming what is loaded. */
export const releaseFor = (system: string | undefined, version: string | undefined, parameter = "system") =>
  Effect.gen(function* () {
    if (system !== undefined && system !== snomedSystem) {
      return yield* FhirFailure.message(404, "not-found", "code-system-not-found", { system }, [parameter])
    }
    const releases = yield* SnomedReleases
    return yield* releases
      .resolve(version)
      .pipe(Effect.mapError((error: UnknownSnomedVersion) => FhirFailure.said(404, "not-found", error.said, ["version"])))
  })
