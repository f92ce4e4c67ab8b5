/**
 * Finds the RF2 files of a release in a `.zip` or an unpacked folder by their names
 * (SNOMED CT Release File Specification, 3.3 "Release file naming convention"):
 * `<sct2|der2>_<content type>_<summary><Full|Snapshot|Delta>[-<language>]_<namespace>_<yyyymmdd>.txt`,
 * for example `der2_cRefset_LanguageSnapshot-en_GB1000000_20260101.txt`.
 */
import { Effect } from "effect"
import { createReadStream } from "node:fs"
import { readdir, stat } from "node:fs/promises"
import { basename, join, relative } from "node:path"
import type { Readable } from "node:stream"
import yauzl from "yauzl"
import { Rf2Error } from "./errors"

export type ReleaseType = "Full" | "Snapshot" | "Delta"

export interface Rf2File {
  /** Path inside the package, for messages. */
  readonly path: string
  readonly name: string
  /** `Concept`, `Description`, `TextDefinition`, `Relationship`, `StatedRelationship`, `RelationshipConcreteValues`, `Identifier` or `Refset`. */
  readonly contentType: string
  /** For refsets, the letters of the additional columns' types (`c` component, `i` integer, `s` string): `""` for a simple refset. */
  readonly refsetPattern?: string
  /** What the file holds beyond its type, such as `Language` or `OWLExpression`; may carry an edition marker (`MONO`). */
  readonly summary: string
  readonly releaseType: ReleaseType
  readonly languageCode?: string
  readonly namespace: string
  readonly date: string
  readonly bytes: number
  readonly open: () => Promise<Readable>
}

export interface Rf2Package {
  /** The zip file or folder. */
  readonly source: string
  readonly files: ReadonlyArray<Rf2File>
}

const fileName =
  /^x?(?:sct2|der2)_([A-Za-z]*?)(Refset)?_([A-Za-z0-9]*?)(Full|Snapshot|Delta)(?:-([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*))?_([A-Za-z0-9-]+)_(\d{8})\.txt$/

/** The RF2 reading of a file name, or undefined for other files (readme, release notes). */
export const parseFileName = (name: string) => {
  const match = fileName.exec(name)
  if (match === null) return undefined
  const [, type = "", refset, summary = "", releaseType, languageCode, namespace = "", date = ""] = match
  return {
    contentType: refset === undefined ? type : "Refset",
    ...(refset === undefined ? {} : { refsetPattern: type }),
    summary,
    releaseType: releaseType as ReleaseType,
    ...(languageCode === undefined ? {} : { languageCode }),
    namespace,
    date
  }
}

const listFolder = async (folder: string): Promise<ReadonlyArray<Rf2File>> => {
  const files: Array<Rf2File> = []
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    const parsed = entry.isFile() ? parseFileName(entry.name) : undefined
    if (parsed === undefined) continue
    const path = join(entry.parentPath, entry.name)
    files.push({
      ...parsed,
      path: relative(folder, path),
      name: entry.name,
      bytes: (await stat(path)).size,
      open: async () => createReadStream(path, { highWaterMark: 1024 * 1024 })
    })
  }
  return files
}

const openZip = (path: string) =>
  new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(error) : resolve(zip)))
  )

const listZip = (zip: yauzl.ZipFile) =>
  new Promise<ReadonlyArray<Rf2File>>((resolve, reject) => {
    const files: Array<Rf2File> = []
    zip.on("entry", (entry: yauzl.Entry) => {
      const name = basename(entry.fileName)
      const parsed = entry.fileName.endsWith("/") ? undefined : parseFileName(name)
      if (parsed !== undefined) {
        files.push({
          ...parsed,
          path: entry.fileName,
          name,
          bytes: entry.uncompressedSize,
          open: () =>
            new Promise<Readable>((resolve, reject) =>
              zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)))
            )
        })
      }
      zip.readEntry()
    })
    zip.on("end", () => resolve(files))
    zip.on("error", reject)
    zip.readEntry()
  })

/** Opens a release zip or folder for reading; the zip is closed when the scope closes. */
export const openPackage = (source: string) =>
  Effect.gen(function* () {
    const info = yield* Effect.tryPromise({
      try: () => stat(source),
      catch: () => new Rf2Error({ file: source, detail: "no such file or folder" })
    })
    const files = info.isDirectory()
      ? yield* Effect.tryPromise({
          try: () => listFolder(source),
          catch: (error) => new Rf2Error({ file: source, detail: `cannot read the folder: ${String(error)}` })
        })
      : yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: () => openZip(source),
            catch: (error) => new Rf2Error({ file: source, detail: `not a readable zip file: ${String(error)}` })
          }),
          (zip) => Effect.sync(() => zip.close())
        ).pipe(
          Effect.flatMap((zip) =>
            Effect.tryPromise({
              try: () => listZip(zip),
              catch: (error) => new Rf2Error({ file: source, detail: `cannot read the zip file: ${String(error)}` })
            })
          )
        )
    return { source, files } satisfies Rf2Package
  })
