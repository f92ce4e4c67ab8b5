/**
 * Reads the regular files of a tar archive as it streams in: POSIX ustar headers (name and
 * prefix), pax extended headers (`path`, `size`) and GNU long names, which are what npm and the
 * FHIR IG publisher write (https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html).
 * Links, directories and devices are passed over.
 */

const blockSize = 512

/** The archive is not a well-formed tar. */
export class TarFormatError extends Error {}

/** Hands out exact byte counts from a stream of chunks, keeping at most one partial chunk. */
class ByteReader {
  private chunks: Array<Buffer> = []
  private buffered = 0
  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  private async fill(length: number) {
    while (this.buffered < length) {
      const next = await this.source.next()
      if (next.done) return false
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength)
      this.chunks.push(chunk)
      this.buffered += chunk.length
    }
    return true
  }

  /** The next header block; undefined when the input ends there. */
  async header(): Promise<Buffer | undefined> {
    if (!(await this.fill(1))) return undefined
    return this.read(blockSize)
  }

  /** Exactly `length` bytes. */
  async read(length: number): Promise<Buffer> {
    if (!(await this.fill(length))) throw new TarFormatError("the archive ends in the middle of an entry")
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered)
    const rest = all.subarray(length)
    this.chunks = rest.length > 0 ? [rest] : []
    this.buffered = rest.length
    return all.subarray(0, length)
  }

  /** Drops `length` bytes without gathering them, for entries nobody wants. */
  async skip(length: number) {
    let left = length
    while (left > 0) {
      if (this.buffered === 0 && !(await this.fill(1))) throw new TarFormatError("the archive ends in the middle of an entry")
      const chunk = this.chunks[0]!
      if (chunk.length <= left) {
        this.chunks.shift()
        this.buffered -= chunk.length
        left -= chunk.length
      } else {
        this.chunks[0] = chunk.subarray(left)
        this.buffered -= left
        left = 0
      }
    }
  }
}

const text = (bytes: Uint8Array) => {
  const end = bytes.indexOf(0)
  return Buffer.from(bytes.subarray(0, end === -1 ? bytes.length : end)).toString("utf8")
}

/** A numeric header field: octal digits, or base-256 when the first byte's high bit is set (GNU, for large sizes). */
const numberField = (field: Buffer) => {
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f
    for (const byte of field.subarray(1)) value = value * 256 + byte
    return value
  }
  const digits = text(field).trim()
  if (!/^[0-7]*$/.test(digits)) throw new TarFormatError(`a header holds '${digits}' where an octal number belongs`)
  return digits === "" ? 0 : parseInt(digits, 8)
}

/** Header checksum: the sum of its bytes with the checksum field itself counted as spaces. */
const checksumMatches = (header: Buffer) => {
  let sum = 0
  for (let index = 0; index < blockSize; index++) sum += index >= 148 && index < 156 ? 0x20 : header[index]!
  return sum === numberField(header.subarray(148, 156))
}

/** Pax records: `<length> <key>=<value>\n`, the length in bytes and counting the whole record. */
const paxRecords = (data: Buffer) => {
  const records = new Map<string, string>()
  let position = 0
  while (position < data.length) {
    const space = data.indexOf(0x20, position)
    const length = Number(data.subarray(position, space).toString("ascii"))
    if (space === -1 || !Number.isInteger(length) || length <= 0) throw new TarFormatError("a pax extended header is malformed")
    const record = data.subarray(space + 1, position + length - 1).toString("utf8")
    const equals = record.indexOf("=")
    records.set(record.slice(0, equals), record.slice(equals + 1))
    position += length
  }
  return records
}

export interface TarEntry {
  readonly path: string
  readonly data: Buffer
}

/**
 * Yields each regular file whose path `wanted` accepts, with its contents; other files are
 * skipped without being held in memory.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>, wanted: (path: string) => boolean): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source[Symbol.asyncIterator]())
  // What a pax or GNU long-name header says about the entry that follows it.
  let next: { path?: string; size?: number } = {}
  for (;;) {
    const header = await reader.header()
    // Two zero blocks end the archive; some writers stop without them.
    if (header === undefined || header.every((byte) => byte === 0)) return
    if (!checksumMatches(header))
      throw new TarFormatError("a header's checksum does not match: this is not a tar archive, or it is damaged")
    const type = header[156] === 0 ? "0" : String.fromCharCode(header[156]!)
    const size = next.size ?? numberField(header.subarray(124, 136))
    const padding = (blockSize - (size % blockSize)) % blockSize
    const ustar = text(header.subarray(257, 263)) === "ustar"
    const prefix = ustar ? text(header.subarray(345, 500)) : ""
    const name = text(header.subarray(0, 100))
    const path = next.path ?? (prefix === "" ? name : `${prefix}/${name}`)

    if (type === "x" || type === "L") {
      const data = (await reader.read(size + padding)).subarray(0, size)
      if (type === "L") next = { ...next, path: text(data) }
      else {
        const records = paxRecords(data)
        const paxPath = records.get("path")
        const paxSize = records.get("size")
        next = { ...(paxPath === undefined ? {} : { path: paxPath }), ...(paxSize === undefined ? {} : { size: Number(paxSize) }) }
      }
      continue
    }
    next = {}
    // Regular files ("0", or "7": contiguous); everything else (links, directories, global pax headers) is passed over.
    if ((type === "0" || type === "7") && wanted(path)) {
      const data = await reader.read(size + padding)
      yield { path, data: data.subarray(0, size) }
    } else {
      await reader.skip(size + padding)
    }
  }
}
