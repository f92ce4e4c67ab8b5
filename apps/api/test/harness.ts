/**
 * An API test over a fresh database of one kind: the app built once the `setup` effect (loading
 * releases) has run, and `get`/`post` that answer with the status, content type and parsed JSON body.
 */
import { loadSnomed, SnomedReleases } from "@ffynnon/snomed"
import { FhirResources, loadFhirResources } from "@ffynnon/terminology"
import { Effect, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { join } from "node:path"
import { afterAll, beforeAll } from "vitest"
import { freshDatabaseLayer, type TestDatabase } from "../../../libs/db/test/databases"
import { sampleFolder } from "../../../libs/snomed/test/sample"
import { makeApp } from "../src/app"
import type { Auth } from "../src/auth"
import { servicesOver, type ApiServices } from "../src/runtime"

export type Parameter = { name: string; part?: Array<Parameter> } & Record<string, unknown>

/** Loads the sample SNOMED CT release and serves it at once. */
export const withSampleRelease = Effect.zipRight(
  loadSnomed(sampleFolder),
  Effect.flatMap(SnomedReleases, (releases) => releases.refresh)
)

export const sampleFhirFolder = join(import.meta.dirname, "..", "..", "..", "data", "sample", "fhir", "ffynnon-sample")

/** The sample SNOMED CT release and the sample FHIR resources, both served at once. */
export const withSampleReleaseAndResources = Effect.all([
  withSampleRelease,
  Effect.zipRight(
    loadFhirResources(sampleFhirFolder),
    Effect.flatMap(FhirResources, (resources) => resources.refresh)
  )
])

/** `auth` checks the access tokens of patient requests (by default, as the environment says). */
export const apiHarness = (
  kind: TestDatabase,
  setup: Effect.Effect<unknown, unknown, ApiServices> = Effect.void,
  auth?: Layer.Layer<Auth>
) => {
  const runtime = ManagedRuntime.make(
    servicesOver(freshDatabaseLayer(kind), auth).pipe(Layer.provideMerge(Logger.minimumLogLevel(LogLevel.None)))
  )
  let app: ReturnType<typeof makeApp>
  beforeAll(async () => {
    await runtime.runPromise(setup)
    app = makeApp(await runtime.runtime())
  })
  afterAll(() => runtime.dispose())
  const answer = async (response: Response) => ({
    status: response.status,
    type: response.headers.get("content-type"),
    body: await response.json()
  })
  return {
    runtime,
    request: (path: string, init?: RequestInit) => app.request(path, init),
    get: async (path: string, headers: Record<string, string> = {}) => answer(await app.request(path, { headers })),
    post: async (path: string, parameters: ReadonlyArray<Parameter>) =>
      answer(
        await app.request(path, {
          method: "POST",
          headers: { "content-type": "application/fhir+json" },
          body: JSON.stringify({ resourceType: "Parameters", parameter: parameters })
        })
      )
  }
}
