/**
 * Reads the one file of a release that matters, whether given as the file itself or inside the
 * release zip, with the checksum of its bytes. ICD files are tens of megabytes at most, so they
 * are read whole.
 */
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { readFile } from "node:fs/promises"
import { basename } from "node:path"
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

const unzipEntry = (path: string, wanted: (name: string) => boolean) =>
  new Promise<{ name: string; bytes: Buffer } | undefined>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error)
      zip.on("error", reject)
      zip.on("end", () => resolve(undefined))
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith("/") || !wanted(basename(entry.fileName))) return zip.readEntry()
        zip.openReadStream(entry, (error, stream: Readable) => {
          if (error) return reject(error)
          const chunks: Array<Buffer> = []
          stream.on("data", (chunk: Buffer) => chunks.push(chunk))
          stream.on("error", reject)
          stream.on("end", () => {
            zip.close()
            resolve({ name: entry.fileName, bytes: Buffer.concat(chunks) })
          })
        })
      })
      zip.readEntry()
    })
  )

const decode = (bytes: Buffer) => new TextDecoder("utf-8").decode(bytes)

/**
 * The file at `path`, or when it is a zip the first entry `wanted` accepts (`describe` says what
 * was looked for, for the message when there is none).
 */
export const readSource = (path: string, wanted: (name: string) => boolean, describe: string) =>
  Effect.gen(function* () {
    const bytes = yield* Effect.tryPromise({
      try: () => readFile(path),
      catch: (error) => new IcdReleaseError({ file: path, detail: `cannot read the file: ${String(error)}` })
    })
    const isZip = bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
    if (!isZip) return { name: basename(path), text: decode(bytes), sha256: createHash("sha256").update(bytes).digest("hex") } as SourceFile
    const entry = yield* Effect.tryPromise({
      try: () => unzipEntry(path, wanted),
      catch: (error) => new IcdReleaseError({ file: path, detail: `not a readable zip file: ${String(error)}` })
    })
    if (entry === undefined) return yield* new IcdReleaseError({ file: path, detail: `the zip holds no ${describe}` })
    return {
      name: `${basename(path)}!/${entry.name}`,
      text: decode(entry.bytes),
      sha256: createHash("sha256").update(entry.bytes).digest("hex")
    } as SourceFile
  })
