/**
 * Entry point of the compiled binary (`npm run build`). PGlite's runtime files and worker are embedded
 * into the executable with `type: "file"` imports, because a compiled binary cannot find them
 * under node_modules, and `data/sample` is embedded as assets (`--asset`); everything else is
 * the same command line as from source.
 */
import { DatabaseConfig, PgliteAssets } from "@ffynnon/db"
import { Effect, Layer } from "effect"
import { mkdir, writeFile } from "node:fs/promises"
import { dirname, join, resolve } from "node:path"
import { main } from "./cli"
import { SampleDirectory } from "./samples"
import { servingThreadOptions } from "./threads"
import pgliteWasmPath from "../../../node_modules/@electric-sql/pglite/dist/pglite.wasm" with { type: "file" }
import initdbWasmPath from "../../../node_modules/@electric-sql/pglite/dist/initdb.wasm" with { type: "file" }
import fsBundlePath from "../../../node_modules/@electric-sql/pglite/dist/pglite.data" with { type: "file" }

const embeddedPglite = Layer.effect(
  PgliteAssets,
  Effect.promise(async () => ({
    pgliteWasmModule: await WebAssembly.compile(await Bun.file(pgliteWasmPath).arrayBuffer()),
    initdbWasmModule: await WebAssembly.compile(await Bun.file(initdbWasmPath).arrayBuffer()),
    fsBundle: Bun.file(fsBundlePath),
    // The build embeds the worker as an entry point under its path from the repository root (package.json's "build").
    worker: new URL("./libs/db/src/pgliteWorker.js", import.meta.url)
  }))
)

/** Writes the embedded `data/sample` files under FFYNNON_DATA_DIR, where the loaders read them. */
const embeddedSamples = Layer.effect(
  SampleDirectory,
  Effect.map(DatabaseConfig, ({ dataDir }) => {
    const target = join(resolve(dataDir), "samples")
    return {
      directory: Effect.promise(async () => {
        for (const file of Bun.embeddedFiles as ReadonlyArray<Blob & { name: string }>) {
          if (!file.name.startsWith("sample/")) continue
          const path = join(target, file.name.slice("sample/".length))
          await mkdir(dirname(path), { recursive: true })
          await writeFile(path, new Uint8Array(await file.arrayBuffer()))
        }
        return target
      })
    }
  })
)

// A serving thread (`FFYNNON_THREADS`) serves from `cli.ts` instead.
if (servingThreadOptions() === undefined) main(Layer.merge(embeddedPglite, embeddedSamples))
