import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { collectMigrations, migrationsJsonPath } from "../scripts/embed-migrations"

describe("embedded migrations", () => {
  it("match the SQL files drizzle-kit generated (run `npm run db:generate` after changing the schema)", () => {
    expect(JSON.parse(readFileSync(migrationsJsonPath, "utf8"))).toEqual(collectMigrations())
  })
})
