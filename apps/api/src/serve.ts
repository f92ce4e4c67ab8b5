/**
 * `ffynnon serve`: builds the services once (database connected and migrated), loads the
 * bundled sample releases when asked (`--samples`, the main job), serves the app
 * with Bun's HTTP server, and on interruption (SIGINT, SIGTERM) stops accepting requests, lets
 * the ones in flight finish and closes the database. With `FFYNNON_THREADS` above 1 (PostgreSQL
 * only) as many threads serve the one port, each with its own services (see `threads.ts`).
 */
import { Database } from "@ffynnon/db"
import { SnomedReleases } from "@ffynnon/snomed"
import { FhirResources, readFilesThrough, ReleaseCodeSystems, startSharingFiles } from "@ffynnon/terminology"
import { Config, ConfigProvider, Effect, Layer, Option, Redacted } from "effect"
import { threadId } from "node:worker_threads"
import { makeApp } from "./app"
import { AuthDev, AuthFromConfig, AuthSecretConfig } from "./auth"
import { apiLive, type ApiServices } from "./runtime"
import { loadSamples } from "./samples"
import { servingThreads, stopRequested, type ServingThread } from "./threads"

export const ServerConfig = Config.all({
  port: Config.port("PORT").pipe(Config.withDefault(8080)),
  hostname: Config.string("HOST").pipe(Config.withDefault("0.0.0.0")),
  threads: Config.integer("FFYNNON_THREADS").pipe(
    Config.withDefault(1),
    Config.validate({
      message: "FFYNNON_THREADS must be a whole number from 1 to 64",
      validation: (threads) => threads >= 1 && threads <= 64
    })
  )
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

/** Serves the app on `port` until interrupted; `shared` lets other threads listen on the same port. */
const listen = (port: number, hostname: string, shared: boolean) =>
  Effect.gen(function* () {
    yield* collectYoungObjects
    const app = makeApp(yield* Effect.runtime<ApiServices>())
    const server = yield* Effect.acquireRelease(
      Effect.sync(() => Bun.serve({ port, hostname, reusePort: shared, fetch: app.fetch })),
      (server) => Effect.promise(() => server.stop())
    )
    yield* Effect.logInfo("listening").pipe(Effect.annotateLogs({ url: server.url.href, thread: threadId }))
    return server
  })

export const serve = (options: { readonly samples: boolean; readonly dev: boolean }, services?: Layer.Layer<ApiServices, unknown>) =>
  Effect.gen(function* () {
    const { port, hostname, threads } = yield* ServerConfig
    // Every thread must accept dev mode's token: they share its secret, made here when none is configured.
    const devSecret =
      options.dev && threads > 1
        ? Redacted.value(Option.getOrElse(yield* AuthSecretConfig, () => Redacted.make(crypto.randomUUID() + crypto.randomUUID())))
        : undefined
    const serving = Effect.gen(function* () {
      if (threads > 1 && (yield* Database).driver !== "postgres") {
        return yield* Effect.fail(
          new Error("FFYNNON_THREADS above 1 needs PostgreSQL (DATABASE_URL): the embedded database belongs to one thread.")
        )
      }
      if (options.samples) {
        yield* loadSamples
        // Serve what was just loaded at once rather than at the next periodic refresh.
        yield* Effect.flatMap(SnomedReleases, (releases) => releases.refresh)
        yield* Effect.flatMap(FhirResources, (resources) => resources.refresh)
        yield* Effect.flatMap(ReleaseCodeSystems, (releaseSystems) => releaseSystems.refresh)
      }
      const server = yield* listen(port, hostname, threads > 1)
      if (threads === 1) return yield* Effect.never
      // The others listen on the port this one got (PORT=0 picks one).
      return yield* servingThreads(threads - 1, { port: server.port ?? port, hostname, devSecret })
    }).pipe(Effect.scoped, Effect.provide(services ?? apiLive(options.dev ? AuthDev : AuthFromConfig)))
    // Before the services read their indexes: the threads to come will share them.
    if (threads > 1) startSharingFiles()
    return yield* devSecret === undefined
      ? serving
      : Effect.withConfigProvider(
          serving,
          ConfigProvider.fromMap(new Map([["FFYNNON_AUTH_SECRET", devSecret]])).pipe(ConfigProvider.orElse(ConfigProvider.fromEnv))
        )
  })

/**
 * A serving thread's work (see `threads.ts`): services of its own, their index files read through
 * the first thread, on the port it listens on, until it asks this one to stop.
 */
export const serveThread = (options: ServingThread) =>
  Effect.gen(function* () {
    // Before the services are built: they read their indexes as they start.
    readFilesThrough(options.files)
    yield* listen(options.port, options.hostname, true).pipe(
      Effect.zipRight(stopRequested),
      Effect.scoped,
      Effect.provide(apiLive(AuthFromConfig))
    )
    // Its services are closed: end the thread, which something of the runtime's would keep alive.
    process.exit(0)
  })
