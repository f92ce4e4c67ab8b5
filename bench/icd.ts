// ICD-11 MMS at full scale: the time to load WHO's whole simple tabulation (36,044 rows) into a
// fresh embedded database, and the engine's cost per request over it, in process through
// `app.request()` as bench/engine.ts measures (no HTTP: an upper bound for the served rate).
// Reads ../shared/fixtures/icd (or FFYNNON_SHARED_DIR/fixtures/icd) in place. Prints tables.
//
//   bun bench/icd.ts [--rounds 5000]
import { NodeContext } from "@effect/platform-node"
import { layerPglite } from "@ffynnon/db"
import { loadIcd11 } from "@ffynnon/icd"
import { ReleaseCodeSystems } from "@ffynnon/terminology"
import { Effect, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeApp } from "../apps/api/src/app"
import { servicesOver } from "../apps/api/src/runtime"
import { formatTable } from "../loaders/src/table"
import { timeInProcess } from "./inProcess.ts"
import { harnessOptions, positiveInt } from "./processes.ts"

const usage = `usage: bun bench/icd.ts [options]
  --rounds N    requests timed per scenario (default 5000)`
const rounds = positiveInt("rounds", harnessOptions(process.argv.slice(2), usage, { rounds: { type: "string" } }).rounds, 5_000)
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
