// Bare "hello world" Hono app: the HTTP ceiling of this machine for the benchmarks.
// Run: PORT=3001 bun bench/hello.ts
import { Hono } from "hono"

const app = new Hono().get("/hello", (c) => c.json({ hello: "world" }))

const port = Number(process.env.PORT ?? 3001)
const server = Bun.serve({ hostname: "127.0.0.1", port, fetch: app.fetch })
console.log(`hello listening on http://${server.hostname}:${server.port}`)
