/**
 * `ffynnon load fhir`: stores the CodeSystem, ValueSet and ConceptMap resources of a file,
 * folder or FHIR package as one release (kind `fhir`), in one transaction through
 * `Releases.load`, so a failed load leaves nothing half-visible. The release is named after the
 * package (else the folder or file) and versioned by the package version (else a hash of the
 * resources, so changed content is a new release and unchanged content is refused as loaded).
 */
import { fhirResource, Releases } from "@ffynnon/db"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { basename } from "node:path"
import { terminologyResourceTypes, type TerminologyResourceType } from "../fhir"
import { FhirLoadError } from "./errors"
import { canonicalKey, canonicalOf, generatedId, validId } from "./ids"
import { readInput, type FoundResource } from "./read"

export interface FhirLoadReport {
  readonly releaseId: number
  /** The package, folder or file name the release is registered under. */
  readonly name: string
  readonly version: string
  readonly counts: Record<TerminologyResourceType, number>
  /** Resources of other types, by type. */
  readonly skippedResources: Record<string, number>
  /** Files not read: not JSON, or in a package's subfolders. */
  readonly skippedFiles: number
  readonly warnings: ReadonlyArray<string>
  readonly elapsedMs: number
}

const where = (found: FoundResource) => `${found.file}${found.entry === undefined ? "" : ` Bundle.entry[${found.entry}]`}`

/**
 * One row per canonical (type, url, version): when the input holds one twice, the later file
 * wins, as a later load wins over an earlier one. Each row gets the id it is served under: its
 * own when valid and not taken by another resource of the load, else a generated one.
 */
const prepareRows = (found: ReadonlyArray<FoundResource>) => {
  const warnings: Array<string> = []
  const byCanonical = new Map<string, Array<FoundResource>>()
  for (const item of found) {
    const key = canonicalKey(item.resource)
    const same = byCanonical.get(key)
    if (same === undefined) byCanonical.set(key, [item])
    else same.push(item)
  }
  for (const same of byCanonical.values()) {
    if (same.length === 1) continue
    const { resource } = same[0]!
    warnings.push(
      `${resource.resourceType} ${canonicalOf(resource)} is in ${same.length} places (${same.map(where).join(", ")}): keeping the last`
    )
  }
  const kept = [...byCanonical.values()].map((same) => same.at(-1)!)
  const taken = new Set<string>()
  const ids = new Map<FoundResource, string>()
  for (const item of kept) {
    const { id, resourceType } = item.resource
    if (id === undefined) continue
    const key = `${resourceType}/${id}`
    const problem = !validId.test(id)
      ? `'${id}' is not a valid FHIR id`
      : taken.has(key)
        ? `${key} is the id of another ${resourceType} in this load`
        : undefined
    if (problem === undefined) {
      taken.add(key)
      ids.set(item, id)
    } else warnings.push(`${where(item)}: ${problem}; it is served as ${resourceType}/${generatedId(item.resource)}`)
  }
  const rows = kept.map((item) => {
    const { resource } = item
    return {
      resourceType: resource.resourceType,
      id: ids.get(item) ?? generatedId(resource),
      url: resource.url!,
      version: resource.version ?? null,
      name: resource.name ?? null,
      title: resource.title ?? null,
      status: resource.status ?? null,
      content: resource as unknown as Record<string, unknown>
    }
  })
  return { rows, warnings }
}

/** Of the resources' content, in canonical order: the same resources give the same digest however they were packed. */
const digestOf = (rows: ReadonlyArray<{ resourceType: string; url: string; version: string | null; content: unknown }>) => {
  const hash = createHash("sha256")
  const keyed = rows.map((row) => [canonicalKey(row), JSON.stringify(row.content)] as const)
  for (const [, content] of keyed.toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${content}\n`)
  return hash.digest("hex")
}

// Rows per insert statement: bounded so large CodeSystems do not make one huge statement.
const batchSize = 100

/** Loads the resources at `path` (a JSON file, a folder, or a FHIR package) as one release. */
export const loadFhirResources = (path: string) =>
  Effect.gen(function* () {
    const started = performance.now()
    const input = yield* Effect.tryPromise({
      try: () => readInput(path),
      catch: (error) => (error instanceof FhirLoadError ? error : new FhirLoadError({ file: path, detail: String(error) }))
    })
    const { rows, warnings } = prepareRows(input.resources)
    if (rows.length === 0) {
      return yield* new FhirLoadError({ file: path, detail: "there is no CodeSystem, ValueSet or ConceptMap to load" })
    }
    const sourceSha256 = digestOf(rows)
    const version = input.version ?? sourceSha256.slice(0, 12)
    const counts = Object.fromEntries(
      terminologyResourceTypes.map((type) => [type, rows.filter((row) => row.resourceType === type).length])
    ) as Record<TerminologyResourceType, number>
    const release = yield* (yield* Releases).load(
      { kind: "fhir", codeSystem: input.name, version, sourceName: basename(path) },
      (tx, releaseId) =>
        Effect.gen(function* () {
          for (let start = 0; start < rows.length; start += batchSize) {
            const batch = rows.slice(start, start + batchSize).map((row) => ({ ...row, releaseId }))
            yield* tx.run((db) => db.insert(fhirResource).values(batch))
          }
          return { rowCounts: counts, sourceSha256 }
        })
    )
    return {
      releaseId: release.id,
      name: input.name,
      version,
      counts,
      skippedResources: input.skippedResources,
      skippedFiles: input.skippedFiles,
      warnings,
      elapsedMs: Math.round(performance.now() - started)
    } satisfies FhirLoadReport
  })
