/**
 * `ConceptMap/$translate` over SNOMED CT's implicit concept maps
 * (https://hl7.org/fhir/R4/conceptmap-operation-translate.html, `http://snomed.info/sct?fhir_cm=<refset>`):
 * historical associations (REPLACED BY, SAME AS, …) and map reference sets such as the ICD-10
 * maps. Every row is returned, with its map group, priority, rule and advice as extra parts of the
 * match; `reverse=true` translates a target back to its sources.
 */
import type { RefsetMember, SnomedIndex } from "@ffynnon/snomed"
import { Effect } from "effect"
import { defineOperation } from "../fhir/operation"
import { FhirFailure } from "../fhir/outcome"
import { languageRefsets } from "@ffynnon/snomed"
import { codingOf, releaseFor, requireCode, snomedSystem, type Coding } from "./common"

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

/** Target code systems of the map refsets whose targets are not SNOMED CT. */
export const mapTargetSystems: Record<string, string> = {
  "447562003": "http://hl7.org/fhir/sid/icd-10",
  "999002271000000101": "http://hl7.org/fhir/sid/icd-10-uk"
}

const column = (columns: ReadonlyArray<string>, member: RefsetMember, name: string) => {
  const position = columns.indexOf(name)
  return position === -1 ? undefined : member.fields[position]
}

const matchOf = (index: SnomedIndex, refsetId: string, member: RefsetMember, reverse: boolean, refsets: ReadonlyArray<string>) => {
  const refset = index.refsets.get(refsetId)!
  const target = column(refset.columns, member, "targetComponentId") ?? column(refset.columns, member, "mapTarget") ?? ""
  const isAssociation = refset.columns.includes("targetComponentId")
  const targetSystem = isAssociation ? snomedSystem : mapTargetSystems[refsetId]
  const correlation = column(refset.columns, member, "correlationId")
  const equivalence =
    target === ""
      ? "unmatched"
      : isAssociation
        ? (associationEquivalence[refsetId] ?? "relatedto")
        : (correlationEquivalence[correlation ?? ""] ?? "inexact")
  const sourceConcept = index.position(member.referencedComponentId)
  const displayOf = (code: string) => {
    const concept = index.position(code)
    return concept === undefined ? undefined : index.preferredTerm(concept, refsets)
  }
  const coding = reverse
    ? {
        system: snomedSystem,
        code: member.referencedComponentId,
        display: sourceConcept === undefined ? undefined : index.preferredTerm(sourceConcept, refsets)
      }
    : target === ""
      ? undefined
      : {
          ...(targetSystem === undefined ? {} : { system: targetSystem }),
          code: target,
          display: targetSystem === snomedSystem ? displayOf(target) : undefined
        }
  const extra = ["mapGroup", "mapPriority", "mapRule", "mapAdvice"].flatMap((name) => {
    const value = column(refset.columns, member, name)
    return value === undefined || value === ""
      ? []
      : [
          /^\d+$/.test(value) && name !== "mapRule" && name !== "mapAdvice"
            ? { name, valueInteger: Number(value) }
            : { name, valueString: value }
        ]
  })
  return {
    name: "match",
    part: [
      { name: "equivalence", valueCode: equivalence },
      ...(coding === undefined ? [] : [{ name: "concept", valueCoding: JSON.parse(JSON.stringify(coding)) as object }]),
      { name: "source", valueUri: `${snomedSystem}?fhir_cm=${refsetId}` },
      ...extra
    ]
  }
}

export const translateOperation = defineOperation({
  resource: "ConceptMap",
  name: "translate",
  definition: "http://hl7.org/fhir/OperationDefinition/ConceptMap-translate",
  summary: "Translate with a SNOMED CT association or map reference set (url http://snomed.info/sct?fhir_cm=<refset id>)",
  parameters: {
    url: { type: "uri" },
    conceptMapVersion: { type: "string" },
    code: { type: "code" },
    system: { type: "uri" },
    version: { type: "string" },
    source: { type: "uri" },
    coding: { type: "Coding" },
    codeableConcept: { type: "CodeableConcept" },
    target: { type: "uri" },
    targetsystem: { type: "uri" },
    reverse: { type: "boolean" }
  },
  handler: (input) =>
    Effect.gen(function* () {
      if (input.url === undefined)
        return yield* FhirFailure.of(400, "required", "Give the url of the concept map (http://snomed.info/sct?fhir_cm=<refset id>).", [
          "url"
        ])
      const match = implicitMap.exec(input.url)
      if (match === null)
        return yield* FhirFailure.of(404, "not-found", `A definition for the concept map '${input.url}' could not be found.`, ["url"])
      const [, edition, refsetId = ""] = match
      const fromConcept = (input.codeableConcept as { coding?: ReadonlyArray<Coding> } | undefined)?.coding?.[0]
      const coding = codingOf({
        ...input,
        ...(input.coding === undefined ? (fromConcept === undefined ? {} : { coding: fromConcept }) : { coding: input.coding as Coding })
      })
      const code = yield* requireCode(coding)
      const reverse = input.reverse === true
      const index = yield* releaseFor(snomedSystem, edition === snomedSystem ? coding.version : edition)
      const refset = index.refsets.get(refsetId)
      if (refset === undefined) {
        return yield* FhirFailure.of(404, "not-found", `The reference set '${refsetId}' is not in SNOMED CT version '${index.uri}'.`, [
          "url"
        ])
      }
      const targetColumn = refset.columns.includes("targetComponentId") ? "targetComponentId" : "mapTarget"
      const members = reverse ? index.membersWith(refsetId, targetColumn, code) : index.refsetMembers(refsetId, code)
      const refsets = languageRefsets(index, [])
      const found = members.some(
        (member) => (reverse ? member.referencedComponentId : member.fields[refset.columns.indexOf(targetColumn)]) !== ""
      )
      const messages = [
        ...(found ? [] : [`No ${reverse ? "source" : "target"} for '${code}' in the reference set '${refsetId}'.`]),
        ...(reverse ? ["Translated in reverse: from targets to their SNOMED CT sources."] : [])
      ]
      return {
        resourceType: "Parameters",
        parameter: [
          { name: "result", valueBoolean: found },
          ...(messages.length === 0 ? [] : [{ name: "message", valueString: messages.join(" ") }]),
          ...members.map((member) => matchOf(index, refsetId, member, reverse, refsets))
        ]
      }
    })
})
