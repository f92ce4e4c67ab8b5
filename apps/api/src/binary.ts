/**
 * Entry point of the compiled binary (`npm run build`). PGlite's runtime files are embedded
 * into the executable with `type: "file"` imports, because a compiled binary cannot find them
 * under node_modules; everything else is the same command line as from source.
 */
import { PgliteAssets } from "@ffynnon/db"
import { Effect, Layer } from "effect"
import { main } from "./cli"
import pgliteWasmPath from "../../../node_modules/@electric-sql/pglite/dist/pglite.wasm" with { type: "file" }
import initdbWasmPath from "../../../node_modules/@electric-sql/pglite/dist/initdb.wasm" with { type: "file" }
import fsBundlePath from "../../../node_modules/@electric-sql/pglite/dist/pglite.data" with { type: "file" }

const embeddedPglite = Layer.effect(
  PgliteAssets,
  Effect.promise(async () => ({
    pgliteWasmModule: await WebAssembly.compile(await Bun.file(pgliteWasmPath).arrayBuffer()),
    initdbWasmModule: await WebAssembly.compile(await Bun.file(initdbWasmPath).arrayBuffer()),
    fsBundle: Bun.file(fsBundlePath)
  }))
)

main(embeddedPglite)
