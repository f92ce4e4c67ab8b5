/**
 * The ConceptMap engine (https://hl7.org/fhir/R4/conceptmap.html, used by
 * https://hl7.org/fhir/R4/conceptmap-operation-translate.html): what an R4 ConceptMap says one
 * code translates to. Groups are chosen by their source and target systems (and versions), a
 * target applies only when the request's dependencies satisfy each of its `dependsOn`, `product`
 * comes back with the match, and `unmapped` decides what a code the group does not list becomes
 * (`provided`, `fixed`, or `other-map`, followed once per map so a cycle ends). In reverse a
 * target code is translated back to the sources that map to it.
 */
import { Either } from "effect"
import { notFound, type TerminologyError } from "../errors"
import { message, sayInEnglish, type Message } from "../messages"
import type { Coding, ConceptMapGroup, ConceptMapResource } from "../fhir"
import { splitCanonical } from "../valueset/engine"
import { versionMatches } from "../versions"

type Element = NonNullable<ConceptMapGroup["element"]>[number]
type Target = NonNullable<Element["target"]>[number]
/** A `dependsOn` or `product` entry: another element's value. */
export type OtherElement = NonNullable<Target["product"]>[number]

/** A `dependency` of the request: the value another element of the source data has. */
export interface Dependency {
  /** The element, as `dependsOn.property` names it. */
  readonly element: string
  readonly concept: ReadonlyArray<Coding>
}

export interface TranslateRequest {
  /** The code to translate: a source code, or with `reverse` a target code. */
  readonly coding: Coding & { readonly code: string }
  /** The system sought: the target system, or with `reverse` the source system. */
  readonly wanted?: string | undefined
  readonly reverse: boolean
  readonly dependencies: ReadonlyArray<Dependency>
}

/** One mapping that applies, read as the map states it: from `source` to `target`. */
export interface TranslationMatch {
  /** R4 equivalence (relatedto, equivalent, equal, wider, subsumes, narrower, specializes, inexact, unmatched, disjoint), read from target to source. */
  readonly equivalence: string
  readonly source: Coding
  /** Absent when the map says the source has no target (`unmatched` without a code). */
  readonly target?: Coding
  readonly products: ReadonlyArray<OtherElement>
  /** The map's own comment, or a server's catalogued sentences about the match. */
  readonly comment?: string | Message
  /** The canonical (`url|version`) of the map the mapping comes from. */
  readonly map?: string
}

export interface Translation {
  /** Whether one match maps: its equivalence is neither `unmatched` nor `disjoint`. */
  readonly result: boolean
  readonly message?: Message
  readonly matches: ReadonlyArray<TranslationMatch>
}

/** Finds a map that `unmapped.url` names, by url and version. */
export type ConceptMapLookup = (url: string, version: string | undefined) => ConceptMapResource | undefined

const nonMatching = new Set(["unmatched", "disjoint"])

/** A translation of the matches found; `noMatch` is the message when none of them maps. */
export const translationOf = (matches: ReadonlyArray<TranslationMatch>, noMatch: Message | undefined): Translation => {
  const result = matches.some((match) => !nonMatching.has(match.equivalence))
  return { result, matches, ...(result || noMatch === undefined ? {} : { message: noMatch }) }
}

export const conceptMapCanonical = (map: ConceptMapResource) =>
  map.url === undefined ? undefined : map.version === undefined ? map.url : `${map.url}|${map.version}`

/** Drops the keys whose value is undefined, so Codings carry only what is known. */
const coding = (fields: { readonly [K in keyof Coding]?: Coding[K] | undefined }): Coding =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Coding

/** Whether the request's dependencies give each element the value the target depends on. */
const dependenciesHold = (target: Target, dependencies: ReadonlyArray<Dependency>) =>
  (target.dependsOn ?? []).every((needed) =>
    dependencies.some(
      (dependency) =>
        dependency.element === needed.property &&
        dependency.concept.some((given) => given.code === needed.value && (needed.system === undefined || given.system === needed.system))
    )
  )

/** Whether a group's side (system and version) fits what the request names; a side the group leaves out fits anything. */
const sideFits = (system: string | undefined, version: string | undefined, wantedSystem: string | undefined, wantedVersion?: string) =>
  (system === undefined || wantedSystem === undefined || system === wantedSystem) &&
  (version === undefined || wantedVersion === undefined || versionMatches(version, wantedVersion))

/** Whether a group translates from the code's system (and version) towards the system sought, either way round in reverse. */
const groupFits = (group: ConceptMapGroup, { coding, wanted, reverse }: TranslateRequest) =>
  reverse
    ? sideFits(group.target, group.targetVersion, coding.system, coding.version) && sideFits(group.source, undefined, wanted)
    : sideFits(group.source, group.sourceVersion, coding.system, coding.version) && sideFits(group.target, undefined, wanted)

/** Whether one of the map's groups could translate the request's code. */
export const conceptMapFits = (map: ConceptMapResource, request: TranslateRequest) =>
  (map.group ?? []).some((group) => groupFits(group, request))

const sourceOf = (group: ConceptMapGroup, element: Element) =>
  coding({ system: group.source, version: group.sourceVersion, code: element.code, display: element.display })

const matchOf = (group: ConceptMapGroup, element: Element, target: Target, map: string | undefined): TranslationMatch => ({
  equivalence: target.equivalence ?? "relatedto",
  source: sourceOf(group, element),
  ...(target.code === undefined
    ? {}
    : { target: coding({ system: group.target, version: group.targetVersion, code: target.code, display: target.display }) }),
  products: target.product ?? [],
  ...(target.comment === undefined ? {} : { comment: target.comment }),
  ...(map === undefined ? {} : { map })
})

/** The matches of one map, following `other-map` into maps not yet `visited`. */
const translateWith = (
  map: ConceptMapResource,
  request: TranslateRequest,
  findMap: ConceptMapLookup,
  visited: ReadonlySet<string>
): Either.Either<ReadonlyArray<TranslationMatch>, TerminologyError> =>
  Either.gen(function* () {
    const canonical = conceptMapCanonical(map)
    const { code } = request.coding
    const matches: Array<TranslationMatch> = []
    for (const group of (map.group ?? []).filter((group) => groupFits(group, request))) {
      const found = (group.element ?? []).flatMap((element) =>
        (element.target ?? [])
          .filter((target) => (request.reverse ? target.code : element.code) === code && dependenciesHold(target, request.dependencies))
          .map((target) => matchOf(group, element, target, canonical))
      )
      matches.push(...found)
      // `unmapped` is for source codes the group has no mapping for; an `unmatched` target is a mapping.
      if (found.length > 0 || request.reverse || group.unmapped === undefined) continue
      const unmapped = group.unmapped
      const source = coding({ system: group.source, version: group.sourceVersion, code })
      // R4 gives `unmapped` no equivalence: `relatedto` claims no more than the map does.
      const fallback = (target: { readonly code: string; readonly display?: string | undefined }): TranslationMatch => ({
        equivalence: "relatedto",
        source,
        target: coding({ system: group.target, version: group.targetVersion, ...target }),
        products: [],
        ...(canonical === undefined ? {} : { map: canonical })
      })
      if (unmapped.mode === "provided") matches.push(fallback({ code }))
      else if (unmapped.mode === "fixed" && unmapped.code !== undefined) {
        matches.push(fallback({ code: unmapped.code, display: unmapped.display }))
      } else if (unmapped.mode === "other-map" && unmapped.url !== undefined) {
        const [url, wantedVersion] = splitCanonical(unmapped.url)
        const other = findMap(url, wantedVersion)
        if (other === undefined) {
          return yield* Either.left(
            notFound(message("unmapped-map-not-found", { url: unmapped.url, map: canonical ?? message("given-resource") }))
          )
        }
        const key = conceptMapCanonical(other) ?? unmapped.url
        if (visited.has(key)) continue
        matches.push(...(yield* translateWith(other, request, findMap, new Set([...visited, key]))))
      }
    }
    return matches
  })

/** Translates a code with each of `maps`, in order; `findMap` finds the maps `other-map` names. */
export const translate = (
  maps: ReadonlyArray<ConceptMapResource>,
  request: TranslateRequest,
  findMap: ConceptMapLookup
): Either.Either<Translation, TerminologyError> =>
  Either.map(Either.all(maps.map((map) => translateWith(map, request, findMap, new Set([conceptMapCanonical(map) ?? ""])))), (found) => {
    const { code, system } = request.coding
    const subject = system === undefined ? message("translated-code", { code }) : message("translated-code-in-system", { code, system })
    const named = maps.map((map) => `'${conceptMapCanonical(map) ?? sayInEnglish(message("given-resource"))}'`).join(", ")
    const key = request.reverse
      ? maps.length === 1
        ? "no-source-in-map"
        : "no-source-in-maps"
      : maps.length === 1
        ? "no-target-in-map"
        : "no-target-in-maps"
    return translationOf(
      found.flat(),
      maps.length === 0
        ? request.wanted === undefined
          ? message("no-map-translates", { code: subject })
          : message("no-map-translates-to", { code: subject, wanted: request.wanted })
        : message(key, { code: subject, maps: named })
    )
  })
