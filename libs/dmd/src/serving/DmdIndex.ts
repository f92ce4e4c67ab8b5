/**
 * One dm+d release in memory, read from the store: the five product classes as one hierarchy
 * (VTM → VMP → AMP → AMPP and VMP → VMPP → AMPP), each product's properties from its record and
 * the records that hang off it, a word index for search, and the navigation the library offers
 * (ingredients, BNF and ATC codes, GTINs, previous codes). Concepts are integers: the five class
 * and five kind concepts first, then the products, then the ingredients, forms, routes, suppliers
 * and units. A concept's properties are kept as JSON text, parsed when asked for: a fraction of
 * the memory of objects, and the index is written to disk as it is. Codes, names, the hierarchy
 * and the word index are packed into typed arrays, which the index file holds as raw bytes (shared
 * by the serving threads) rather than as JSON to parse in each.
 */
import type { Sql } from "@ffynnon/db"
import { adjacencyOfLists, neighbours, PackedStrings, searchWords, type PropertyValue } from "@ffynnon/terminology"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { columnName, lookupTables, recordSpecs, type FieldType, type RecordSpec } from "../release/spec"
import { dmdSystem } from "../store/load"

export const dmdClasses = ["VTM", "VMP", "AMP", "VMPP", "AMPP"] as const
export type DmdClass = (typeof dmdClasses)[number]

export const classNames: Record<DmdClass, string> = {
  VTM: "Virtual Therapeutic Moiety",
  VMP: "Virtual Medicinal Product",
  AMP: "Actual Medicinal Product",
  VMPP: "Virtual Medicinal Product Pack",
  AMPP: "Actual Medicinal Product Pack"
}

/**
 * The other concepts, as NHS England's server has them: ingredients, and the forms, routes,
 * suppliers and units of measure of the lookup file, each below a concept of its kind.
 */
export const dmdKinds = ["INGREDIENT", "FORM", "ROUTE", "SUPPLIER", "UOM"] as const
export type DmdKind = (typeof dmdKinds)[number]

const kindNames: Record<DmdKind, string> = {
  INGREDIENT: "Ingredient",
  FORM: "Form",
  ROUTE: "Route",
  SUPPLIER: "Supplier",
  UOM: "Unit of Measure"
}

/** The lookup tables whose codes are concepts, and their kinds. */
export const kindTables: Readonly<Record<string, DmdKind>> = { FORM: "FORM", ROUTE: "ROUTE", SUPPLIER: "SUPPLIER", UNIT_OF_MEASURE: "UOM" }

/** The concepts that group the others, first in every index: the classes, then the kinds. */
const groupings: ReadonlyArray<string> = [...dmdClasses, ...dmdKinds]
const groupingNames: Record<string, string> = { ...classNames, ...kindNames }

/**
 * Each class's table, identifier, the field that displays it and the fields naming its parents in
 * the hierarchy. An AMP is displayed by its description (`DESC`, the name with the supplier), as
 * NHS England's server does: many AMPs share a name.
 */
const classRecords: Record<
  DmdClass,
  { readonly record: string; readonly id: string; readonly display: string; readonly parents: ReadonlyArray<string> }
> = {
  VTM: { record: "vtm", id: "VTMID", display: "NM", parents: [] },
  VMP: { record: "vmp", id: "VPID", display: "NM", parents: ["VTMID"] },
  AMP: { record: "amp", id: "APID", display: "DESC", parents: ["VPID"] },
  VMPP: { record: "vmpp", id: "VPPID", display: "NM", parents: ["VPID"] },
  AMPP: { record: "ampp", id: "APPID", display: "NM", parents: ["APID", "VPPID"] }
}

/**
 * Records that add properties to a product, the field that names it, and how: `group` as one
 * property with subproperties (an ingredient with its strength), otherwise each field as its own
 * property, renamed where two records of one class use the same element name.
 */
const propertyRecords: ReadonlyArray<{
  readonly record: string
  readonly by: string
  readonly group?: string
  readonly rename?: Readonly<Record<string, string>>
  /** Only some of the fields, and only the rows that `when` accepts. */
  readonly fields?: ReadonlyArray<string>
  readonly when?: (row: StoredRow) => boolean
}> = [
  { record: "vpi", by: "VPID", group: "VPI" },
  { record: "ont_drug_form", by: "VPID", rename: { FORMCD: "ONTFORMCD" } },
  { record: "drug_form", by: "VPID" },
  { record: "drug_route", by: "VPID" },
  { record: "control_info", by: "VPID" },
  { record: "bnf_vmp", by: "VPID" },
  { record: "ap_ingredient", by: "APID", group: "AP_ING" },
  { record: "licensed_route", by: "APID" },
  { record: "ap_info", by: "APID" },
  { record: "bnf_amp", by: "APID" },
  { record: "dtinfo", by: "VPPID" },
  { record: "vmpp_comb_content", by: "PRNTVPPID" },
  { record: "vmpp_comb_content", by: "CHLDVPPID" },
  { record: "pack_info", by: "APPID" },
  { record: "prescrib_info", by: "APPID" },
  { record: "price_info", by: "APPID" },
  { record: "reimb_info", by: "APPID" },
  { record: "ampp_comb_content", by: "PRNTAPPID" },
  { record: "ampp_comb_content", by: "CHLDAPPID" },
  // The GTINs in use; ended ones still find their AMPP through `forGtin`.
  { record: "gtin", by: "AMPPID", fields: ["GTIN"], when: (row) => row.ENDDT === null },
  { record: "vtm_ingredient", by: "VTMID", group: "ING" }
]

type StoredRow = Record<string, string | number | boolean | null>

const specOf = (name: string) => recordSpecs.find(({ record }) => record.name === name)!.record

/** A record's columns as the XML element names, in a form both drivers return alike (bigint, numeric and date as text). */
const selectRows = (tx: Sql, record: RecordSpec, releaseId: number) =>
  tx.query<StoredRow>(
    sql.raw(
      `select ${Object.entries(record.fields)
        .map(([field, type]) => `${columnName(field) === "desc" ? '"desc"' : columnName(field)}${castOf[type]} as "${field}"`)
        .join(", ")} from dmd_${record.name} where release_id = ${releaseId}`
    )
  )
const castOf: Record<FieldType, string> = {
  id: "::text",
  code: "",
  text: "",
  date: "::text",
  flag: "",
  int: "",
  pence: "",
  decimal: "::text"
}

/**
 * A lookup code as a Coding with its table's description, as NHS England's server gives it: forms,
 * routes, suppliers and units are dm+d concepts (system https://dmd.nhs.uk), here as there; the
 * other tables are code systems of their own. Stored as the bare code; made a Coding when asked for.
 */
const withLookup = (property: PropertyValue, descriptions: ReadonlyMap<string, string>): PropertyValue => {
  const table = lookupTables[property.code]
  if (property.subproperty !== undefined)
    return { ...property, subproperty: property.subproperty.map((sub) => withLookup(sub, descriptions)) }
  if (table === undefined || property.valueCode === undefined) return property
  const display = descriptions.get(`${table}|${property.valueCode}`)
  const system = table in kindTables ? dmdSystem : `${dmdSystem}/${table}`
  return { code: property.code, valueCoding: { system, code: property.valueCode, ...(display === undefined ? {} : { display }) } }
}

const propertyValue = (code: string, type: FieldType, value: string | number | boolean): PropertyValue | undefined => {
  switch (type) {
    case "flag":
      return value === true ? { code, valueBoolean: true } : undefined
    case "int":
    case "pence":
      return { code, valueInteger: Number(value) }
    case "decimal":
      return { code, valueDecimal: Number(value) }
    case "date":
      return { code, valueDateTime: String(value) }
    case "text":
      return { code, valueString: String(value) }
    default:
      return { code, valueCode: String(value) }
  }
}

/** A record's fields as properties, leaving out `omit` (the product's own identifier, names, flags shown otherwise). */
const fieldProperties = (record: RecordSpec, row: StoredRow, omit: ReadonlySet<string>, rename: Readonly<Record<string, string>> = {}) =>
  Object.entries(record.fields).flatMap(([field, type]) => {
    const value = row[field]
    if (omit.has(field) || value === null || value === undefined) return []
    return propertyValue(rename[field] ?? field, type, value) ?? []
  })

/** `BNF` codes and the like with `*` (any characters) and `?` (one) as a regular expression. */
const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replaceAll("*", ".*")
      .replaceAll("?", ".")}$`,
    "i"
  )

/** A GTIN an AMPP has or had: `end` is null while it is in use. */
export interface GtinUse {
  readonly gtin: string
  readonly start: string
  readonly end: string | null
}

/**
 * A code change: a row of HISTORIC_CODES (with the dates the previous code was in use; a row whose
 * codes are the same gives the current code's start), or a `VTMIDPREV`, `VPIDPREV` or `ISIDPREV`
 * field the history file does not repeat (no dates).
 */
export interface CodeChange {
  readonly previous: string
  readonly current: string
  readonly start: string | null
  readonly end: string | null
}

export interface DmdProduct {
  readonly code: string
  readonly class: DmdClass
  readonly name: string
  readonly invalid: boolean
}

/** Code order for the binary search: plain string order, the same in every thread and locale. */
const compareCodes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The concepts as they are added while an index is built, before they are packed. */
class ConceptDraft {
  readonly codes: Array<string> = [...groupings]
  readonly names: Array<string> = groupings.map((name) => groupingNames[name]!)
  readonly classes: Array<number> = groupings.map(() => -1)
  readonly invalid: Array<boolean> = groupings.map(() => false)
  readonly parentsOf: Array<Array<number>> = groupings.map(() => [])
  readonly childrenOf: Array<Array<number>> = groupings.map(() => [])
  readonly byCode = new Map<string, number>(groupings.map((name, position) => [name, position]))

  conceptsOf(name: DmdClass) {
    return this.childrenOf[dmdClasses.indexOf(name)]!
  }
}

export class DmdIndex {
  private codes = PackedStrings.from([])
  private names = PackedStrings.from([])
  /** Each concept's class or kind, as its grouping's position; -1 for the groupings. */
  private classes = new Int8Array(0)
  /** 1 for an invalid product. */
  private invalid = new Uint8Array(0)
  private parentsOf = adjacencyOfLists([])
  private childrenOf = adjacencyOfLists([])
  /** The concepts in the order of their codes, for finding a code by binary search. */
  private codeOrder = new Uint32Array(0)
  private propertyTexts = PackedStrings.from([])
  /** The lookup tables' descriptions by table and code (`FORM|385023001`). */
  private readonly lookupDescriptions = new Map<string, string>()
  private readonly combParents = new Map<number, Array<number>>()
  private readonly combChildren = new Map<number, Array<number>>()
  private readonly ingredients = new Map<string, { name: string; products: Array<number> }>()
  private readonly bnf: Array<{ code: string; concept: number }> = []
  private readonly atc: Array<{ code: string; concept: number }> = []
  private readonly gtins = new Map<string, Array<number>>()
  private readonly gtinUses = new Map<number, Array<GtinUse>>()
  /** Code changes by previous code, and the previous codes of each current code. */
  private readonly changes = new Map<string, Array<CodeChange>>()
  private readonly changedTo = new Map<string, Array<string>>()
  // The word index: the words sorted, the concepts of each, and each concept's words as positions
  // in `vocabulary` (from `wordsAt[concept]` to `wordsAt[concept + 1]` in `words`).
  private vocabulary: Array<string> = []
  private postings = adjacencyOfLists([])
  private wordsAt = new Uint32Array(0)
  private words = new Uint32Array(0)

  private constructor(
    readonly releaseId: number,
    readonly version: string
  ) {}

  /** Reads release `releaseId` from the store. */
  static build = (tx: Sql, releaseId: number, version: string) =>
    Effect.gen(function* () {
      const index = new DmdIndex(releaseId, version)
      const draft = new ConceptDraft()
      // Each concept's row, and the record it is of with the fields that are not properties (its code, name, INVALID).
      const rows: Array<StoredRow | undefined> = groupings.map(() => undefined)
      const records: Array<{ readonly spec: RecordSpec; readonly omit: ReadonlySet<string> } | undefined> = groupings.map(() => undefined)
      const related: Array<Array<PropertyValue> | undefined> = []
      const add = (
        grouping: string,
        code: string,
        name: string,
        row: StoredRow,
        record: { spec: RecordSpec; omit: ReadonlySet<string> }
      ) => {
        // A code is one concept: the first of its kinds (codes are SCTIDs, so this guards a bad release).
        if (draft.byCode.has(code)) return
        const position = groupings.indexOf(grouping)
        const concept = draft.codes.length
        draft.codes.push(code)
        draft.names.push(name)
        draft.classes.push(position)
        draft.invalid.push(row.INVALID === true)
        rows.push(row)
        records.push(record)
        draft.parentsOf.push([position])
        draft.childrenOf.push([])
        draft.childrenOf[position]!.push(concept)
        draft.byCode.set(code, concept)
      }
      const lookupRows = yield* selectRows(tx, specOf("lookup"), releaseId)
      for (const row of lookupRows) {
        if (row.DESC !== null) index.lookupDescriptions.set(`${row.TYPE}|${row.CD}`, String(row.DESC))
      }
      for (const name of dmdClasses) {
        const { record, id, display } = classRecords[name]
        const own = { spec: specOf(record), omit: new Set([id, display, "INVALID"]) }
        for (const row of yield* selectRows(tx, own.spec, releaseId)) add(name, String(row[id]), String(row[display]), row, own)
      }
      for (const name of dmdClasses) {
        for (const field of classRecords[name].parents) {
          for (const concept of draft.conceptsOf(name)) {
            const parent = draft.byCode.get(String(rows[concept]![field] ?? ""))
            if (parent === undefined) continue
            draft.parentsOf[concept]!.push(parent)
            draft.childrenOf[parent]!.push(concept)
          }
        }
      }
      const ingredientRows = yield* selectRows(tx, specOf("ingredient"), releaseId)
      const ingredient = { spec: specOf("ingredient"), omit: new Set(["ISID", "NM", "INVALID"]) }
      for (const row of ingredientRows) {
        index.ingredients.set(String(row.ISID), { name: String(row.NM), products: [] })
        add("INGREDIENT", String(row.ISID), String(row.NM), row, ingredient)
      }
      const lookup = { spec: specOf("lookup"), omit: new Set(["TYPE", "CD", "DESC", "INVALID"]) }
      for (const row of lookupRows) {
        const kind = kindTables[String(row.TYPE)]
        if (kind !== undefined) add(kind, String(row.CD), String(row.DESC ?? row.CD), row, lookup)
      }
      for (const { record, by, group, rename, fields, when } of propertyRecords) {
        const spec = specOf(record)
        const omit = new Set([by, ...Object.keys(spec.fields).filter((field) => fields !== undefined && !fields.includes(field))])
        for (const row of yield* selectRows(tx, spec, releaseId)) {
          const concept = draft.byCode.get(String(row[by]))
          if (concept === undefined) continue
          index.navigationFrom(record, by, row, concept, draft.byCode)
          if (when !== undefined && !when(row)) continue
          const properties = (related[concept] ??= [])
          const own = fieldProperties(spec, row, omit, rename)
          if (group !== undefined) properties.push({ code: group, subproperty: own })
          else properties.push(...own)
        }
      }
      for (const row of yield* selectRows(tx, specOf("history"), releaseId)) {
        index.addChange(String(row.IDPREVIOUS), String(row.IDCURRENT), row.STARTDT as string, row.ENDDT as string | null)
      }
      const previousFields: Array<readonly [StoredRow, string, string]> = [
        ...draft.conceptsOf("VTM").map((concept) => [rows[concept]!, "VTMIDPREV", "VTMID"] as const),
        ...draft.conceptsOf("VMP").map((concept) => [rows[concept]!, "VPIDPREV", "VPID"] as const),
        ...ingredientRows.map((row) => [row, "ISIDPREV", "ISID"] as const)
      ]
      for (const [row, field, id] of previousFields) {
        const previous = row[field]
        const current = String(row[id])
        const known = index.changes.get(String(previous))?.some((change) => change.current === current) ?? false
        if (previous !== null && previous !== undefined && !known) index.addChange(String(previous), current, null, null)
      }
      index.propertyTexts = PackedStrings.from(
        rows.map((row, concept) => {
          const record = records[concept]
          if (row === undefined || record === undefined) return "[]"
          return JSON.stringify([...fieldProperties(record.spec, row, record.omit), ...(related[concept] ?? [])])
        })
      )
      index.pack(draft)
      index.buildWords()
      return index
    })

  private pack(draft: ConceptDraft) {
    this.codes = PackedStrings.from(draft.codes)
    this.names = PackedStrings.from(draft.names)
    this.classes = Int8Array.from(draft.classes)
    this.invalid = Uint8Array.from(draft.invalid, Number)
    this.parentsOf = adjacencyOfLists(draft.parentsOf)
    this.childrenOf = adjacencyOfLists(draft.childrenOf)
    this.codeOrder = Uint32Array.from(draft.codes.keys()).sort((a, b) => compareCodes(draft.codes[a]!, draft.codes[b]!))
  }

  private addChange(previous: string, current: string, start: string | null, end: string | null) {
    const change: CodeChange = { previous, current, start, end }
    const from = this.changes.get(previous)
    if (from === undefined) this.changes.set(previous, [change])
    else from.push(change)
    const to = this.changedTo.get(current)
    if (to === undefined) this.changedTo.set(current, [previous])
    else if (!to.includes(previous)) to.push(previous)
  }

  /** Links the navigation structures a related record carries (combination packs, ingredients, BNF and ATC codes, GTINs). */
  private navigationFrom(record: string, by: string, row: StoredRow, concept: number, byCode: ReadonlyMap<string, number>) {
    const append = <K>(map: Map<K, Array<number>>, key: K, value: number | undefined) => {
      if (value === undefined) return
      const list = map.get(key)
      if (list === undefined) map.set(key, [value])
      else list.push(value)
    }
    if (by === "PRNTVPPID" || by === "PRNTAPPID") {
      append(this.combChildren, concept, byCode.get(String(row[by === "PRNTVPPID" ? "CHLDVPPID" : "CHLDAPPID"])))
    } else if (by === "CHLDVPPID" || by === "CHLDAPPID") {
      append(this.combParents, concept, byCode.get(String(row[by === "CHLDVPPID" ? "PRNTVPPID" : "PRNTAPPID"])))
    } else if (record === "gtin") {
      append(this.gtins, String(row.GTIN), concept)
      const use: GtinUse = { gtin: String(row.GTIN), start: String(row.STARTDT), end: row.ENDDT === null ? null : String(row.ENDDT) }
      const uses = this.gtinUses.get(concept)
      if (uses === undefined) this.gtinUses.set(concept, [use])
      else uses.push(use)
    } else if (record === "vpi" || record === "ap_ingredient" || record === "vtm_ingredient") {
      this.ingredients.get(String(row.ISID))?.products.push(concept)
    }
    if (typeof row.BNF === "string") this.bnf.push({ code: row.BNF, concept })
    if (typeof row.ATC === "string") this.atc.push({ code: row.ATC, concept })
  }

  private buildWords() {
    const words = new Map<string, Array<number>>()
    for (let concept = groupings.length; concept < this.codes.length; concept++) {
      for (const word of new Set(searchWords(this.names.get(concept)))) {
        const list = words.get(word)
        if (list === undefined) words.set(word, [concept])
        else list.push(concept)
      }
    }
    this.vocabulary = [...words.keys()].sort()
    const postings = this.vocabulary.map((word) => words.get(word)!)
    this.postings = adjacencyOfLists(postings)
    const perConcept: Array<Array<number>> = Array.from({ length: this.codes.length }, () => [])
    for (const [position, concepts] of postings.entries()) for (const concept of concepts) perConcept[concept]!.push(position)
    this.wordsAt = new Uint32Array(this.codes.length + 1)
    this.words = new Uint32Array(postings.reduce((sum, concepts) => sum + concepts.length, 0))
    let at = 0
    for (const [concept, positions] of perConcept.entries()) {
      this.wordsAt[concept] = at
      this.words.set(positions, at)
      at += positions.length
    }
    this.wordsAt[this.codes.length] = at
  }

  /** A lookup table's codes and descriptions, in code order (the `CONTROL_DRUG_CATEGORY` table, …). */
  lookupTable(table: string): ReadonlyArray<{ readonly code: string; readonly description: string }> {
    const prefix = `${table}|`
    return [...this.lookupDescriptions]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, description]) => ({ code: key.slice(prefix.length), description }))
      .sort((a, b) => a.code.localeCompare(b.code))
  }

  get size() {
    return this.codes.length
  }
  locate(code: string): number | undefined {
    const { codeOrder } = this
    let low = 0
    let high = codeOrder.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compareCodes(this.codes.get(codeOrder[middle]!), code) < 0) low = middle + 1
      else high = middle
    }
    const concept = codeOrder[low]
    return concept !== undefined && this.codes.get(concept) === code ? concept : undefined
  }
  code(concept: number) {
    return this.codes.get(concept)
  }
  display(concept: number) {
    return this.names.get(concept)
  }
  /** The product's class; undefined for the other concepts. */
  classOf(concept: number): DmdClass | undefined {
    return dmdClasses[this.classes[concept]!]
  }
  isProduct(concept: number) {
    return this.classOf(concept) !== undefined
  }
  isInvalid(concept: number) {
    return this.invalid[concept] === 1
  }
  /** Whether the concept is one that groups others: a class (`VMP`) or a kind (`FORM`). */
  isClass(concept: number) {
    return concept < groupings.length
  }
  /** The class and kind concepts. */
  groupings(): ReadonlyArray<number> {
    return groupings.map((_, position) => position)
  }
  /** The class concept first, then the parents in the product hierarchy. */
  parents(concept: number): ReadonlyArray<number> {
    return Array.from(neighbours(this.parentsOf, concept))
  }
  children(concept: number): ReadonlyArray<number> {
    return Array.from(neighbours(this.childrenOf, concept))
  }
  conceptsOf(...classes: ReadonlyArray<DmdClass>): ReadonlyArray<number> {
    return classes.flatMap((name) => Array.from(neighbours(this.childrenOf, dmdClasses.indexOf(name))))
  }

  /**
   * The product's own fields and those of the records that hang off it, named as in the release
   * files; with `only`, just the properties of that code (a filter's test, which skips the parse
   * for products without one).
   */
  properties(concept: number, only?: string): ReadonlyArray<PropertyValue> {
    const text = this.propertyTexts.get(concept)
    if (only !== undefined && !text.includes(`"code":${JSON.stringify(only)}`)) return []
    const properties = (JSON.parse(text) as Array<PropertyValue>).filter((property) => only === undefined || property.code === only)
    return properties.map((property) => withLookup(property, this.lookupDescriptions))
  }

  /** The product and everything below it in the hierarchy, in code order by class. */
  descendants(concept: number): Set<number> {
    const found = new Set<number>([concept])
    for (const member of found) for (const child of neighbours(this.childrenOf, member)) found.add(child)
    return found
  }
  ancestors(concept: number): Set<number> {
    const found = new Set<number>([concept])
    for (const member of found) for (const parent of neighbours(this.parentsOf, member)) found.add(parent)
    return found
  }

  /** The products whose names have every word of `text` as a word's prefix, best first: fewer words, then shorter names. */
  search(text: string, accept: (concept: number) => boolean = () => true): Array<number> {
    const query = searchWords(text)
    if (query.length === 0) return []
    const ranges = query.map((word) => {
      let low = 0
      let high = this.vocabulary.length
      while (low < high) {
        const middle = (low + high) >> 1
        if (this.vocabulary[middle]! < word) low = middle + 1
        else high = middle
      }
      let end = low
      while (end < this.vocabulary.length && this.vocabulary[end]!.startsWith(word)) end++
      let count = 0
      for (let position = low; position < end; position++) count += neighbours(this.postings, position).length
      return { word, low, end, count }
    })
    if (ranges.some((range) => range.count === 0)) return []
    const rarest = ranges.reduce((best, range) => (range.count < best.count ? range : best))
    const candidates = new Set<number>()
    for (let position = rarest.low; position < rarest.end; position++)
      for (const concept of neighbours(this.postings, position)) candidates.add(concept)
    // A query word matches a concept's word when that word's position is in the query word's range: integer tests, no text.
    const found: Array<{ concept: number; exact: number; words: number }> = []
    for (const concept of candidates) {
      const start = this.wordsAt[concept]!
      const stop = this.wordsAt[concept + 1]!
      let exact = 0
      const matches = ranges.every((range) => {
        for (let at = start; at < stop; at++) {
          const word = this.words[at]!
          if (word >= range.low && word < range.end) {
            if (this.vocabulary[word] === range.word) exact++
            return true
          }
        }
        return false
      })
      if (matches && accept(concept)) found.push({ concept, exact, words: stop - start })
    }
    return found
      .sort(
        (a, b) =>
          b.exact - a.exact || a.words - b.words || this.names.lengthOf(a.concept) - this.names.lengthOf(b.concept) || a.concept - b.concept
      )
      .map(({ concept }) => concept)
  }

  // Navigation for library users, by code.

  product(code: string): DmdProduct | undefined {
    const concept = this.locate(code)
    return concept === undefined || !this.isProduct(concept) ? undefined : this.summary(concept)
  }
  private summary(concept: number): DmdProduct {
    return { code: this.code(concept), class: this.classOf(concept)!, name: this.display(concept), invalid: this.isInvalid(concept) }
  }
  private summaries(concepts: Iterable<number>, within?: DmdClass) {
    return [...concepts]
      .filter((concept) => this.isProduct(concept) && (within === undefined || this.classOf(concept) === within))
      .map((concept) => this.summary(concept))
  }
  /** The products below `code` (VTM → VMP → AMP → AMPP, VMP → VMPP → AMPP), optionally of one class. */
  below(code: string, within?: DmdClass) {
    const concept = this.locate(code)
    if (concept === undefined || !this.isProduct(concept)) return []
    const found = this.descendants(concept)
    found.delete(concept)
    return this.summaries(found, within)
  }
  /** The products above `code` (an AMPP's AMP, VMPP, VMP and VTM), optionally of one class. */
  above(code: string, within?: DmdClass) {
    const concept = this.locate(code)
    if (concept === undefined || !this.isProduct(concept)) return []
    const found = this.ancestors(concept)
    found.delete(concept)
    return this.summaries(found, within)
  }
  /** The packs a combination pack (VMPP or AMPP) contains. */
  combinationChildren(code: string) {
    return this.summaries(this.combChildren.get(this.locate(code) ?? -1) ?? [])
  }
  /** The combination packs that contain a pack. */
  combinationParents(code: string) {
    return this.summaries(this.combParents.get(this.locate(code) ?? -1) ?? [])
  }
  /** The VTMs, VMPs and AMPs with an ingredient (by its ISID), and optionally everything below them. */
  forIngredient(isid: string, options: { readonly below?: boolean } = {}) {
    const direct = this.ingredients.get(isid)?.products ?? []
    return this.summaries(options.below === true ? new Set(direct.flatMap((concept) => [...this.descendants(concept)])) : new Set(direct))
  }
  ingredientName(isid: string) {
    return this.ingredients.get(isid)?.name
  }
  /** The VMPs and AMPs with a BNF code matching `pattern` (`*` and `?` wildcards), from the bonus BNF file. */
  forBnf(pattern: string) {
    const regex = wildcard(pattern)
    return this.summaries(new Set(this.bnf.filter(({ code }) => regex.test(code)).map(({ concept }) => concept)))
  }
  /** The VMPs with an ATC code matching `pattern` (`*` and `?` wildcards). */
  forAtc(pattern: string) {
    const regex = wildcard(pattern)
    return this.summaries(new Set(this.atc.filter(({ code }) => regex.test(code)).map(({ concept }) => concept)))
  }
  /** The AMPPs with a GTIN (current or ended). */
  forGtin(gtin: string) {
    return this.summaries(this.gtins.get(gtin) ?? [])
  }
  /** The GTINs an AMPP has or had, with their dates. */
  gtinsOf(code: string): ReadonlyArray<GtinUse> {
    return this.gtinUses.get(this.locate(code) ?? -1) ?? []
  }
  /** Each AMPP with a GTIN (current or ended), with the GTIN's dates. */
  gtinHolders(gtin: string): ReadonlyArray<{ readonly ampp: string; readonly use: GtinUse }> {
    return (this.gtins.get(gtin) ?? []).flatMap((concept) =>
      (this.gtinUses.get(concept) ?? []).filter((use) => use.gtin === gtin).map((use) => ({ ampp: this.code(concept), use }))
    )
  }
  /** The changes from a previous code (HISTORIC_CODES rows first, then the `*PREV` fields). */
  changesFrom(previous: string): ReadonlyArray<CodeChange> {
    return this.changes.get(previous) ?? []
  }
  /** The changes to a current code. */
  changesTo(current: string): ReadonlyArray<CodeChange> {
    return (this.changedTo.get(current) ?? []).flatMap((previous) =>
      this.changesFrom(previous).filter((change) => change.current === current)
    )
  }
  /** The name of a product, class or ingredient. */
  nameOf(code: string): string | undefined {
    const concept = this.locate(code)
    return concept === undefined ? this.ingredients.get(code)?.name : this.display(concept)
  }
  /** The current code for a code: itself when it is current, else its successor from the `*PREV` fields and HISTORIC_CODES. */
  currentCode(code: string): string | undefined {
    const seen = new Set<string>()
    let current = code
    while (this.locate(current) === undefined && !this.ingredients.has(current)) {
      const next = this.changesFrom(current).find((change) => change.current !== current)?.current
      // A chain may end at a code this index does not serve (a supplier's, say): that code is the current one.
      if (next === undefined || seen.has(next)) return current === code ? undefined : current
      seen.add(current)
      current = next
    }
    return current
  }
}
