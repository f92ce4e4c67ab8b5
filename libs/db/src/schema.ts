import { sql } from "drizzle-orm"
import { bigint, check, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core"

/**
 * The release registry: one row per load attempt of a terminology release or data extract.
 * A row becomes `active` in the same transaction that writes the release's data, so readers
 * never see a release that is half loaded; a failed attempt is recorded as `failed` afterwards.
 */
export const release = pgTable(
  "release",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** What was loaded, for example `snomed`, `dmd`, `icd10`. */
    kind: text("kind").notNull(),
    /** The FHIR code system URI, for example `http://snomed.info/sct`. */
    codeSystem: text("code_system").notNull(),
    /** The version URI or version string, for example `http://snomed.info/sct/83821000000107/version/20250101`. */
    version: text("version").notNull(),
    sourceName: text("source_name").notNull(),
    sourceSha256: text("source_sha256").notNull(),
    rowCounts: jsonb("row_counts").$type<Record<string, number>>().notNull().default({}),
    status: text("status", { enum: ["loading", "active", "failed"] }).notNull(),
    error: text("error"),
    /**
     * The release this one is served with rather than on its own: a SNOMED CT translation
     * package's rows are only its own, laid over the release it translates.
     */
    extendsReleaseId: bigint("extends_release_id", { mode: "number" }).references((): AnyPgColumn => release.id),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    loadedAt: timestamp("loaded_at", { withTimezone: true })
  },
  (table) => [
    check("release_status_check", sql`${table.status} in ('loading', 'active', 'failed')`),
    uniqueIndex("release_active_version_idx")
      .on(table.codeSystem, table.version)
      .where(sql`${table.status} = 'active'`),
    index("release_kind_idx").on(table.kind, table.loadedAt)
  ]
)

export type Release = typeof release.$inferSelect

/**
 * FHIR CodeSystem, ValueSet and ConceptMap resources loaded by data teams (`ffynnon load fhir`),
 * one row per resource and load. `content` is the resource as it arrived; the other columns are
 * read from it for lookups. `id` is the id it is served under: its own, or a generated one when
 * it had none, an invalid one, or one another resource of the same load already took.
 */
export const fhirResource = pgTable(
  "fhir_resource",
  {
    releaseId: bigint("release_id", { mode: "number" })
      .notNull()
      .references(() => release.id, { onDelete: "cascade" }),
    resourceType: text("resource_type", { enum: ["CodeSystem", "ValueSet", "ConceptMap"] }).notNull(),
    id: text("id").notNull(),
    url: text("url").notNull(),
    version: text("version"),
    name: text("name"),
    title: text("title"),
    status: text("status"),
    content: jsonb("content").$type<Record<string, unknown>>().notNull()
  },
  (table) => [
    primaryKey({ columns: [table.releaseId, table.resourceType, table.id] }),
    check("fhir_resource_type_check", sql`${table.resourceType} in ('CodeSystem', 'ValueSet', 'ConceptMap')`),
    index("fhir_resource_url_idx").on(table.resourceType, table.url, table.version),
    index("fhir_resource_id_idx").on(table.resourceType, table.id)
  ]
)

export type FhirResourceRow = typeof fhirResource.$inferSelect
