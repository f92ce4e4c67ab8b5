// Generates one synthetic release: builds the model, runs the passes, writes ground-truth.json.
// Runs on Node and Bun (node: APIs only), so tests can call it in-process.
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Model } from "./model.ts"
import { PASSES, type RowCounts } from "./passes.ts"
import { Samples, TruthRecorder, groundTruth, type GroundTruth } from "./truth.ts"
import { FILES, FILE_KEYS, type FileKey } from "./write.ts"

export interface ReleaseOptions {
  readonly outDir: string
  readonly scale: number
  readonly seed: number
  /** Progress lines (to stderr in the CLI); none if omitted. */
  readonly log?: (line: string) => void
}

export interface ReleaseResult {
  readonly truth: GroundTruth
  readonly rows: Record<FileKey, number>
  readonly elapsedMs: number
  readonly peakRssBytes: number
}

export const GROUND_TRUTH_FILE = "ground-truth.json"

/** Largest resident set size seen so far (the OS's own high-water mark where available). */
class PeakRss {
  private peak = 0
  sample(): number {
    this.peak = Math.max(this.peak, process.memoryUsage().rss)
    try {
      // maxRSS is in kilobytes on Linux.
      this.peak = Math.max(this.peak, process.resourceUsage().maxRSS * 1024)
    } catch {
      // resourceUsage is missing on some runtimes; the sampled value stands.
    }
    return this.peak
  }
}

export function generateRelease(options: ReleaseOptions): ReleaseResult {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const rss = new PeakRss()
  const elapsed = () => ((performance.now() - started) / 1000).toFixed(1) + "s"
  mkdirSync(options.outDir, { recursive: true })

  const model = new Model({ scale: options.scale, seed: options.seed })
  const stats = model.stats()
  log(
    `model: ${model.n} concepts (${model.activeCount} active), mean depth ${stats.meanDepth.toFixed(2)}, ` +
      `max depth ${stats.maxDepth}, ${(stats.multiParentShare * 100).toFixed(1)}% with several parents [${elapsed()}]`
  )
  const recorder = new TruthRecorder(new Samples(model))

  const rows = Object.fromEntries(FILE_KEYS.map((k) => [k, 0])) as Record<FileKey, number>
  let lastReport = 0
  for (const pass of PASSES) {
    const counts: RowCounts = pass({
      model,
      outDir: options.outDir,
      truth: recorder,
      progress: (name, done) => {
        const now = performance.now()
        if (done < 1 && now - lastReport < 5000) return
        lastReport = now
        log(`${name}: ${(done * 100).toFixed(0)}% [${elapsed()}, rss ${(rss.sample() / 2 ** 20).toFixed(0)} MB]`)
      }
    })
    for (const [k, v] of Object.entries(counts)) rows[k as FileKey] = v
  }

  const truth = groundTruth(model, recorder, rows)
  writeFileSync(join(options.outDir, GROUND_TRUTH_FILE), JSON.stringify(truth, null, 2) + "\n")
  log(`ground truth written [${elapsed()}]`)
  return { truth, rows, elapsedMs: performance.now() - started, peakRssBytes: rss.sample() }
}

export { FILES }
