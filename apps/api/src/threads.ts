/**
 * Serving threads (`FFYNNON_THREADS`): one JavaScript thread serves at most one core's worth of
 * requests, so more threads listen on the same port (Bun's server with SO_REUSEPORT, the kernel
 * spreading connections between them). Each thread runs this same program (`Bun.main`, the source
 * entry or the compiled binary) with its own services; the first thread has loaded and migrated
 * everything before the others start, reads the index files they all serve once for all of them
 * (`@ffynnon/terminology`'s shared files), and stops them when it stops.
 */
import { shareFilesWith } from "@ffynnon/terminology"
import { Effect } from "effect"
import { isMainThread, MessageChannel, parentPort, Worker, workerData, type MessagePort } from "node:worker_threads"

export interface ServingThreadOptions {
  readonly port: number
  readonly hostname: string
  /** Dev mode's token secret, which every thread must accept. */
  readonly devSecret: string | undefined
}

/** What a serving thread is given: where to listen, and the port its index files come through. */
export interface ServingThread extends ServingThreadOptions {
  readonly files: MessagePort
}

const key = "ffynnonServingThread"

/** In a serving thread, what it serves; otherwise undefined. */
export const servingThreadOptions = (): ServingThread | undefined =>
  isMainThread ? undefined : (workerData as Record<string, ServingThread> | null)?.[key]

/** How long a thread asked to stop may take to finish its requests and close its database before it is ended. */
const stopGraceMs = 15_000

const stopThread = async (worker: Worker) => {
  if (worker.threadId === -1) return
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()))
  worker.postMessage("stop")
  const timer = setTimeout(() => void worker.terminate(), stopGraceMs)
  await exited
  clearTimeout(timer)
}

/**
 * Starts `count` serving threads; fails when one stops by itself (its own error is on stderr), and
 * when interrupted asks each to stop and waits for them.
 */
export const servingThreads = (count: number, options: ServingThreadOptions) =>
  Effect.acquireUseRelease(
    Effect.sync(() =>
      Array.from({ length: count }, () => {
        const files = new MessageChannel()
        shareFilesWith(files.port1)
        return new Worker(Bun.main, {
          workerData: { [key]: { ...options, files: files.port2 } satisfies ServingThread },
          transferList: [files.port2],
          env: options.devSecret === undefined ? process.env : { ...process.env, FFYNNON_AUTH_SECRET: options.devSecret }
        })
      })
    ),
    (workers) =>
      Effect.raceAll(
        workers.map((worker) =>
          Effect.async<never, Error>((resume) => {
            const stopped = (code: number) => resume(Effect.fail(new Error(`a serving thread stopped by itself (exit code ${code})`)))
            worker.once("exit", stopped)
            return Effect.sync(() => worker.off("exit", stopped))
          })
        )
      ),
    (workers) => Effect.promise(() => Promise.all(workers.map(stopThread)))
  )

/** In a serving thread: succeeds when the first thread asks it to stop. */
export const stopRequested = Effect.async<void>((resume) => {
  const listener = (message: unknown) => {
    if (message === "stop") resume(Effect.void)
  }
  parentPort?.on("message", listener)
  return Effect.sync(() => parentPort?.off("message", listener))
})
