/**
 * Index files read once per process and shared by its threads (the API's `FFYNNON_THREADS`): the
 * bytes go into a `SharedArrayBuffer`, so the typed arrays of an index read from them (views, see
 * `indexCache.ts`) are one copy in memory however many threads serve it; and one thread at a time
 * reads or builds a file, so a new release is indexed once, not once a thread. The thread that
 * started the others holds the files and the locks; they ask it over a message port
 * (`shareFilesWith` on its end, `readFilesThrough` on theirs). A process of one thread just reads.
 */
import { open, stat } from "node:fs/promises"
import type { MessagePort } from "node:worker_threads"

type Request =
  | { readonly id: number; readonly read: string }
  | { readonly id: number; readonly lock: string }
  | { readonly id: number; readonly unlock: true }

type Reply =
  | { readonly id: number; readonly buffer: SharedArrayBuffer }
  | { readonly id: number; readonly error: string }
  | { readonly id: number; readonly granted: true }

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

/** A hold on a file's lock: `granted` once the threads before have released theirs. */
export interface Hold {
  readonly granted: Promise<void>
  /** Releases the lock, or gives up waiting for it. */
  readonly release: () => void
}

/** The end of each path's queue of holders in this thread, which holds the locks. */
const queues = new Map<string, Promise<void>>()

const holdHere = (path: string): Hold => {
  const before = queues.get(path) ?? Promise.resolve()
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const end = before.then(() => released)
  queues.set(path, end)
  void end.then(() => {
    if (queues.get(path) === end) queues.delete(path)
  })
  return { granted: before, release }
}

/** Answers the requests of the thread at the other end of `port`: files to read, locks to hold. */
export const shareFilesWith = (port: MessagePort) => {
  const held = new Map<number, Hold>()
  port.on("message", (request: Request) => {
    const { id } = request
    if ("read" in request) {
      sharedHere(request.read).then(
        (buffer) => port.postMessage({ id, buffer } satisfies Reply),
        (error: unknown) => port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies Reply)
      )
    } else if ("lock" in request) {
      const hold = holdHere(request.lock)
      held.set(id, hold)
      void hold.granted.then(() => port.postMessage({ id, granted: true } satisfies Reply))
    } else {
      held.get(id)?.release()
      held.delete(id)
    }
  })
  port.unref()
}

let owner: MessagePort | undefined
let nextRequest = 0
const pending = new Map<number, (reply: Reply) => void>()

/** Makes this thread read its index files and take their locks through the thread at the other end of `port`. */
export const readFilesThrough = (port: MessagePort) => {
  owner = port
  port.on("message", (reply: Reply) => {
    const answer = pending.get(reply.id)
    pending.delete(reply.id)
    // Waiting for a reply keeps the thread alive; nothing else about the port should.
    if (pending.size === 0) port.unref()
    answer?.(reply)
  })
  port.unref()
}

const ask = (port: MessagePort, request: Request) =>
  new Promise<Reply>((resolve) => {
    pending.set(request.id, resolve)
    port.ref()
    port.postMessage(request)
  })

/** The bytes of the file at `path`, in memory shared with the process's other threads that read it. */
export const readSharedFile = async (path: string) => {
  if (owner === undefined) return new Uint8Array(await sharedHere(path))
  const reply = await ask(owner, { id: nextRequest++, read: path })
  if ("error" in reply) throw new Error(reply.error)
  if ("buffer" in reply) return new Uint8Array(reply.buffer)
  throw new Error(`a read of ${path} was answered with a lock`)
}

/** Waits for the process-wide lock on `path`: one thread at a time reads or builds an index file. */
export const holdFile = (path: string): Hold => {
  if (owner === undefined) return holdHere(path)
  const port = owner
  const id = nextRequest++
  let released = false
  return {
    granted: ask(port, { id, lock: path }).then(() => undefined),
    release: () => {
      if (released) return
      released = true
      // A grant that comes after giving up is not waited for.
      pending.delete(id)
      if (pending.size === 0) port.unref()
      port.postMessage({ id, unlock: true } satisfies Request)
    }
  }
}

let startedSharing = false

/** Says that this thread will start others that read through it (before it reads its own indexes). */
export const startSharingFiles = () => {
  startedSharing = true
}

/** Whether this thread's files are shared with other threads of the process. */
export const sharesFiles = () => owner !== undefined || startedSharing
