// Bare "hello world" Hono app: the HTTP ceiling of this machine for the benchmarks.
// Run: PORT=3001 bun bench/hello.ts
// With FFYNNON_THREADS=N it serves from N threads on one port, as `ffynnon serve` does, so a
// server on N threads is compared with a ceiling on as many.
import { Hono } from "hono"
import { isMainThread, Worker } from "node:worker_threads"

const app = new Hono().get("/hello", (c) => c.json({ hello: "world" }))

const port = Number(process.env.PORT ?? 3001)
const threads = Number(process.env.FFYNNON_THREADS ?? 1)
const server = Bun.serve({ hostname: "127.0.0.1", port, reusePort: threads > 1, fetch: app.fetch })
if (isMainThread) {
  for (let thread = 1; thread < threads; thread++) new Worker(import.meta.path)
  console.log(`hello listening on http://${server.hostname}:${server.port} (${threads} thread${threads === 1 ? "" : "s"})`)
}
