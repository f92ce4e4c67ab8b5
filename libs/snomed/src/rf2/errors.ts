import { Data } from "effect"

/** A problem with a release's files, naming the file and, for a row, the line. */
export class Rf2Error extends Data.TaggedError("Rf2Error")<{
  readonly file: string
  /** Not `line`: under Bun every Error has a `line` of its own (where it was made in the code). */
  readonly lineNumber?: number
  readonly detail: string
}> {
  override get message() {
    return `${this.file}${this.lineNumber === undefined ? "" : `:${this.lineNumber}`}: ${this.detail}`
  }
}
