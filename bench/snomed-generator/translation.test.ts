// Writes a Welsh translation of a scale-0.001 release and reads it the way the loader does: every
// row passes the RF2 checks (SCTIDs, UUIDs, dates, UTF-8), every Welsh description is of an active
// concept of the release or of the package, and the module dependency names the release's edition.
import { openPackage, readRf2 } from "@ffynnon/snomed"
import { Effect } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import { generateRelease } from "./release.ts"
import { writeTranslation } from "./translation.ts"

const out = mkdtempSync(join(tmpdir(), "ffynnon-welsh-synth-"))
const release = join(out, "SnomedCT_MonolithRF2_PRODUCTION_20260101T000001Z")
let written: Awaited<ReturnType<typeof writeTranslation>>

beforeAll(async () => {
  generateRelease({ outDir: out, scale: 0.001, seed: 42, log: () => {} })
  written = await writeTranslation(release, out, 0.3)
}, 120_000)
afterAll(() => rmSync(out, { recursive: true, force: true }))

/** The rows of every file of the package whose name matches `pattern`, as the loader reads them. */
const rowsOf = (folder: string, pattern: RegExp) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(openPackage(folder), ({ files }) =>
        Effect.promise(async () => {
          const rows: Array<ReadonlyArray<string>> = []
          for (const file of files.filter((file) => pattern.test(file.name))) {
            for await (const { fields } of (await readRf2(file)).rows) rows.push(fields)
          }
          return rows
        })
      )
    )
  )

it("translates about the share asked of the active concepts, with valid rows the loader accepts", async () => {
  const concepts = await rowsOf(release, /sct2_Concept_/)
  const active = new Set(concepts.filter((row) => row[2] === "1").map((row) => row[0]!))
  const own = new Set((await rowsOf(written.folder, /sct2_Concept_/)).map((row) => row[0]!))
  const welsh = await rowsOf(written.folder, /sct2_Description_Snapshot-cy/)
  expect(welsh.every((row) => active.has(row[4]!) || own.has(row[4]!))).toBe(true)
  expect(written.translated / active.size).toBeGreaterThan(0.2)
  expect(written.translated / active.size).toBeLessThan(0.4)
  const members = await rowsOf(written.folder, /LanguageSnapshot-cy/)
  expect(members).toHaveLength(welsh.length)
})

it("depends on the release's edition module at its version", async () => {
  // The UK drug module is the top of the generated monolith's module dependencies.
  const [dependency] = await rowsOf(written.folder, /ModuleDependency/)
  expect(dependency!.slice(5)).toEqual(["999000011000001104", "20260101", "20260101"])
  expect(written.uri).toBe(`http://snomed.info/sct/${dependency![3]}/version/20260101`)
})
