// The demographics targets of issue 6 at a chosen scale, in process: load a synthetic Welsh
// population (bench/population) with `ffynnon load patients`'s loader, then time reads by id,
// searches by NHS number at 10 concurrent requests, `Patient/$match` at 8 concurrent requests (a
// stored patient's name, birth date and postcode, without the NHS number), and a 1,000-entry batch
// Bundle of creates,
// through the real Hono app (`app.request()`, no sockets: the HTTP server's own cost is measured
// by `npm run bench`). PostgreSQL when DATABASE_URL is set, else a fresh embedded database.
//
//   bun bench/demographics.ts [--count 20000] [--seconds 5] [--loaded]
//
// --loaded measures the patients already in DATABASE_URL's index instead of generating and loading
// (a 3.1 M-patient load is minutes: `ffynnon load patients` it once, then measure as often as needed).
// --http measures over HTTP instead: `ffynnon serve` on DATABASE_URL and the box's hello-world
// server, searches by NHS number and reads by id with wrk at 10 connections, in --rounds rounds.
import { layerFromConfig } from "@ffynnon/db"
import { loadPatients, type PatientResource } from "@ffynnon/demographics"
import { NodeContext } from "@effect/platform-node"
import { sql } from "drizzle-orm"
import { Database } from "@ffynnon/db"
import { Effect, Layer, Logger, LogLevel, ManagedRuntime, Redacted } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { makeApp } from "../apps/api/src/app"
import { Auth, makeAuth, signToken } from "../apps/api/src/auth"
import { servicesOver } from "../apps/api/src/runtime"
import { population, writePopulation } from "./population/generate"
import { freePort, HarnessError, harnessOptions, positiveInt, runHarness, start, stopAll, waitReady } from "./processes.ts"
import { measureRounds, type Scenario } from "./wrkRounds.ts"

const USAGE = "usage: bun bench/demographics.ts [--count 20000] [--seconds 5] [--loaded] [--http [--rounds 3]]"

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!

const main = async (folder: string) => {
  const options = harnessOptions(process.argv.slice(2), USAGE, {
    count: { type: "string" },
    seconds: { type: "string" },
    loaded: { type: "boolean" },
    http: { type: "boolean" },
    rounds: { type: "string" }
  })
  const count = positiveInt("count", options.count, 20_000)
  const seconds = positiveInt("seconds", options.seconds, 5)
  if ((options.loaded === true || options.http === true) && process.env.DATABASE_URL === undefined)
    throw new HarnessError(`--loaded and --http need DATABASE_URL (PostgreSQL)\n${USAGE}`)
  process.env.FFYNNON_DATA_DIR ??= join(folder, "data")
  const secret = Redacted.make("bench-secret-0123456789-0123456789-abcdef")
  const runtime = ManagedRuntime.make(
    servicesOver(layerFromConfig, Layer.succeed(Auth, makeAuth({ secret }))).pipe(
      Layer.provide(NodeContext.layer),
      Layer.provideMerge(Logger.minimumLogLevel(LogLevel.Warning))
    )
  )
  try {
    const results: Array<[string, string]> = []
    if (options.loaded !== true) {
      const csv = join(folder, "population.csv")
      await writePopulation(csv, count, "csv")
      const started = performance.now()
      const report = await runtime.runPromise(loadPatients(csv, { actor: { client: "bench" } }))
      const loadSeconds = (performance.now() - started) / 1000
      results.push([
        `load ${count.toLocaleString("en-GB")} patients (CSV)`,
        `${loadSeconds.toFixed(1)} s, ${Math.round(report.loaded / loadSeconds).toLocaleString("en-GB")} patients/s`
      ])
    }

    const app = makeApp(await runtime.runtime())
    const token = await Effect.runPromise(signToken(secret, { scope: "system/Patient.cruds", sub: "bench" }))
    const headers = { authorization: `Bearer ${token}` }
    const sample = await runtime.runPromise(
      Effect.flatMap(Database, (database) =>
        database.query<{ id: string; nhs_number: string }>(
          sql`select id, nhs_number from patient where nhs_number is not null and replaced_by is null order by random() limit 2000`
        )
      )
    )

    if (options.http === true) {
      for (const [measure, result] of await overHttp(secret, token, sample, positiveInt("rounds", options.rounds, 3), seconds, folder))
        results.push([measure, result])
      console.log("| measure | result |\n|---|---|")
      for (const [measure, result] of results) console.log(`| ${measure} | ${result} |`)
      return 0
    }

    const latencies: Array<number> = []
    for (const { id } of sample) {
      const before = performance.now()
      const response = await app.request(`/fhir/Patient/${id}`, { headers })
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error(`read answered ${response.status}`)
      latencies.push(performance.now() - before)
    }
    latencies.sort((a, b) => a - b)
    results.push([
      "read by id, one at a time",
      `p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p95 ${percentile(latencies, 0.95).toFixed(2)} ms`
    ])

    let searches = 0
    const until = performance.now() + seconds * 1000
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let n = worker; performance.now() < until; n += 10) {
          const response = await app.request(
            `/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|${sample[n % sample.length]!.nhs_number}`,
            { headers }
          )
          await response.arrayBuffer()
          if (response.status !== 200) throw new Error(`search answered ${response.status}`)
          searches++
        }
      })
    )
    results.push(["search by NHS number, 10 concurrent", `${Math.round(searches / seconds).toLocaleString("en-GB")} req/s`])

    // What an EPR without the NHS number would send: the name, birth date and postcode of a stored patient.
    const queries = (
      await runtime.runPromise(
        Effect.flatMap(Database, (database) =>
          database.query<{ resource: PatientResource | string }>(sql`select resource from patient order by random() limit 500`)
        )
      )
    ).map(({ resource }) => {
      const patient = typeof resource === "string" ? (JSON.parse(resource) as PatientResource) : resource
      return JSON.stringify({
        resourceType: "Parameters",
        parameter: [
          {
            name: "resource",
            resource: {
              resourceType: "Patient",
              name: patient.name?.slice(0, 1),
              birthDate: patient.birthDate,
              address: patient.address?.slice(0, 1).map(({ postalCode }) => ({ postalCode }))
            }
          }
        ]
      })
    })
    // The first $match counts the term frequencies; it is not what a running service pays per request.
    await (
      await app.request("/fhir/Patient/$match", {
        method: "POST",
        headers: { ...headers, "content-type": "application/fhir+json" },
        body: queries[0]!
      })
    ).arrayBuffer()
    const matchLatencies: Array<number> = []
    const matchUntil = performance.now() + seconds * 1000
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let n = worker; performance.now() < matchUntil; n += 8) {
          const before = performance.now()
          const response = await app.request("/fhir/Patient/$match", {
            method: "POST",
            headers: { ...headers, "content-type": "application/fhir+json" },
            body: queries[n % queries.length]!
          })
          await response.arrayBuffer()
          if (response.status !== 200) throw new Error(`$match answered ${response.status}`)
          matchLatencies.push(performance.now() - before)
        }
      })
    )
    matchLatencies.sort((a, b) => a - b)
    results.push([
      "`$match` by name, birth date and postcode, 8 concurrent",
      `${Math.round(matchLatencies.length / seconds).toLocaleString("en-GB")} matches/s, p50 ${percentile(matchLatencies, 0.5).toFixed(1)} ms, p95 ${percentile(matchLatencies, 0.95).toFixed(1)} ms`
    ])

    // New NHS numbers: after those of an earlier run's batch on the same database (--loaded).
    const [latest] = await runtime.runPromise(
      Effect.flatMap(Database, (database) =>
        database.query<{ last: string }>(
          sql`select coalesce(max(nhs_number), '9988999999') as last from patient where nhs_number like '998%'`
        )
      )
    )
    const entries = [...population(1000, 2, Number(latest!.last.slice(0, 9)) + 1)].map((person) => ({
      resource: person.resource,
      request: { method: "POST", url: "Patient" }
    }))
    const started = performance.now()
    const batch = await app.request("/fhir", {
      method: "POST",
      headers: { ...headers, "content-type": "application/fhir+json" },
      body: JSON.stringify({ resourceType: "Bundle", type: "batch", entry: entries })
    })
    const answered = (await batch.json()) as { entry: Array<{ response: { status: string } }> }
    const created = answered.entry.filter((entry) => entry.response.status.startsWith("201")).length
    results.push(["batch Bundle of 1,000 creates", `${((performance.now() - started) / 1000).toFixed(2)} s (${created} created)`])

    const [database, [counted]] = await runtime.runPromise(
      Effect.flatMap(Database, (database) =>
        Effect.all([
          Effect.succeed(`${database.driver} (${database.target})`),
          database.query<{ patients: string | number }>(sql`select count(*) as patients from patient`)
        ])
      )
    )
    console.log(`\ndemographics, ${Number(counted!.patients).toLocaleString("en-GB")} patients on ${database}\n`)
    console.log("| measure | result |\n|---|---|")
    for (const [measure, result] of results) console.log(`| ${measure} | ${result} |`)
    return 0
  } finally {
    await runtime.dispose()
  }
}

/**
 * Searches by NHS number and reads by id over HTTP, each round after the hello-world server's
 * ceiling: req/s, its share of hello, p99 and the serving process's CPU per request (medians).
 */
const overHttp = async (
  secret: Redacted.Redacted<string>,
  token: string,
  sample: ReadonlyArray<{ id: string; nhs_number: string }>,
  rounds: number,
  seconds: number,
  folder: string
) => {
  const root = resolve(import.meta.dir, "..")
  const helloPort = freePort()
  const hello = start(
    "hello",
    [process.execPath, "bench/hello.ts"],
    { PORT: String(helloPort), HOST: "127.0.0.1" },
    { cwd: root, logDir: folder, port: helloPort }
  )
  const port = freePort()
  const env = {
    DATABASE_URL: process.env.DATABASE_URL,
    FFYNNON_DATA_DIR: process.env.FFYNNON_DATA_DIR,
    FFYNNON_AUTH_SECRET: Redacted.value(secret),
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: "warn"
  }
  const server = start("ffynnon", [process.execPath, "apps/api/src/cli.ts", "serve"], env, { cwd: root, logDir: folder, port })
  try {
    await waitReady(`${hello.baseUrl}/hello`, 30_000, hello.proc)
    await waitReady(`${server.baseUrl}/readyz`, 5 * 60_000, server.proc)
    const headers = { Authorization: `Bearer ${token}` }
    const scenarios: ReadonlyArray<Scenario> = [
      {
        name: "search by NHS number",
        target: "≥ 5,000 req/s",
        paths: sample.map(
          ({ nhs_number }) => `/fhir/Patient?identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${nhs_number}`)}`
        ),
        headers
      },
      { name: "read by id", target: "", paths: sample.map(({ id }) => `/fhir/Patient/${id}`), headers }
    ]
    const o = { duration: seconds, warmup: 3, connections: 10, dir: folder }
    const measured = await measureRounds(hello, server, scenarios, rounds, o, (message) => console.error(message))
    const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
    return scenarios.map(({ name, target }): [string, string] => {
      const runs = measured.get(name)!
      return [
        `${name} over HTTP, 10 connections (median of ${rounds} rounds)`,
        `${Math.round(median(runs.map((run) => run.requestsPerSec))).toLocaleString("en-GB")} req/s (${(100 * median(runs.map((run) => run.ratio))).toFixed(1)}% of hello), p99 ${median(runs.map((run) => run.p99Ms)).toFixed(2)} ms, serving process ${Math.round(median(runs.map((run) => run.cpuMicrosPerRequest)))} µs CPU a request${target === "" ? "" : `; target ${target}`}`
      ]
    })
  } finally {
    await stopAll()
  }
}

if (import.meta.main) {
  const folder = mkdtempSync(join(tmpdir(), "ffynnon-bench-demographics-"))
  await runHarness(
    (message) => console.error(message),
    () => main(folder),
    async () => rmSync(folder, { recursive: true, force: true })
  )
}
