// Every terminology over HTTP from one server, against the box's hello-world ceiling in the same
// rounds: SNOMED CT at monolith scale (with its synthetic Welsh translation), WHO's ICD-11 MMS,
// the UK ICD-10 edition and a full-scale dm+d release, loaded beforehand into one PostgreSQL
// database (docs/benchmarks.md says how), the way a production server holds them. Each round runs
// hello and then every scenario with wrk, so the ratios of one round are measured minutes apart at
// most; the server's CPU time per request (from /proc) is printed beside the rate, as it drifts
// less with the machine's load.
//
//   bun bench/serving.ts --database-url URL --truth DIR/ground-truth.json
//                        [--rounds 3] [--duration 5] [--warmup 1] [--connections 10] [--only a,b] [--data-dir DIR]
//                        [--threads N]
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { freePort, HarnessError, harnessOptions, positiveInt, rssMb, runHarness, start, stopAll, waitReady } from "./processes.ts"
import { machineInfo } from "./report.ts"
import { percentile, typedPrefix } from "./snomed.ts"
import type { GroundTruth } from "./snomed-generator/truth.ts"
import { measureRounds, type Scenario } from "./wrkRounds.ts"

const ROOT = resolve(import.meta.dir, "..")
const SCT = "http://snomed.info/sct"
const ICD11 = "http://id.who.int/icd/release/11/mms"
const DMD = "https://dmd.nhs.uk"
const UK_MAP = `${SCT}?fhir_cm=999002271000000101`
const UK_CLINICAL_LANGUAGE = "999001261000000100"
/** Requests per sequential-latency scenario (each sent one at a time, after one warm-up pass). */
const SEQUENTIAL_REQUESTS = 200

const usage = `usage: bun bench/serving.ts --database-url URL --truth FILE [options]
  --database-url URL  PostgreSQL database holding the SNOMED CT release of FILE, ICD-11, the UK ICD-10 edition and dm+d
  --truth FILE        the ground-truth.json that bench/snomed-generator wrote beside that release
  --rounds N          rounds of hello and every scenario (default 3)
  --duration S        measured seconds per wrk run (default 5)
  --warmup S          warm-up seconds per wrk run (default 1)
  --connections N     wrk connections (default 10)
  --only LIST         comma-separated scenario names (hello is always run)
  --data-dir DIR      the server's data directory, where it keeps its index caches between runs
                      (default <tmp>/ffynnon-serving-data)
  --threads N         serving threads (FFYNNON_THREADS) for the server and for hello alike (default 1)`

const options = harnessOptions(process.argv.slice(2), usage, {
  "database-url": { type: "string" },
  truth: { type: "string" },
  rounds: { type: "string" },
  duration: { type: "string" },
  warmup: { type: "string" },
  connections: { type: "string" },
  only: { type: "string" },
  "data-dir": { type: "string" },
  threads: { type: "string" }
})

const log = (message: string) => console.error(`[serving-bench] ${message}`)
const q = encodeURIComponent

const getJson = async (base: string, path: string) => {
  const response = await fetch(base + path)
  return { status: response.status, body: (await response.json()) as { expansion?: { contains?: ReadonlyArray<Expanded> } } }
}

interface Expanded {
  readonly code: string
  readonly display: string
}

/** Every fifth entry of a value set's first 1,000, for scenarios that rotate over real codes of a loaded code system. */
const expanded = async (base: string, valueSetUrl: string) => {
  const { status, body } = await getJson(base, `/fhir/ValueSet/$expand?url=${q(valueSetUrl)}&count=1000`)
  const entries = body.expansion?.contains?.filter((_, i) => i % 5 === 0) ?? []
  if (status !== 200 || entries.length === 0)
    throw new HarnessError(`$expand ${valueSetUrl} answered ${status} with no codes: is it loaded?`)
  return entries
}

const scenarios = (truth: GroundTruth, icd11: ReadonlyArray<string>, ampps: ReadonlyArray<string>): ReadonlyArray<Scenario> => {
  const concepts = truth.terms.map((t) => t.conceptId)
  const mapped = truth.icd10Maps.filter((map) => map.rows.some((row) => row.active)).map((map) => map.conceptId)
  return [
    {
      name: "SNOMED CT $lookup",
      target: "≥ 15,000 req/s, ≥ 50 % of hello",
      paths: concepts.map((c) => `/fhir/CodeSystem/$lookup?system=${q(SCT)}&code=${c}`)
    },
    ...(["en-GB", "cy"] as const).map((language) => ({
      name: `SNOMED CT $lookup, displayLanguage=${language}`,
      target: "cy within 10 % of en-GB",
      paths: concepts.map((c) => `/fhir/CodeSystem/$lookup?system=${q(SCT)}&code=${c}&displayLanguage=${language}`)
    })),
    {
      name: "SNOMED CT $validate-code",
      target: "",
      paths: concepts.map((c) => `/fhir/CodeSystem/$validate-code?url=${q(SCT)}&code=${c}`)
    },
    {
      name: "SNOMED CT $subsumes",
      target: "≥ 15,000 req/s, ≥ 50 % of hello",
      paths: truth.subsumption.map((p) => `/fhir/CodeSystem/$subsumes?system=${q(SCT)}&codeA=${p.codeA}&codeB=${p.codeB}`)
    },
    {
      name: "SNOMED CT → ICD-10 $translate",
      target: "≥ 10,000 req/s",
      paths: mapped.map((c) => `/fhir/ConceptMap/$translate?url=${q(UK_MAP)}&system=${q(SCT)}&code=${c}`)
    },
    {
      name: "ICD-11 $lookup",
      target: "≥ 15,000 req/s",
      paths: icd11.map((c) => `/fhir/CodeSystem/$lookup?system=${q(ICD11)}&code=${q(c)}`)
    },
    {
      name: "ICD-11 $validate-code",
      target: "≥ 15,000 req/s",
      paths: icd11.map((c) => `/fhir/CodeSystem/$validate-code?url=${q(ICD11)}&code=${q(c)}`)
    },
    { name: "dm+d $lookup", target: "≥ 15,000 req/s", paths: ampps.map((c) => `/fhir/CodeSystem/$lookup?system=${q(DMD)}&code=${c}`) }
  ]
}

/** Sequential requests, one at a time: the latency targets (p50 over HTTP) that wrk's percentiles do not give. */
const sequentialScenarios = (
  truth: GroundTruth,
  dmdWords: ReadonlyArray<string>,
  bodySites: ReadonlyArray<string>
): ReadonlyArray<Scenario> => {
  const words = truth.terms.filter((t) => t.active).map((t) => typedPrefix(t.preferredTerm[UK_CLINICAL_LANGUAGE] ?? t.fsn))
  return [
    {
      name: "SNOMED CT $expand filter, count 10",
      target: "p50 ≤ 2 ms",
      paths: words.map((w) => `/fhir/ValueSet/$expand?url=${q(`${SCT}?fhir_vs`)}&filter=${q(w)}&count=10`)
    },
    {
      name: "SNOMED CT $expand isa, count 10",
      target: "p50 ≤ 2 ms",
      paths: truth.descendantCounts.map((d) => `/fhir/ValueSet/$expand?url=${q(`${SCT}?fhir_vs=isa/${d.conceptId}`)}&count=10`)
    },
    {
      name: "SNOMED CT ECL refinement $expand, count 10",
      target: "p50 ≤ 2 ms",
      paths: bodySites.map((site) => `/fhir/ValueSet/$expand?url=${q(`${SCT}?fhir_vs=ecl/< 404684003 : 363698007 = << ${site}`)}&count=10`)
    },
    {
      name: "dm+d VMP search, count 10",
      target: "p50 ≤ 2 ms",
      paths: dmdWords.map((w) => `/fhir/ValueSet/$expand?url=${q(`${DMD}/ValueSet/VMP`)}&filter=${q(w)}&count=10`)
    }
  ]
}

const sequential = async (base: string, scenario: Scenario) => {
  const paths = Array.from({ length: SEQUENTIAL_REQUESTS }, (_, i) => scenario.paths[i % scenario.paths.length]!)
  const times: Array<number> = []
  for (const pass of [false, true]) {
    for (const path of paths) {
      const started = performance.now()
      const response = await fetch(base + path)
      await response.arrayBuffer()
      if (response.status !== 200) throw new HarnessError(`${scenario.name}: ${path} answered ${response.status}`)
      if (pass) times.push(performance.now() - started)
    }
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) }
}

const median = (values: ReadonlyArray<number>) => percentile(values, 50)
const fmt = (n: number, digits = 0) => n.toLocaleString("en-GB", { maximumFractionDigits: digits, minimumFractionDigits: digits })

await runHarness(
  log,
  async () => {
    if (options["database-url"] === undefined || options.truth === undefined) throw new HarnessError(usage)
    const truth = JSON.parse(readFileSync(options.truth, "utf8")) as GroundTruth
    const rounds = positiveInt("rounds", options.rounds, 3)
    const threads = String(positiveInt("threads", options.threads, 1))
    const dir = mkdtempSync(join(tmpdir(), "ffynnon-serving-"))
    const o = {
      duration: positiveInt("duration", options.duration, 5),
      warmup: positiveInt("warmup", options.warmup, 1),
      connections: positiveInt("connections", options.connections, 10),
      dir
    }
    const helloPort = freePort()
    const hello = start(
      "hello",
      [process.execPath, "bench/hello.ts"],
      { PORT: String(helloPort), HOST: "127.0.0.1", FFYNNON_THREADS: threads },
      { cwd: ROOT, logDir: dir, port: helloPort }
    )
    const port = freePort()
    const env = {
      DATABASE_URL: options["database-url"],
      FFYNNON_DATA_DIR: options["data-dir"] ?? join(tmpdir(), "ffynnon-serving-data"),
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
      FFYNNON_THREADS: threads
    }
    const server = start("ffynnon", [process.execPath, "apps/api/src/cli.ts", "serve"], env, { cwd: ROOT, logDir: dir, port })
    await waitReady(`${hello.baseUrl}/hello`, 30_000, hello.proc)
    const started = performance.now()
    await waitReady(`${server.baseUrl}/readyz`, 15 * 60_000, server.proc)
    log(`ffynnon ready in ${fmt((performance.now() - started) / 1000, 1)} s (a first start builds the index caches)`)

    const only = options.only?.split(",").map((name) => name.trim())
    const icd11 = (await expanded(server.baseUrl, `${ICD11}?fhir_vs`)).map((entry) => entry.code).slice(0, 200)
    const ampps = await expanded(server.baseUrl, `${DMD}/ValueSet/AMPP`)
    // What a user types into a picker: the first four letters of a product's first two words.
    const dmdWords = ampps.map((entry) =>
      entry.display
        .split(" ")
        .slice(0, 2)
        .map((word) => word.slice(0, 4))
        .join(" ")
    )
    const ampCodes = ampps.map((entry) => entry.code)
    const all = scenarios(truth, icd11, ampCodes).filter((s) => only === undefined || only.some((name) => s.name.includes(name)))
    const results = await measureRounds(hello, server, all, rounds, o, log)
    const latencies = []
    // The issue's example refines by a body site of the real release; the synthetic one has its own.
    const bodySites = (await expanded(server.baseUrl, `${SCT}?fhir_vs=ecl/<! 123037004`)).map((entry) => entry.code)
    for (const scenario of sequentialScenarios(truth, dmdWords, bodySites))
      latencies.push({ scenario, ...(await sequential(server.baseUrl, scenario)) })
    const serverRss = rssMb(server.proc.pid)

    const machine = machineInfo()
    console.log(
      `\n${new Date().toISOString()}, ${machine.cpuModel}, ${machine.cores} cores, ${machine.kernel}; load average at the end ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`
    )
    console.log(
      `${threads} serving thread(s), server and hello alike; wrk: ${o.connections} connections, ${o.warmup} s warm-up, ${o.duration} s measured, ${rounds} rounds (median of rounds; ratio = median of each round's ratio to hello)\n`
    )
    console.log("| scenario | req/s | % of hello | p99 ms | server CPU µs per request | target |")
    console.log("|---|---:|---:|---:|---:|---|")
    for (const [name, measured] of results) {
      const target = all.find((s) => s.name === name)?.target ?? ""
      console.log(
        `| ${name} | ${fmt(median(measured.map((m) => m.requestsPerSec)))} | ${fmt(100 * median(measured.map((m) => m.ratio)), 1)} | ${fmt(median(measured.map((m) => m.p99Ms)), 2)} | ${fmt(median(measured.map((m) => m.cpuMicrosPerRequest)), 1)} | ${target} |`
      )
    }
    console.log(`\nOne request at a time (${SEQUENTIAL_REQUESTS} after a warm-up pass, client-side wall time):\n`)
    console.log("| scenario | p50 ms | p95 ms | target |")
    console.log("|---|---:|---:|---|")
    for (const l of latencies) console.log(`| ${l.scenario.name} | ${fmt(l.p50, 2)} | ${fmt(l.p95, 2)} | ${l.scenario.target} |`)
    console.log(`\nserver RSS after the run: ${fmt(serverRss ?? Number.NaN)} MB`)
    rmSync(dir, { recursive: true, force: true })
    return 0
  },
  () => stopAll()
)
