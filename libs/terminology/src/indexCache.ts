/**
 * A serving index on disk (SNOMED CT's, dm+d's), so a restart reads it in seconds instead of
 * rebuilding it from the store. The file is the index's own typed arrays, each a section of raw
 * bytes, plus a JSON header describing everything else; reading makes views onto the file's
 * bytes, copying only the strings, and the bytes are shared by the process's threads (`sharedFiles.ts`). A library keys its files by the release's checksum and its
 * `format`, which it changes whenever its index's shape changes.
 */
import { Effect, Option } from "effect"
import { mkdir, open, rename, rm } from "node:fs/promises"
import { dirname } from "node:path"
import { holdFile, readSharedFile, sharesFiles, type Hold } from "./sharedFiles"

const magic = "FFYNIDX1"
const typedArrays = { Int8Array, Uint8Array, Uint16Array, Uint32Array, Float64Array, BigUint64Array } as const
type TypedArrayName = keyof typeof typedArrays

/**
 * What a library's index files hold: their format number, and the classes whose instances are
 * stored field by field and revived without running their constructors (by name).
 */
export interface IndexCacheFormat {
  readonly format: number
  readonly classes: Readonly<Record<string, { readonly prototype: object }>>
}

type Encoded =
  | null
  | boolean
  | number
  | string
  | Array<Encoded>
  | { $typed: TypedArrayName; section: number; length: number }
  | { $text: number }
  | { $map: Array<[Encoded, Encoded]> }
  | { $class: string; fields: Encoded }
  | { $object: Record<string, Encoded> }

const typedName = (value: unknown) =>
  Object.entries(typedArrays).find(([, type]) => value instanceof type)?.[0] as TypedArrayName | undefined
const className = (classes: IndexCacheFormat["classes"], value: object) =>
  Object.entries(classes).find(([, type]) => Object.getPrototypeOf(value) === type.prototype)?.[0]

const encoder = new TextEncoder()

/** Writes `index` to `path` (through a temporary file, so a crash leaves no half-written cache). */
export const writeIndexCache = async ({ format, classes }: IndexCacheFormat, index: object, path: string) => {
  const sections: Array<Uint8Array> = []
  const section = (bytes: Uint8Array) => sections.push(bytes) - 1
  // A typed array referenced twice is written once, and read back as two views of the same bytes.
  // Keyed by the bytes viewed, not the view: an index read from a cache holds two views of them.
  const typedSections = new Map<ArrayBufferLike, Map<string, number>>()
  const sectionOfTyped = (array: Uint8Array) => {
    let ofBuffer = typedSections.get(array.buffer)
    if (ofBuffer === undefined) typedSections.set(array.buffer, (ofBuffer = new Map()))
    const bytes = `${array.byteOffset}:${array.byteLength}`
    let at = ofBuffer.get(bytes)
    if (at === undefined) ofBuffer.set(bytes, (at = section(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))))
    return at
  }
  const encode = (value: unknown): Encoded => {
    if (value === null || typeof value === "boolean" || typeof value === "number") return value
    // Long strings (packed terms) go to sections: JSON would double their size and time.
    if (typeof value === "string") return value.length > 4096 ? { $text: section(encoder.encode(value)) } : value
    if (Array.isArray(value)) return value.map(encode)
    if (typeof value !== "object") throw new Error(`cannot cache a ${typeof value}`)
    const typed = typedName(value)
    if (typed !== undefined) {
      const array = value as Uint8Array
      return { $typed: typed, section: sectionOfTyped(array), length: array.length }
    }
    if (value instanceof Map) return { $map: [...value].map(([key, entry]) => [encode(key), encode(entry)] as [Encoded, Encoded]) }
    // A field left undefined is left out, and reads back undefined.
    const fields = Object.fromEntries(Object.entries(value).flatMap(([key, entry]) => (entry === undefined ? [] : [[key, encode(entry)]])))
    const name = className(classes, value)
    return name === undefined ? { $object: fields } : { $class: name, fields: { $object: fields } }
  }
  const root = encode(index)
  const align = (offset: number) => Math.ceil(offset / 8) * 8
  let offset = 0
  const layout = sections.map((bytes) => {
    const start = align(offset)
    offset = start + bytes.byteLength
    return { start, bytes: bytes.byteLength }
  })
  const header = encoder.encode(JSON.stringify({ format, layout, root }))
  const dataStart = align(magic.length + 4 + header.byteLength)
  const temporary = `${path}.${process.pid}.tmp`
  const file = await open(temporary, "w")
  try {
    const prefix = new Uint8Array(dataStart)
    prefix.set(encoder.encode(magic))
    new DataView(prefix.buffer).setUint32(magic.length, header.byteLength, true)
    prefix.set(header, magic.length + 4)
    await file.write(prefix)
    let written = 0
    for (const [position, bytes] of sections.entries()) {
      const gap = layout[position]!.start - written
      if (gap > 0) await file.write(new Uint8Array(gap))
      await file.write(bytes)
      written = layout[position]!.start + bytes.byteLength
    }
  } finally {
    await file.close()
  }
  await rename(temporary, path).catch(async (error) => {
    await rm(temporary, { force: true })
    throw error
  })
}

/** Reads an index written by `writeIndexCache` in the same format; fails on a file of another. */
export const readIndexCache = async <T>({ format: expected, classes }: IndexCacheFormat, path: string): Promise<T> => {
  const file = await readSharedFile(path)
  const decoder = new TextDecoder()
  if (file.length < magic.length + 4 || decoder.decode(file.subarray(0, magic.length)) !== magic) {
    throw new Error(`${path} is not an index cache`)
  }
  const headerLength = new DataView(file.buffer).getUint32(magic.length, true)
  const { format, layout, root } = JSON.parse(decoder.decode(file.subarray(magic.length + 4, magic.length + 4 + headerLength))) as {
    format: number
    layout: Array<{ start: number; bytes: number }>
    root: Encoded
  }
  if (format !== expected) throw new Error(`${path} has index format ${format}, not ${expected}`)
  const dataStart = Math.ceil((magic.length + 4 + headerLength) / 8) * 8
  const bytesOf = (section: number) => {
    const { start, bytes } = layout[section]!
    return file.subarray(dataStart + start, dataStart + start + bytes)
  }
  const decode = (value: Encoded): unknown => {
    if (value === null || typeof value !== "object") return value
    if (Array.isArray(value)) return value.map(decode)
    if ("$typed" in value) {
      const bytes = bytesOf(value.section)
      const Type: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => unknown = typedArrays[value.$typed]
      // A view when the bytes are aligned for the element type, else a copy.
      return bytes.byteOffset % typedArrays[value.$typed].BYTES_PER_ELEMENT === 0
        ? new Type(bytes.buffer, bytes.byteOffset, value.length)
        : new Type(bytes.slice().buffer, 0, value.length)
    }
    if ("$text" in value) return decoder.decode(bytesOf(value.$text))
    if ("$map" in value) return new Map(value.$map.map(([key, entry]) => [decode(key), decode(entry)]))
    if ("$class" in value) return Object.assign(Object.create(classes[value.$class]!.prototype), decode(value.fields))
    return Object.fromEntries(Object.entries(value.$object).map(([key, entry]) => [key, decode(entry)]))
  }
  return decode(root) as T
}

/** Holds the process-wide lock on the index file at `path` for the scope. */
const holdIndexFile = (path: string) =>
  Effect.acquireRelease(
    Effect.async<Hold>((resume) => {
      const hold = holdFile(path)
      void hold.granted.then(() => resume(Effect.succeed(hold)))
      // Interrupted while waiting: give up the place in the queue.
      return Effect.sync(hold.release)
    }),
    (hold) => Effect.sync(hold.release)
  )

/**
 * The index in the file at `path` when there is one of this format that `fits` (the release it was
 * built for), else `build`'s, written there for the next start. A cache that cannot be written is
 * logged and the built index served. One thread of the process at a time reads or builds a file:
 * the others then read what it wrote, and where threads share files the builder reads it back too,
 * so that they all serve one copy.
 */
export const cachedIndex = <T extends object, E, R>(
  format: IndexCacheFormat,
  path: string,
  build: Effect.Effect<T, E, R>,
  fits: (cached: T) => boolean
) =>
  Effect.gen(function* () {
    yield* holdIndexFile(path)
    const read = Effect.tryPromise(() => readIndexCache<T>(format, path)).pipe(Effect.option)
    const cached = yield* read
    if (Option.isSome(cached) && fits(cached.value)) return cached.value
    const built = yield* build
    const written = yield* Effect.tryPromise(async () => {
      await mkdir(dirname(path), { recursive: true })
      await writeIndexCache(format, built, path)
    }).pipe(
      Effect.as(true),
      Effect.catchAll((error) => Effect.as(Effect.logWarning(`could not cache the serving index in ${path}`, error), false))
    )
    if (!written || !sharesFiles()) return built
    return Option.getOrElse(yield* read, () => built)
  }).pipe(Effect.scoped)
