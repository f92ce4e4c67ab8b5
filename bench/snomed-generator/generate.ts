// Synthetic SNOMED CT RF2 Snapshot release in the layout of the UK monolith, for load and
// serving benchmarks. See README.md beside this file.
//
//   bun bench/snomed-generator/generate.ts --out <dir> [--scale 1.0] [--seed 42]
import { statSync } from "node:fs"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { GROUND_TRUTH_FILE, generateRelease } from "./release.ts"
import { FILES, FILE_KEYS } from "./write.ts"

function usage(message?: string): never {
  if (message) process.stderr.write(`error: ${message}\n`)
  process.stderr.write("usage: bun bench/snomed-generator/generate.ts --out <dir> [--scale 1.0] [--seed 42]\n")
  process.exit(2)
}

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    scale: { type: "string", default: "1.0" },
    seed: { type: "string", default: "42" },
    help: { type: "boolean", short: "h" }
  },
  strict: true
})
if (values.help) usage()
if (values.out === undefined) usage("--out is required")
const scale = Number(values.scale)
const seed = Number(values.seed)
if (!(scale > 0 && scale <= 10)) usage("--scale must be a number in (0, 10]")
if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) usage("--seed must be an integer in [0, 2^32)")

const outDir = values.out
const log = (line: string) => process.stderr.write(line + "\n")
log(`generating a synthetic SNOMED CT snapshot: scale ${scale}, seed ${seed}, into ${outDir}`)
const result = generateRelease({ outDir, scale, seed, log })

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1)
const lines = [["file", "rows", "MB"]]
let totalRows = 0
let totalBytes = 0
for (const key of FILE_KEYS) {
  const path = FILES[key].path
  const bytes = statSync(join(outDir, path)).size
  totalRows += result.rows[key]
  totalBytes += bytes
  lines.push([path.split("/").pop()!, String(result.rows[key]), mb(bytes)])
}
lines.push(["total", String(totalRows), mb(totalBytes)])
const width = [0, 1, 2].map((c) => Math.max(...lines.map((l) => l[c]!.length)))
for (const l of lines) log(`${l[0]!.padEnd(width[0]!)}  ${l[1]!.padStart(width[1]!)}  ${l[2]!.padStart(width[2]!)}`)
const t = result.truth
log(
  `concepts ${t.concepts.total} (${t.concepts.active} active, ${t.concepts.inactive} inactive); ` +
    `mean depth ${t.model.meanDepth}, max ${t.model.maxDepth}, ${(t.model.multiParentShare * 100).toFixed(1)}% with several parents`
)
log(`ground truth: ${join(outDir, GROUND_TRUTH_FILE)}`)
log(`elapsed ${(result.elapsedMs / 1000).toFixed(1)} s, peak RSS ${mb(result.peakRssBytes)} MB`)
