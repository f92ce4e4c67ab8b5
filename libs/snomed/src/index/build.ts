/**
 * Builds a release's serving index from the store, streaming each table out with COPY.
 */
import type { Sql } from "@ffynnon/db"
import { Effect } from "effect"
import { Concepts } from "../metadata"
import { Acceptability, DescriptionType, SnomedIndex, type Adjacency, type Attribute, type Refset, type RefsetMember } from "./SnomedIndex"

/** Adjacency lists from edges, for `nodeCount` nodes. */
export const adjacency = (nodeCount: number, from: ArrayLike<number>, to: ArrayLike<number>): Adjacency => {
  const starts = new Uint32Array(nodeCount + 1)
  for (let i = 0; i < from.length; i++) starts[from[i]! + 1]!++
  for (let node = 0; node < nodeCount; node++) starts[node + 1]! += starts[node]!
  const fill = starts.slice(0, nodeCount)
  const targets = new Uint32Array(from.length)
  for (let i = 0; i < from.length; i++) targets[fill[from[i]!]!++] = to[i]!
  return { starts, targets }
}

const descriptionTypes: Record<string, number> = {
  [Concepts.fullySpecifiedName]: DescriptionType.fullySpecifiedName,
  [Concepts.synonym]: DescriptionType.synonym,
  [Concepts.definition]: DescriptionType.definition
}

// U+001F (unit separator) never occurs in RF2 content, and COPY does not escape it.
const fieldSeparator = "\u001f"

export const buildIndex = (sql: Sql, releaseId: number, uri: string) =>
  Effect.gen(function* () {
    const release = `release_id = ${Number(releaseId)}`

    const ids: Array<string> = []
    const active: Array<number> = []
    const defined: Array<number> = []
    const moduleIds: Array<string> = []
    const effectiveTimes: Array<string> = []
    yield* sql.copyTo(
      `select id, active::int, definition_status_id, module_id, to_char(effective_time, 'YYYYMMDD') from snomed_concept where ${release} order by id`,
      ([id, isActive, definitionStatus, moduleId, effectiveTime]) => {
        ids.push(id!)
        active.push(Number(isActive))
        defined.push(definitionStatus === Concepts.defined ? 1 : 0)
        moduleIds.push(moduleId!)
        effectiveTimes.push(effectiveTime!)
      }
    )
    const position = new Map(ids.map((id, index) => [id, index]))

    const descriptionIds: Array<string> = []
    const descriptionConcept: Array<number> = []
    const terms: Array<string> = []
    const types: Array<number> = []
    const descriptionActive: Array<number> = []
    const languageCodes: Array<string> = []
    const caseSignificance: Array<string> = []
    yield* sql.copyTo(
      `select id, concept_id, active::int, language_code, type_id, case_significance_id, term from snomed_description where ${release} order by concept_id, id`,
      ([id, conceptId, isActive, languageCode, typeId, caseSignificanceId, term]) => {
        const concept = position.get(conceptId!)
        if (concept === undefined) return
        descriptionIds.push(id!)
        descriptionConcept.push(concept)
        terms.push(term!)
        types.push(descriptionTypes[typeId!] ?? DescriptionType.synonym)
        descriptionActive.push(Number(isActive))
        languageCodes.push(languageCode!)
        caseSignificance.push(caseSignificanceId!)
      }
    )
    const descriptionPosition = new Map(descriptionIds.map((id, index) => [id, index]))

    const childOf: Array<number> = []
    const parentOf: Array<number> = []
    const attributes = new Map<number, Array<Attribute>>()
    const addAttribute = (concept: number, attribute: Attribute) => {
      const list = attributes.get(concept)
      if (list === undefined) attributes.set(concept, [attribute])
      else list.push(attribute)
    }
    yield* sql.copyTo(
      `select source_id, destination_id, relationship_group, type_id from snomed_relationship
       where ${release} and active and characteristic_type_id <> 900000000000010007`,
      ([sourceId, destinationId, group, typeId]) => {
        const source = position.get(sourceId!)
        if (source === undefined) return
        if (typeId === Concepts.isA) {
          const destination = position.get(destinationId!)
          if (destination === undefined) return
          childOf.push(source)
          parentOf.push(destination)
        } else {
          addAttribute(source, { group: Number(group), type: typeId!, value: destinationId!, concrete: false })
        }
      }
    )
    yield* sql.copyTo(
      `select source_id, relationship_group, type_id, value from snomed_concrete_value where ${release} and active`,
      ([sourceId, group, typeId, value]) => {
        const source = position.get(sourceId!)
        if (source !== undefined) addAttribute(source, { group: Number(group), type: typeId!, value: value!, concrete: true })
      }
    )

    const refsets = new Map<string, { id: string; pattern: string; columns: Array<string>; members: Map<string, Array<RefsetMember>> }>()
    yield* sql.copyTo(
      `select refset_id, pattern, array_to_string(columns, '${fieldSeparator}') from snomed_refset_columns where ${release}`,
      ([id, pattern, columns]) => {
        refsets.set(id!, { id: id!, pattern: pattern!, columns: columns === "" ? [] : columns!.split(fieldSeparator), members: new Map() })
      }
    )
    const languageRefsets = new Map<string, Int8Array>()
    for (const [id, refset] of refsets) {
      if (refset.columns.length === 1 && refset.columns[0] === "acceptabilityId") {
        languageRefsets.set(id, new Int8Array(descriptionIds.length))
        refsets.delete(id)
      }
    }
    yield* sql.copyTo(
      `select refset_id, referenced_component_id, array_to_string(fields, '${fieldSeparator}') from snomed_refset_member where ${release} and active`,
      ([refsetId, referenced, fields]) => {
        const acceptability = languageRefsets.get(refsetId!)
        if (acceptability !== undefined) {
          const description = descriptionPosition.get(referenced!)
          if (description !== undefined) {
            acceptability[description] = fields === Concepts.preferred ? Acceptability.preferred : Acceptability.acceptable
          }
          return
        }
        const refset = refsets.get(refsetId!)
        if (refset === undefined) return
        const member = { referencedComponentId: referenced!, fields: refset.columns.length === 0 ? [] : fields!.split(fieldSeparator) }
        const list = refset.members.get(referenced!)
        if (list === undefined) refset.members.set(referenced!, [member])
        else list.push(member)
      }
    )

    return new SnomedIndex(
      releaseId,
      uri,
      { ids, active: Uint8Array.from(active), defined: Uint8Array.from(defined), moduleIds, effectiveTimes },
      {
        ids: descriptionIds,
        concept: Uint32Array.from(descriptionConcept),
        terms,
        type: Uint8Array.from(types),
        active: Uint8Array.from(descriptionActive),
        languageCodes,
        caseSignificance,
        byConcept: adjacency(ids.length, descriptionConcept, descriptionConcept.map((_, index) => index))
      },
      adjacency(ids.length, childOf, parentOf),
      adjacency(ids.length, parentOf, childOf),
      attributes,
      languageRefsets,
      refsets as ReadonlyMap<string, Refset>
    )
  })
