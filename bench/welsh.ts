// The memory a Welsh translation adds to a served SNOMED CT release: the synthetic release (bench/
// snomed.ts's, generated once) and a synthetic Welsh translation of it (snomed-generator/
// translation.ts) are loaded into a scratch PostgreSQL database, and a fresh process each time
// serves, from the index cache, after a full garbage collection:
//   release     the release alone;
//   translated  the release with the translation loaded (one index, the translated edition its alias);
//   two copies  that, plus a second index of the release held beside it: what serving the
//               translated edition as an index of its own cost before (the release's index twice).
// See docs/welsh.md.
//
//   bun bench/welsh.ts [--scale 0.1] [--out DIR] [--share 0.3]
import { layerPostgres, Releases } from "@ffynnon/db"
import { SnomedReleases, warmUpEcl } from "@ffynnon/snomed"
import { Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import os from "node:os"
import { join, resolve } from "node:path"
import { readIndexCache } from "../libs/snomed/src/index/cache.ts"
import { HarnessError, harnessOptions, runHarness } from "./processes.ts"
import { writeTranslation } from "./snomed-generator/translation.ts"
import { createDatabase, databaseUrl, defaultReleaseDirectory, dropDatabases, ensureRelease, ffynnonLoad, releaseScale } from "./snomed.ts"

const ROOT = resolve(import.meta.dir, "..")
const USAGE = `usage: bun bench/welsh.ts [options]
  --scale S   release size, 1.0 = UK monolith (default 0.1)
  --out DIR   release directory, as for bench/snomed.ts (default /tmp/snomed-synth-<S>)
  --share F   share of the active concepts given Welsh terms (default 0.3)`

type Mode = "release" | "translated" | "two copies"

interface Measured {
  readonly mode: Mode
  readonly served: ReadonlyArray<string>
  readonly rssMb: number
  readonly heapMb: number
  readonly typedArraysMb: number
}

const log = (message: string) => console.error(`[welsh-bench] ${message}`)
const mb = (bytes: number) => Math.round(bytes / 2 ** 20)

/** In a child process: serves the database's releases from the cache in `dataDir`, then measures. */
async function measure(mode: Mode, database: string, dataDir: string): Promise<Measured> {
  process.env.FFYNNON_DATA_DIR = dataDir
  const kept: Array<unknown> = []
  const served = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const indexes = yield* Effect.flatMap(SnomedReleases, (releases) => releases.all)
        kept.push(indexes)
        if (mode === "two copies") {
          // The release's own index, as the "release" run cached it: the copy the old design held.
          const [file] = readdirSync(join(dataDir, "cache")).filter((name) => name.endsWith(".index") && !name.includes("+"))
          if (file === undefined) throw new HarnessError("no cached index of the release alone: run the 'release' measurement first")
          const copy = yield* Effect.promise(() => readIndexCache(join(dataDir, "cache", file)))
          warmUpEcl(copy)
          kept.push(copy)
        }
        return indexes.map((index) => index.uri)
      })
    ).pipe(
      Effect.provide(
        SnomedReleases.Default.pipe(
          Layer.provideMerge(Releases.Default),
          Layer.provideMerge(layerPostgres({ url: Redacted.make(databaseUrl(database)) })),
          Layer.provideMerge(Logger.minimumLogLevel(LogLevel.Warning))
        )
      )
    )
  )
  for (let round = 0; round < 3; round++) {
    Bun.gc(true)
    await Bun.sleep(500)
  }
  const { heapStats } = await import("bun:jsc")
  const stats = heapStats()
  if (kept.length === 0) throw new Error("nothing kept")
  return { mode, served, rssMb: mb(process.memoryUsage().rss), heapMb: mb(stats.heapSize), typedArraysMb: mb(stats.extraMemorySize) }
}

/** Runs `measure` in a fresh process (twice: the first fills the cache), returning the second run's figures. */
function measured(mode: Mode, database: string, dataDir: string): Measured {
  let result: Measured | undefined
  for (let run = 0; run < 2; run++) {
    const child = Bun.spawnSync([process.execPath, "bench/welsh.ts", "--measure", mode, "--database", database, "--data-dir", dataDir], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "warn" },
      stderr: "pipe",
      stdout: "pipe"
    })
    if (child.exitCode !== 0) throw new HarnessError(`measuring '${mode}' failed: ${child.stderr.toString().slice(-2000)}`)
    result = JSON.parse(child.stdout.toString()) as Measured
  }
  return result!
}

async function main(argv: Array<string>): Promise<number> {
  const values = harnessOptions(argv, USAGE, {
    scale: { type: "string" },
    out: { type: "string" },
    share: { type: "string" },
    measure: { type: "string" },
    database: { type: "string" },
    "data-dir": { type: "string" }
  })
  if (values.measure !== undefined) {
    console.log(JSON.stringify(await measure(values.measure as Mode, values.database!, values["data-dir"]!)))
    return 0
  }
  const scale = releaseScale(values.scale ?? "0.1")
  const share = Number(values.share ?? "0.3")
  const tmp = mkdtempSync(join(os.tmpdir(), "ffynnon-welsh-bench-"))
  const database = `ffynnon_bench_welsh_${Date.now().toString(36)}_${process.pid}`
  try {
    const release = await ensureRelease({ scale, out: resolve(values.out ?? defaultReleaseDirectory(scale)) }, tmp)
    const translation = await writeTranslation(release.folder, tmp, share)
    log(`translation: ${translation.translated} concepts, ${translation.descriptions} descriptions`)
    await createDatabase(database)
    const load = await ffynnonLoad(database, release.folder, scale, tmp)
    log(`release loaded in ${(load.ms / 1000).toFixed(1)} s`)
    const dataDir = mkdtempSync(join(tmp, "data-"))
    const results = [measured("release", database, dataDir)]
    const started = performance.now()
    const loaded = Bun.spawnSync([process.execPath, "apps/api/src/cli.ts", "load", "welsh", translation.folder], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl(database), FFYNNON_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
      stderr: "pipe",
      stdout: "pipe"
    })
    if (loaded.exitCode !== 0) throw new HarnessError(`loading the translation failed: ${loaded.stderr.toString().slice(-2000)}`)
    log(`translation loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    results.push(measured("translated", database, dataDir), measured("two copies", database, dataDir))
    const [alone] = results
    console.log(
      `scale ${scale}: ${release.truth.concepts.total} concepts; Welsh terms for ${translation.translated} (${translation.descriptions} descriptions)`
    )
    for (const result of results) {
      console.log(
        `${result.mode.padEnd(11)} RSS ${String(result.rssMb).padStart(5)} MB (+${result.rssMb - alone!.rssMb})  JS heap ${result.heapMb} MB  typed arrays ${result.typedArraysMb} MB  serving ${result.served.join(", ")}`
      )
    }
    return 0
  } finally {
    await dropDatabases([database])
    rmSync(tmp, { recursive: true, force: true })
  }
}

await runHarness(
  log,
  () => main(process.argv.slice(2)),
  async () => {}
)
