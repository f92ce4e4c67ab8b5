// SNOMED CT at monolith scale in one run: a plain PostgreSQL COPY of a synthetic release as the
// baseline, the Ffynnon load of the same files, a cold server start and a start from the index
// cache it wrote, memory, correctness against the generator's ground truth, and wrk scenarios.
// See docs/benchmarks.md.
//
//   bun bench/snomed.ts [--scale 1.0] [--out /tmp/snomed-synth] [--duration 10] [--warmup 2]
//                       [--connections 10] [--threads 2] [--keep]
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync
} from "node:fs"
import os from "node:os"
import { join, relative, resolve } from "node:path"
import { pipeline } from "node:stream/promises"
import postgres from "postgres"
import {
  errorText,
  freePort,
  HarnessError,
  harnessOptions,
  isAlive,
  logTail,
  positiveInt,
  rssMb,
  runBounded,
  runHarness,
  start,
  stopAll,
  type Env,
  type Started
} from "./processes.ts"
import { machineInfo, writeJson, type ScenarioResult } from "./report.ts"
import type { GroundTruth } from "./snomed-generator/truth.ts"
import { luaString, parseWrkOutput, wrkArgs, type WrkResult } from "./wrk.ts"

const ROOT = resolve(import.meta.dir, "..")
export const SEED = 42
const POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
const SCT = "http://snomed.info/sct"
const UK_CLINICAL_LANGUAGE = "999001261000000100"
// Expanding the biggest hierarchies to check their totals takes long and proves nothing more.
const MAX_CHECKED_DESCENDANTS = 20_000
const READY_TIMEOUT_MS = 15 * 60_000
const RSS_SETTLE_MS = 10_000
const REQUEST_TIMEOUT_MS = 30_000
const EXAMPLES_KEPT = 5

// ---------------------------------------------------------------- options

interface Options {
  readonly scale: number
  readonly out: string
  readonly durationSec: number
  readonly warmupSec: number
  readonly connections: number
  readonly threads: number
  readonly keep: boolean
}

const USAGE = `usage: bun bench/snomed.ts [options]
  --scale S         release size, 1.0 = UK monolith (default 1.0)
  --out DIR         release directory, reused when its ground truth has the same scale and seed
                    (default /tmp/snomed-synth, or /tmp/snomed-synth-<S> for other scales)
  --duration S      measured seconds per HTTP scenario (default 10)
  --warmup S        warm-up seconds per HTTP scenario (default 2)
  --connections N   wrk connections (default 10)
  --threads N       wrk threads (default 2, at most --connections)
  --keep            keep the ffynnon_bench_* databases`

function parseOptions(argv: string[]): Options {
  const values = harnessOptions(argv, USAGE, {
    scale: { type: "string" },
    out: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string" },
    threads: { type: "string" },
    keep: { type: "boolean" }
  })
  const scale = releaseScale(values.scale)
  const connections = positiveInt("connections", values.connections, 10)
  const threads = positiveInt("threads", values.threads, Math.min(2, connections))
  if (threads > connections) throw new HarnessError("--threads must not exceed --connections")
  return {
    scale,
    out: resolve(values.out ?? defaultReleaseDirectory(scale)),
    durationSec: positiveInt("duration", values.duration, 10),
    warmupSec: positiveInt("warmup", values.warmup, 2),
    connections,
    threads,
    keep: values.keep === true
  }
}

/** `--scale`: the release's size, 1.0 being the UK monolith. */
export function releaseScale(value: string | undefined): number {
  const scale = Number(value ?? "1")
  if (!(scale > 0 && scale <= 10)) throw new HarnessError(`--scale must be a number in (0, 10], got "${value}"`)
  return scale
}

// ---------------------------------------------------------------- small helpers

function log(message: string): void {
  console.error(`[snomed-bench] ${message}`)
}

const seconds = (ms: number) => ms / 1000

/** Peak resident set size of `pid` in MB (VmHWM from /proc), or undefined once it has exited. */
function peakRssMb(pid: number): number | undefined {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]
    return kb === undefined ? undefined : Number(kb) / 1024
  } catch {
    return undefined
  }
}

/** Starts `cmd` (output to `<tmp>/<name>.log`) and waits for it to exit 0, polling its peak RSS every 200 ms. */
async function runToExit(name: string, cmd: string[], env: Env, limitMs: number, tmp: string) {
  const started = performance.now()
  // Through start() so that cleanup stops it too; it listens on no port.
  const s = start(name, cmd, env, { cwd: ROOT, logDir: tmp, port: 0 })
  let peakMb = 0
  const poll = setInterval(() => {
    peakMb = Math.max(peakMb, peakRssMb(s.proc.pid) ?? 0)
  }, 200)
  const timedOut = await Promise.race([s.proc.exited.then(() => false), Bun.sleep(limitMs).then(() => true)])
  clearInterval(poll)
  if (timedOut) {
    s.proc.kill("SIGKILL")
    throw new HarnessError(`${name} took longer than ${seconds(limitMs)} s:\n${logTail(s)}`)
  }
  if (s.proc.exitCode !== 0) throw new HarnessError(`${name} failed (exit ${s.proc.exitCode ?? s.proc.signalCode}):\n${logTail(s)}`)
  return { ms: performance.now() - started, peakRssMb: peakMb, output: readFileSync(s.logPath, "utf8") }
}

// ---------------------------------------------------------------- the release

/** Another scale gets its own default directory, so the monolith-size release is not overwritten. */
export const defaultReleaseDirectory = (scale: number) => (scale === 1 ? "/tmp/snomed-synth" : `/tmp/snomed-synth-${scale}`)

export interface Release {
  readonly folder: string
  readonly truth: GroundTruth
  readonly files: readonly string[]
  readonly bytes: number
  readonly reused: boolean
}

function readTruth(out: string): GroundTruth | undefined {
  const path = join(out, "ground-truth.json")
  if (!existsSync(path)) return undefined
  return JSON.parse(readFileSync(path, "utf8")) as GroundTruth
}

function rf2Files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".txt"))
    .map((path) => join(dir, path))
    .sort()
}

/** The release in `o.out`, generated there first unless it is already there at this scale and seed. */
export async function ensureRelease(o: Pick<Options, "scale" | "out">, tmp: string): Promise<Release> {
  let truth = readTruth(o.out)
  const same = truth?.generator.scale === o.scale && truth.generator.seed === SEED && existsSync(join(o.out, truth.generator.releaseFolder))
  if (same) {
    log(`reusing the release in ${o.out} (scale ${o.scale}, seed ${SEED})`)
  } else {
    log(`generating a release in ${o.out} (scale ${o.scale}, seed ${SEED}; about 50 s at scale 1) …`)
    const cmd = [process.execPath, "bench/snomed-generator/generate.ts", "--out", o.out, "--scale", String(o.scale), "--seed", String(SEED)]
    await runToExit("generate", cmd, {}, Math.max(1, o.scale) * 20 * 60_000, tmp)
    truth = readTruth(o.out)
    if (truth === undefined) throw new HarnessError(`the generator wrote no ground-truth.json in ${o.out}`)
  }
  const folder = join(o.out, truth!.generator.releaseFolder)
  const files = rf2Files(folder)
  if (files.length === 0) throw new HarnessError(`no RF2 .txt files below ${folder}`)
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0)
  return { folder, truth: truth!, files, bytes, reused: same }
}

// ---------------------------------------------------------------- databases

export const databaseUrl = (name: string) => `${POSTGRES_URL}/${name}`

function connect(database: string) {
  return postgres(databaseUrl(database), { max: 1, onnotice: () => {}, connection: { application_name: "ffynnon-bench" } })
}

export async function createDatabase(name: string): Promise<void> {
  const admin = connect("postgres")
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end()
  }
}

export async function dropDatabases(names: readonly string[]): Promise<void> {
  if (names.length === 0) return
  const admin = connect("postgres")
  try {
    for (const name of names) await admin.unsafe(`drop database if exists ${name} with (force)`)
  } finally {
    await admin.end()
  }
}

/** Writes dirty buffers out first, so neither timed load pays for the other's writes. */
async function checkpoint(): Promise<void> {
  const admin = connect("postgres")
  try {
    await admin`checkpoint`
  } finally {
    await admin.end()
  }
}

// ---------------------------------------------------------------- baseline: plain COPY

interface CopyResult {
  readonly ms: number
  readonly mode: "server-side" | "stdin"
  readonly files: readonly { file: string; rows: number | undefined; ms: number }[]
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`
const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`

function headerColumns(path: string): string[] {
  const fd = openSync(path, "r")
  try {
    const head = Buffer.alloc(4096)
    const bytes = readSync(fd, head, 0, head.length, 0)
    return head.subarray(0, bytes).toString("utf8").split("\n")[0]!.replace(/\r$/, "").split("\t")
  } finally {
    closeSync(fd)
  }
}

function tableName(index: number, path: string): string {
  const base = path
    .split("/")
    .pop()!
    .replace(/\.txt$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
  return `f${index}_${base}`.slice(0, 63)
}

/** Whether a server-side COPY failed because the server cannot read the file (then stream it instead). */
const cannotReadFile = (e: unknown) => ["58P01", "42501"].includes((e as { code?: string }).code ?? "")

async function copyFromStdin(sql: postgres.Sql, table: string, path: string): Promise<void> {
  const writable = await sql.unsafe(`copy ${table} from stdin with (format text, header true)`).writable()
  await pipeline(createReadStream(path), writable)
}

/** Every RF2 file into its own table of text columns, with no indexes or checks: the floor for a load. */
async function plainCopy(database: string, files: readonly string[], folder: string): Promise<CopyResult> {
  const sql = connect(database)
  // RF2 lines end in CRLF; COPY's text format takes either line end, as long as a file is consistent.
  let mode: CopyResult["mode"] = "server-side"
  const perFile: { file: string; rows: number | undefined; ms: number }[] = []
  try {
    const started = performance.now()
    for (const [index, path] of files.entries()) {
      const table = tableName(index, path)
      await sql.unsafe(
        `create table ${table} (${headerColumns(path)
          .map((c) => `${quoteIdent(c)} text`)
          .join(", ")})`
      )
      const fileStarted = performance.now()
      let rows: number | undefined
      if (mode === "server-side") {
        try {
          rows = (await sql.unsafe(`copy ${table} from ${quoteLiteral(path)} with (format text, header true)`)).count
        } catch (e) {
          if (!cannotReadFile(e)) throw e
          log(`the server cannot read ${path} (${errorText(e)}); streaming every file through COPY FROM STDIN instead`)
          mode = "stdin"
        }
      }
      if (mode === "stdin") await copyFromStdin(sql, table, path)
      perFile.push({ file: relative(folder, path), rows, ms: Math.round(performance.now() - fileStarted) })
      log(`copy: ${relative(folder, path)} ${rows ?? "?"} rows in ${seconds(performance.now() - fileStarted).toFixed(1)} s`)
    }
    return { ms: performance.now() - started, mode, files: perFile }
  } finally {
    await sql.end()
  }
}

// ---------------------------------------------------------------- Ffynnon load and serve

interface LoadResult {
  readonly ms: number
  readonly peakRssMb: number
  /** Seconds per phase as the loader reports them (`time: copy X s, index Y s, check Z s`). */
  readonly phases: Record<string, number>
}

function parsePhases(output: string): Record<string, number> {
  const line = [...output.matchAll(/^time: (.+)$/gm)].pop()?.[1]
  if (line === undefined) throw new HarnessError(`the loader printed no "time:" line:\n${output.slice(-2000)}`)
  const phases: Record<string, number> = {}
  for (const part of line.split(", ")) {
    const match = /^(\S+) ([\d.]+) s$/.exec(part.trim())
    if (match) phases[match[1]!] = Number(match[2])
  }
  return phases
}

export async function ffynnonLoad(database: string, folder: string, scale: number, tmp: string): Promise<LoadResult> {
  const cmd = [process.execPath, "apps/api/src/cli.ts", "load", "snomed", folder]
  const env = { DATABASE_URL: databaseUrl(database), FFYNNON_DATA_DIR: undefined, LOG_LEVEL: "warn" }
  const run = await runToExit("load", cmd, env, Math.max(1, scale) * 60 * 60_000, tmp)
  return { ms: run.ms, peakRssMb: run.peakRssMb, phases: parsePhases(run.output) }
}

interface Server {
  readonly process: Started
  readonly readyMs: number
}

/** Polls `url` every 50 ms until it answers 200 (waitReady's 250 ms is too coarse for a 2 s target). */
async function pollReady(url: string, timeoutMs: number, proc: Bun.Subprocess): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!isAlive(proc)) throw new Error(`process exited (code ${proc.exitCode ?? proc.signalCode}) before ${url} was ready`)
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      async (res) => (await res.arrayBuffer(), res.status),
      () => 0
    )
    if (status === 200) return
    await Bun.sleep(50)
  }
  throw new Error(`${url} not ready after ${seconds(timeoutMs)} s`)
}

async function startServer(name: string, cmd: string[], env: Env, readyPath: string, timeoutMs: number, tmp: string): Promise<Server> {
  const port = freePort()
  const startedAt = performance.now()
  const s = start(name, cmd, { ...env, PORT: String(port) }, { cwd: ROOT, logDir: tmp, port })
  log(`starting ${name} (pid ${s.proc.pid}) on ${s.baseUrl}`)
  try {
    await pollReady(s.baseUrl + readyPath, timeoutMs, s.proc)
  } catch (e) {
    throw new HarnessError(`${name} did not become ready: ${errorText(e)}\n--- ${name} output ---\n${logTail(s)}`)
  }
  return { process: s, readyMs: performance.now() - startedAt }
}

/** Ffynnon over `database`, its index cache in `dataDir` (fresh per run, so the first start is cold). */
function startFfynnon(name: string, database: string, dataDir: string, tmp: string): Promise<Server> {
  const cmd = [process.execPath, "apps/api/src/cli.ts", "serve"]
  const env = { DATABASE_URL: databaseUrl(database), FFYNNON_DATA_DIR: dataDir, HOST: "127.0.0.1", LOG_LEVEL: "warn" }
  return startServer(name, cmd, env, "/readyz", READY_TIMEOUT_MS, tmp)
}

async function stopServer(server: Server): Promise<void> {
  server.process.proc.kill("SIGTERM")
  const stopped = await Promise.race([server.process.proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)])
  if (!stopped) server.process.proc.kill("SIGKILL")
  await server.process.proc.exited
}

/** Waits RSS_SETTLE_MS after ready, then reads the server's RSS in MB. */
async function settledRss(server: Server): Promise<number | undefined> {
  log(`${server.process.name} ready after ${seconds(server.readyMs).toFixed(1)} s; reading its RSS ${seconds(RSS_SETTLE_MS)} s later`)
  await Bun.sleep(RSS_SETTLE_MS)
  return rssMb(server.process.proc.pid)
}

function cacheBytes(dataDir: string): number {
  const dir = join(dataDir, "cache")
  if (!existsSync(dir)) return 0
  return readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0)
}

// ---------------------------------------------------------------- requests

const lookupPath = (code: string) => `/fhir/CodeSystem/$lookup?system=${encodeURIComponent(SCT)}&code=${code}`
const subsumesPath = (a: string, b: string) => `/fhir/CodeSystem/$subsumes?system=${encodeURIComponent(SCT)}&codeA=${a}&codeB=${b}`
const isaPath = (id: string, extra: string) => `/fhir/ValueSet/$expand?url=${encodeURIComponent(`${SCT}?fhir_vs=isa/${id}`)}&${extra}`
const filterPath = (words: string) =>
  `/fhir/ValueSet/$expand?url=${encodeURIComponent(`${SCT}?fhir_vs`)}&filter=${encodeURIComponent(words)}&count=10`

/** First word plus the first three letters of the second: what a user has typed into a picker. */
export function typedPrefix(term: string): string {
  const [first, second] = term.split(/\s+/)
  return second === undefined ? first! : `${first} ${second.slice(0, 3)}`
}

const ukPreferredTerm = (t: GroundTruth["terms"][number]) => t.preferredTerm[UK_CLINICAL_LANGUAGE]
const filterPaths = (truth: GroundTruth) => truth.terms.map((t) => filterPath(typedPrefix(ukPreferredTerm(t)!)))

interface Parameter {
  readonly name: string
  readonly valueString?: string
  readonly valueCode?: string
}

async function getJson(base: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
  const text = await res.text()
  try {
    return { status: res.status, body: JSON.parse(text) }
  } catch {
    return { status: res.status, body: text }
  }
}

const parameter = (body: any, name: string): Parameter | undefined =>
  Array.isArray(body?.parameter) ? (body.parameter as Parameter[]).find((p) => p.name === name) : undefined

// ---------------------------------------------------------------- correctness

interface Check {
  readonly name: string
  readonly checked: number
  readonly failed: number
  /** The first few mismatches, readable as they are. */
  readonly examples: readonly string[]
}

/** Runs `verify` on every item in turn (bounded by the ground truth's size); it returns a mismatch or undefined. */
async function check<T>(name: string, items: readonly T[], verify: (item: T) => Promise<string | undefined>): Promise<Check> {
  let failed = 0
  const examples: string[] = []
  for (const item of items) {
    const mismatch = await verify(item).catch((e) => `request failed: ${errorText(e)}`)
    if (mismatch === undefined) continue
    failed++
    if (examples.length < EXAMPLES_KEPT) examples.push(mismatch)
  }
  log(`check ${name}: ${items.length - failed}/${items.length} pass`)
  return { name, checked: items.length, failed, examples }
}

const brief = (body: unknown) => JSON.stringify(body).slice(0, 200)

async function correctness(base: string, truth: GroundTruth): Promise<Check[]> {
  const lookups = await check("$lookup display = UK preferred term", truth.terms, async (t) => {
    const { status, body } = await getJson(base, lookupPath(t.conceptId))
    const display = parameter(body, "display")?.valueString
    if (status === 200 && display === ukPreferredTerm(t)) return undefined
    return `${t.conceptId}: HTTP ${status}, display ${JSON.stringify(display)}, expected ${JSON.stringify(ukPreferredTerm(t))}`
  })
  const subsumes = await check("$subsumes outcome", truth.subsumption, async (p) => {
    const { status, body } = await getJson(base, subsumesPath(p.codeA, p.codeB))
    const outcome = parameter(body, "outcome")?.valueCode
    if (status === 200 && outcome === p.outcome) return undefined
    return `${p.codeA} vs ${p.codeB}: HTTP ${status}, outcome ${outcome ?? brief(body)}, expected ${p.outcome}`
  })
  const checkedCounts = truth.descendantCounts.filter((d) => d.count < MAX_CHECKED_DESCENDANTS)
  const expansions = await check(`$expand isa total (< ${MAX_CHECKED_DESCENDANTS} descendants)`, checkedCounts, async (d) => {
    const { status, body } = await getJson(base, isaPath(d.conceptId, "activeOnly=true&count=1"))
    const total = body?.expansion?.total
    if (status === 200 && total === d.count + 1) return undefined
    return `isa/${d.conceptId}: HTTP ${status}, total ${total ?? brief(body)}, expected ${d.count + 1}`
  })
  // Not a target: makes sure the expand-filter scenario measures searches that find something.
  const activeTerms = truth.terms.filter((t) => t.active)
  const filters = await check("$expand filter finds ≥ 1 (active terms)", activeTerms, async (t) => {
    const words = typedPrefix(ukPreferredTerm(t)!)
    const { status, body } = await getJson(base, filterPath(words))
    const total = body?.expansion?.total
    if (status === 200 && total >= 1) return undefined
    return `filter ${JSON.stringify(words)} (${t.conceptId}): HTTP ${status}, total ${total ?? brief(body)}`
  })
  return [lookups, subsumes, expansions, filters]
}

// ---------------------------------------------------------------- wrk

interface HttpScenario {
  readonly name: string
  readonly server: "hello" | "ffynnon"
  readonly paths: readonly string[]
  readonly connections: number
  readonly threads: number
  /** Compared with hello (same connections); single-connection runs are not. */
  readonly ratio: boolean
}

/** A wrk script that sends GETs to `paths` in turn (each wrk thread keeps its own place), with `headers`. */
export function rotatingScript(paths: readonly string[], headers: Readonly<Record<string, string>> = {}): string {
  for (const path of paths) {
    // Paths are built with encodeURIComponent, so they need no Lua escaping; make sure of it.
    if (!/^[\x21-\x7e]+$/.test(path) || path.includes('"') || path.includes("\\"))
      throw new HarnessError(`cannot put ${path} in a Lua string`)
  }
  return [
    "local paths = {",
    ...paths.map((path) => `  "${path}",`),
    "}",
    "local i = 0",
    ...Object.entries(headers).map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`),
    "request = function()",
    "  i = i % #paths + 1",
    '  return wrk.format("GET", paths[i])',
    "end",
    ""
  ].join("\n")
}

function httpScenarios(truth: GroundTruth, o: Options): HttpScenario[] {
  const many = { connections: o.connections, threads: o.threads, ratio: true }
  const one = { connections: 1, threads: 1, ratio: false }
  const isa = truth.descendantCounts.map((d) => isaPath(d.conceptId, "count=10"))
  const filter = filterPaths(truth)
  return [
    { name: "hello", server: "hello", paths: ["/hello"], ...many },
    { name: "lookup", server: "ffynnon", paths: truth.terms.map((t) => lookupPath(t.conceptId)), ...many },
    { name: "subsumes", server: "ffynnon", paths: truth.subsumption.map((p) => subsumesPath(p.codeA, p.codeB)), ...many },
    { name: "expand-isa", server: "ffynnon", paths: isa, ...many },
    { name: "expand-filter", server: "ffynnon", paths: filter, ...many },
    { name: "expand-isa 1 conn", server: "ffynnon", paths: isa, ...one },
    { name: "expand-filter 1 conn", server: "ffynnon", paths: filter, ...one }
  ]
}

async function wrkVersion(wrk: string): Promise<string> {
  const { stdout, stderr } = await runBounded([wrk, "-v"], 5000)
  return (stdout + stderr).split("\n")[0]?.trim() ?? "unknown"
}

async function runWrk(wrk: string, url: string, s: HttpScenario, durationSec: number, script: string): Promise<WrkResult> {
  const args = wrkArgs({ url, connections: s.connections, threads: s.threads, durationSec, script })
  const { code, stdout, stderr } = await runBounded([wrk, ...args], (durationSec + 30) * 1000)
  // wrk exits 0 even when its Lua script fails, so any stderr output counts as a failure.
  if (code !== 0 || stderr.trim() !== "") throw new HarnessError(`wrk failed (exit ${code}) for ${s.name}:\n${stderr}${stdout}`)
  return parseWrkOutput(stdout)
}

async function measure(
  s: HttpScenario,
  server: Server,
  wrk: string,
  o: Options,
  tmp: string
): Promise<ScenarioResult & { ratio: boolean }> {
  const base = server.process.baseUrl
  // One request outside wrk, so a wrong endpoint fails loudly instead of producing a fast table of errors.
  const first = await getJson(base, s.paths[0]!)
  if (first.status !== 200) throw new HarnessError(`${s.name}: GET ${s.paths[0]} answered ${first.status}: ${brief(first.body)}`)
  const script = join(tmp, `${s.name.replaceAll(" ", "-")}.lua`)
  writeFileSync(script, rotatingScript(s.paths))
  log(
    `${s.name}: warm-up ${o.warmupSec} s, then ${o.durationSec} s measured (${s.connections} connections, ${s.paths.length} requests in turn) …`
  )
  const died = () =>
    new HarnessError(
      `${s.name}: the server died (${server.process.proc.exitCode ?? server.process.proc.signalCode}):\n${logTail(server.process)}`
    )
  const result = await runWrk(wrk, base, s, o.warmupSec, script)
    .then(() => runWrk(wrk, base, s, o.durationSec, script))
    .catch((e) => {
      throw isAlive(server.process.proc) ? e : died()
    })
  if (!isAlive(server.process.proc)) throw died()
  return {
    scenario: s.name,
    method: "GET",
    url: base + s.paths[0],
    rssMb: rssMb(server.process.proc.pid),
    ratioToHelloPct: undefined,
    ratio: s.ratio,
    ...result
  }
}

/** Milliseconds of each request to one path, sent one at a time. */
interface PathTimes {
  readonly path: string
  readonly ms: readonly number[]
}

const ROUNDS = 3

export function percentile(values: readonly number[], p: number): number {
  const sorted = values.toSorted((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

/**
 * Each path once per round, one request at a time, in the order wrk sends them (so each request
 * pays for what the previous one left behind, as under wrk), timed on the client with no
 * correction: the plain latency of one request, which wrk's percentiles are not (see docs).
 */
async function oneAtATime(base: string, paths: readonly string[]): Promise<PathTimes[]> {
  const times = paths.map((path) => ({ path, ms: [] as number[] }))
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of times) {
      const started = performance.now()
      const { status } = await getJson(base, t.path)
      if (status !== 200) throw new HarnessError(`GET ${t.path} answered ${status}`)
      t.ms.push(performance.now() - started)
    }
  }
  return times
}

function withHelloRatios(results: readonly (ScenarioResult & { ratio: boolean })[]): ScenarioResult[] {
  const hello = results.find((r) => r.scenario === "hello")?.requestsPerSec
  return results.map(({ ratio, ...r }) => ({ ...r, ratioToHelloPct: ratio && hello ? (100 * r.requestsPerSec) / hello : undefined }))
}

// ---------------------------------------------------------------- the table

interface Row {
  readonly metric: string
  readonly measured: string
  readonly target: string
  readonly met: string
}

/** Two starts of the server over the loaded database: cold, then from the index cache the first wrote. */
interface Serving {
  readonly coldReadyMs: number
  readonly cachedReadyMs: number
  readonly cacheBytes: number
  /** RSS in MB 10 s after each start was ready, and of the cached start after the HTTP scenarios. */
  readonly coldRssMb: number | undefined
  readonly cachedRssMb: number | undefined
  afterHttpRssMb: number | undefined
}

const MB_LIMIT = 1.5 * 1024
const yesNo = (ok: boolean) => (ok ? "yes" : "no")
const mb = (n: number | undefined) => (n === undefined ? "-" : `${Math.round(n)} MB`)

const rssRow = (metric: string, value: number | undefined): Row => ({
  metric,
  measured: mb(value),
  target: "≤ 1.5 GB",
  met: value === undefined ? "-" : yesNo(value <= MB_LIMIT)
})

interface Sequential {
  readonly isa: readonly (PathTimes & { readonly descendants: number })[]
  readonly filter: readonly PathTimes[]
}

function sequentialRow(label: string, times: readonly PathTimes[], target: boolean): Row {
  const ms = times.flatMap((t) => t.ms)
  if (ms.length === 0) return { metric: label, measured: "-", target: "-", met: "-" }
  const p50 = percentile(ms, 50)
  return {
    metric: label,
    measured: `p50 ${p50.toFixed(2)} ms, p99 ${percentile(ms, 99).toFixed(2)} ms, max ${Math.max(...ms).toFixed(1)} ms`,
    target: target ? "p50 ≤ 2 ms" : "-",
    met: target ? yesNo(p50 <= 2) : "-"
  }
}

function sequentialRows(sequential: Sequential): Row[] {
  const small = sequential.isa.filter((t) => t.descendants < MAX_CHECKED_DESCENDANTS)
  const large = sequential.isa.filter((t) => t.descendants >= MAX_CHECKED_DESCENDANTS)
  const largest = large.length === 0 ? "none" : `${large.length}, largest ${Math.max(...large.map((t) => t.descendants))}`
  const requests = (n: number) => `${n} × ${ROUNDS} requests`
  return [
    sequentialRow(`expand-isa one request at a time (${requests(sequential.isa.length)})`, sequential.isa, true),
    sequentialRow(`… of which isa concepts with < ${MAX_CHECKED_DESCENDANTS} descendants (${small.length})`, small, false),
    sequentialRow(`… of which isa concepts with ≥ ${MAX_CHECKED_DESCENDANTS} descendants (${largest})`, large, false),
    sequentialRow(`expand-filter one request at a time (${requests(sequential.filter.length)})`, sequential.filter, true)
  ]
}

function summaryRows(
  copy: CopyResult,
  load: LoadResult,
  serving: Serving,
  checks: readonly Check[],
  http: readonly ScenarioResult[],
  sequential: Sequential
): Row[] {
  const ratio = load.ms / copy.ms
  const phases = Object.entries(load.phases)
    .map(([phase, s]) => `${phase} ${s.toFixed(1)}`)
    .join(", ")
  const rows: Row[] = [
    { metric: "plain COPY of the same files (baseline)", measured: `${seconds(copy.ms).toFixed(1)} s`, target: "-", met: "-" },
    {
      metric: "Ffynnon load, wall time",
      measured: `${seconds(load.ms).toFixed(1)} s (${phases} s)`,
      target: "≤ 300 s",
      met: yesNo(load.ms <= 300_000)
    },
    { metric: "Ffynnon load / plain COPY", measured: `${ratio.toFixed(2)}×`, target: "≤ 2×", met: yesNo(ratio <= 2) },
    { metric: "loader peak RSS", measured: mb(load.peakRssMb), target: "-", met: "-" },
    {
      metric: "server start to /readyz 200, cold (index built from the database)",
      measured: `${seconds(serving.coldReadyMs).toFixed(1)} s`,
      target: "-",
      met: "-"
    },
    { metric: "index cache written by the cold start", measured: mb(serving.cacheBytes / 2 ** 20), target: "-", met: "-" },
    {
      metric: "server start to /readyz 200 from disk cache",
      measured: `${seconds(serving.cachedReadyMs).toFixed(2)} s`,
      target: "≤ 2 s",
      met: yesNo(serving.cachedReadyMs <= 2000)
    },
    rssRow("server RSS 10 s after ready, cold start", serving.coldRssMb),
    rssRow("server RSS 10 s after ready, start from cache", serving.cachedRssMb),
    rssRow("server RSS after the checks and HTTP scenarios", serving.afterHttpRssMb)
  ]
  for (const c of checks) {
    rows.push({
      metric: c.name,
      measured: `${c.checked - c.failed}/${c.checked} pass, ${c.failed} fail`,
      target: "0 fail",
      met: yesNo(c.failed === 0)
    })
  }
  for (const r of http) {
    const share = r.ratioToHelloPct === undefined ? "" : `, ${r.ratioToHelloPct.toFixed(r.ratioToHelloPct < 1 ? 2 : 1)}% of hello`
    const errors = r.non2xx > 0 ? `, ${r.non2xx} non-2xx` : ""
    const single = r.scenario.endsWith("1 conn")
    rows.push({
      metric: `${r.scenario}: req/s, p50, p99`,
      measured: `${Math.round(r.requestsPerSec)} req/s${share}; p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms${errors}`,
      target: single ? "p50 ≤ 2 ms" : "-",
      met: single ? yesNo(r.p50Ms <= 2) : "-"
    })
  }
  rows.push(...sequentialRows(sequential))
  return rows
}

function markdown(rows: readonly Row[]): string {
  const header = ["metric", "measured", "target", "met?"]
  const cells = rows.map((r) => [r.metric, r.measured, r.target, r.met])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: readonly string[]) => `| ${c.map((text, i) => text.padEnd(widths[i]!)).join(" | ")} |`
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n")
}

// ---------------------------------------------------------------- main

interface Run {
  readonly tmp: string
  readonly databases: string[]
  keep: boolean
}

async function main(argv: string[], run: Run): Promise<number> {
  const o = parseOptions(argv)
  run.keep = o.keep
  const wrk = Bun.which("wrk")
  if (!wrk) throw new HarnessError("wrk is not on PATH (Debian/Ubuntu: apt-get install wrk; bun bench/run.ts installs it too)")
  const date = new Date()
  const release = await ensureRelease(o, run.tmp)
  log(`release: ${release.files.length} files, ${(release.bytes / 2 ** 30).toFixed(2)} GiB, ${release.truth.concepts.total} concepts`)

  // A suffix per run, so two runs (or a kept database) never collide.
  const suffix = `${date.getTime().toString(36)}_${process.pid}`
  const copyDb = `ffynnon_bench_copy_${suffix}`
  const loadDb = `ffynnon_bench_load_${suffix}`
  run.databases.push(copyDb, loadDb)

  await createDatabase(copyDb)
  await checkpoint()
  log(`plain COPY into ${copyDb} …`)
  const copy = await plainCopy(copyDb, release.files, release.folder)
  log(`plain COPY: ${seconds(copy.ms).toFixed(1)} s (${copy.mode})`)

  await createDatabase(loadDb)
  await checkpoint()
  log(`Ffynnon load into ${loadDb} …`)
  const load = await ffynnonLoad(loadDb, release.folder, o.scale, run.tmp)
  log(`Ffynnon load: ${seconds(load.ms).toFixed(1)} s, peak RSS ${mb(load.peakRssMb)}`)

  const dataDir = mkdtempSync(join(run.tmp, "data-"))
  const cold = await startFfynnon("ffynnon-cold", loadDb, dataDir, run.tmp)
  const coldRssMb = await settledRss(cold)
  await stopServer(cold)
  const ffynnon = await startFfynnon("ffynnon", loadDb, dataDir, run.tmp)
  const serving: Serving = {
    coldReadyMs: cold.readyMs,
    cachedReadyMs: ffynnon.readyMs,
    cacheBytes: cacheBytes(dataDir),
    coldRssMb,
    cachedRssMb: await settledRss(ffynnon),
    afterHttpRssMb: undefined
  }

  const checks = await correctness(ffynnon.process.baseUrl, release.truth)

  const hello = await startServer("hello", [process.execPath, "bench/hello.ts"], {}, "/hello", 60_000, run.tmp)
  const measured = []
  for (const s of httpScenarios(release.truth, o)) measured.push(await measure(s, s.server === "hello" ? hello : ffynnon, wrk, o, run.tmp))
  const http = withHelloRatios(measured)
  log("expand-isa and expand-filter: one request at a time …")
  const isaTimes = await oneAtATime(
    ffynnon.process.baseUrl,
    release.truth.descendantCounts.map((d) => isaPath(d.conceptId, "count=10"))
  )
  const sequential: Sequential = {
    isa: isaTimes.map((t, i) => ({ ...t, descendants: release.truth.descendantCounts[i]!.count })),
    filter: await oneAtATime(ffynnon.process.baseUrl, filterPaths(release.truth))
  }
  serving.afterHttpRssMb = rssMb(ffynnon.process.proc.pid)

  const rows = summaryRows(copy, load, serving, checks, http, sequential)
  console.log(markdown(rows))

  const failures = [
    ...checks.filter((c) => c.failed > 0).map((c) => `${c.name}: ${c.failed} of ${c.checked} fail; first: ${c.examples.join("; ")}`),
    ...http.filter((r) => r.non2xx > 0).map((r) => `${r.scenario}: ${r.non2xx} non-2xx responses`)
  ]
  const file = writeJson(join(ROOT, "bench/results"), date, {
    benchmark: "snomed",
    date: date.toISOString(),
    machine: machineInfo(),
    loadAverage: os.loadavg(),
    bun: Bun.version,
    wrk: await wrkVersion(wrk),
    options: o,
    release: {
      folder: release.folder,
      reused: release.reused,
      scale: o.scale,
      seed: SEED,
      files: release.files.length,
      bytes: release.bytes,
      concepts: release.truth.concepts
    },
    copy,
    load,
    serving,
    checks,
    http,
    sequential,
    summary: rows,
    failures
  })
  log(`results written to ${file}`)
  for (const f of failures) log(`FAILED: ${f}`)
  return failures.length > 0 ? 1 : 0
}

async function cleanup(run: Run): Promise<void> {
  await stopAll()
  if (run.keep) {
    if (run.databases.length > 0) log(`kept databases: ${run.databases.join(", ")}`)
  } else {
    await dropDatabases(run.databases).catch((e) => log(`could not drop ${run.databases.join(", ")}: ${errorText(e)}`))
  }
  rmSync(run.tmp, { recursive: true, force: true })
}

async function runMain(): Promise<void> {
  const run: Run = { tmp: mkdtempSync(join(os.tmpdir(), "ffynnon-snomed-bench-")), databases: [], keep: false }
  await runHarness(
    log,
    () => main(process.argv.slice(2), run),
    () => cleanup(run)
  )
}

// Other harnesses import the release and load helpers above without running this one.
if (import.meta.main) await runMain()
