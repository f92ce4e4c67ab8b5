/**
 * The parts of FHIR R4 terminology resources the engine reads
 * (https://hl7.org/fhir/R4/codesystem.html, valueset.html, conceptmap.html). Resources stay the
 * JSON they arrived as: these types name what is read and let everything else through.
 */

export interface Coding {
  readonly system?: string
  readonly version?: string
  readonly code?: string
  readonly display?: string
  readonly userSelected?: boolean
}

export interface CodeableConcept {
  readonly coding?: ReadonlyArray<Coding>
  readonly text?: string
}

export interface Extension {
  readonly url: string
  readonly [value: `value${string}`]: unknown
  readonly extension?: ReadonlyArray<Extension>
}

export interface Designation {
  readonly language?: string
  readonly use?: Coding
  readonly additionalUse?: ReadonlyArray<Coding>
  readonly value: string
  readonly extension?: ReadonlyArray<Extension>
}

/** A property value as FHIR spells it: exactly one `value[x]`. */
export interface PropertyValue {
  readonly code: string
  readonly valueCode?: string
  readonly valueCoding?: Coding
  readonly valueString?: string
  readonly valueInteger?: number
  readonly valueBoolean?: boolean
  readonly valueDateTime?: string
  readonly valueDecimal?: number
  /** `$lookup`'s property parts within a property, e.g. SNOMED CT's attributes within a role group. */
  readonly subproperty?: ReadonlyArray<PropertyValue>
  readonly extension?: ReadonlyArray<Extension>
}

export interface CodeSystemConcept {
  readonly code: string
  readonly display?: string
  readonly definition?: string
  readonly designation?: ReadonlyArray<Designation>
  readonly property?: ReadonlyArray<PropertyValue>
  readonly concept?: ReadonlyArray<CodeSystemConcept>
  readonly extension?: ReadonlyArray<Extension>
}

export interface CodeSystemProperty {
  readonly code: string
  readonly uri?: string
  readonly description?: string
  readonly type: "code" | "Coding" | "string" | "integer" | "boolean" | "dateTime" | "decimal"
}

export interface CodeSystemFilter {
  readonly code: string
  readonly operator: ReadonlyArray<string>
  readonly value: string
}

/** What every canonical terminology resource has: identity, version, names and status. */
interface CanonicalResource {
  readonly id?: string
  readonly url?: string
  readonly version?: string
  readonly name?: string
  readonly title?: string
  readonly status?: string
  readonly experimental?: boolean
  readonly language?: string
  readonly extension?: ReadonlyArray<Extension>
}

export interface CodeSystemResource extends CanonicalResource {
  readonly resourceType: "CodeSystem"
  readonly caseSensitive?: boolean
  readonly valueSet?: string
  readonly hierarchyMeaning?: "grouped-by" | "is-a" | "part-of" | "classified-with"
  readonly compositional?: boolean
  readonly versionNeeded?: boolean
  readonly content?: "not-present" | "example" | "fragment" | "complete" | "supplement"
  readonly supplements?: string
  readonly count?: number
  readonly filter?: ReadonlyArray<CodeSystemFilter>
  readonly property?: ReadonlyArray<CodeSystemProperty>
  readonly concept?: ReadonlyArray<CodeSystemConcept>
}

export interface ValueSetFilter {
  readonly property: string
  readonly op: string
  readonly value: string
}

export interface ValueSetComposeConcept {
  readonly code: string
  readonly display?: string
  readonly designation?: ReadonlyArray<Designation>
  readonly extension?: ReadonlyArray<Extension>
}

export interface ValueSetInclude {
  readonly system?: string
  readonly version?: string
  readonly concept?: ReadonlyArray<ValueSetComposeConcept>
  readonly filter?: ReadonlyArray<ValueSetFilter>
  readonly valueSet?: ReadonlyArray<string>
  readonly extension?: ReadonlyArray<Extension>
}

export interface ValueSetCompose {
  readonly lockedDate?: string
  readonly inactive?: boolean
  readonly include?: ReadonlyArray<ValueSetInclude>
  readonly exclude?: ReadonlyArray<ValueSetInclude>
  readonly extension?: ReadonlyArray<Extension>
}

export interface ValueSetResource extends CanonicalResource {
  readonly resourceType: "ValueSet"
  readonly immutable?: boolean
  readonly description?: string
  readonly compose?: ValueSetCompose
  readonly expansion?: unknown
  readonly contained?: ReadonlyArray<TerminologyResource>
}

export interface ConceptMapResource extends CanonicalResource {
  readonly resourceType: "ConceptMap"
  readonly sourceUri?: string
  readonly sourceCanonical?: string
  readonly targetUri?: string
  readonly targetCanonical?: string
  readonly group?: ReadonlyArray<ConceptMapGroup>
}

/** A `dependsOn` or `product` entry: another element's value. */
export interface ConceptMapDependency {
  readonly property: string
  readonly system?: string
  readonly value: string
  readonly display?: string
}

export interface ConceptMapGroup {
  readonly source?: string
  readonly sourceVersion?: string
  readonly target?: string
  readonly targetVersion?: string
  readonly element?: ReadonlyArray<{
    readonly code?: string
    readonly display?: string
    readonly target?: ReadonlyArray<{
      readonly code?: string
      readonly display?: string
      readonly equivalence?: string
      readonly comment?: string
      readonly dependsOn?: ReadonlyArray<ConceptMapDependency>
      readonly product?: ReadonlyArray<ConceptMapDependency>
    }>
  }>
  readonly unmapped?: {
    readonly mode: "provided" | "fixed" | "other-map"
    readonly code?: string
    readonly display?: string
    readonly url?: string
  }
}

export type TerminologyResource = CodeSystemResource | ValueSetResource | ConceptMapResource

export const terminologyResourceTypes = ["CodeSystem", "ValueSet", "ConceptMap"] as const
export type TerminologyResourceType = (typeof terminologyResourceTypes)[number]
