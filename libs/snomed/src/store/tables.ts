/**
 * Where each kind of RF2 file is stored (see the `snomed_*` tables in libs/db/drizzle) and how a
 * checked row becomes a line of COPY text. The tables keep the files' columns in the files'
 * order, so a row is its fields, escaped; a refset's additional columns become one text array.
 */
import type { Rf2File } from "../rf2/files"

export type StoreTable =
  "snomed_concept" | "snomed_description" | "snomed_relationship" | "snomed_concrete_value" | "snomed_refset_member" | "snomed_identifier"

export const storeTables: ReadonlyArray<StoreTable> = [
  "snomed_concept",
  "snomed_description",
  "snomed_relationship",
  "snomed_concrete_value",
  "snomed_refset_member",
  "snomed_identifier"
]

/** The columns that identify a row's component: an alternate identifier has no id, its scheme and code name it. */
export const componentKey: Record<StoreTable, string> = {
  snomed_concept: "id",
  snomed_description: "id",
  snomed_relationship: "id",
  snomed_concrete_value: "id",
  snomed_refset_member: "id",
  snomed_identifier: "identifier_scheme_id, alternate_identifier"
}

const tableByContentType: Record<string, StoreTable> = {
  Concept: "snomed_concept",
  Description: "snomed_description",
  TextDefinition: "snomed_description",
  Relationship: "snomed_relationship",
  StatedRelationship: "snomed_relationship",
  RelationshipConcreteValues: "snomed_concrete_value",
  Refset: "snomed_refset_member",
  Identifier: "snomed_identifier"
}

/** The table a file is stored in; undefined for files the store does not keep. */
export const tableFor = (file: Pick<Rf2File, "contentType">): StoreTable | undefined => tableByContentType[file.contentType]

/** Indexes built on each release's partition once its rows are in. */
export const partitionIndexes: Record<StoreTable, ReadonlyArray<string>> = {
  snomed_concept: ["primary key (id)"],
  snomed_description: ["primary key (id)", "index on (concept_id)"],
  snomed_relationship: ["index on (source_id)"],
  snomed_concrete_value: ["index on (source_id)"],
  snomed_refset_member: ["index on (refset_id, referenced_component_id)"],
  snomed_identifier: ["index on (identifier_scheme_id, alternate_identifier)"]
}

export const refsetFixedColumns = 6

const snakeCase = (column: string) => column.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)

/** The table columns a file's rows fill, in row order. */
export const copyColumns = (file: Pick<Rf2File, "contentType">, header: ReadonlyArray<string>) =>
  file.contentType === "Refset" ? [...header.slice(0, refsetFixedColumns).map(snakeCase), "fields"] : header.map(snakeCase)

// COPY's text format treats the backslash as an escape; RF2 fields hold no tabs or newlines.
const escapeCopy = (value: string) => (value.includes("\\") ? value.replaceAll("\\", "\\\\") : value)

/** A PostgreSQL text[] literal: `{"a","b"}`. */
export const textArrayLiteral = (values: ReadonlyArray<string>) =>
  `{${values.map((value) => `"${value.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`

/** One row (its fields, and the line they came from) as a line of COPY text. */
export const copyLine = (file: Pick<Rf2File, "contentType">, fields: ReadonlyArray<string>, text: string) => {
  // A core file's line is already COPY text, unless it holds a backslash.
  if (file.contentType !== "Refset") return `${escapeCopy(text)}\n`
  const fixed = fields.slice(0, refsetFixedColumns).join("\t")
  return `${fixed}\t${escapeCopy(textArrayLiteral(fields.slice(refsetFixedColumns)))}\n`
}
