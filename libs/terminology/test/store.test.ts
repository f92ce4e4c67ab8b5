import { describe, expect, layer } from "@effect/vitest"
import { Database, ReleaseAlreadyLoaded, Releases } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { FhirLoadError } from "../src/store/errors"
import { FhirResources } from "../src/store/FhirResources"
import { generatedId } from "../src/store/ids"
import { loadFhirResources } from "../src/store/load"
import { readInput } from "../src/store/read"
import { base, bundle, codeSystem, conceptMap, folderOf, hasTar, packageOf, valueSet } from "./resources"

// `../shared` beside the repository, or `$FFYNNON_SHARED_DIR` (a checkout elsewhere).
const txEcosystem = join(
  process.env.FFYNNON_SHARED_DIR ?? join(import.meta.dirname, "..", "..", "..", "..", "shared"),
  "fixtures",
  "tx-ecosystem"
)

/** Loads a temporary folder of `files` (or the file `entry` in it), removing it afterwards. */
const loadFolder = (files: Record<string, unknown>, name?: string, entry = "") =>
  Effect.acquireUseRelease(
    Effect.sync(() => folderOf(files, name)),
    ({ folder }) => loadFhirResources(join(folder, entry)),
    ({ remove }) => Effect.sync(remove)
  )

const snapshot = Effect.gen(function* () {
  const resources = yield* FhirResources
  yield* resources.refresh
  return yield* resources.snapshot
})

const storedCount = Effect.flatMap(Database, (database) =>
  Effect.map(database.query<{ count: string }>(sql`select count(*)::text as count from fhir_resource`), ([row]) => Number(row!.count))
)

for (const kind of testDatabases) {
  describe(`FHIR resource store on ${kind.name}`, () => {
    layer(FhirResources.Default.pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(freshDatabaseLayer(kind))))((it) => {
      it.effect("loads a folder (a Bundle among its files) as one release and serves it by url, id and search", () =>
        Effect.gen(function* () {
          const report = yield* loadFolder(
            {
              "codesystem.json": codeSystem("colours"),
              "maps/conceptmap.json": conceptMap("colours"),
              "valuesets.json": bundle(valueSet("colours"), valueSet("colours", { id: "colours-2", version: "2.0.0" }), {
                resourceType: "Parameters"
              }),
              "README.md": "not a resource"
            },
            "team-colours"
          )
          expect(report.counts).toEqual({ CodeSystem: 1, ValueSet: 2, ConceptMap: 1 })
          expect(report.skippedResources).toEqual({ Parameters: 1 })
          expect(report.skippedFiles).toBe(1)
          expect(report.warnings).toEqual([])
          expect(report).toMatchObject({ name: "team-colours", version: expect.stringMatching(/^[0-9a-f]{12}$/) })
          const release = (yield* (yield* Releases).list({ kind: "fhir" })).find((entry) => entry.id === report.releaseId)!
          expect(release).toMatchObject({ status: "active", codeSystem: "team-colours", version: report.version })
          expect(release.rowCounts).toEqual({ CodeSystem: 1, ValueSet: 2, ConceptMap: 1 })
          expect(release.sourceSha256.startsWith(report.version)).toBe(true)

          const served = yield* snapshot
          expect(served.versionsOf("ValueSet", `${base}/ValueSet/colours`).map((resource) => resource.version)).toEqual(["2.0.0", "1.0.0"])
          expect(served.read("CodeSystem", "colours")).toEqual(codeSystem("colours"))
          expect(served.read("ConceptMap", "colours")?.url).toBe(`${base}/ConceptMap/colours`)
          expect(served.read("ValueSet", "nothing")).toBeUndefined()
          expect(served.search("ValueSet", { url: `${base}/ValueSet/colours`, version: "1.0.0" }).map((resource) => resource.id)).toEqual([
            "colours"
          ])
          expect(served.search("ValueSet", { title: "VALUE SET col" })).toHaveLength(2)
          expect(served.search("ValueSet", { name: "lours" })).toHaveLength(0)
          expect(served.search("ConceptMap", { status: ["active", "draft"] })).toHaveLength(1)
          expect(served.search("ConceptMap", { status: "active" })).toHaveLength(0)
          // Stored as JSON objects on both drivers, so SQL users can query them.
          const [row] = yield* (yield* Database).query<{ kind: string }>(
            sql`select jsonb_typeof(content) as kind from fhir_resource where id = 'colours' and resource_type = 'CodeSystem'`
          )
          expect(row!.kind).toBe("object")
        })
      )

      it.effect.skipIf(!hasTar)("loads a FHIR package .tgz under its name and version, leaving examples and other files out", () =>
        Effect.gen(function* () {
          const longName = `ValueSet-${"long-name-".repeat(12)}.json`
          const files = {
            "package.json": { name: "wales.example.terminology", version: "0.3.1", fhirVersions: ["4.0.1"] },
            ".index.json": { "index-version": 2, files: [] },
            "CodeSystem-shapes.json": codeSystem("shapes"),
            [longName]: valueSet("long-named"),
            "StructureDefinition-x.json": { resourceType: "StructureDefinition", url: `${base}/StructureDefinition/x` },
            "example/ValueSet-example.json": valueSet("example-only"),
            "other/spec.internals": "{}",
            "openapi/ValueSet.json": { openapi: "3.0.2" }
          }
          for (const format of ["pax", "gnu"] as const) {
            const built = packageOf(files, format)
            try {
              const fromArchive = yield* Effect.promise(() => readInput(built.archive))
              const fromFolder = yield* Effect.promise(() => readInput(built.unpacked))
              expect(fromArchive).toMatchObject({
                name: "wales.example.terminology",
                version: "0.3.1",
                skippedResources: { StructureDefinition: 1 }
              })
              expect(fromArchive.resources.map(({ resource }) => resource.url).sort()).toEqual([
                `${base}/CodeSystem/shapes`,
                `${base}/ValueSet/long-named`
              ])
              expect(fromArchive.skippedFiles).toBe(3)
              expect(fromFolder.skippedFiles).toBe(3)
              expect(fromFolder.resources.map(({ resource }) => resource)).toEqual(fromArchive.resources.map(({ resource }) => resource))
              if (format === "pax") {
                const report = yield* loadFhirResources(built.archive)
                expect(report).toMatchObject({
                  name: "wales.example.terminology",
                  version: "0.3.1",
                  counts: { CodeSystem: 1, ValueSet: 1 }
                })
                // The unpacked package is the same release.
                const again = yield* Effect.flip(loadFhirResources(built.unpacked))
                expect(again).toBeInstanceOf(ReleaseAlreadyLoaded)
              }
            } finally {
              built.remove()
            }
          }
          const broken = packageOf({ "package.json": { name: "wales.example.broken", version: "1.0.0" }, "ValueSet-bad.json": "{ nope" })
          const error = yield* Effect.flip(loadFhirResources(broken.archive)).pipe(Effect.ensuring(Effect.sync(broken.remove)))
          expect(error.message).toMatch(/package\.tgz\/package\/ValueSet-bad\.json: not valid JSON/)

          const served = yield* snapshot
          expect(served.versionsOf("ValueSet", `${base}/ValueSet/long-named`)).toHaveLength(1)
          expect(served.versionsOf("ValueSet", `${base}/ValueSet/example-only`)).toHaveLength(0)
        })
      )

      it.effect("refuses malformed input naming the file (and Bundle entry), storing nothing", () =>
        Effect.gen(function* () {
          const before = yield* storedCount
          const activeBefore = (yield* (yield* Releases).list({ kind: "fhir" })).filter((release) => release.status === "active").length
          const cases: Array<[Record<string, unknown>, RegExp]> = [
            [{ "good.json": valueSet("fine"), "broken.json": '{ "resourceType": "ValueSet", ' }, /broken\.json: not valid JSON/],
            [
              { "bundle.json": bundle(valueSet("fine"), valueSet("no-url", { url: undefined })) },
              /bundle\.json: Bundle\.entry\[1\]: ValueSet has no url.*'no-url'/
            ],
            [{ "thing.json": { name: "not a resource" } }, /thing\.json: not a FHIR resource: it has no resourceType/],
            [{ "cs.json": codeSystem("odd", { version: 2 }) }, /cs\.json: CodeSystem\.version is not a string/],
            [
              { "map.json": { resourceType: "ConceptMap", url: "http://example.org/cm/broken", group: [{ element: {} }] } },
              /map\.json: ConceptMap\.group\[0\]\.element is not a list/
            ],
            [{ "params.json": { resourceType: "Parameters" } }, /there is no CodeSystem, ValueSet or ConceptMap to load/]
          ]
          for (const [files, message] of cases) {
            const error = yield* Effect.flip(loadFolder(files))
            expect(error).toBeInstanceOf(FhirLoadError)
            expect(error.message).toMatch(message)
          }
          const missing = yield* Effect.flip(loadFhirResources(join(txEcosystem, "no-such-folder")))
          expect(missing.message).toMatch(/no-such-folder: no such file or folder/)
          const notGzip = yield* Effect.flip(loadFolder({ "package.tgz": Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]) }, undefined, "package.tgz"))
          expect(notGzip.message).toMatch(/package\.tgz: cannot read the package/)
          expect(yield* storedCount).toBe(before)
          const activeAfter = (yield* (yield* Releases).list({ kind: "fhir" })).filter((release) => release.status === "active").length
          expect(activeAfter).toBe(activeBefore)
        })
      )

      it.effect("a reload: the same content is refused, changed content is a new release that wins", () =>
        Effect.gen(function* () {
          const first = {
            "cs.json": codeSystem("reloaded"),
            "vs.json": valueSet("reloaded"),
            "vs-old.json": valueSet("only-in-first")
          }
          yield* loadFolder(first, "reload")
          const again = yield* Effect.flip(loadFolder(first, "reload"))
          expect(again).toBeInstanceOf(ReleaseAlreadyLoaded)

          const second = yield* loadFolder(
            {
              "cs.json": codeSystem("reloaded", { title: "Renamed" }),
              "vs.json": valueSet("reloaded"),
              // The id of a different value set in the first load: the newer load keeps it.
              "vs-new.json": valueSet("newcomer", { id: "only-in-first" })
            },
            "reload"
          )
          expect(second.counts).toEqual({ CodeSystem: 1, ValueSet: 2, ConceptMap: 0 })
          const served = yield* snapshot
          const versions = served.versionsOf("CodeSystem", `${base}/CodeSystem/reloaded`)
          expect(versions.map((resource) => resource.title)).toEqual(["Renamed"])
          expect(served.read("CodeSystem", "reloaded")?.title).toBe("Renamed")
          expect(served.read("ValueSet", "only-in-first")?.url).toBe(`${base}/ValueSet/newcomer`)
          // The older resource is still served, under its generated id.
          const older = served.versionsOf("ValueSet", `${base}/ValueSet/only-in-first`)[0]!
          expect(older.id).toBe(generatedId(older))
          expect(served.read("ValueSet", older.id!)?.url).toBe(`${base}/ValueSet/only-in-first`)
        })
      )

      it.effect("gives missing and invalid ids stable generated ids, and warns of duplicates in one load", () =>
        Effect.gen(function* () {
          const files = {
            "a.json": valueSet("anonymous", { id: undefined }),
            "b.json": valueSet("bad-id", { id: "$id$" }),
            "c.json": valueSet("twice", { title: "First" }),
            "d.json": valueSet("twice", { title: "Second" }),
            "e.json": conceptMap("shared-id", { id: "same" }),
            "f.json": conceptMap("other", { id: "same" })
          }
          const report = yield* loadFolder(files, "ids")
          expect(report.counts).toEqual({ CodeSystem: 0, ValueSet: 3, ConceptMap: 2 })
          expect(report.warnings).toHaveLength(3)
          expect(report.warnings[0]).toMatch(
            /^ValueSet .*\/ValueSet\/twice\|1\.0\.0 is in 2 places \(.*c\.json, .*d\.json\): keeping the last$/
          )
          expect(report.warnings[1]).toMatch(/b\.json: '\$id\$' is not a valid FHIR id; it is served as ValueSet\/bad-id-[0-9a-f]{12}/)
          expect(report.warnings[2]).toMatch(/f\.json: ConceptMap\/same is the id of another ConceptMap in this load/)
          const served = yield* snapshot
          const anonymous = served.versionsOf("ValueSet", `${base}/ValueSet/anonymous`)[0]!
          expect(anonymous.id).toMatch(/^anonymous-[0-9a-f]{12}$/)
          expect(served.read("ValueSet", anonymous.id!)).toBe(anonymous)
          expect(served.versionsOf("ValueSet", `${base}/ValueSet/twice`).map((resource) => resource.title)).toEqual(["Second"])
          expect(served.read("ConceptMap", "same")?.url).toBe(`${base}/ConceptMap/shared-id`)
          // Generated from the canonical: the same on the next load and after a restart.
          expect(generatedId(valueSet("anonymous", { id: undefined }))).toBe(anonymous.id)
        })
      )

      it.effect.skipIf(!existsSync(txEcosystem))("loads tx-ecosystem folders in place and finds their resources by url", () =>
        Effect.gen(function* () {
          for (const folder of ["case", "translate", "tho"]) {
            const path = join(txEcosystem, folder)
            const expected = readdirSync(path)
              .filter((file) => file.endsWith(".json"))
              .map((file) => JSON.parse(readFileSync(join(path, file), "utf8").replace(/^\uFEFF/, "")))
              .filter((resource) => ["CodeSystem", "ValueSet", "ConceptMap"].includes(resource.resourceType))
            const report = yield* loadFhirResources(path)
            expect(Object.values(report.counts).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0)
            const served = yield* snapshot
            for (const resource of expected) {
              const found = served.versionsOf(resource.resourceType, resource.url).filter((entry) => entry.version === resource.version)
              expect(found).toHaveLength(1)
            }
          }
        })
      )
    })
  })
}

if (!existsSync(txEcosystem)) console.warn(`${txEcosystem} is absent: the tx-ecosystem load test is skipped.`)
