/**
 * Index files read once per process and shared by its threads (the API's `FFYNNON_THREADS`): the
 * bytes go into a `SharedArrayBuffer`, so the typed arrays of an index read from them (views, see
 * `indexCache.ts`) are one copy in memory however many threads serve it. The thread that started
 * the others reads the files; they ask it over a message port (`shareFilesWith` on its end,
 * `readFilesThrough` on theirs). A process of one thread just reads.
 */
import { open, stat } from "node:fs/promises"
import type { MessagePort } from "node:worker_threads"

interface FileRequest {
  readonly id: number
  readonly path: string
}

type FileReply = { readonly id: number; readonly buffer: SharedArrayBuffer } | { readonly id: number; readonly error: string }

const readIntoShared = async (path: string) => {
  const file = await open(path)
  try {
    const { size } = await file.stat()
    const bytes = new Uint8Array(new SharedArrayBuffer(size))
    for (let at = 0; at < size;) {
      const { bytesRead } = await file.read(bytes, at, size - at, at)
      if (bytesRead === 0) throw new Error(`${path} ended after ${at} of its ${size} bytes`)
      at += bytesRead
    }
    return bytes.buffer as SharedArrayBuffer
  } finally {
    await file.close()
  }
}

/**
 * Files read by this thread, by path, size and modification time. Held weakly: a file's bytes live
 * as long as an index of some thread views them (the serving threads read the same indexes).
 */
const readHere = new Map<string, Promise<SharedArrayBuffer> | WeakRef<SharedArrayBuffer>>()
const forget = new FinalizationRegistry<string>((key) => {
  const entry = readHere.get(key)
  if (entry instanceof WeakRef && entry.deref() === undefined) readHere.delete(key)
})

const sharedHere = async (path: string) => {
  const { size, mtimeMs } = await stat(path)
  const key = `${path}\u0000${size}\u0000${mtimeMs}`
  const known = readHere.get(key)
  const buffer = known instanceof WeakRef ? known.deref() : known
  if (buffer !== undefined) return buffer
  const reading = readIntoShared(path)
  readHere.set(key, reading)
  try {
    const read = await reading
    readHere.set(key, new WeakRef(read))
    forget.register(read, key)
    return read
  } catch (error) {
    readHere.delete(key)
    throw error
  }
}

/** Answers the file requests of the thread at the other end of `port`. */
export const shareFilesWith = (port: MessagePort) => {
  port.on("message", ({ id, path }: FileRequest) => {
    sharedHere(path).then(
      (buffer) => port.postMessage({ id, buffer } satisfies FileReply),
      (error: unknown) => port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies FileReply)
    )
  })
  port.unref()
}

let owner: MessagePort | undefined
let nextRequest = 0
const pending = new Map<number, { readonly resolve: (buffer: SharedArrayBuffer) => void; readonly reject: (error: Error) => void }>()

/** Makes this thread read its index files through the thread at the other end of `port`. */
export const readFilesThrough = (port: MessagePort) => {
  owner = port
  port.on("message", (reply: FileReply) => {
    const waiting = pending.get(reply.id)
    pending.delete(reply.id)
    // Waiting for a reply keeps the thread alive; nothing else about the port should.
    if (pending.size === 0) port.unref()
    if ("error" in reply) waiting?.reject(new Error(reply.error))
    else waiting?.resolve(reply.buffer)
  })
  port.unref()
}

const askOwner = (port: MessagePort, path: string) =>
  new Promise<SharedArrayBuffer>((resolve, reject) => {
    const id = nextRequest++
    pending.set(id, { resolve, reject })
    port.ref()
    port.postMessage({ id, path } satisfies FileRequest)
  })

/** The bytes of the file at `path`, in memory shared with the process's other threads that read it. */
export const readSharedFile = async (path: string) =>
  new Uint8Array(owner === undefined ? await sharedHere(path) : await askOwner(owner, path))
