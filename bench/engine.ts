// The terminology engine's cost per request, in process: the app answers requests through
// `app.request()` (no HTTP, no network stack), over the sample SNOMED CT release and a small code
// system sent as a `tx-resource` (with the sample Welsh translation and term list loaded, so
// displays in Welsh are measured beside English ones), so the figures measure the engine and the FHIR layer alone and
// drift far less with the machine's load than HTTP throughput does. Prints a table.
//
//   bun bench/engine.ts [--rounds 20000] [--baseline DIR]
//
// With --baseline, the app of another checkout (for example a worktree of main) is started beside
// this one in the same process and both are timed in alternating batches, so a change is measured
// against its baseline under the same load.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { formatTable } from "../loaders/src/table"
import { compareInProcess, timeInProcess } from "./inProcess.ts"
import { harnessOptions, positiveInt } from "./processes.ts"

const usage = `usage: bun bench/engine.ts [options]
  --rounds N      requests timed per scenario (default 20000)
  --baseline DIR  also time the checkout in DIR (with its node_modules installed), alternating with this one`
const options = harnessOptions(process.argv.slice(2), usage, { rounds: { type: "string" }, baseline: { type: "string" } })
const rounds = positiveInt("rounds", options.rounds, 20_000)
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
  { name: "SNOMED CT $lookup, displayLanguage=en-GB", path: `/fhir/CodeSystem/$lookup?system=${sct}&code=22298006&displayLanguage=en-GB` },
  // The root: the sample's widest fan-out of children, each described in a default $lookup.
  { name: "SNOMED CT $lookup, the root", path: `/fhir/CodeSystem/$lookup?system=${sct}&code=138875005` },
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

/**
 * The app of the checkout at `root` over a fresh embedded database holding the sample SNOMED CT
 * release and Welsh terms. Every module comes from that checkout (Effect too), so two checkouts
 * can run side by side in one process.
 */
const startApp = async (root: string) => {
  const from = (path: string) => import(join(root, path))
  const [
    { NodeContext },
    { layerPglite },
    { loadSnomed, SnomedReleases },
    { DesignationOverlays },
    welsh,
    effect,
    { makeApp },
    { servicesOver }
  ] = await Promise.all([
    from("node_modules/@effect/platform-node"),
    from("libs/db/src/index.ts"),
    from("libs/snomed/src/index.ts"),
    from("libs/terminology/src/index.ts"),
    from("libs/welsh/src/index.ts"),
    from("node_modules/effect"),
    from("apps/api/src/app.ts"),
    from("apps/api/src/runtime.ts")
  ])
  const { Effect, Layer, Logger, LogLevel, ManagedRuntime } = effect
  const sampleFolder = join(root, "data", "sample", "snomed")
  const welshFolder = join(root, "data", "sample", "welsh")
  const dataDir = mkdtempSync(join(tmpdir(), "ffynnon-engine-bench-"))
  const runtime = ManagedRuntime.make(
    servicesOver(layerPglite({ dataDir })).pipe(Layer.provide(NodeContext.layer), Layer.provideMerge(Logger.minimumLogLevel(LogLevel.None)))
  )
  const stop = async () => {
    await runtime.dispose()
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await runtime.runPromise(
      Effect.zipRight(
        Effect.all([
          loadSnomed(sampleFolder),
          welsh.loadWelshPackage(join(welshFolder, "SnomedCT_FfynnonWelsh_PRODUCTION_20260101T120000Z")),
          welsh.loadWelshList(join(welshFolder, "ffynnon-welsh-terms.csv"))
        ]),
        Effect.all([
          Effect.flatMap(SnomedReleases, (releases: { refresh: unknown }) => releases.refresh),
          Effect.flatMap(DesignationOverlays, (overlays: { refresh: unknown }) => overlays.refresh)
        ])
      )
    )
    const app = makeApp(await runtime.runtime())
    const send = (scenario: (typeof scenarios)[number]): Promise<Response> =>
      app.request(
        scenario.path,
        scenario.body === undefined ? {} : { method: "POST", headers: { "content-type": "application/fhir+json" }, body: scenario.body }
      )
    return { send, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

const current = await startApp(resolve(import.meta.dirname, ".."))
const baseline =
  options.baseline === undefined
    ? undefined
    : await startApp(resolve(options.baseline)).catch(async (error) => {
        await current.stop()
        throw error
      })
try {
  console.log(
    formatTable(
      baseline === undefined
        ? await timeInProcess(scenarios, current.send, rounds)
        : await compareInProcess(scenarios, { baseline: baseline.send, current: current.send }, rounds)
    )
  )
} finally {
  await Promise.all([current.stop(), baseline?.stop()])
}
