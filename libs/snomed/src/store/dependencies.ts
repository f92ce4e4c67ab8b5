/**
 * An extension's module dependency reference set names each module it depends on and the version
 * (`targetEffectiveTime`) it was built against; the release it is loaded on must hold every one of
 * them at that version (SNOMED CT Release File Specification, 5.2.4.2 "Module Dependency").
 */
import type { Release, Sql } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { versionUriPattern } from "../rf2/edition"
import { Rf2Error } from "../rf2/errors"
import type { Rf2File } from "../rf2/files"
import { readRf2 } from "../rf2/read"

const moduleDependencyRefset = "900000000000534007"

const isModuleDependencyFile = (file: Rf2File) => file.contentType === "Refset" && file.summary.startsWith("ModuleDependency")

/** The versions of each module a loaded release holds: both ends of its own module dependency rows, and its edition module at its date. */
const moduleVersions = (tx: Sql, release: Release) =>
  Effect.gen(function* () {
    const versions = new Map<string, Set<string>>()
    const add = (module: string, version: string) => {
      const known = versions.get(module)
      if (known === undefined) versions.set(module, new Set([version]))
      else known.add(version)
    }
    const [, edition, date] = versionUriPattern.exec(release.version) ?? []
    if (edition !== undefined && date !== undefined) add(edition, date)
    const rows = yield* tx.query<{ module: string; source_time: string; target: string; target_time: string }>(
      sql`select module_id::text as module, fields[1] as source_time, referenced_component_id::text as target, fields[2] as target_time
          from snomed_refset_member where release_id = ${release.id} and refset_id = ${moduleDependencyRefset} and active`
    )
    for (const row of rows) {
      add(row.module, row.source_time)
      add(row.target, row.target_time)
    }
    return versions
  })

/** Fails, naming the package's file and line, on the first dependency `base` does not satisfy. */
export const checkModuleDependencies = (tx: Sql, files: ReadonlyArray<Rf2File>, base: Release) =>
  Effect.gen(function* () {
    const rows = yield* Effect.tryPromise({
      try: async () => {
        const found: Array<{
          readonly file: string
          readonly line: number
          readonly module: string
          readonly target: string
          readonly version: string
        }> = []
        for (const file of files.filter(isModuleDependencyFile)) {
          for await (const { line, fields } of (await readRf2(file)).rows) {
            if (fields[2] === "1") found.push({ file: file.path, line, module: fields[3]!, target: fields[5]!, version: fields[7]! })
          }
        }
        return found
      },
      catch: (error) => (error instanceof Rf2Error ? error : new Rf2Error({ file: files[0]?.path ?? "", detail: String(error) }))
    })
    // Dependencies between the package's own modules are its own business.
    const own = new Set(rows.map((row) => row.module))
    const versions = yield* moduleVersions(tx, base)
    for (const { file, line, target, version } of rows) {
      if (own.has(target) || versions.get(target)?.has(version) === true) continue
      const held = versions.get(target)
      return yield* new Rf2Error({
        file,
        lineNumber: line,
        detail: `the package depends on module ${target} version ${version}, but the release it is loaded on (${base.version}) ${
          held === undefined ? "does not have that module" : `has version ${[...held].sort().join(", ")} of it`
        }`
      })
    }
  })
