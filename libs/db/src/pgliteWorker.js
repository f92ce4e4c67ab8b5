// @ts-check
/**
 * The embedded database's own thread: PGlite runs here, and `PgliteThread` sends it statements.
 * PGlite's WebAssembly memory (hundreds of megabytes once data is loaded) then lives in this
 * worker's heap; in the serving thread's heap it made every request several times slower
 * (docs/benchmarks.md). Plain JavaScript, so that Node (which runs the tests and may import the
 * libraries) starts it as it is, as Bun does.
 */
import { PGlite } from "@electric-sql/pglite"
import { parentPort } from "node:worker_threads"

/** @typedef {import("./PgliteThread").PgliteRequest} PgliteRequest */

/** @type {PGlite | undefined} */
let database

/** @param {string} value */
const keepText = (value) => value

/**
 * The error's text fields (PostgreSQL's `code`, `detail`, …), which posting an Error would drop.
 * @param {unknown} error
 */
const serializeError = (error) =>
  error instanceof Error
    ? {
        ...Object.fromEntries(Object.entries(error).filter(([, value]) => typeof value === "string" || typeof value === "number")),
        name: error.name,
        message: error.message
      }
    : { name: "Error", message: String(error) }

/** @param {PgliteRequest} request */
const answer = async (request) => {
  switch (request.type) {
    case "open":
      database = await PGlite.create({ dataDir: request.dataDir, ...request.assets })
      return undefined
    case "query": {
      if (database === undefined) throw new Error("The embedded database is not open")
      const { rows, fields, affectedRows, blob } = await database.query(request.sql, [...request.params], {
        ...(request.rowMode === undefined ? {} : { rowMode: request.rowMode }),
        // The caller's parsers are functions, which cannot be posted: their types come back as text for the caller to parse.
        parsers: Object.fromEntries(request.textTypes.map((type) => [type, keepText])),
        ...(request.blob === undefined ? {} : { blob: request.blob })
      })
      return { rows, fields, affectedRows, blob }
    }
    case "close":
      await database?.close()
      database = undefined
      return undefined
  }
}

parentPort?.on("message", async (/** @type {PgliteRequest} */ request) => {
  try {
    parentPort?.postMessage({ id: request.id, result: await answer(request) })
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: serializeError(error) })
  }
})
