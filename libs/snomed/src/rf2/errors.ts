import { Data } from "effect"

/** A problem with a release's files, naming the file and, for a row, the line. */
export class Rf2Error extends Data.TaggedError("Rf2Error")<{
  readonly file: string
  readonly line?: number
  readonly detail: string
}> {
  override get message() {
    return `${this.file}${this.line === undefined ? "" : `:${this.line}`}: ${this.detail}`
  }
}
