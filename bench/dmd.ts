// dm+d at real scale: generates a synthetic NHSBSA release (bench/dmd-generator.ts), loads it
// with `ffynnon load dmd` into a fresh PostgreSQL database, starts the server on it twice, and
// measures the load, the start (the serving index is built before the server listens, then read
// back from its cache file on the second start), memory, and
// `$lookup` and search latency over HTTP (sequential requests; then 10 concurrent clients in this
// process for a rough throughput: the client shares the machine, so it is a lower bound), and,
// when wrk is installed, `$lookup` with wrk at 10 connections.
//
//   bun bench/dmd.ts [--scale 1.0] [--out /tmp/dmd-synth] [--requests 500] [--duration 10]
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import os from "node:os"
import { join, resolve } from "node:path"
import { bonusName, generateDmd, releaseName, version } from "./dmd-generator.ts"
import {
  freePort,
  HarnessError,
  harnessOptions,
  positiveInt,
  rssMb,
  runBounded,
  runHarness,
  start,
  stopAll,
  type Started
} from "./processes.ts"
import { createDatabase, databaseUrl, dropDatabases } from "./snomed.ts"
import { parseWrkOutput, wrkArgs } from "./wrk.ts"

const ROOT = resolve(import.meta.dir, "..")
const DATABASE = "ffynnon_bench_dmd"
const log = (message: string) => console.error(`[dmd bench] ${message}`)

const usage = `bun bench/dmd.ts [--scale 1.0] [--out DIR] [--requests N] [--duration S]
  --scale S      release size, 1.0 = a full weekly release (default 1.0)
  --out DIR      where the release is generated, reused at the same scale (default /tmp/dmd-synth[-S])
  --requests N   sequential requests per latency measurement (default 500)
  --duration S   seconds of the concurrent $lookup run (default 10)`

const percentile = (values: ReadonlyArray<number>, fraction: number) => {
  const sorted = values.toSorted((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]! * 1000) / 1000
}

const timedFetch = async (url: string) => {
  const started = performance.now()
  const response = await fetch(url)
  await response.arrayBuffer()
  if (response.status !== 200) throw new HarnessError(`${url} answered ${response.status}`)
  return performance.now() - started
}

async function main() {
  const values = harnessOptions(Bun.argv.slice(2), usage, {
    scale: { type: "string" },
    out: { type: "string" },
    requests: { type: "string" },
    duration: { type: "string" }
  })
  const scale = Number(values.scale ?? "1")
  if (!(scale > 0 && scale <= 2)) throw new HarnessError(`--scale must be a number in (0, 2], got "${values.scale}"`)
  const out = resolve(values.out ?? (scale === 1 ? "/tmp/dmd-synth" : `/tmp/dmd-synth-${scale}`))
  const requests = positiveInt("requests", values.requests, 500)
  const durationSec = positiveInt("duration", values.duration, 10)
  const tmp = mkdtempSync(join(os.tmpdir(), "ffynnon-dmd-bench-"))

  const marker = join(out, "scale.txt")
  if (!existsSync(marker) || readFileSync(marker, "utf8") !== String(scale)) {
    log(`generating a release at scale ${scale} in ${out}`)
    rmSync(out, { recursive: true, force: true })
    const started = performance.now()
    generateDmd(out, scale)
    writeFileSync(marker, String(scale))
    log(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  } else log(`reusing the release in ${out}`)

  await createDatabase(DATABASE)
  const env = { ...process.env, DATABASE_URL: databaseUrl(DATABASE), FFYNNON_DATA_DIR: tmp, LOG_LEVEL: "warn", HOST: "127.0.0.1" }
  log("loading")
  const loadStarted = performance.now()
  const load = Bun.spawnSync(
    [process.execPath, "apps/api/src/cli.ts", "load", "dmd", join(out, releaseName), "--bonus", join(out, bonusName)],
    {
      cwd: ROOT,
      env,
      stderr: "ignore"
    }
  )
  const loadSec = (performance.now() - loadStarted) / 1000
  if (load.exitCode !== 0) throw new HarnessError(`the load failed:\n${load.stdout.toString()}`)
  console.log(load.stdout.toString())

  /** Starts the server and waits until it is ready: the seconds it took. */
  const serve = async () => {
    const port = freePort()
    const started = performance.now()
    const server: Started = start(
      "ffynnon",
      [process.execPath, "apps/api/src/cli.ts", "serve"],
      { ...env, PORT: String(port) },
      {
        cwd: ROOT,
        logDir: tmp,
        port
      }
    )
    for (;;) {
      const ok = await fetch(`${server.baseUrl}/readyz`).then(
        (response) => response.ok,
        () => false
      )
      if (ok) break
      if (performance.now() - started > 600_000) throw new HarnessError("the server did not start in 10 minutes")
      await Bun.sleep(100)
    }
    return { server, seconds: (performance.now() - started) / 1000 }
  }
  // The first start builds the index from the store and caches it; the second reads the cache.
  const built = await serve()
  await stopAll()
  const { server, seconds: cachedStartSec } = await serve()
  const startSec = built.seconds
  const base = server.baseUrl
  await Bun.sleep(2000)
  const rss = rssMb(server.proc.pid)

  // Products to ask for: every kind of class, spread over the release.
  const ampps = (await (await fetch(`${base}/fhir/ValueSet/$expand?url=https://dmd.nhs.uk/ValueSet/AMPP&count=1000`)).json()) as {
    expansion: { contains: Array<{ code: string; display: string }> }
  }
  const codes = ampps.expansion.contains.map((entry) => entry.code)
  const lookupUrl = (index: number) =>
    `${base}/fhir/CodeSystem/$lookup?system=https://dmd.nhs.uk&version=${version}&code=${codes[index % codes.length]}`
  const words = ampps.expansion.contains.map((entry) =>
    entry.display
      .split(" ")
      .slice(0, 2)
      .map((word) => word.slice(0, 4))
      .join(" ")
  )
  const searchUrl = (index: number) =>
    `${base}/fhir/ValueSet/$expand?url=https://dmd.nhs.uk/ValueSet/VMP&count=10&filter=${encodeURIComponent(words[index % words.length]!)}`

  for (let index = 0; index < 100; index++) await timedFetch(lookupUrl(index))
  const lookups: Array<number> = []
  for (let index = 0; index < requests; index++) lookups.push(await timedFetch(lookupUrl(index * 7)))
  const searches: Array<number> = []
  for (let index = 0; index < requests; index++) searches.push(await timedFetch(searchUrl(index * 13)))

  let completed = 0
  const deadline = performance.now() + durationSec * 1000
  await Promise.all(
    Array.from({ length: 10 }, async (_, client) => {
      for (let index = client; performance.now() < deadline; index += 10) {
        await timedFetch(lookupUrl(index))
        completed++
      }
    })
  )

  // wrk, when it is installed (`npm run bench` installs it): the $lookup throughput target's own measure.
  const wrk = Bun.which("wrk")
  const wrkLookup =
    wrk === null
      ? undefined
      : await runBounded(
          [wrk, ...wrkArgs({ url: lookupUrl(0), connections: 10, threads: 2, durationSec })],
          (durationSec + 30) * 1000
        ).then(({ code, stdout, stderr }) => {
          if (code !== 0 || stderr.trim() !== "") throw new HarnessError(`wrk failed (exit ${code}):\n${stderr}${stdout}`)
          const { requestsPerSec, p50Ms, p99Ms, non2xx } = parseWrkOutput(stdout)
          return { requestsPerSec: Math.round(requestsPerSec), p50Ms, p99Ms, non2xx }
        })
  if (wrk === null) log("wrk is not installed: no wrk measurement of $lookup")

  const result = {
    scale,
    loadSec: Math.round(loadSec * 10) / 10,
    startSec: Math.round(startSec * 10) / 10,
    startFromCacheSec: Math.round(cachedStartSec * 10) / 10,
    rssMb: rss === undefined ? undefined : Math.round(rss),
    lookupMs: { p50: percentile(lookups, 0.5), p99: percentile(lookups, 0.99) },
    searchTop10Ms: { p50: percentile(searches, 0.5), p99: percentile(searches, 0.99) },
    lookupPerSecond10Clients: Math.round(completed / durationSec),
    wrkLookup10Connections: wrkLookup,
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((value) => Math.round(value * 10) / 10) }
  }
  console.log(JSON.stringify(result, null, 2))
  return 0
}

await runHarness(log, main, async () => {
  await stopAll()
  await dropDatabases([DATABASE]).catch(() => {})
})
