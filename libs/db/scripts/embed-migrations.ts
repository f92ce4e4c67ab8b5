/**
 * Writes `drizzle/migrations.json` from the SQL files drizzle-kit generates, so that the
 * migrations are part of the module graph and end up inside the compiled binary.
 * Run through `npm run db:generate`; a test fails when the two drift apart.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

export interface EmbeddedMigration {
  readonly tag: string
  readonly statements: ReadonlyArray<string>
}

const folder = join(import.meta.dirname, "..", "drizzle")
export const migrationsJsonPath = join(folder, "migrations.json")

export const collectMigrations = (): ReadonlyArray<EmbeddedMigration> => {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: ReadonlyArray<{ tag: string }>
  }
  return journal.entries.map(({ tag }) => ({
    tag,
    statements: readFileSync(join(folder, `${tag}.sql`), "utf8")
      .split("--> statement-breakpoint")
      .map((statement) => statement.trim())
      .filter((statement) => statement.length > 0)
  }))
}

if (import.meta.main) {
  writeFileSync(migrationsJsonPath, JSON.stringify(collectMigrations(), null, 2) + "\n")
  console.log(`wrote ${migrationsJsonPath}`)
}
