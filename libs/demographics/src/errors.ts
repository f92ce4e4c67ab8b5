import { sayInEnglish, type Message } from "@ffynnon/messages"
import { Data } from "effect"
import { demographicsMessage } from "./messages"

/** A Patient that breaks a rule of the index: `expression` names the element (FHIRPath), `said` the rule. */
export class InvalidPatient extends Data.TaggedError("InvalidPatient")<{
  readonly said: Message
  readonly expression: string
}> {
  override get message() {
    return sayInEnglish(this.said)
  }
}

export class PatientNotFound extends Data.TaggedError("PatientNotFound")<{ readonly id: string; readonly versionId?: number }> {
  get said() {
    return this.versionId === undefined
      ? demographicsMessage("patient-not-found", { id: this.id })
      : demographicsMessage("patient-version-not-found", { id: this.id, versionId: this.versionId })
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}

/** An update or merge that named a version other than the current one (`If-Match`). */
export class VersionConflict extends Data.TaggedError("VersionConflict")<{
  readonly id: string
  readonly expected: number
  readonly current: number
}> {
  get said() {
    return demographicsMessage("version-conflict", { id: this.id, current: this.current, expected: this.expected })
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}

/** Another live record holds the NHS number (`holder`, unless it was written at the same time and is not known yet). */
export class DuplicateNhsNumber extends Data.TaggedError("DuplicateNhsNumber")<{ readonly nhsNumber: string; readonly holder?: string }> {
  get said() {
    return this.holder === undefined
      ? demographicsMessage("nhs-number-taken-meanwhile", { nhsNumber: this.nhsNumber })
      : demographicsMessage("nhs-number-taken", { nhsNumber: this.nhsNumber, holder: this.holder })
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}

/** A conditional create whose condition matches more than one record (FHIR: 412). */
export class MultipleMatches extends Data.TaggedError("MultipleMatches")<{ readonly count: number }> {
  get said() {
    return demographicsMessage("multiple-matches", { count: this.count })
  }
  override get message() {
    return sayInEnglish(this.said)
  }
}

/** A merge that cannot be done: same record, already merged, or not merged (for unmerge). */
export class MergeRefused extends Data.TaggedError("MergeRefused")<{ readonly said: Message }> {
  override get message() {
    return sayInEnglish(this.said)
  }
}

export type PatientError = InvalidPatient | PatientNotFound | VersionConflict | DuplicateNhsNumber | MultipleMatches | MergeRefused
