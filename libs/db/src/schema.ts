import { sql } from "drizzle-orm"
import { bigint, check, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core"

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
