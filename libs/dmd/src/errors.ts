import { Data } from "effect"

/** A problem with a dm+d release: the file, and where it helps the line and element. */
export class DmdError extends Data.TaggedError("DmdError")<{
  readonly file: string
  /** Not `line`: under Bun every Error has a `line` of its own (where it was made in the code). */
  readonly lineNumber?: number
  readonly element?: string
  readonly detail: string
}> {
  override get message() {
    const where = `${this.file}${this.lineNumber === undefined ? "" : `:${this.lineNumber}`}`
    return `${where}: ${this.element === undefined ? "" : `<${this.element}> `}${this.detail}`
  }
}
