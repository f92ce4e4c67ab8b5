/**
 * The embedded database in a worker thread (`pgliteWorker.js`), with the part of PGlite's client
 * interface that drizzle and the COPY helpers use: `query` (with `rowMode`, `parsers` and a COPY
 * `blob`) and `transaction`. Statements run one at a time, as on PGlite's single connection; a
 * transaction holds the connection until it ends.
 */
import { Mutex, type QueryOptions, type Results, type Transaction } from "@electric-sql/pglite"
import { Worker } from "node:worker_threads"

/** PGlite's runtime files, passed on to the worker (the compiled binary embeds them). */
export interface PgliteFiles {
  readonly pgliteWasmModule: WebAssembly.Module
  readonly initdbWasmModule: WebAssembly.Module
  readonly fsBundle: Blob
}

/** Where the compiled binary embeds the worker's script, and PGlite's files. */
export interface PgliteAssetsService extends PgliteFiles {
  readonly worker: URL
}

type PgliteMessage =
  | { readonly type: "open"; readonly dataDir: string; readonly assets?: PgliteFiles }
  | {
      readonly type: "query"
      readonly sql: string
      readonly params: ReadonlyArray<unknown>
      readonly rowMode: "array" | "object" | undefined
      readonly textTypes: ReadonlyArray<number>
      readonly blob?: Blob
    }
  | { readonly type: "close" }

export type PgliteRequest = PgliteMessage & { readonly id: number }

export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly [field: string]: unknown
}

export type PgliteResponse = { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: SerializedError }

type Query = (sql: string, params?: ReadonlyArray<unknown>, options?: QueryOptions) => Promise<Results>

const reviveError = ({ name, message, ...fields }: SerializedError) => Object.assign(new Error(message), fields, { name })

/** The worker stopped (it crashed or was closed): what every unanswered statement fails with. */
const connectionClosed = (cause?: Error) =>
  Object.assign(new Error(`The embedded database's thread stopped${cause === undefined ? "" : `: ${cause.message}`}`), {
    code: "CONNECTION_CLOSED"
  })

export class PgliteThread {
  readonly #worker: Worker
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  readonly #connection = new Mutex()
  #nextId = 0
  #stopped = false

  private constructor(script: URL) {
    this.#worker = new Worker(script)
    this.#worker.on("message", (response: PgliteResponse) => {
      const pending = this.#pending.get(response.id)
      this.#pending.delete(response.id)
      if ("error" in response) pending?.reject(reviveError(response.error))
      else pending?.resolve(response.result)
    })
    this.#worker.on("error", (error) => this.#stop(error))
    this.#worker.on("exit", () => this.#stop())
  }

  /** Opens (creating if need be) the database in `dataDir` in a new worker. */
  static async open(dataDir: string, assets?: PgliteAssetsService): Promise<PgliteThread> {
    const { worker = new URL("./pgliteWorker.js", import.meta.url), ...files } = assets ?? {}
    const thread = new PgliteThread(worker)
    try {
      await thread.#send({ type: "open", dataDir, ...(assets === undefined ? {} : { assets: files as PgliteFiles }) })
      return thread
    } catch (error) {
      thread.#stop()
      throw error
    }
  }

  query<T>(sql: string, params?: ReadonlyArray<unknown>, options?: QueryOptions): Promise<Results<T>> {
    return this.#connection.runExclusive(() => this.#query(sql, params, options)) as Promise<Results<T>>
  }

  /** Runs `callback` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#connection.runExclusive(async () => {
      await this.#query("begin")
      try {
        // drizzle calls only `query` on a transaction (its own rollback throws instead).
        const result = await callback({ query: this.#query } as unknown as Transaction)
        await this.#query("commit")
        return result
      } catch (error) {
        // The statement's error is the one to report: a rollback that fails as well (the thread
        // stopping meanwhile) must not hide it, and PostgreSQL discards the transaction anyway.
        if (!this.#stopped) await this.#query("rollback").catch(() => undefined)
        throw error
      }
    })
  }

  async close(): Promise<void> {
    if (this.#stopped) return
    await this.#connection.runExclusive(() => this.#send({ type: "close" }))
    this.#stop()
  }

  #query: Query = async (sql, params = [], options = {}) => {
    const parsers = options.parsers ?? {}
    const textTypes = Object.keys(parsers).map(Number)
    const result = (await this.#send({
      type: "query",
      sql,
      params,
      rowMode: options.rowMode,
      textTypes,
      ...(options.blob === undefined ? {} : { blob: options.blob })
    })) as Results
    if (textTypes.length > 0) parseText(result, options.rowMode === "array", parsers)
    return result
  }

  #send(message: PgliteMessage): Promise<unknown> {
    if (this.#stopped) return Promise.reject(connectionClosed())
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#worker.postMessage({ ...message, id })
    })
  }

  #stop(cause?: Error) {
    if (this.#stopped) return
    this.#stopped = true
    void this.#worker.terminate()
    for (const { reject } of this.#pending.values()) reject(connectionClosed(cause))
    this.#pending.clear()
  }
}

/** Applies the caller's parsers to the values the worker left as text. */
const parseText = (result: Results, arrayRows: boolean, parsers: NonNullable<QueryOptions["parsers"]>) => {
  result.fields.forEach((field, column) => {
    const parse = parsers[field.dataTypeID]
    if (parse === undefined) return
    const key = arrayRows ? column : field.name
    for (const row of result.rows as Array<Record<string | number, unknown>>) {
      const value = row[key]
      if (typeof value === "string") row[key] = parse(value)
    }
  })
}
