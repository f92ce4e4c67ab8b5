/**
 * Builds a release's serving index from the store, streaming each table out with COPY. Strings
 * that repeat (modules, languages) are kept once; ids, flags and graphs go into typed arrays;
 * what serving does not use (OWL axioms) is left in the store.
 */
import { detached, type Sql } from "@ffynnon/db"
import { Effect } from "effect"
import { Concepts } from "../metadata"
import { adjacency, PackedStrings } from "@ffynnon/terminology"
import { Acceptability, CaseSignificance, DescriptionType, fieldSeparator, SnomedIndex, type Attribute, type Refset } from "./SnomedIndex"

/** A growable typed array. */
class Numbers<T extends Uint8Array | Uint16Array | Uint32Array> {
  private length = 0
  constructor(private array: T) {}
  push(value: number) {
    if (this.length === this.array.length) {
      const grown = new (this.array.constructor as new (length: number) => T)(Math.max(1024, this.array.length * 2))
      grown.set(this.array)
      this.array = grown
    }
    this.array[this.length++] = value
  }
  done(): T {
    return this.array.slice(0, this.length) as T
  }
}

/** Gives each distinct string a small number. */
class Codes {
  readonly values: Array<string> = []
  private readonly numbers = new Map<string, number>()
  of(value: string) {
    let number = this.numbers.get(value)
    if (number === undefined) {
      number = this.values.push(value) - 1
      this.numbers.set(value, number)
    }
    return number
  }
}

const caseSignificances: Record<string, number> = {
  "900000000000017005": CaseSignificance.sensitive,
  "900000000000020002": CaseSignificance.initialInsensitive,
  "900000000000448009": CaseSignificance.insensitive
}

const descriptionTypes: Record<string, number> = {
  [Concepts.fullySpecifiedName]: DescriptionType.fullySpecifiedName,
  [Concepts.synonym]: DescriptionType.synonym,
  [Concepts.definition]: DescriptionType.definition
}

// The refset fields come out of the store joined by U+001F (unit separator), which RF2 content
// never holds and COPY does not escape.
const statedRelationship = "900000000000010007"
/**
 * Refsets whose fields are kept: associations and maps (their rows are translated by $translate)
 * and the MRCM attribute domains and ranges (expressions are checked against them).
 */
const keepsRows = (columns: ReadonlyArray<string>) =>
  ["targetComponentId", "mapTarget", "domainId", "rangeConstraint"].some((column) => columns.includes(column))

/**
 * The rows of `table` in `releaseIds`, one per `key`, an earlier release's row over a later one's:
 * translations laid over the release they translate. Leaving out the release's rows that a
 * translation replaces is an anti-join against the small translation, not a sort of the release.
 */
const layered = (table: string, releaseIds: ReadonlyArray<number>, key = "id") =>
  `(${releaseIds
    .map((releaseId, layer) =>
      layer === 0
        ? `select * from ${table} where release_id = ${releaseId}`
        : `select * from ${table} x where release_id = ${releaseId} and not exists
           (select 1 from ${table} o where o.release_id in (${releaseIds.slice(0, layer).join(", ")}) and o.${key} = x.${key})`
    )
    .join(" union all ")}) rows`

/**
 * The serving index of release `releaseId` under `uri`, with the rows of the `translations` loaded
 * on it laid over its own (in load order: a later translation's row wins): one index serves the
 * release and its translated editions.
 */
export const buildIndex = (sql: Sql, releaseId: number, uri: string, translations: ReadonlyArray<number> = []) =>
  Effect.gen(function* () {
    const releaseIds = [...translations.toReversed(), releaseId].map(Number)
    const rowsOf = (table: string, key?: string) => layered(table, releaseIds, key)

    const ids: Array<bigint> = []
    const position = new Map<string, number>()
    const active = new Numbers(new Uint8Array(1024))
    const defined = new Numbers(new Uint8Array(1024))
    const modules = new Codes()
    const module = new Numbers(new Uint16Array(1024))
    const effectiveTime = new Numbers(new Uint32Array(1024))
    yield* sql.copyTo(
      `select id, active::int, definition_status_id, module_id, to_char(effective_time, 'YYYYMMDD') from ${rowsOf("snomed_concept")} order by id`,
      ([id, isActive, definitionStatus, moduleId, time]) => {
        position.set(id!, ids.length)
        ids.push(BigInt(id!))
        active.push(Number(isActive))
        defined.push(definitionStatus === Concepts.defined ? 1 : 0)
        module.push(modules.of(detached(moduleId!)))
        effectiveTime.push(Number(time))
      }
    )

    const descriptionIds: Array<bigint> = []
    const descriptionModule = new Numbers(new Uint16Array(1024))
    const descriptionTime = new Numbers(new Uint32Array(1024))
    const descriptionPosition = new Map<string, number>()
    const descriptionConcept = new Numbers(new Uint32Array(1024))
    const terms: Array<string> = []
    const types = new Numbers(new Uint8Array(1024))
    const descriptionActive = new Numbers(new Uint8Array(1024))
    const languages = new Codes()
    const language = new Numbers(new Uint8Array(1024))
    const caseSignificance = new Numbers(new Uint8Array(1024))
    yield* sql.copyTo(
      `select id, concept_id, active::int, language_code, type_id, term, case_significance_id, module_id, to_char(effective_time, 'YYYYMMDD')
       from ${rowsOf("snomed_description")} order by concept_id, id`,
      ([id, conceptId, isActive, languageCode, typeId, term, caseSignificanceId, moduleId, time]) => {
        const concept = position.get(conceptId!)
        if (concept === undefined) return
        descriptionPosition.set(id!, terms.length)
        descriptionIds.push(BigInt(id!))
        descriptionModule.push(modules.of(detached(moduleId!)))
        descriptionTime.push(Number(time))
        descriptionConcept.push(concept)
        terms.push(term!)
        types.push(descriptionTypes[typeId!] ?? DescriptionType.synonym)
        descriptionActive.push(Number(isActive))
        language.push(languages.of(detached(languageCode!)))
        caseSignificance.push(caseSignificances[caseSignificanceId!] ?? CaseSignificance.sensitive)
      }
    )

    const childOf = new Numbers(new Uint32Array(1024))
    const parentOf = new Numbers(new Uint32Array(1024))
    const attributeSource = new Numbers(new Uint32Array(1024))
    const attributeType = new Numbers(new Uint32Array(1024))
    const attributeValue = new Numbers(new Uint32Array(1024))
    const attributeGroup = new Numbers(new Uint16Array(1024))
    yield* sql.copyTo(
      `select source_id, destination_id, relationship_group, type_id from ${rowsOf("snomed_relationship")}
       where active and characteristic_type_id <> ${statedRelationship}`,
      ([sourceId, destinationId, group, typeId]) => {
        const source = position.get(sourceId!)
        const destination = position.get(destinationId!)
        if (source === undefined || destination === undefined) return
        if (typeId === Concepts.isA) {
          childOf.push(source)
          parentOf.push(destination)
          return
        }
        const type = position.get(typeId!)
        if (type === undefined) return
        attributeSource.push(source)
        attributeType.push(type)
        attributeValue.push(destination)
        attributeGroup.push(Number(group))
      }
    )
    const concreteValues = new Map<number, Array<Attribute>>()
    yield* sql.copyTo(
      `select source_id, relationship_group, type_id, value from ${rowsOf("snomed_concrete_value")} where active`,
      ([sourceId, group, typeId, value]) => {
        const source = position.get(sourceId!)
        if (source === undefined) return
        const attribute = { group: Number(group), type: detached(typeId!), value: detached(value!), concrete: true }
        const list = concreteValues.get(source)
        if (list === undefined) concreteValues.set(source, [attribute])
        else list.push(attribute)
      }
    )

    interface RefsetBuilder {
      readonly id: string
      readonly pattern: string
      readonly columns: Array<string>
      readonly concepts: Array<number>
      readonly rowConcepts: Numbers<Uint32Array>
      readonly rowActive: Numbers<Uint8Array>
      readonly rowStamps: Array<number>
      readonly stamps: Codes
      readonly rowFields: Array<string>
    }
    const refsets = new Map<string, RefsetBuilder>()
    const languageRefsets = new Map<string, Int8Array>()
    yield* sql.copyTo(
      `select refset_id, pattern, array_to_string(columns, '${fieldSeparator}') from ${rowsOf("snomed_refset_columns", "refset_id")}`,
      ([id, pattern, names]) => {
        const columns = names === "" ? [] : names!.split(fieldSeparator)
        if (columns.length === 1 && columns[0] === "acceptabilityId") languageRefsets.set(id!, new Int8Array(terms.length))
        else if (!columns.includes("owlExpression")) {
          refsets.set(id!, {
            id: detached(id!),
            pattern: detached(pattern!),
            columns: columns.map(detached),
            concepts: [],
            rowConcepts: new Numbers(new Uint32Array(1024)),
            rowActive: new Numbers(new Uint8Array(1024)),
            rowStamps: [],
            stamps: new Codes(),
            rowFields: []
          })
        }
      }
    )
    // Inactive rows too, for member filters.
    yield* sql.copyTo(
      `select refset_id, referenced_component_id, array_to_string(fields, '${fieldSeparator}'), active::int, module_id, to_char(effective_time, 'YYYYMMDD')
       from ${rowsOf("snomed_refset_member")}`,
      ([refsetId, referenced, fields, isActive, moduleId, time]) => {
        const acceptability = languageRefsets.get(refsetId!)
        if (acceptability !== undefined) {
          if (isActive !== "1") return
          const description = descriptionPosition.get(referenced!)
          if (description !== undefined) {
            acceptability[description] = fields === Concepts.preferred ? Acceptability.preferred : Acceptability.acceptable
          }
          return
        }
        const refset = refsets.get(refsetId!)
        const concept = position.get(referenced!)
        if (refset === undefined || concept === undefined) return
        if (isActive === "1") refset.concepts.push(concept)
        refset.rowConcepts.push(concept)
        refset.rowActive.push(Number(isActive))
        // Module index and date in one number: distinct pairs are few.
        refset.rowStamps.push(refset.stamps.of(`${modules.of(detached(moduleId!))}:${time}`))
        if (keepsRows(refset.columns)) refset.rowFields.push(fields!)
      }
    )

    const alternateIdentifiers = new Map<string, Map<string, number>>()
    yield* sql.copyTo(
      `select identifier_scheme_id, alternate_identifier, referenced_component_id from ${rowsOf("snomed_identifier", "alternate_identifier")} where active`,
      ([schemeId, code, referenced]) => {
        const concept = position.get(referenced!)
        if (concept === undefined) return
        let codes = alternateIdentifiers.get(schemeId!)
        if (codes === undefined) alternateIdentifiers.set(detached(schemeId!), (codes = new Map()))
        codes.set(detached(code!), concept)
      }
    )

    const conceptCount = ids.length
    const descriptionsOfConcept = descriptionConcept.done()
    const sources = attributeSource.done()
    return new SnomedIndex(
      releaseId,
      uri,
      {
        ids: BigUint64Array.from(ids),
        active: active.done(),
        defined: defined.done(),
        module: module.done(),
        modules: modules.values,
        effectiveTime: effectiveTime.done()
      },
      {
        ids: BigUint64Array.from(descriptionIds),
        concept: descriptionsOfConcept,
        terms: PackedStrings.from(terms),
        type: types.done(),
        active: descriptionActive.done(),
        language: language.done(),
        languages: languages.values,
        caseSignificance: caseSignificance.done(),
        module: descriptionModule.done(),
        effectiveTime: descriptionTime.done(),
        byConcept: adjacency(
          conceptCount,
          descriptionsOfConcept,
          Uint32Array.from({ length: terms.length }, (_, index) => index)
        )
      },
      adjacency(conceptCount, childOf.done(), parentOf.done()),
      adjacency(conceptCount, parentOf.done(), childOf.done()),
      {
        byConcept: adjacency(
          conceptCount,
          sources,
          Uint32Array.from({ length: sources.length }, (_, index) => index)
        ),
        type: attributeType.done(),
        value: attributeValue.done(),
        group: attributeGroup.done()
      },
      concreteValues,
      languageRefsets,
      new Map(
        [...refsets].map(([id, { rowConcepts, rowActive, rowStamps, stamps, rowFields, ...refset }]) => {
          const concept = rowConcepts.done()
          const active = rowActive.done()
          const pairs = stamps.values.map((stamp) => stamp.split(":"))
          const members = {
            concept,
            active,
            stamp: stamps.values.length > 0xffff ? Uint32Array.from(rowStamps) : Uint16Array.from(rowStamps),
            stamps: {
              module: Uint16Array.from(pairs, ([module]) => Number(module)),
              effectiveTime: Uint32Array.from(pairs, ([, time]) => Number(time))
            }
          }
          const activeRows = Uint32Array.from({ length: concept.length }, (_, row) => row).filter((row) => active[row] === 1)
          const rows = keepsRows(refset.columns)
            ? {
                rows: {
                  concept,
                  fields: PackedStrings.from(rowFields),
                  byConcept: adjacency(
                    conceptCount,
                    Uint32Array.from(activeRows, (row) => concept[row]!),
                    activeRows
                  )
                }
              }
            : {}
          const { id: refsetId, pattern, columns } = refset
          return [
            id,
            {
              id: refsetId,
              pattern,
              columns,
              concepts: Uint32Array.from(new Set(refset.concepts)).sort(),
              members,
              ...rows
            } satisfies Refset
          ]
        })
      ),
      alternateIdentifiers
    )
  })
