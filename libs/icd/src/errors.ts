import { Data } from "effect"

/** A problem with an ICD release's files, naming the file and the line (tabulation, TRUD text) or element (ClaML). */
export class IcdReleaseError extends Data.TaggedError("IcdReleaseError")<{
  readonly file: string
  readonly lineNumber?: number
  /** The ClaML element, as `<Class code="A01">`. */
  readonly element?: string
  readonly detail: string
}> {
  override get message() {
    const at = this.lineNumber === undefined ? "" : `:${this.lineNumber}`
    return `${this.file}${at}${this.element === undefined ? "" : ` ${this.element}`}: ${this.detail}`
  }
}
