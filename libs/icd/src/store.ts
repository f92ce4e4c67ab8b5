/**
 * Writes an ICD release into the store (`icd_class`, `icd_rubric`) with COPY, through
 * `Releases.load`: the rows and the registry entry commit together or not at all.
 */
import { LoadProgress, Releases, type Sql } from "@ffynnon/db"
import { Effect } from "effect"
import type { IcdClass, IcdRelease } from "./model"

export interface IcdLoadReport {
  readonly releaseId: number
  readonly system: string
  readonly version: string
  readonly source: string
  /** Classes by kind (chapter, block, category) and rubrics by kind. */
  readonly counts: Record<string, number>
  readonly warnings: ReadonlyArray<string>
  readonly elapsedMs: number
}

/** A value in COPY's text format: `\N` for null, backslash, tab and line breaks escaped. */
const copyValue = (value: string | boolean | number | undefined) =>
  value === undefined
    ? "\\N"
    : String(value).replace(/[\\\t\n\r]/g, (character) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[character]!)

/** Rows as COPY's text format, in chunks of about 256 kB. */
export const copyRows = (rows: ReadonlyArray<ReadonlyArray<string | boolean | number | undefined>>) =>
  (async function* () {
    let chunk = ""
    for (const row of rows) {
      chunk += `${row.map(copyValue).join("\t")}\n`
      if (chunk.length >= 256 * 1024) {
        yield chunk
        chunk = ""
      }
    }
    if (chunk.length > 0) yield chunk
  })()

const classColumns = [
  "release_id",
  "position",
  "code",
  "kind",
  "parent_code",
  "title",
  "usage",
  "sex",
  "min_age",
  "max_age",
  "is_leaf",
  "is_residual",
  "foundation_uri",
  "linearization_uri"
]

const writeClasses = (tx: Sql, releaseId: number, classes: ReadonlyArray<IcdClass>) =>
  Effect.gen(function* () {
    yield* tx.copyFrom(
      "icd_class",
      classColumns,
      copyRows(
        classes.map((c, position) => [
          releaseId,
          position,
          c.code,
          c.kind,
          c.parent,
          c.title,
          c.usage,
          c.sex,
          c.minAge,
          c.maxAge,
          c.isLeaf,
          c.isResidual,
          c.foundationUri,
          c.linearizationUri
        ])
      )
    )
    yield* tx.copyFrom(
      "icd_rubric",
      ["release_id", "code", "position", "kind", "text"],
      copyRows(classes.flatMap((c) => c.rubrics.map((rubric, position) => [releaseId, c.code, position, rubric.kind, rubric.text])))
    )
  })

/** The counts the registry and the report give: classes by kind, rubrics by kind (`rubrics.inclusion`, …). */
const countsOf = (classes: ReadonlyArray<IcdClass>) => {
  const counts: Record<string, number> = { chapter: 0, block: 0, category: 0 }
  for (const c of classes) {
    counts[c.kind]!++
    for (const rubric of c.rubrics) counts[`rubrics.${rubric.kind}`] = (counts[`rubrics.${rubric.kind}`] ?? 0) + 1
  }
  return counts
}

/** Stores a release read by one of the readers, as one transaction. */
export const storeIcdRelease = (release: IcdRelease, started: number, warnings: ReadonlyArray<string> = []) =>
  Effect.gen(function* () {
    const releases = yield* Releases
    const progress = yield* LoadProgress
    const counts = countsOf(release.classes)
    yield* progress.report({ phase: "storing", item: release.sourceName, done: 0, total: release.classes.length, unit: "rows" })
    const loaded = yield* releases.load(
      { kind: release.kind, codeSystem: release.system, version: release.version, sourceName: release.sourceName },
      (tx, releaseId) => Effect.as(writeClasses(tx, releaseId, release.classes), { rowCounts: counts, sourceSha256: release.sha256 })
    )
    yield* progress.report({
      phase: "storing",
      item: release.sourceName,
      done: release.classes.length,
      total: release.classes.length,
      unit: "rows"
    })
    return {
      releaseId: loaded.id,
      system: release.system,
      version: release.version,
      source: release.sourceName,
      counts,
      warnings,
      elapsedMs: Math.round(performance.now() - started)
    } satisfies IcdLoadReport
  })
