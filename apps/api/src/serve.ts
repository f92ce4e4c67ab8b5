/**
 * `ffynnon serve`: builds the services once (database connected and migrated), loads the
 * bundled sample releases when asked (`--samples`, the main job), serves the app
 * with Bun's HTTP server, and on interruption (SIGINT, SIGTERM) stops accepting requests, lets
 * the ones in flight finish and closes the database.
 */
import { SnomedReleases } from "@ffynnon/snomed"
import { FhirResources, ReleaseCodeSystems } from "@ffynnon/terminology"
import { Config, Effect, Layer } from "effect"
import { makeApp } from "./app"
import { AuthDev, AuthFromConfig } from "./auth"
import { apiLive, type ApiServices } from "./runtime"
import { loadSamples } from "./samples"

export const ServerConfig = Config.all({
  port: Config.port("PORT").pipe(Config.withDefault(8080)),
  hostname: Config.string("HOST").pipe(Config.withDefault("0.0.0.0"))
})

/**
 * JavaScriptCore sizes the young generation by the whole heap, which counts large buffers (the
 * terminology indexes' typed arrays, hundreds of megabytes at monolith scale): with them it went
 * hundreds of megabytes of requests without collecting, each allocation touching fresh memory, at
 * several times the CPU per request (docs/benchmarks.md). Asking for a collection every 100 ms
 * keeps the requests' short-lived objects in memory that is already warm.
 */
const collectYoungObjects = Effect.acquireRelease(
  Effect.sync(() => setInterval(() => Bun.gc(false), 100)),
  (timer) => Effect.sync(() => clearInterval(timer))
)

export const serve = (
  options: { readonly samples: boolean; readonly dev: boolean },
  services: Layer.Layer<ApiServices, unknown> = apiLive(options.dev ? AuthDev : AuthFromConfig)
) =>
  Effect.gen(function* () {
    const { port, hostname } = yield* ServerConfig
    if (options.samples) {
      yield* loadSamples
      // Serve what was just loaded at once rather than at the next periodic refresh.
      yield* Effect.flatMap(SnomedReleases, (releases) => releases.refresh)
      yield* Effect.flatMap(FhirResources, (resources) => resources.refresh)
      yield* Effect.flatMap(ReleaseCodeSystems, (releaseSystems) => releaseSystems.refresh)
    }
    yield* collectYoungObjects
    const app = makeApp(yield* Effect.runtime<ApiServices>())
    const server = yield* Effect.acquireRelease(
      Effect.sync(() => Bun.serve({ port, hostname, fetch: app.fetch })),
      (server) => Effect.promise(() => server.stop())
    )
    yield* Effect.logInfo("listening").pipe(Effect.annotateLogs({ url: server.url.href }))
    return yield* Effect.never
  }).pipe(Effect.scoped, Effect.provide(services))
