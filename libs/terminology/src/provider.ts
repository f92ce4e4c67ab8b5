/**
 * The provider interface: what the ValueSet engine and the operations need from a code system,
 * whether it is SNOMED CT's index, a FHIR CodeSystem resource, dm+d or ICD. A provider hands out
 * opaque concept handles (a number for SNOMED CT, an object for a FHIR CodeSystem) and takes them
 * back; the engine never looks inside them.
 */
import { Data, type Either } from "effect"
import { sayInEnglish, type Message } from "./messages"
import type { CodeSystemProperty, CodeSystemResource, Coding, Extension, PropertyValue, ValueSetFilter } from "./fhir"

export interface ConceptDesignation {
  readonly language?: string
  readonly use?: Coding
  readonly value: string
  /** The supplement it came from (`url|version`), when not from the code system itself. */
  readonly source?: string
  readonly extension?: ReadonlyArray<Extension>
}

/** A set of a provider's concepts: cheap membership, iteration in the provider's order. */
export interface ConceptSet<C> {
  readonly size: number
  has(concept: C): boolean
  /** The members as an array, where the set holds one: random access for paging. */
  array?(): ArrayLike<C>
  /** The set lists every member: no members it cannot list (post-coordinated expressions) belong. */
  readonly closed?: boolean
  [Symbol.iterator](): Iterator<C>
}

/** A filter the provider does not support, or a value it cannot use (a bad regex, an unknown concept). */
export class FilterError extends Data.TaggedError("FilterError")<{
  readonly reason: "not-supported" | "invalid" | "too-costly" | "not-found"
  /** The message in English. */
  readonly message: string
  /** The message from the catalogue, to say in the client's language. */
  readonly said: Message
  /** The message's key in the FHIR validator's catalogue, where one fits. */
  readonly messageId?: string
}> {}

/** A filter failure whose message is `said` (in English until answered in the client's language). */
export const filterError = (reason: FilterError["reason"], said: Message, messageId?: string) =>
  new FilterError({ reason, message: sayInEnglish(said), said, ...(messageId === undefined ? {} : { messageId }) })

export interface CodeSystemProvider<C = unknown> {
  readonly system: string
  readonly version: string | undefined
  /** The code system's name for `$lookup`. */
  readonly name: string
  readonly caseSensitive: boolean
  /** Whether codes may be composed into expressions (SNOMED CT): an intensional value set over it is never closed. */
  readonly compositional: boolean
  /** Whether concepts commonly have several parents (SNOMED CT), so expansions are not nested by the hierarchy. */
  readonly polyhierarchical: boolean
  readonly content: NonNullable<CodeSystemResource["content"]>
  /** The resource behind it, when there is one: its status and extensions matter to validation. */
  readonly resource: CodeSystemResource | undefined
  /** The language its displays are in, when stated. */
  readonly language: string | undefined
  readonly propertyDefinitions: ReadonlyArray<CodeSystemProperty>
  /** The supplements applied (`url|version`). */
  readonly supplements: ReadonlyArray<string>

  locate(code: string): C | undefined
  /** Why `locate` finds no concept for a code, where the provider can say more than that it is unknown (an expression naming a concept the release lacks). */
  unknownReason?(code: string): Message | undefined
  code(concept: C): string
  /** The display for the preferred languages (BCP-47 tags, most preferred first); the default display when none match. */
  display(concept: C, languages: ReadonlyArray<string>): string | undefined
  /** The language of what `display` answers for the same languages, where the provider knows it per concept (else `language`). */
  displayLanguage?(concept: C, languages: ReadonlyArray<string>): string | undefined
  definition(concept: C): string | undefined
  designations(concept: C): ReadonlyArray<ConceptDesignation>
  /** Whether `display` is a correct display for the concept in one of the languages (any language when none are given). */
  hasDisplay(concept: C, display: string, languages: ReadonlyArray<string>): boolean
  /** The correct displays in the languages (all of them when none are given), with their languages, for messages. */
  displays(concept: C, languages: ReadonlyArray<string>): ReadonlyArray<{ readonly value: string; readonly language?: string }>
  isInactive(concept: C): boolean
  /** Not selectable: a grouper that may appear in an expansion but not in data. */
  isAbstract(concept: C): boolean
  /** Whether the concept is a post-coordinated expression rather than one the code system defines (SNOMED CT). */
  isPostCoordinated?(concept: C): boolean
  /** `active`, `retired`, `deprecated`, … when the code system says. */
  status(concept: C): string | undefined
  properties(concept: C): ReadonlyArray<PropertyValue>
  /** The concept's extensions (labels, order, rendering), the code system's then its supplements', where the provider has them. */
  extensions?(concept: C): ReadonlyArray<Extension>
  parents(concept: C): ReadonlyArray<C>
  children(concept: C): ReadonlyArray<C>
  /** The top of the hierarchy, for hierarchical expansions; empty when the code system is flat. */
  roots(): ReadonlyArray<C>
  /** A remark for whoever validates the code on its own, e.g. that an expression was not checked against a concept model. */
  note?(concept: C): Message | undefined
  /** Why a code the code system has is still not valid on its own (an expression that breaks the concept model); empty when it is valid. */
  invalid?(concept: C): ReadonlyArray<Message>
  /** Whether `ancestor` subsumes `concept` (or is it). */
  subsumes(ancestor: C, concept: C): boolean
  all(): ConceptSet<C>
  filter(filter: ValueSetFilter): Either.Either<ConceptSet<C>, FilterError>
  /** The concepts whose designations match `text` (every word, as a prefix), best first. */
  search(text: string, within: ConceptSet<C>): ReadonlyArray<C>
}

/** A set over an array of concepts, with membership by identity. */
export const arrayConceptSet = <C>(concepts: ReadonlyArray<C>): ConceptSet<C> => {
  let members: Set<C> | undefined
  return {
    size: concepts.length,
    has: (concept) => (members ??= new Set(concepts)).has(concept),
    array: () => concepts,
    [Symbol.iterator]: () => concepts[Symbol.iterator]()
  }
}

/** Words of a text, case and diacritics folded, for matching search filters. */
export const searchWords = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)

/** Whether every word of the query is a prefix of a word of one of the texts. */
export const matchesSearch = (query: ReadonlyArray<string>, texts: ReadonlyArray<string>) =>
  texts.some((text) => {
    const words = searchWords(text)
    return query.every((wanted) => words.some((word) => word.startsWith(wanted)))
  })
