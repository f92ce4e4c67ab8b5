import { Data } from "effect"

/** Input `ffynnon load fhir` cannot take, naming the file and, inside a Bundle, the entry. */
export class FhirLoadError extends Data.TaggedError("FhirLoadError")<{
  readonly file: string
  /** The Bundle entry's index, from 0 as in `Bundle.entry[0]`. */
  readonly entry?: number
  readonly detail: string
}> {
  override get message() {
    return `${this.file}${this.entry === undefined ? "" : `: Bundle.entry[${this.entry}]`}: ${this.detail}`
  }
}
