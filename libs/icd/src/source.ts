/**
 * Reads the one file of a release that matters, whether given as the file itself or inside the
 * release zip, with the checksum of its bytes. ICD files are tens of megabytes at most, so they
 * are read whole.
 */
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { readdir, readFile, stat } from "node:fs/promises"
import { basename, join } from "node:path"
import type { Readable } from "node:stream"
import yauzl from "yauzl"
import { IcdReleaseError } from "./errors"

export interface SourceFile {
  /** The file's name, inside the zip when it came from one (`release.zip!/file.txt`). */
  readonly name: string
  /** The text, UTF-8 with any byte order mark dropped. */
  readonly text: string
  readonly sha256: string
}

/** The entries `wanted` accepts, in the zip's order. */
const unzipEntries = (path: string, wanted: (name: string) => boolean) =>
  new Promise<Array<{ name: string; bytes: Buffer }>>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error)
      const found: Array<{ name: string; bytes: Buffer }> = []
      zip.on("error", reject)
      zip.on("end", () => resolve(found))
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith("/") || !wanted(basename(entry.fileName))) return zip.readEntry()
        zip.openReadStream(entry, (error, stream: Readable) => {
          if (error) return reject(error)
          const chunks: Array<Buffer> = []
          stream.on("data", (chunk: Buffer) => chunks.push(chunk))
          stream.on("error", reject)
          stream.on("end", () => {
            found.push({ name: entry.fileName, bytes: Buffer.concat(chunks) })
            zip.readEntry()
          })
        })
      })
      zip.readEntry()
    })
  )

const decode = (bytes: Buffer) => new TextDecoder("utf-8").decode(bytes)

const sourceOf = (name: string, bytes: Buffer): SourceFile => ({
  name,
  text: decode(bytes),
  sha256: createHash("sha256").update(bytes).digest("hex")
})

/**
 * The file at `path`, or when it is a zip or a folder every entry or file `wanted` accepts
 * (`describe` says what was looked for, for the message when there is none).
 */
export const readSources = (path: string, wanted: (name: string) => boolean, describe: string) =>
  Effect.gen(function* () {
    const cannotRead = (error: unknown) => new IcdReleaseError({ file: path, detail: `cannot read the file: ${String(error)}` })
    if ((yield* Effect.tryPromise({ try: () => stat(path), catch: cannotRead })).isDirectory()) {
      const names = (yield* Effect.tryPromise({ try: () => readdir(path), catch: cannotRead })).filter(wanted).sort()
      if (names.length === 0) return yield* new IcdReleaseError({ file: path, detail: `the folder holds no ${describe}` })
      return yield* Effect.forEach(names, (name) =>
        Effect.tryPromise({ try: () => readFile(join(path, name)), catch: cannotRead }).pipe(Effect.map((bytes) => sourceOf(name, bytes)))
      )
    }
    const bytes = yield* Effect.tryPromise({ try: () => readFile(path), catch: cannotRead })
    const isZip = bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
    if (!isZip) return [sourceOf(basename(path), bytes)]
    const entries = yield* Effect.tryPromise({
      try: () => unzipEntries(path, wanted),
      catch: (error) => new IcdReleaseError({ file: path, detail: `not a readable zip file: ${String(error)}` })
    })
    if (entries.length === 0) return yield* new IcdReleaseError({ file: path, detail: `the zip holds no ${describe}` })
    return entries.map((entry) => sourceOf(`${basename(path)}!/${entry.name}`, entry.bytes))
  })

/** The file at `path`, or when it is a zip the first entry `wanted` accepts. */
export const readSource = (path: string, wanted: (name: string) => boolean, describe: string) =>
  Effect.map(readSources(path, wanted, describe), (sources) => sources[0]!)
