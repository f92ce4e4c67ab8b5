/**
 * The server as a process over real HTTP: start-up against a database that is not there, and a
 * database that goes away while serving and comes back.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { once } from "node:events"
import { createServer, connect, type Server, type Socket } from "node:net"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { testDatabaseUrl, testDatabases } from "../../../libs/db/test/databases"

const root = join(import.meta.dirname, "..", "..", "..")
const bun = join(root, "node_modules", ".bin", "bun")
const cli = join(root, "apps", "api", "src", "cli.ts")

const freePort = async () => {
  const server = createServer().listen(0, "127.0.0.1")
  await once(server, "listening")
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

const started: Array<ChildProcess> = []
afterEach(() => {
  for (const child of started.splice(0)) child.kill("SIGTERM")
})

const startServer = (env: Record<string, string>) => {
  const child = spawn(bun, [cli, "serve"], { env: { ...process.env, LOG_LEVEL: "warn", ...env }, stdio: ["ignore", "pipe", "pipe"] })
  started.push(child)
  let stderr = ""
  let stdout = ""
  child.stderr!.on("data", (chunk) => (stderr += chunk))
  child.stdout!.on("data", (chunk) => (stdout += chunk))
  const exited = once(child, "close").then(([code]) => ({ code: code as number | null, stderr }))
  return { child, exited, stdout: () => stdout }
}

const waitFor = async (check: () => Promise<boolean>, what: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const readyStatus = async (port: number) => (await fetch(`http://127.0.0.1:${port}/readyz`)).status

describe("the server process", () => {
  it("exits 1 with one clear line when PostgreSQL cannot be reached at start-up", async () => {
    const { exited } = startServer({ DATABASE_URL: "postgres://ffynnon:secret@127.0.0.1:1/ffynnon", PORT: String(await freePort()) })
    const { code, stderr } = await exited
    expect(code).toBe(1)
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^ffynnon: The database postgres:\/\/ffynnon@127\.0\.0\.1:1\/ffynnon is unavailable \(ECONNREFUSED/)
    ])
    expect(stderr).not.toContain("secret")
  })

  // A fresh embedded database is created and migrated first: slow on a busy machine.
  it("logs one JSON line per request with its id, and never the query string", { timeout: 150_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ffynnon-log-"))
    const port = await freePort()
    const server = startServer({ FFYNNON_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "info", DATABASE_URL: "" })
    try {
      await waitFor(async () => (await readyStatus(port)) === 200, "the server to be ready", 120_000)
      const response = await fetch(`http://127.0.0.1:${port}/fhir/metadata?family=Jones&birthdate=1970-01-01`, {
        headers: { "x-request-id": "log-test-1" }
      })
      expect(response.status).toBe(200)
      await waitFor(async () => server.stdout().includes("log-test-1"), "the request's log line")
      const line = server
        .stdout()
        .split("\n")
        .find((text) => text.includes("log-test-1"))!
      expect(JSON.parse(line)).toMatchObject({
        message: "request",
        logLevel: "INFO",
        annotations: { requestId: "log-test-1", method: "GET", path: "/fhir/metadata", status: 200 }
      })
      expect(server.stdout()).not.toMatch(/Jones|1970-01-01/)
    } finally {
      server.child.kill("SIGTERM")
      await once(server.child, "exit")
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it("refuses FFYNNON_THREADS above 1 on the embedded database, and a thread count that is not one, with one clear line", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ffynnon-threads-"))
    try {
      const embedded = await startServer({
        FFYNNON_DATA_DIR: dataDir,
        PORT: String(await freePort()),
        DATABASE_URL: "",
        FFYNNON_THREADS: "2"
      })
      const refused = await embedded.exited
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain("FFYNNON_THREADS above 1 needs PostgreSQL (DATABASE_URL)")
      const zero = await startServer({ FFYNNON_DATA_DIR: dataDir, PORT: String(await freePort()), DATABASE_URL: "", FFYNNON_THREADS: "0" })
        .exited
      expect(zero.code).toBe(1)
      expect(zero.stderr).toContain("FFYNNON_THREADS must be a whole number from 1 to 64")
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it.skipIf(testDatabaseUrl === undefined)(
    "serves one port from FFYNNON_THREADS threads that all accept dev mode's token, and stops them all on SIGTERM (needs TEST_DATABASE_URL)",
    { timeout: 120_000 },
    async () => {
      const database = await testDatabases.find((kind) => kind.name === "postgres")!.create()
      try {
        const port = await freePort()
        const child = spawn(bun, [cli, "serve", "--dev"], {
          env: { ...process.env, ...database.env, PORT: String(port), LOG_LEVEL: "info", FFYNNON_THREADS: "3", FFYNNON_AUTH_SECRET: "" },
          stdio: ["ignore", "pipe", "pipe"]
        })
        started.push(child)
        let stdout = ""
        let stderr = ""
        child.stdout!.on("data", (chunk) => (stdout += chunk))
        child.stderr!.on("data", (chunk) => (stderr += chunk))
        const listening = () =>
          stdout
            .split("\n")
            .filter((line) => line.includes('"listening"'))
            .map((line) => JSON.parse(line).annotations.thread as number)
        await waitFor(async () => listening().length === 3, "three threads to listen", 90_000)
        expect(new Set(listening()).size).toBe(3)
        const token = /Authorization: Bearer (\S+)/.exec(stderr)![1]!
        // A new connection each time: the kernel spreads connections between the threads' sockets.
        const statuses = await Promise.all(
          Array.from({ length: 30 }, () =>
            fetch(`http://127.0.0.1:${port}/fhir/Patient?family=Nobody`, {
              headers: { authorization: `Bearer ${token}`, connection: "close" }
            }).then((response) => response.status)
          )
        )
        expect(statuses).toEqual(Array(30).fill(200))
        const exited = once(child, "exit")
        child.kill("SIGTERM")
        const [code] = await exited
        expect(code).toBe(0)
        // Every thread answered some of the requests and logged them.
        const requestsBy = new Set(
          stdout
            .split("\n")
            .filter((line) => line.includes('"message":"request"'))
            .map((line) => JSON.parse(line).annotations.thread as number)
        )
        expect(requestsBy.size).toBeGreaterThan(1)
      } finally {
        await database.drop()
      }
    }
  )

  it.skipIf(testDatabaseUrl === undefined)(
    "answers 503 OperationOutcomes while PostgreSQL is away and recovers when it returns (needs TEST_DATABASE_URL)",
    async () => {
      const database = await testDatabases.find((kind) => kind.name === "postgres")!.create()
      const target = new URL(database.env.DATABASE_URL!)
      const proxyPort = await freePort()
      // A TCP proxy in front of PostgreSQL that the test can cut.
      const sockets = new Set<Socket>()
      const openProxy = async () => {
        const proxy = createServer((client) => {
          const upstream = connect(Number(target.port || 5432), target.hostname)
          for (const socket of [client, upstream]) {
            sockets.add(socket)
            socket.on("error", () => {})
            socket.on("close", () => sockets.delete(socket))
          }
          client.pipe(upstream).pipe(client)
        }).listen(proxyPort, "127.0.0.1")
        await once(proxy, "listening")
        return proxy
      }
      const cut = async (proxy: Server) => {
        for (const socket of sockets) socket.destroy()
        proxy.close()
        await once(proxy, "close")
      }
      try {
        let proxy = await openProxy()
        const viaProxy = new URL(target)
        viaProxy.port = String(proxyPort)
        const port = await freePort()
        startServer({ DATABASE_URL: viaProxy.href, PORT: String(port) })
        await waitFor(async () => (await readyStatus(port)) === 200, "the server to be ready")

        await cut(proxy)
        const response = await fetch(`http://127.0.0.1:${port}/readyz`)
        expect(response.status).toBe(503)
        const outcome = await response.json()
        expect(outcome).toMatchObject({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "transient" }] })
        expect((await fetch(`http://127.0.0.1:${port}/fhir/metadata?mode=terminology`)).status).toBe(503)
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)

        proxy = await openProxy()
        await waitFor(async () => (await readyStatus(port)) === 200, "the server to recover")
        expect((await fetch(`http://127.0.0.1:${port}/fhir/metadata?mode=terminology`)).status).toBe(200)
        await cut(proxy)
      } finally {
        for (const child of started.splice(0)) {
          child.kill("SIGTERM")
          await once(child, "exit")
        }
        await database.drop()
      }
    }
  )
})
