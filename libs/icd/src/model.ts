/**
 * One class of an ICD classification as every reader produces it and the store keeps it: a
 * chapter, block or category with its parent, title and the facts its edition states.
 */
export type IcdKind = "chapter" | "block" | "category"

export interface IcdRubric {
  /** inclusion, exclusion, note, coding-hint, definition, … (ClaML's rubric kinds). */
  readonly kind: string
  readonly text: string
}

export interface IcdClass {
  readonly code: string
  readonly kind: IcdKind
  readonly parent: string | undefined
  readonly title: string
  readonly rubrics: ReadonlyArray<IcdRubric>
  readonly usage?: "dagger" | "asterisk"
  readonly sex?: "male" | "female"
  readonly minAge?: string
  readonly maxAge?: string
  readonly isLeaf?: boolean
  readonly isResidual?: boolean
  readonly foundationUri?: string
  readonly linearizationUri?: string
}

export const icd10System = "http://hl7.org/fhir/sid/icd-10"
export const icd11System = "http://id.who.int/icd/release/11/mms"

/** What a reader hands the store: the classes in order, and the version they are. */
export interface IcdRelease {
  readonly system: string
  readonly version: string
  /** The release's kind in the registry: `icd10` or `icd11`. */
  readonly kind: "icd10" | "icd11"
  /** The file read, for the registry and messages. */
  readonly sourceName: string
  readonly sha256: string
  readonly classes: ReadonlyArray<IcdClass>
}
