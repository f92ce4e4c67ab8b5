/**
 * `ConceptMap/$translate` (https://hl7.org/fhir/R4/conceptmap-operation-translate.html) with any
 * concept map: one named by `url` (supplied as a `tx-resource`, stored, or one of SNOMED CT's
 * implicit maps `http://snomed.info/sct?fhir_cm=<refset id>`), one given whole as `conceptMap`, or
 * with no url every map known from the code's system towards `targetsystem`. The engine in
 * `@ffynnon/terminology` reads ConceptMap resources; SNOMED CT's maps are the historical
 * associations and the map reference sets such as the ICD-10 maps, every row returned with its map
 * group, priority, rule, advice, correlation and category as `product` parts, so a client can apply
 * the rules (age, sex); ICD-10 targets are given in the classification's form with the loaded
 * edition's display, and `#NC`/`#NIS` rows are no-matches saying why. `reverse=true` translates a
 * target back to its sources (for the ICD-10 maps flagged as not clinically safe).
 *
 * The answer is R4's (`equivalence`, `concept`, `product`, `source` = the map). Requests that use
 * R5's names for the code (`sourceCode`, `targetCode`, … with `sourceSystem`/`targetSystem`), as
 * the HL7 terminology tests send, get R5's parts: `originMap` for the map and, from a target, the
 * `source` Coding beside the target `concept`; the equivalence stays R4's.
 *
 * Maps a release defines are answered from its index the same way: dm+d's GTIN map
 * (`https://dmd.nhs.uk/conceptmap/gtin`, an AMPP to its GTINs, in reverse a GTIN to its AMPP) and
 * history map (`https://dmd.nhs.uk/conceptmap/history`, a previous code to the current one).
 */
import { icd10CodeForm, icd10System, icd11System, IcdReleases, icdMapSystem, type IcdConceptMap, type IcdMapRow } from "@ffynnon/icd"
import { languageRefsets, SnomedReleases, snomedSystem, type RefsetMember, type SnomedIndex } from "@ffynnon/snomed"
import {
  conceptMapFits,
  message,
  notFound,
  oneAfterAnother,
  say,
  splitCanonical,
  translate,
  translationOf,
  type CodeableConcept,
  type Coding,
  type ConceptMapResource,
  type Dependency,
  type Message,
  type MessageLanguage,
  type OtherElement,
  ReleaseCodeSystems,
  type ReleaseCodeSystem,
  type ReleaseConceptMap,
  type TranslateRequest,
  type Translation,
  type TranslationMatch
} from "@ffynnon/terminology"
import { Effect, Either, Option } from "effect"
import { defineOperation } from "../fhir/operation"
import { onConceptMap } from "./instance"
import { FhirFailure } from "../fhir/outcome"
import type { OperationInput } from "../fhir/parameters"
import { apiMessage, messageLanguage } from "../messages"
import { releaseFor } from "../snomed/common"
import { resourceParameter, sharedParameters, terminologyContext, terminologyFailure, type TerminologyContext } from "./context"

const parameters = {
  url: { type: "uri" },
  conceptMap: { type: "Resource" },
  conceptMapVersion: { type: "string" },
  code: { type: "code" },
  system: { type: "uri" },
  version: { type: "string" },
  source: { type: "uri" },
  coding: { type: "Coding" },
  codeableConcept: { type: "CodeableConcept" },
  target: { type: "uri" },
  targetsystem: { type: "uri" },
  dependency: { type: "parts", max: "*" },
  reverse: { type: "boolean" },
  sourceCode: { type: "code" },
  sourceCoding: { type: "Coding" },
  sourceCodeableConcept: { type: "CodeableConcept" },
  sourceSystem: { type: "uri" },
  targetCode: { type: "code" },
  targetCoding: { type: "Coding" },
  targetCodeableConcept: { type: "CodeableConcept" },
  targetSystem: { type: "uri" },
  ...sharedParameters
} as const

type Input = OperationInput<typeof parameters>

/** What is asked: the codes to translate, which way, and towards which system. */
interface Question {
  readonly codings: ReadonlyArray<Coding & { readonly code: string }>
  readonly reverse: boolean
  readonly wanted: string | undefined
  /** The code came in R5's parameters, so the answer uses R5's part names. */
  readonly r5: boolean
  readonly dependencies: ReadonlyArray<Dependency>
}

/** The code as the separate parameters, a Coding or a CodeableConcept give it. */
const codingsOf = (code: string | undefined, system: string | undefined, version: string | undefined, coding: unknown, concept: unknown) =>
  code !== undefined
    ? [{ code, ...(system === undefined ? {} : { system }), ...(version === undefined ? {} : { version }) }]
    : coding !== undefined
      ? [coding as Coding]
      : ((concept as CodeableConcept | undefined)?.coding ?? [])

/** `dependency` parts: `element` (uri) and `concept` (a CodeableConcept, or a Coding). */
const dependencyOf = (parts: ReadonlyArray<Record<string, unknown>>): Dependency | undefined => {
  const element = parts.find((part) => part.name === "element")?.valueUri
  const concept = parts.find((part) => part.name === "concept")
  const codings = (concept?.valueCodeableConcept as CodeableConcept | undefined)?.coding ?? (concept?.valueCoding as Coding | undefined)
  if (typeof element !== "string" || codings === undefined) return undefined
  return { element, concept: Array.isArray(codings) ? codings : [codings as Coding] }
}

const questionOf = (input: Input): Either.Either<Question, FhirFailure> => {
  const fromSource = [input.sourceCode, input.sourceCoding, input.sourceCodeableConcept].some((value) => value !== undefined)
  const fromTarget = [input.targetCode, input.targetCoding, input.targetCodeableConcept].some((value) => value !== undefined)
  const asked = fromSource
    ? {
        codings: codingsOf(
          input.sourceCode,
          input.sourceSystem ?? input.system,
          input.version,
          input.sourceCoding,
          input.sourceCodeableConcept
        ),
        reverse: false,
        wanted: input.targetSystem
      }
    : fromTarget
      ? {
          codings: codingsOf(
            input.targetCode,
            input.targetSystem ?? input.system,
            input.version,
            input.targetCoding,
            input.targetCodeableConcept
          ),
          reverse: true,
          wanted: input.sourceSystem
        }
      : {
          codings: codingsOf(input.code, input.system, input.version, input.coding, input.codeableConcept),
          reverse: input.reverse === true,
          wanted: input.targetsystem
        }
  const codings = asked.codings.filter((coding): coding is Coding & { code: string } => typeof coding.code === "string")
  if (codings.length === 0) {
    return Either.left(FhirFailure.message(400, "required", "translate-give-code", {}, ["code"]))
  }
  const dependencies = (input.dependency ?? []).map(dependencyOf)
  if (dependencies.some((dependency) => dependency === undefined)) {
    return Either.left(FhirFailure.message(400, "invalid", "translate-dependency-invalid", {}, ["dependency"]))
  }
  return Either.right({ ...asked, codings, r5: fromSource || fromTarget, dependencies: dependencies as ReadonlyArray<Dependency> })
}

// SNOMED CT's implicit maps (https://hl7.org/fhir/R4/snomedct.html#implicit-cm).

const implicitMap = /^(http:\/\/snomed\.info\/x?sct(?:\/\d{6,18}(?:\/version\/\d{8})?)?)\?fhir_cm=(\d{6,18})$/

/** What each kind of refset's rows mean as FHIR equivalences. */
const associationEquivalence: Record<string, string> = {
  "900000000000527005": "equal", // SAME AS
  "900000000000526001": "equivalent", // REPLACED BY
  "900000000000523009": "inexact", // POSSIBLY EQUIVALENT TO
  "900000000000530003": "relatedto" // ALTERNATIVE
}
const correlationEquivalence: Record<string, string> = {
  "447557004": "equivalent", // exact match
  "447559001": "wider", // narrow to broad: the target is wider
  "447558009": "narrower", // broad to narrow
  "447560006": "inexact", // partial overlap
  "447556008": "unmatched" // not mappable
}

const ukIcd10Map = "999002271000000101"

/** Target code systems of the map refsets whose targets are not SNOMED CT: both ICD-10 maps target ICD-10 (the UK's its UK edition, see docs/icd.md). */
const mapTargetSystems: Record<string, string> = {
  "447562003": icd10System,
  [ukIcd10Map]: icd10System
}

/** What the ICD-10 maps' `#` targets mean: the row maps to no code, for this reason. */
const noCodeTargets: Record<string, Message> = {
  "#NC": apiMessage("translate-no-code-nc"),
  "#NIS": apiMessage("translate-no-code-nis")
}

const reverseWarning = apiMessage("translate-reverse-icd10")

/** A match's comments, one sentence after another. */
const commentOf = (comments: ReadonlyArray<Message>) =>
  comments.length === 0 ? {} : { comment: comments.reduce((first, second) => apiMessage("translate-comments", { first, second })) }

/** The UK map's form of an ICD-10 code, undotted and X-padded (`I21.9` → `I219`, `I10` → `I10X`), for reading the map backwards. */
const ukMapForm = (code: string) => {
  const form = icd10CodeForm(code)
  return form === undefined ? code : form.length === 3 ? `${form}X` : form.replace(".", "")
}

interface EditionCoding {
  readonly coding: Coding
  readonly comment?: Message
}

const classificationNames: Record<string, string> = { [icd10System]: "ICD-10", [icd11System]: "ICD-11" }

/**
 * A map's code as the loaded edition of its classification (the version `pick` chooses) knows it:
 * in the classification's form, with the edition's display and version. A code the edition does
 * not have is kept as released, with a comment saying so (reported, not fatal); with no edition
 * loaded it comes as released, with the display the map gives, if any.
 */
const inEdition = (
  releaseSystems: ReadonlyArray<ReleaseCodeSystem>,
  system: string,
  pick: (versions: ReadonlyArray<string>) => string | undefined,
  code: string,
  released: string,
  mapDisplay?: string
): EditionCoding => {
  const releaseSystem = releaseSystems.find((candidate) => candidate.system === system)
  const version = releaseSystem === undefined ? undefined : pick(releaseSystem.versions)
  const provider = version === undefined ? undefined : releaseSystem!.provider(version)
  const asReleased: Coding = { system, code, ...(mapDisplay === undefined ? {} : { display: mapDisplay }) }
  if (provider === undefined) return { coding: asReleased }
  const concept = provider.locate(code)
  if (concept === undefined) {
    return {
      coding: asReleased,
      comment: apiMessage("translate-target-not-in-edition", {
        code: released,
        classification: classificationNames[system]!,
        version: version!
      })
    }
  }
  const display = provider.display(concept, [])
  return { coding: { system, version: version!, code: provider.code(concept), ...(display === undefined ? {} : { display }) } }
}

/** WHO's edition of ICD-10, else the newest loaded. */
const whoIcd10 = (versions: ReadonlyArray<string>) => versions.find((version) => !version.startsWith("uk-")) ?? versions[0]
const newest = (versions: ReadonlyArray<string>) => versions[0]

/**
 * ICD-10 map targets as the loaded editions know them: in the classification's form (the UK
 * map's `E112` and `I10X` are `E11.2` and `I10`), with the UK edition for the UK map and WHO's
 * for the International one.
 */
type Icd10Targets = (refsetId: string, target: string) => EditionCoding
const icd10Targets =
  (releaseSystems: ReadonlyArray<ReleaseCodeSystem>): Icd10Targets =>
  (refsetId, target) => {
    const uk = refsetId === ukIcd10Map
    const code = uk ? (icd10CodeForm(target) ?? target) : target
    return inEdition(
      releaseSystems,
      icd10System,
      (versions) => versions.find((candidate) => candidate.startsWith("uk-") === uk),
      code,
      target
    )
  }

/** The ICD-10 editions being served now, for the maps' targets. */
const currentIcd10Targets = Effect.map(
  Effect.flatMap(ReleaseCodeSystems, (releaseSystems) => releaseSystems.current),
  icd10Targets
)

const column = (columns: ReadonlyArray<string>, member: RefsetMember, name: string) => {
  const position = columns.indexOf(name)
  return position === -1 ? undefined : member.fields[position]
}

/** A map row's own fields as `product` parts, each named by its RF2 field URI (`http://snomed.info/field/<table>.<field>`). */
const mapProducts = (index: SnomedIndex, columns: ReadonlyArray<string>, member: RefsetMember, refsets: ReadonlyArray<string>) => {
  const table = columns.includes("mapCategoryId")
    ? "ExtendedMapRefset"
    : columns.includes("mapGroup")
      ? "ComplexMapRefset"
      : "SimpleMapRefset"
  return ["mapGroup", "mapPriority", "mapRule", "mapAdvice", "correlationId", "mapCategoryId"].flatMap((name): Array<OtherElement> => {
    const value = column(columns, member, name)
    if (value === undefined || value === "") return []
    const property = `http://snomed.info/field/${table}.${name}`
    if (!name.endsWith("Id")) return [{ property, value }]
    const concept = index.position(value)
    const display = concept === undefined ? undefined : index.preferredTerm(concept, refsets)
    return [{ property, system: snomedSystem, value, ...(display === undefined ? {} : { display }) }]
  })
}

const snomedMatch = (
  index: SnomedIndex,
  refsetId: string,
  member: RefsetMember,
  refsets: ReadonlyArray<string>,
  icd10: Icd10Targets,
  reverse: boolean
): TranslationMatch => {
  const { columns } = index.refsets.get(refsetId)!
  const isAssociation = columns.includes("targetComponentId")
  const released = column(columns, member, isAssociation ? "targetComponentId" : "mapTarget") ?? ""
  const noCode = noCodeTargets[released]
  const target = noCode === undefined ? released : ""
  const isIcd10 = mapTargetSystems[refsetId] === icd10System
  const snomedCoding = (code: string): Coding => {
    const concept = index.position(code)
    const display = concept === undefined ? undefined : index.preferredTerm(concept, refsets)
    return { system: snomedSystem, code, ...(display === undefined ? {} : { display }) }
  }
  const mapped =
    target === ""
      ? undefined
      : isIcd10
        ? icd10(refsetId, target)
        : // Other maps' targets are in a scheme this server does not know: the code alone.
          { coding: isAssociation ? snomedCoding(target) : { code: target } }
  const comments = [noCode, mapped?.comment, reverse && isIcd10 ? reverseWarning : undefined].filter((comment) => comment !== undefined)
  return {
    equivalence:
      target === ""
        ? "unmatched"
        : isAssociation
          ? (associationEquivalence[refsetId] ?? "relatedto")
          : (correlationEquivalence[column(columns, member, "correlationId") ?? ""] ?? "inexact"),
    source: snomedCoding(member.referencedComponentId),
    ...(mapped === undefined ? {} : { target: mapped.coding }),
    products: isAssociation ? [] : mapProducts(index, columns, member, refsets),
    ...commentOf(comments),
    map: `${snomedSystem}?fhir_cm=${refsetId}`
  }
}

/** The rows of a refset for a code: as the source, or in reverse as the target (an ICD-10 code in the form the map holds it). */
const snomedMatches = (index: SnomedIndex, refsetId: string, code: string, reverse: boolean, icd10: Icd10Targets) => {
  const { columns } = index.refsets.get(refsetId)!
  const targetColumn = columns.includes("targetComponentId") ? "targetComponentId" : "mapTarget"
  const released = refsetId === ukIcd10Map ? ukMapForm(code) : code
  const members = reverse ? index.membersWith(refsetId, targetColumn, released) : index.refsetMembers(refsetId, code)
  const refsets = languageRefsets(index, [])
  return members.map((member) => snomedMatch(index, refsetId, member, refsets, icd10, reverse))
}

/** The SNOMED CT maps from a code's system towards the system sought (either way round in reverse). */
const snomedRefsetsFor = (index: SnomedIndex, coding: Coding, wanted: string | undefined, reverse: boolean) => {
  const [sourceSystem, targetSystem] = reverse ? [wanted, coding.system] : [coding.system, wanted]
  if (sourceSystem !== undefined && sourceSystem !== snomedSystem) return []
  const targetOf = (refsetId: string) => mapTargetSystems[refsetId] ?? snomedSystem
  return [...Object.keys(associationEquivalence), ...Object.keys(mapTargetSystems)].filter(
    (refsetId) => index.refsets.has(refsetId) && (targetSystem === undefined || targetOf(refsetId) === targetSystem)
  )
}

/** A refset whose rows map a concept to a target: a map (`mapTarget`) or a historical association (`targetComponentId`). */
const isMapRefset = (index: SnomedIndex, refsetId: string) => {
  const columns = index.refsets.get(refsetId)?.columns ?? []
  return columns.includes("mapTarget") || columns.includes("targetComponentId")
}

/** Translation with one implicit map, named by url: its edition's release (or the code's), then the refset's rows. */
const translateImplicit = (edition: string, refsetId: string, question: Question) =>
  Effect.gen(function* () {
    const icd10 = yield* currentIcd10Targets
    const matches: Array<TranslationMatch> = []
    for (const coding of question.codings) {
      const index = yield* releaseFor(snomedSystem, edition === snomedSystem ? coding.version : edition)
      if (!isMapRefset(index, refsetId)) {
        return yield* FhirFailure.message(404, "not-found", "translate-no-map-refset", { version: index.uri, refset: refsetId }, ["url"])
      }
      matches.push(...snomedMatches(index, refsetId, coding.code, question.reverse, icd10))
    }
    const codes = question.codings.map((coding) => `'${coding.code}'`).join(", ")
    // A row that maps to no code says why (#NC, #NIS, a rule's "cannot be classified"): the message carries that too, each reason once.
    const reasons = [
      ...new Map(
        matches.flatMap((match) =>
          match.target === undefined && match.comment !== undefined ? [[commentIn("en", match.comment), match.comment] as const] : []
        )
      ).values()
    ]
    return translationOf(
      matches,
      oneAfterAnother(
        message(question.reverse ? "no-source-in-reference-set" : "no-target-in-reference-set", { codes, refset: refsetId }),
        reasons
      )
    )
  })

// WHO's ICD-10 ↔ ICD-11 mapping tables (`ffynnon load icd-map`), see docs/icd.md.

/** The class kinds WHO's tables name, in the catalogues' words (another is kept as the table writes it). */
const kindNames: Record<string, Message> = {
  grouping: apiMessage("translate-kind-grouping"),
  chapter: apiMessage("translate-kind-chapter"),
  block: apiMessage("translate-kind-block"),
  category: apiMessage("translate-kind-category")
}

const pickEdition = (system: string) => (system === icd10System ? whoIcd10 : newest)

/** The code as the table writes it: ICD-10 dotted (`A000` and `A00X` are `A00.0` and `A00`). */
const tableForm = (system: string, code: string) => (system === icd10System ? (icd10CodeForm(code) ?? code) : code)

/**
 * One row of a WHO table as a match: both sides in the loaded editions' form. The tables state no
 * equivalence, so a mapping is `relatedto`; a row whose ICD-11 side is a grouping without a code
 * (a block) is `unmatched`, naming the grouping.
 */
const icdMapMatch = (
  map: IcdConceptMap,
  row: IcdMapRow,
  reverse: boolean,
  releaseSystems: ReadonlyArray<ReleaseCodeSystem>
): TranslationMatch => {
  const side = (system: string, code: string, title: string): EditionCoding =>
    code === ""
      ? { coding: { system, display: title } }
      : inEdition(releaseSystems, system, pickEdition(system), tableForm(system, code), code, title || undefined)
  const source = side(map.sourceSystem, row.sourceCode, row.sourceTitle)
  const target = row.targetCode === "" ? undefined : side(map.targetSystem, row.targetCode, row.targetTitle)
  const uncoded = (code: string, kind: string | undefined, title: string, uri: string | undefined) => {
    if (code !== "") return undefined
    const values = { kind: kind === undefined ? kindNames.grouping! : (kindNames[kind] ?? kind), title }
    return uri === undefined ? apiMessage("translate-uncoded", values) : apiMessage("translate-uncoded-at", { ...values, uri })
  }
  const comments = [
    uncoded(row.sourceCode, row.sourceKind, row.sourceTitle, row.sourceUri),
    uncoded(row.targetCode, row.targetKind, row.targetTitle, row.targetUri),
    reverse ? source.comment : target?.comment,
    reverse
      ? apiMessage("translate-read-backwards", {
          map: map.name,
          source: classificationNames[map.sourceSystem]!,
          target: classificationNames[map.targetSystem]!
        })
      : undefined
  ].filter((comment) => comment !== undefined)
  return {
    equivalence: target === undefined ? "unmatched" : "relatedto",
    source: source.coding,
    ...(target === undefined ? {} : { target: target.coding }),
    products: [],
    ...commentOf(comments),
    map: `${map.url}|${map.version}`
  }
}

/** The rows of a table for a code: as the source, or in reverse as the target. */
const icdMapMatches = (
  map: IcdConceptMap,
  coding: Coding & { readonly code: string },
  reverse: boolean,
  releaseSystems: ReadonlyArray<ReleaseCodeSystem>
) => {
  const system = reverse ? map.targetSystem : map.sourceSystem
  if (coding.system !== undefined && coding.system !== system) return []
  const rows = (reverse ? map.byTarget : map.bySource).get(tableForm(system, coding.code)) ?? []
  return rows.map((row) => icdMapMatch(map, row, reverse, releaseSystems))
}

const currentIcdMaps = Effect.all({
  maps: Effect.flatMap(IcdReleases, (icd) => icd.maps),
  releaseSystems: Effect.flatMap(ReleaseCodeSystems, (releaseSystems) => releaseSystems.current)
})

/** Translation with one WHO table, named by url (and version, else the newest loaded). */
const translateIcdMap = (url: string, version: string | undefined, question: Question) =>
  Effect.gen(function* () {
    const { maps, releaseSystems } = yield* currentIcdMaps
    const map = maps.find((candidate) => candidate.url === url && (version === undefined || candidate.version === version))
    if (map === undefined) {
      const canonical = version === undefined ? url : `${url}|${version}`
      return yield* Effect.fail(terminologyFailure(notFound(message("concept-map-not-found", { conceptMap: canonical }), ["url"])))
    }
    const matches = question.codings.flatMap((coding) => icdMapMatches(map, coding, question.reverse, releaseSystems))
    const codes = question.codings.map((coding) => `'${coding.code}'`).join(", ")
    return translationOf(
      matches,
      message(question.reverse ? "no-source-in-map-version" : "no-target-in-map-version", { codes, map: map.name, version: map.version })
    )
  })

/** The rows of every WHO table (its newest version) from the code's system towards the system sought. */
const icdMapSearch = (coding: Coding & { readonly code: string }, question: Question) =>
  Effect.map(currentIcdMaps, ({ maps, releaseSystems }) =>
    maps
      .filter((map, position) => maps.findIndex((other) => other.url === map.url) === position)
      .filter((map) => question.wanted === undefined || (question.reverse ? map.sourceSystem : map.targetSystem) === question.wanted)
      .flatMap((map) => (coding.system === undefined ? [] : icdMapMatches(map, coding, question.reverse, releaseSystems)))
  )

// Maps a release defines (dm+d's GTIN and history maps), answered from its index.

const currentReleaseMaps = Effect.map(
  Effect.flatMap(ReleaseCodeSystems, (releaseSystems) => releaseSystems.current),
  (releaseSystems) => releaseSystems.flatMap((releaseSystem) => releaseSystem.conceptMaps ?? [])
)

/** Whether the code's system (any, when not given) is the side the map is read from, and the other side the system sought. */
const releaseMapFits = (map: ReleaseConceptMap, coding: Coding, wanted: string | undefined, reverse: boolean) => {
  const [from, to] = reverse ? [map.target, map.source] : [map.source, map.target]
  return (coding.system === undefined || coding.system === from) && (wanted === undefined || wanted === to)
}

/** Translation with a release's map named by url, of the version asked (else the newest loaded). */
const translateReleaseMap = (maps: ReadonlyArray<ReleaseConceptMap>, url: string, version: string | undefined, question: Question) =>
  Effect.gen(function* () {
    const map = maps.find((candidate) => candidate.url === url && (version === undefined || candidate.version === version))
    if (map === undefined) {
      const loaded = maps.filter((candidate) => candidate.url === url).map((candidate) => candidate.version)
      return yield* Effect.fail(
        terminologyFailure(
          notFound(message("concept-map-version-not-found", { conceptMap: `${url}|${version}`, versions: loaded.join(", ") }), ["url"])
        )
      )
    }
    const matches = question.codings
      .filter((coding) => releaseMapFits(map, coding, question.wanted, question.reverse))
      .flatMap((coding) => map.translate(coding.code, question.reverse))
    const codes = question.codings.map((coding) => `'${coding.code}'`).join(", ")
    return translationOf(
      matches,
      message(question.reverse ? "no-source-in-concept-map" : "no-target-in-concept-map", { codes, map: `${map.url}|${map.version}` })
    )
  })

/** The mappings of the newest version of every release map from the code's system towards the system sought. */
const releaseMapSearch = (coding: Coding & { readonly code: string }, question: Question) =>
  Effect.map(currentReleaseMaps, (maps) =>
    maps
      .filter((map, position) => maps.findIndex((other) => other.url === map.url) === position)
      .filter((map) => coding.system !== undefined && releaseMapFits(map, coding, question.wanted, question.reverse))
      .flatMap((map) => map.translate(coding.code, question.reverse))
  )

// Concept maps found by url, given, or searched for.

/** Whether a map's source or target scope (`sourceUri`/`sourceCanonical`, …) is the value set asked for, when one is. */
const scopeFits = (scope: string | undefined, wanted: string | undefined) =>
  wanted === undefined || (scope !== undefined && splitCanonical(scope)[0] === splitCanonical(wanted)[0])

/** Translation with resource maps; with no url, SNOMED CT's implicit maps that fit join them. */
const translateWithMaps = (
  context: TerminologyContext,
  maps: ReadonlyArray<ConceptMapResource> | "search",
  input: Input,
  question: Question
) =>
  Effect.gen(function* () {
    const matches: Array<TranslationMatch> = []
    const messages: Array<Message> = []
    for (const coding of question.codings) {
      const request: TranslateRequest = { coding, wanted: question.wanted, reverse: question.reverse, dependencies: question.dependencies }
      const candidates =
        maps === "search"
          ? context
              .conceptMaps()
              .filter(
                (map) =>
                  scopeFits(map.sourceUri ?? map.sourceCanonical, input.source) &&
                  scopeFits(map.targetUri ?? map.targetCanonical, input.target) &&
                  conceptMapFits(map, request)
              )
          : maps
      const translation = yield* Either.mapLeft(translate(candidates, request, context.conceptMap), terminologyFailure)
      matches.push(...translation.matches)
      if (translation.message !== undefined) messages.push(translation.message)
      // Implicit maps have no value set scope to compare with `source` or `target`.
      if (maps === "search" && input.source === undefined && input.target === undefined) {
        matches.push(...(yield* snomedSearch(coding, question, yield* currentIcd10Targets)))
        matches.push(...(yield* icdMapSearch(coding, question)))
        matches.push(...(yield* releaseMapSearch(coding, question)))
      }
    }
    return translationOf(matches, messages.length === 0 ? undefined : oneAfterAnother(messages[0]!, messages.slice(1)))
  })

/** The rows of every SNOMED CT map that fits, in the release the code names (none when it is not loaded). */
const snomedSearch = (coding: Coding & { readonly code: string }, question: Question, icd10: Icd10Targets) =>
  Effect.gen(function* () {
    const releases = yield* SnomedReleases
    const version = coding.system === snomedSystem ? coding.version : undefined
    const index = yield* Effect.option(releases.resolve(version))
    return Option.match(index, {
      onNone: () => [],
      onSome: (index) =>
        snomedRefsetsFor(index, coding, question.wanted, question.reverse).flatMap((refsetId) =>
          snomedMatches(index, refsetId, coding.code, question.reverse, icd10)
        )
    })
  })

// The answer.

const productPart = (product: OtherElement) => ({
  name: "product",
  part: [
    { name: "element", valueUri: product.property },
    { name: "concept", valueCoding: { system: product.system, code: product.value, display: product.display } }
  ]
})

/** A comment in the language: a map's own as it is, a catalogued one said. */
const commentIn = (language: MessageLanguage, comment: string | Message) => (typeof comment === "string" ? comment : say(language, comment))

const matchPart = (match: TranslationMatch, question: Question, language: MessageLanguage) => {
  // R4 answers the concept found (a source in reverse); R5 always the target, with the source beside it in reverse.
  const concept = question.reverse && !question.r5 ? match.source : match.target
  return {
    name: "match",
    part: [
      { name: "equivalence", valueCode: match.equivalence },
      ...(concept === undefined ? [] : [{ name: "concept", valueCoding: concept }]),
      ...match.products.map(productPart),
      ...(match.comment === undefined ? [] : [{ name: "comment", valueString: commentIn(language, match.comment) }]),
      ...(match.map === undefined
        ? []
        : [question.r5 ? { name: "originMap", valueCanonical: match.map } : { name: "source", valueUri: match.map }]),
      ...(question.r5 && question.reverse ? [{ name: "source", valueCoding: match.source }] : [])
    ]
  }
}

const answer = (translation: Translation, question: Question, language: MessageLanguage) => ({
  resourceType: "Parameters",
  parameter: [
    { name: "result", valueBoolean: translation.result },
    ...(translation.message === undefined ? [] : [{ name: "message", valueString: say(language, translation.message) }]),
    ...translation.matches.map((match) => matchPart(match, question, language))
  ]
})

export const translateOperation = defineOperation({
  resource: "ConceptMap",
  name: "translate",
  definition: "http://hl7.org/fhir/OperationDefinition/ConceptMap-translate",
  summary:
    "Translate a code with a concept map: supplied, stored, SNOMED CT's implicit maps (url http://snomed.info/sct?fhir_cm=<refset id>), or every map that fits",
  unknownParameters: "ignore",
  parameters,
  instance: onConceptMap,
  handler: (input, request) =>
    Effect.gen(function* () {
      const question = yield* questionOf(input)
      const language = messageLanguage(request.acceptLanguage)
      const context = yield* terminologyContext(input["tx-resource"], input.useSupplement)
      if (input.conceptMap !== undefined) {
        const conceptMap = yield* resourceParameter("conceptMap", input.conceptMap, ["ConceptMap"])
        return answer(yield* translateWithMaps(context, [conceptMap], input, question), question, language)
      }
      if (input.url === undefined) {
        if (question.codings.some((coding) => coding.system === undefined)) {
          return yield* FhirFailure.message(400, "required", "translate-give-url", {}, ["url"])
        }
        return answer(yield* translateWithMaps(context, "search", input, question), question, language)
      }
      const [url, version] = splitCanonical(input.url)
      const implicit = implicitMap.exec(url)
      if (implicit !== null) return answer(yield* translateImplicit(implicit[1]!, implicit[2]!, question), question, language)
      if (url.startsWith(`${icdMapSystem}/`)) {
        return answer(yield* translateIcdMap(url, input.conceptMapVersion ?? version, question), question, language)
      }
      const releaseMaps = yield* currentReleaseMaps
      if (releaseMaps.some((map) => map.url === url)) {
        return answer(yield* translateReleaseMap(releaseMaps, url, input.conceptMapVersion ?? version, question), question, language)
      }
      const map = context.conceptMap(url, input.conceptMapVersion ?? version)
      if (map === undefined) {
        const canonical = input.conceptMapVersion === undefined ? input.url : `${url}|${input.conceptMapVersion}`
        return yield* Effect.fail(terminologyFailure(notFound(message("concept-map-not-found", { conceptMap: canonical }), ["url"])))
      }
      return answer(yield* translateWithMaps(context, [map], input, question), question, language)
    })
})
