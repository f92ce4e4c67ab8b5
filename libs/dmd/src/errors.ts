import { Data } from "effect"

/** A problem with a dm+d release: the file, and where it helps the line and element. */
export class DmdError extends Data.TaggedError("DmdError")<{
  readonly file: string
  readonly line?: number
  readonly element?: string
  readonly detail: string
}> {
  override get message() {
    const where = `${this.file}${this.line === undefined ? "" : `:${this.line}`}`
    return `${where}: ${this.element === undefined ? "" : `<${this.element}> `}${this.detail}`
  }
}
