import { Data } from "effect"

/** A Patient that breaks a rule of the index: `expression` names the element (FHIRPath). */
export class InvalidPatient extends Data.TaggedError("InvalidPatient")<{
  readonly message: string
  readonly expression: string
}> {}

export class PatientNotFound extends Data.TaggedError("PatientNotFound")<{ readonly id: string; readonly versionId?: number }> {
  override get message() {
    return this.versionId === undefined ? `Patient/${this.id} is not known here.` : `Patient/${this.id} has no version ${this.versionId}.`
  }
}

/** An update or merge that named a version other than the current one (`If-Match`). */
export class VersionConflict extends Data.TaggedError("VersionConflict")<{
  readonly id: string
  readonly expected: number
  readonly current: number
}> {
  override get message() {
    return `Patient/${this.id} is at version ${this.current}, not ${this.expected}: read it again and reapply the change.`
  }
}

/** Another live record holds the NHS number. */
export class DuplicateNhsNumber extends Data.TaggedError("DuplicateNhsNumber")<{ readonly nhsNumber: string; readonly holder: string }> {
  override get message() {
    return `NHS number ${this.nhsNumber} already belongs to Patient/${this.holder}.`
  }
}

/** A conditional create whose condition matches more than one record (FHIR: 412). */
export class MultipleMatches extends Data.TaggedError("MultipleMatches")<{ readonly count: number }> {
  override get message() {
    return `The condition matches ${this.count} records: it must match one or none.`
  }
}

/** A merge that cannot be done: same record, already merged, or not merged (for unmerge). */
export class MergeRefused extends Data.TaggedError("MergeRefused")<{ readonly message: string }> {}

export type PatientError = InvalidPatient | PatientNotFound | VersionConflict | DuplicateNhsNumber | MultipleMatches | MergeRefused
