// ICD-11 MMS at full scale: the time to load WHO's whole simple tabulation (36,044 rows) into a
// fresh embedded database, and the engine's cost per request over it, in process through
// `app.request()` as bench/engine.ts measures (no HTTP: an upper bound for the served rate).
// Reads ../shared/fixtures/icd (or FFYNNON_SHARED_DIR/fixtures/icd) in place. Prints tables.
//
// With --translate: SNOMED CT → UK ICD-10 `$translate` over HTTP on the monolith-scale synthetic
// release's UK map (999002271000000101), with the sample UK ICD-10 edition loaded for the targets,
// against the hello-world ceiling in the same run (wrk; PostgreSQL on 127.0.0.1:5432). Every
// request is first checked against the generator's ground truth (one match per active map row).
//
//   bun bench/icd.ts [--rounds 5000]
//   bun bench/icd.ts --translate [--scale 1.0] [--out DIR] [--duration 10] [--connections 10]
import { NodeContext } from "@effect/platform-node"
import { layerPglite } from "@ffynnon/db"
import { loadIcd11 } from "@ffynnon/icd"
import { ReleaseCodeSystems } from "@ffynnon/terminology"
import { Effect, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { makeApp } from "../apps/api/src/app"
import { servicesOver } from "../apps/api/src/runtime"
import { formatTable } from "../loaders/src/table"
import { timeInProcess } from "./inProcess.ts"
import { freePort, harnessOptions, HarnessError, positiveInt, runBounded, runHarness, start, stopAll, waitReady } from "./processes.ts"
import { markdownTable, withRatios } from "./report.ts"
import {
  createDatabase,
  databaseUrl,
  defaultReleaseDirectory,
  dropDatabases,
  ensureRelease,
  ffynnonLoad,
  releaseScale,
  rotatingScript
} from "./snomed.ts"
import { parseWrkOutput, wrkArgs } from "./wrk.ts"

const usage = `usage: bun bench/icd.ts [options]
  --rounds N        requests timed per scenario, in process (default 5000)
  --translate       SNOMED CT → UK ICD-10 $translate over HTTP on the synthetic monolith-scale release instead
  --scale S         with --translate: release size, 1.0 = UK monolith (default 1.0)
  --out DIR         with --translate: the release, as for bench/snomed.ts (default /tmp/snomed-synth[-<S>])
  --duration S      with --translate: seconds measured per wrk run (default 10)
  --connections N   with --translate: wrk connections (default 10)`
const options = harnessOptions(process.argv.slice(2), usage, {
  rounds: { type: "string" },
  translate: { type: "boolean" },
  scale: { type: "string" },
  out: { type: "string" },
  duration: { type: "string" },
  connections: { type: "string" }
})
if (options.translate === true) await benchTranslate()
const rounds = positiveInt("rounds", options.rounds, 5_000)
const shared = process.env.FFYNNON_SHARED_DIR ?? join(import.meta.dirname, "..", "..", "shared")
const release = join(shared, "fixtures", "icd", "icd11-who-2024-01", "SimpleTabulation-ICD-11-MMS-en-2024-01.zip")
if (!existsSync(release)) {
  console.log(`skipped: ${release} is not here; set FFYNNON_SHARED_DIR to the shared folder`)
  process.exit(0)
}
const mms = "http://id.who.int/icd/release/11/mms"
const scenarios: ReadonlyArray<{ readonly name: string; readonly path: string }> = [
  { name: "ICD-11 $lookup", path: `/fhir/CodeSystem/$lookup?system=${mms}&code=1A00` },
  { name: "ICD-11 $validate-code", path: `/fhir/CodeSystem/$validate-code?url=${mms}&code=BA00.Z` },
  {
    name: "ICD-11 $validate-code, postcoordinated",
    path: `/fhir/CodeSystem/$validate-code?url=${mms}&code=${encodeURIComponent("1A00&XN8P1")}`
  },
  { name: "ICD-11 $subsumes", path: `/fhir/CodeSystem/$subsumes?system=${mms}&codeA=01&codeB=1A11.0` },
  {
    name: "ICD-11 $expand chapter 01, filter, count 10",
    path: `/fhir/ValueSet/$expand?url=${encodeURIComponent(`${mms}?fhir_vs=isa/01`)}&filter=cholera&count=10`
  }
]

const dataDir = mkdtempSync(join(tmpdir(), "ffynnon-icd-bench-"))
const runtime = ManagedRuntime.make(
  servicesOver(layerPglite({ dataDir })).pipe(Layer.provide(NodeContext.layer), Layer.provideMerge(Logger.minimumLogLevel(LogLevel.None)))
)
try {
  await runtime.runPromise(Effect.flatMap(ReleaseCodeSystems, (systems) => systems.current))
  const started = performance.now()
  const report = await runtime.runPromise(loadIcd11(release))
  const loaded = performance.now() - started
  await runtime.runPromise(Effect.flatMap(ReleaseCodeSystems, (systems) => systems.refresh))
  const served = performance.now() - started
  console.log(
    formatTable([
      {
        step: "load (read, parse, COPY, commit)",
        seconds: (loaded / 1000).toFixed(2),
        rows: Object.values(report.counts).reduce((a, b) => a + b, 0)
      },
      { step: "load and serve (provider built)", seconds: (served / 1000).toFixed(2), rows: report.counts.category! }
    ])
  )
  const app = makeApp(await runtime.runtime())
  console.log(formatTable(await timeInProcess(scenarios, (scenario) => app.request(scenario.path), rounds)))
} finally {
  await runtime.dispose()
  rmSync(dataDir, { recursive: true, force: true })
}

/** `--translate`: see the header. Exits when done. */
async function benchTranslate(): Promise<never> {
  const root = resolve(import.meta.dirname, "..")
  const scale = releaseScale(options.scale)
  const out = resolve(options.out ?? defaultReleaseDirectory(scale))
  const durationSec = positiveInt("duration", options.duration, 10)
  const connections = positiveInt("connections", options.connections, 10)
  const tmp = mkdtempSync(join(tmpdir(), "ffynnon-icd-translate-"))
  const database = `ffynnon_bench_icd_${process.pid}`
  const log = (message: string) => console.error(`[icd-bench] ${message}`)
  return runHarness(
    log,
    async () => {
      const wrk = Bun.which("wrk")
      if (wrk === null) throw new HarnessError("wrk is not on PATH (Debian/Ubuntu: apt-get install wrk)")
      const release = await ensureRelease({ scale, out }, tmp)
      await createDatabase(database)
      log(`loading ${release.folder} into ${database} …`)
      const loaded = await ffynnonLoad(database, release.folder, scale, tmp)
      log(`loaded in ${(loaded.ms / 1000).toFixed(0)} s; loading the sample UK ICD-10 edition for the targets`)
      const uk = join(root, "data", "sample", "icd10-uk", "ICD10_Edition5_CodesAndTitlesAndMetadata_GB_sample.txt")
      const icd = await runBounded([process.execPath, "apps/api/src/cli.ts", "load", "icd10", uk, "--edition", "uk"], 120_000, {
        DATABASE_URL: databaseUrl(database),
        LOG_LEVEL: "warn"
      })
      if (icd.code !== 0) throw new HarnessError(`load icd10 failed: ${icd.stderr}`)

      const helloPort = freePort()
      const hello = start(
        "hello",
        [process.execPath, "bench/hello.ts"],
        { PORT: String(helloPort) },
        { cwd: root, logDir: tmp, port: helloPort }
      )
      const port = freePort()
      const env = {
        DATABASE_URL: databaseUrl(database),
        FFYNNON_DATA_DIR: join(tmp, "data"),
        HOST: "127.0.0.1",
        PORT: String(port),
        LOG_LEVEL: "warn"
      }
      const server = start("ffynnon", [process.execPath, "apps/api/src/cli.ts", "serve"], env, { cwd: root, logDir: tmp, port })
      await waitReady(`${hello.baseUrl}/hello`, 30_000, hello.proc)
      await waitReady(`${server.baseUrl}/readyz`, 15 * 60_000, server.proc)

      const sct = "http://snomed.info/sct"
      const url = encodeURIComponent(`${sct}?fhir_cm=999002271000000101`)
      const mapped = release.truth.icd10Maps.filter((map) => map.rows.some((row) => row.active))
      const path = (conceptId: string) => `/fhir/ConceptMap/$translate?url=${url}&system=${encodeURIComponent(sct)}&code=${conceptId}`
      // Correct before fast: each concept answers one match per active row of its map.
      for (const { conceptId, rows } of mapped) {
        const body = (await (await fetch(server.baseUrl + path(conceptId))).json()) as { parameter: Array<{ name: string }> }
        const matches = body.parameter.filter((parameter) => parameter.name === "match").length
        const expected = rows.filter((row) => row.active).length
        if (matches !== expected) throw new HarnessError(`${conceptId}: ${matches} matches, the ground truth has ${expected} active rows`)
      }
      log(`${mapped.length} mapped concepts answer every active row; measuring (${connections} connections, ${durationSec} s each)`)

      const measure = async (name: string, base: string, paths: ReadonlyArray<string>) => {
        const script = join(tmp, `${name}.lua`)
        writeFileSync(script, rotatingScript(paths))
        const run = async (seconds: number) => {
          const args = wrkArgs({ url: base, connections, threads: 2, durationSec: seconds, script })
          const { code, stdout, stderr } = await runBounded([wrk, ...args], (seconds + 30) * 1000)
          if (code !== 0 || stderr.trim() !== "") throw new HarnessError(`wrk failed for ${name}: ${stderr}`)
          return parseWrkOutput(stdout)
        }
        await run(2)
        return { scenario: name, method: "GET", url: base + paths[0], rssMb: undefined, ...(await run(durationSec)) }
      }
      const results = withRatios([
        await measure("hello", hello.baseUrl, ["/hello"]),
        await measure(
          "translate",
          server.baseUrl,
          mapped.map(({ conceptId }) => path(conceptId))
        )
      ])
      console.log(`scale ${scale}, ${mapped.length} concepts with UK ICD-10 map rows, in turn\n`)
      console.log(markdownTable(results))
      return 0
    },
    async () => {
      await stopAll()
      await dropDatabases([database]).catch(() => {})
      rmSync(tmp, { recursive: true, force: true })
    }
  )
}
