// Benchmark harness for the Ffynnon FHIR API. See docs/benchmarks.md.
//
//   bun bench/run.ts [--connections 10] [--threads 2] [--duration 10] [--warmup 2]
//                    [--scenario hello|metadata|lookup-post]
//                    [--url http://127.0.0.1:PORT [--pid PID]] [--binary dist/ffynnon]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import os from "node:os"
import { join, resolve } from "node:path"
import {
  freePort,
  isAlive,
  logTail,
  rssMb,
  runBounded,
  start,
  stopAll,
  waitReady,
  type Env,
  type Started,
  errorText,
  HarnessError,
  runHarness,
  harnessOptions,
  positiveInt
} from "./processes.ts"
import { machineInfo, markdownTable, socketErrorNotes, withRatios, writeJson, type ScenarioResult } from "./report.ts"
import { luaRequestScript, parseWrkOutput, wrkArgs } from "./wrk.ts"

const ROOT = resolve(import.meta.dir, "..")
const READY_TIMEOUT_MS = 60_000

/** A scenario whose endpoint does not answer as expected: skipped, and the run fails at the end. */
class ScenarioError extends Error {}

// ---------------------------------------------------------------- options

interface Options {
  connections: number
  threads: number
  durationSec: number
  warmupSec: number
  scenario: string | undefined
  url: string | undefined
  pid: number | undefined
  binary: string | undefined
}

const USAGE = `usage: bun bench/run.ts [options]
  --connections N   open connections (default 10)
  --threads N       wrk threads (default 2)
  --duration S      measured seconds per scenario (default 10)
  --warmup S        warm-up seconds per scenario (default 2)
  --scenario NAME   run only one of: hello, metadata, lookup-post
  --url BASE        benchmark an already running Ffynnon at BASE (127.0.0.1 only)
  --pid PID         with --url: process whose RSS to report
  --binary PATH     start a compiled binary (e.g. dist/ffynnon) instead of the source`

function parseOptions(argv: string[]): Options {
  const values = harnessOptions(argv, USAGE, {
    connections: { type: "string" },
    threads: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
    scenario: { type: "string" },
    url: { type: "string" },
    pid: { type: "string" },
    binary: { type: "string" }
  })
  const o: Options = {
    connections: positiveInt("connections", values.connections, 10),
    threads: positiveInt("threads", values.threads, 2),
    durationSec: positiveInt("duration", values.duration, 10),
    warmupSec: positiveInt("warmup", values.warmup, 2),
    scenario: values.scenario,
    url: values.url?.replace(/\/+$/, ""),
    pid: values.pid === undefined ? undefined : positiveInt("pid", values.pid, 0),
    binary: values.binary
  }
  if (o.threads > o.connections) throw new HarnessError("--threads must not exceed --connections")
  if (o.scenario !== undefined && !SCENARIOS.some((s) => s.name === o.scenario)) {
    throw new HarnessError(`unknown --scenario "${o.scenario}"; one of: ${SCENARIOS.map((s) => s.name).join(", ")}`)
  }
  if (o.url !== undefined && o.binary !== undefined) throw new HarnessError("use either --url or --binary, not both")
  if (o.pid !== undefined && o.url === undefined) throw new HarnessError("--pid only makes sense with --url")
  if (o.url !== undefined) assertLoopback(o.url)
  return o
}

function assertLoopback(url: string): void {
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    throw new HarnessError(`--url is not a URL: ${url}`)
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(host)) {
    throw new HarnessError(`--url must point at this machine (127.0.0.1), got ${host}`)
  }
}

// ---------------------------------------------------------------- scenarios

interface Scenario {
  readonly name: string
  readonly target: "hello" | "ffynnon"
  readonly method: "GET" | "POST"
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  /** Statuses the endpoint may answer with; checked once before measuring. */
  readonly okStatus: (status: number) => boolean
  /** Whether non-2xx answers during the measured run are expected rather than a failure. */
  readonly non2xxExpected: boolean
}

const is2xx = (s: number) => s >= 200 && s < 300

const LOOKUP_BODY = JSON.stringify({
  resourceType: "Parameters",
  parameter: [
    { name: "system", valueUri: "http://snomed.info/sct" },
    { name: "code", valueCode: "22298006" }
  ]
})

const SCENARIOS: readonly Scenario[] = [
  { name: "hello", target: "hello", method: "GET", path: "/hello", okStatus: is2xx, non2xxExpected: false },
  { name: "metadata", target: "ffynnon", method: "GET", path: "/fhir/metadata", okStatus: is2xx, non2xxExpected: false },
  {
    name: "lookup-post",
    target: "ffynnon",
    method: "POST",
    path: "/fhir/CodeSystem/$lookup",
    headers: { "Content-Type": "application/fhir+json" },
    body: LOOKUP_BODY,
    // 22298006 is in the bundled sample release that `serve --samples` loads.
    okStatus: is2xx,
    non2xxExpected: false
  }
]

// ---------------------------------------------------------------- wrk

async function ensureWrk(): Promise<string> {
  const found = Bun.which("wrk")
  if (found) return found
  log("wrk not found on PATH; installing it with apt-get …")
  const proc = Bun.spawn(["sh", "-c", "apt-get update -qq && apt-get install -y -qq wrk"], {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit"
  })
  const code = await proc.exited
  const installed = Bun.which("wrk")
  if (code !== 0 || !installed) {
    throw new HarnessError(
      `wrk is not installed and 'apt-get install wrk' failed (exit ${code}). ` +
        "Install wrk yourself (Debian/Ubuntu: apt-get install wrk) and run again."
    )
  }
  return installed
}

async function wrkVersion(wrk: string): Promise<string> {
  const { stdout, stderr } = await runBounded([wrk, "-v"], 5000)
  return (stdout + stderr).split("\n")[0]?.trim() ?? "unknown"
}

async function runWrk(wrk: string, url: string, o: Options, durationSec: number, script?: string) {
  const args = wrkArgs({ url, connections: o.connections, threads: o.threads, durationSec, ...(script ? { script } : {}) })
  const { code, stdout, stderr } = await runBounded([wrk, ...args], (durationSec + 30) * 1000)
  // wrk exits 0 even when its Lua script fails, so any stderr output counts as a failure.
  if (code !== 0 || stderr.trim() !== "") {
    throw new HarnessError(`wrk failed (exit ${code}) for ${url}:\n${stderr}${stdout}`)
  }
  return parseWrkOutput(stdout)
}

// ---------------------------------------------------------------- targets

interface Target {
  readonly baseUrl: string
  readonly pid: number | undefined
  readonly process: Started | undefined
}

async function startTarget(name: string, cmd: string[], env: Env, readyPath: string, tmp: string) {
  const port = freePort()
  const s = start(name, cmd, { ...env, PORT: String(port) }, { cwd: ROOT, logDir: tmp, port })
  log(`starting ${name} (pid ${s.proc.pid}) on ${s.baseUrl}: ${cmd.join(" ")}`)
  try {
    await waitReady(s.baseUrl + readyPath, READY_TIMEOUT_MS, s.proc)
  } catch (e) {
    throw new HarnessError(`${name} did not become ready: ${errorText(e)}\n--- ${name} output ---\n${logTail(s)}`)
  }
  return { baseUrl: s.baseUrl, pid: s.proc.pid, process: s } satisfies Target
}

function startHello(tmp: string): Promise<Target> {
  return startTarget("hello", [process.execPath, "bench/hello.ts"], {}, "/hello", tmp)
}

async function startFfynnon(o: Options, tmp: string): Promise<Target> {
  if (o.url !== undefined) {
    log(`using running Ffynnon at ${o.url}`)
    try {
      await waitReady(`${o.url}/readyz`, READY_TIMEOUT_MS)
    } catch (e) {
      throw new HarnessError(`Ffynnon at ${o.url} is not ready: ${errorText(e)}`)
    }
    return { baseUrl: o.url, pid: o.pid, process: undefined }
  }
  const entry = resolve(ROOT, o.binary ?? "apps/api/src/cli.ts")
  if (!existsSync(entry)) {
    throw new HarnessError(`${entry} does not exist${o.binary !== undefined ? " (build it with npm run build)" : ""}`)
  }
  // --samples loads the bundled sample SNOMED CT release, so lookup-post finds its code.
  const cmd = o.binary !== undefined ? [entry, "serve", "--samples"] : [process.execPath, entry, "serve", "--samples"]
  const dataDir = mkdtempSync(join(tmp, "data-"))
  // HOST keeps it on loopback; no DATABASE_URL so it uses the embedded database in FFYNNON_DATA_DIR.
  return startTarget("ffynnon", cmd, { FFYNNON_DATA_DIR: dataDir, HOST: "127.0.0.1", DATABASE_URL: undefined }, "/readyz", tmp)
}

// ---------------------------------------------------------------- measuring

/** One request outside wrk, so a wrong endpoint fails loudly instead of producing a fast table of errors. */
async function preflight(s: Scenario, url: string): Promise<void> {
  const res = await fetch(url, {
    method: s.method,
    ...(s.headers ? { headers: s.headers } : {}),
    ...(s.body !== undefined ? { body: s.body } : {}),
    signal: AbortSignal.timeout(10_000)
  }).catch((e) => {
    throw new ScenarioError(`${s.name}: ${s.method} ${url} failed: ${errorText(e)}`)
  })
  const text = await res.text()
  if (!s.okStatus(res.status)) {
    throw new ScenarioError(`${s.name}: ${s.method} ${url} answered ${res.status}: ${text.slice(0, 300)}`)
  }
}

async function measure(s: Scenario, target: Target, wrk: string, o: Options, tmp: string) {
  const url = target.baseUrl + s.path
  await preflight(s, url)
  let script: string | undefined
  if (s.body !== undefined) {
    script = join(tmp, `${s.name}.lua`)
    writeFileSync(script, luaRequestScript(s.method, s.headers ?? {}, s.body))
  }
  log(`${s.name}: warm-up ${o.warmupSec} s …`)
  await runWrk(wrk, url, o, o.warmupSec, script)
  log(`${s.name}: measuring ${o.durationSec} s …`)
  const result = await runWrk(wrk, url, o, o.durationSec, script)
  const rss = target.pid === undefined ? undefined : rssMb(target.pid)
  if (target.process && !isAlive(target.process.proc)) {
    throw new HarnessError(`${target.process.name} died during ${s.name}:\n${logTail(target.process)}`)
  }
  return { scenario: s.name, method: s.method, url, rssMb: rss, ...result }
}

/** Non-2xx answers that a scenario does not expect make the run fail (after printing the table). */
function unexpectedNon2xx(results: readonly ScenarioResult[]): string[] {
  const expected = new Set(SCENARIOS.filter((s) => s.non2xxExpected).map((s) => s.name))
  return results.filter((r) => r.non2xx > 0 && !expected.has(r.scenario)).map((r) => `${r.scenario}: ${r.non2xx} non-2xx responses`)
}

// ---------------------------------------------------------------- main

function log(message: string): void {
  console.error(`[bench] ${message}`)
}

async function main(argv: string[], tmp: string): Promise<number> {
  const o = parseOptions(argv)
  const scenarios = SCENARIOS.filter((s) => o.scenario === undefined || s.name === o.scenario)
  const wrk = await ensureWrk()
  const date = new Date()

  const hello = scenarios.some((s) => s.target === "hello") ? await startHello(tmp) : undefined
  const ffynnon = scenarios.some((s) => s.target === "ffynnon") ? await startFfynnon(o, tmp) : undefined

  const measured = []
  const failures: string[] = []
  for (const s of scenarios) {
    const target = s.target === "hello" ? hello : ffynnon
    try {
      measured.push(await measure(s, target!, wrk, o, tmp))
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e
      failures.push(`${e.message} (skipped)`)
    }
  }
  const results = withRatios(measured)
  failures.push(...unexpectedNon2xx(results))

  console.log(markdownTable(results))
  for (const note of socketErrorNotes(results)) log(`warning: ${note}`)

  const file = writeJson(join(ROOT, "bench/results"), date, {
    date: date.toISOString(),
    machine: machineInfo(),
    bun: Bun.version,
    wrk: await wrkVersion(wrk),
    options: { connections: o.connections, threads: o.threads, durationSec: o.durationSec, warmupSec: o.warmupSec },
    ffynnon:
      ffynnon === undefined
        ? null
        : { mode: o.url ? "url" : o.binary ? "binary" : "source", url: ffynnon.baseUrl, binary: o.binary ?? null },
    results,
    failures
  })
  log(`results written to ${file}`)

  for (const f of failures) log(`FAILED: ${f}`)
  return failures.length > 0 ? 1 : 0
}

async function cleanup(tmp: string): Promise<void> {
  await stopAll()
  rmSync(tmp, { recursive: true, force: true })
}

async function run(): Promise<void> {
  const tmp = mkdtempSync(join(os.tmpdir(), "ffynnon-bench-"))
  await runHarness(
    log,
    () => main(process.argv.slice(2), tmp),
    () => cleanup(tmp)
  )
}

await run()
