// The terminology engine's cost per request, in process: the app answers requests through
// `app.request()` (no HTTP, no network stack), over the sample SNOMED CT release and a small code
// system sent as a `tx-resource` (with the sample Welsh translation and term list loaded, so
// displays in Welsh are measured beside English ones), so the figures measure the engine and the FHIR layer alone and
// drift far less with the machine's load than HTTP throughput does. Prints a table.
//
//   bun bench/engine.ts [--rounds 20000]
import { NodeContext } from "@effect/platform-node"
import { layerPglite } from "@ffynnon/db"
import { loadSnomed, SnomedReleases } from "@ffynnon/snomed"
import { DesignationOverlays } from "@ffynnon/terminology"
import { loadWelshList, loadWelshPackage } from "@ffynnon/welsh"
import { Effect, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeApp } from "../apps/api/src/app"
import { servicesOver } from "../apps/api/src/runtime"
import { formatTable } from "../loaders/src/table"
import { timeInProcess } from "./inProcess.ts"
import { harnessOptions, positiveInt } from "./processes.ts"

const usage = `usage: bun bench/engine.ts [options]
  --rounds N    requests timed per scenario (default 20000)`
const rounds = positiveInt("rounds", harnessOptions(process.argv.slice(2), usage, { rounds: { type: "string" } }).rounds, 20_000)
const sampleFolder = join(import.meta.dirname, "..", "data", "sample", "snomed")
const welshFolder = join(import.meta.dirname, "..", "data", "sample", "welsh")
const sct = "http://snomed.info/sct"

const wards = {
  resourceType: "CodeSystem",
  url: "http://example.org/fhir/CodeSystem/wards",
  status: "active",
  content: "complete",
  concept: [{ code: "medical", display: "Medical", concept: [{ code: "cardiology", display: "Cardiology" }] }]
}
const wardValueSet = {
  resourceType: "ValueSet",
  url: "http://example.org/fhir/ValueSet/wards",
  status: "active",
  compose: { include: [{ system: wards.url }] }
}
const withResources = (parameters: ReadonlyArray<object>) =>
  JSON.stringify({
    resourceType: "Parameters",
    parameter: [...parameters, { name: "tx-resource", resource: wards }, { name: "tx-resource", resource: wardValueSet }]
  })

const scenarios: ReadonlyArray<{ readonly name: string; readonly path: string; readonly body?: string }> = [
  { name: "metadata (no engine)", path: "/fhir/metadata" },
  { name: "SNOMED CT $lookup", path: `/fhir/CodeSystem/$lookup?system=${sct}&code=22298006` },
  { name: "SNOMED CT $lookup, displayLanguage=cy", path: `/fhir/CodeSystem/$lookup?system=${sct}&code=22298006&displayLanguage=cy` },
  { name: "SNOMED CT $subsumes", path: `/fhir/CodeSystem/$subsumes?system=${sct}&codeA=404684003&codeB=22298006` },
  {
    name: "SNOMED CT $validate-code, is-a value set",
    path: `/fhir/ValueSet/$validate-code?url=${encodeURIComponent(`${sct}?fhir_vs=isa/404684003`)}&system=${sct}&code=22298006`
  },
  {
    name: "SNOMED CT $expand isa, count 10",
    path: `/fhir/ValueSet/$expand?url=${encodeURIComponent(`${sct}?fhir_vs=isa/404684003`)}&count=10`
  },
  {
    name: "$validate-code, sent code system and value set",
    path: "/fhir/ValueSet/$validate-code",
    body: withResources([
      { name: "url", valueUri: wardValueSet.url },
      { name: "coding", valueCoding: { system: wards.url, code: "cardiology" } }
    ])
  },
  {
    name: "$expand, sent code system and value set",
    path: "/fhir/ValueSet/$expand",
    body: withResources([{ name: "url", valueUri: wardValueSet.url }])
  }
]

const dataDir = mkdtempSync(join(tmpdir(), "ffynnon-engine-bench-"))
const runtime = ManagedRuntime.make(
  servicesOver(layerPglite({ dataDir })).pipe(Layer.provide(NodeContext.layer), Layer.provideMerge(Logger.minimumLogLevel(LogLevel.None)))
)
try {
  await runtime.runPromise(
    Effect.zipRight(
      Effect.all([
        loadSnomed(sampleFolder),
        loadWelshPackage(join(welshFolder, "SnomedCT_FfynnonWelsh_PRODUCTION_20260101T120000Z")),
        loadWelshList(join(welshFolder, "ffynnon-welsh-terms.csv"))
      ]),
      Effect.all([
        Effect.flatMap(SnomedReleases, (releases) => releases.refresh),
        Effect.flatMap(DesignationOverlays, (overlays) => overlays.refresh)
      ])
    )
  )
  const app = makeApp(await runtime.runtime())
  const send = (scenario: (typeof scenarios)[number]) =>
    app.request(
      scenario.path,
      scenario.body === undefined ? {} : { method: "POST", headers: { "content-type": "application/fhir+json" }, body: scenario.body }
    )
  console.log(formatTable(await timeInProcess(scenarios, send, rounds)))
} finally {
  await runtime.dispose()
  rmSync(dataDir, { recursive: true, force: true })
}
