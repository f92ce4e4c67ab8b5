// ECL evaluation in-process over the synthetic monolith-scale release: the warm-up that builds the
// ECL tables, a fixed mix of realistic expressions (p50/p95 each), a batch of 1,000 mixed
// expressions (each on its own, then sharing costly sub-results as a server does), and `< id`
// against the generator's descendant counts. See docs/ecl.md.
//
//   bun bench/ecl.ts [--scale 1.0] [--out DIR] [--rounds 30] [--batch 1000]
//
// The release comes from bench/snomed.ts's helpers (generated once, reused); it is loaded into a
// scratch PostgreSQL database and indexed by SnomedReleases once, and the index file is kept
// beside the release, so later runs start from it in a second or two.
import { layerPostgres, Releases } from "@ffynnon/db"
import { Concepts, evaluateEcl, neighbours, SnomedReleases, warmUpEcl, type SnomedIndex } from "@ffynnon/snomed"
import { Effect, Either, Layer, Logger, LogLevel, Redacted } from "effect"
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import os from "node:os"
import { join, resolve } from "node:path"
import { cacheFormat, readIndexCache } from "../libs/snomed/src/index/cache.ts"
import { errorText, HarnessError, harnessOptions, positiveInt, runHarness, stopAll } from "./processes.ts"
import { machineInfo, writeJson } from "./report.ts"
import { HIERARCHIES, Sct, UK_SIMPLE_REFSETS } from "./snomed-generator/metadata.ts"
import { Rng } from "./snomed-generator/random.ts"
import type { GroundTruth } from "./snomed-generator/truth.ts"
import {
  createDatabase,
  databaseUrl,
  defaultReleaseDirectory,
  dropDatabases,
  ensureRelease,
  ffynnonLoad,
  percentile,
  releaseScale,
  SEED,
  typedPrefix,
  type Release
} from "./snomed.ts"

const ROOT = resolve(import.meta.dir, "..")
const BATCH_TARGET_MS = 1000
const MEDIAN_TARGET_MS = 1

const USAGE = `usage: bun bench/ecl.ts [options]
  --scale S     release size, 1.0 = UK monolith (default 1.0)
  --out DIR     release directory, as for bench/snomed.ts (default /tmp/snomed-synth[-<S>])
  --rounds N    timed evaluations of each expression of the mix (default 30)
  --batch N     expressions in the mixed batch (default 1000)`

interface Options {
  readonly scale: number
  readonly out: string
  readonly rounds: number
  readonly batch: number
}

function parseOptions(argv: string[]): Options {
  const values = harnessOptions(argv, USAGE, {
    scale: { type: "string" },
    out: { type: "string" },
    rounds: { type: "string" },
    batch: { type: "string" }
  })
  const scale = releaseScale(values.scale)
  return {
    scale,
    out: resolve(values.out ?? defaultReleaseDirectory(scale)),
    rounds: positiveInt("rounds", values.rounds, 30),
    batch: positiveInt("batch", values.batch, 1000)
  }
}

function log(message: string): void {
  console.error(`[ecl-bench] ${message}`)
}

// ---------------------------------------------------------------- the index

const indexPath = (o: Options) => join(o.out, `ffynnon-index-scale${o.scale}-seed${SEED}-v${cacheFormat}.index`)

/** Loads the release into a scratch database and lets SnomedReleases build and cache its index; moves the file to `path`. */
async function buildIndexFile(release: Release, o: Options, tmp: string, databases: string[], path: string): Promise<void> {
  const database = `ffynnon_bench_ecl_${Date.now().toString(36)}_${process.pid}`
  databases.push(database)
  await createDatabase(database)
  log(`loading the release into ${database} …`)
  const load = await ffynnonLoad(database, release.folder, o.scale, tmp)
  log(`loaded in ${(load.ms / 1000).toFixed(1)} s; building the index …`)
  const dataDir = mkdtempSync(join(tmp, "data-"))
  process.env.FFYNNON_DATA_DIR = dataDir
  const started = performance.now()
  await Effect.runPromise(
    Effect.scoped(Effect.flatMap(SnomedReleases, (releases) => releases.resolve())).pipe(
      Effect.provide(
        SnomedReleases.Default.pipe(
          Layer.provideMerge(Releases.Default),
          Layer.provideMerge(layerPostgres({ url: Redacted.make(databaseUrl(database)) })),
          Layer.provideMerge(Logger.minimumLogLevel(LogLevel.Warning))
        )
      )
    )
  )
  const [file] = readdirSync(join(dataDir, "cache")).filter((name) => name.endsWith(".index"))
  if (file === undefined) throw new HarnessError(`SnomedReleases wrote no index file in ${dataDir}/cache`)
  // Copied, not renamed: --out may be on another file system.
  copyFileSync(join(dataDir, "cache", file), path)
  log(`index built in ${((performance.now() - started) / 1000).toFixed(1)} s, kept as ${path}`)
  await dropDatabases([database])
  databases.splice(databases.indexOf(database), 1)
}

// ---------------------------------------------------------------- expressions

/** Concepts exactly `depth` is-a steps below `top` (breadth-first, each concept at its shortest depth). */
function atDepth(index: SnomedIndex, top: string, depth: number): number[] {
  let level = [index.position(top)!]
  const seen = new Set(level)
  for (let step = 0; step < depth; step++) {
    const next: number[] = []
    for (const concept of level) {
      for (const child of neighbours(index.children, concept)) {
        if (seen.has(child)) continue
        seen.add(child)
        next.push(child)
      }
    }
    level = next
  }
  return level
}

/** The concepts of `pool` with children, most children first: the groupers value sets are written against. */
const byChildren = (index: SnomedIndex, pool: readonly number[]) => {
  const children = (concept: number) => neighbours(index.children, concept).length
  return pool.filter((concept) => children(concept) > 1).toSorted((a, b) => children(b) - children(a))
}

const hierarchy = (key: (typeof HIERARCHIES)[number]["key"]) => HIERARCHIES.find((h) => h.key === key)!.id
const finding = hierarchy("finding")
const product = hierarchy("product")
const body = hierarchy("body")

interface Pools {
  readonly findings: readonly string[]
  readonly procedures: readonly string[]
  readonly bodySites: readonly string[]
  readonly substances: readonly string[]
  /** Findings deep in the hierarchy, mostly leaves: what a record holds. */
  readonly deepFindings: readonly string[]
  readonly findingRefsets: readonly string[]
  readonly mapTargets: readonly string[]
  readonly historyTargets: readonly string[]
  /** The deep findings' terms as typed into a picker (`Heart bra`). */
  readonly typed: readonly string[]
}

/** Concepts to build expressions from, chosen from the release itself (ids differ between scales). */
function pools(index: SnomedIndex, truth: GroundTruth): Pools {
  const groupers = (key: (typeof HIERARCHIES)[number]["key"]) =>
    byChildren(
      index,
      [2, 3, 4].flatMap((depth) => atDepth(index, hierarchy(key), depth))
    )
      .slice(0, 200)
      .map((concept) => index.code(concept))
  const deep = atDepth(index, finding, 7).slice(0, 500)
  const findingRefsetNames = new Set(UK_SIMPLE_REFSETS.filter(([, members]) => members === "finding").map(([name]) => name))
  return {
    findings: groupers("finding"),
    procedures: groupers("procedure"),
    bodySites: groupers("body"),
    substances: groupers("substance"),
    deepFindings: deep.map((concept) => index.code(concept)),
    findingRefsets: [...index.refsets.keys()].filter((id) => {
      const position = index.position(id)
      return position !== undefined && findingRefsetNames.has(index.preferredTerm(position, []) ?? "")
    }),
    mapTargets: truth.icd10Maps.flatMap((map) => map.rows.filter((row) => row.active).map((row) => row.mapTarget)),
    historyTargets: truth.associations.flatMap((association) =>
      association.rows.filter((row) => row.active).map((row) => row.targetComponentId)
    ),
    typed: deep.map((concept) => typedPrefix(index.preferredTerm(concept, []) ?? ""))
  }
}

/** One realistic kind of expression; `pick` chooses from a pool (seeded, so every run evaluates the same expressions). */
interface Template {
  readonly name: string
  readonly make: (p: Pools, pick: <T>(items: readonly T[]) => T) => string
}

const templates: readonly Template[] = [
  { name: "descendants of a top hierarchy", make: () => `<< ${finding} |Clinical finding|` },
  { name: "descendants of a grouper", make: (p, pick) => `< ${pick(p.findings)}` },
  { name: "children", make: (p, pick) => `<! ${pick(p.procedures)}` },
  { name: "ancestors", make: (p, pick) => `>> ${pick(p.deepFindings)}` },
  { name: "refinement", make: (p, pick) => `< ${finding} : 363698007 |Finding site| = << ${pick(p.bodySites)}` },
  {
    name: "refinement, group of two",
    make: (p, pick) => `< ${finding} : { 363698007 = << ${pick(p.bodySites)}, 116676008 = << ${pick(p.bodySites)} }`
  },
  { name: "refinement, cardinality", make: (p, pick) => `< ${pick(p.procedures)} : [1..1] 405813007 = *, [0..0] 363701004 = *` },
  { name: "refinement of products", make: (p, pick) => `< ${product} : 762949000 = << ${pick(p.substances)}` },
  { name: "reverse attribute", make: (p, pick) => `< ${body} : R 363698007 = << ${pick(p.findings)}` },
  { name: "dotted attribute", make: (p, pick) => `(<< ${pick(p.findings)}) . 363698007` },
  {
    name: "concrete value",
    make: (_, pick) => `< ${product} : ${Sct.presentationNumeratorValue} >= #${pick(["250", "100", "20", "500"])}`
  },
  { name: "member of", make: (p, pick) => `^ ${pick(p.findingRefsets)}` },
  { name: "member of, in a hierarchy", make: (p, pick) => `^ ${pick(p.findingRefsets)} AND << ${pick(p.findings)}` },
  {
    name: "map target filter",
    make: (p, pick) => `^ [referencedComponentId] 999002271000000101 {{ M mapTarget = wild:"${pick(p.mapTargets).slice(0, 3)}*" }}`
  },
  { name: "term filter", make: (p, pick) => `<< ${finding} {{ term = "${pick(p.typed)}" }}` },
  {
    name: "term and dialect filters",
    make: (p, pick) => `< ${pick(p.findings)} {{ D term = wild:"*${pick(p.typed).slice(1, 4)}*", dialect = en-gb (prefer) }}`
  },
  {
    name: "concept filter",
    make: (p, pick) => `<< ${pick(p.procedures)} {{ C moduleId = ${Sct.ukClinicalModule}, definitionStatus = primitive }}`
  },
  { name: "compound", make: (p, pick) => `(<< ${pick(p.findings)} OR << ${pick(p.findings)}) MINUS << ${pick(p.findings)}` },
  { name: "history (MIN)", make: (p, pick) => `<< ${pick(p.historyTargets)} {{ +HISTORY-MIN }}` },
  { name: "history (MAX)", make: (p, pick) => `<< ${pick(p.findings)} {{ +HISTORY }}` },
  { name: "top of a set", make: (p, pick) => `!!> (<< ${pick(p.findings)} OR << ${pick(p.findings)})` }
]

// ---------------------------------------------------------------- measuring

const elapsedMs = (started: number) => performance.now() - started

/**
 * Evaluates `ecl`, failing the harness on an error: every expression of the mix is valid. Without
 * `reuse`, nothing is taken from earlier evaluations' kept results (the hierarchies kept per
 * index aside), so repeating an expression measures working it out.
 */
function evaluate(index: SnomedIndex, ecl: string, reuse = false) {
  const result = evaluateEcl(index, ecl, { reuse })
  if (Either.isLeft(result)) throw new HarnessError(`${ecl}: ${result.left.message}`)
  return result.right
}

interface Measured {
  readonly name: string
  readonly ecl: string
  readonly size: number
  readonly firstMs: number
  readonly p50Ms: number
  readonly p95Ms: number
}

/** The template's expression (concepts drawn with a seed of its own), evaluated once and then `rounds` times. */
function measure(index: SnomedIndex, template: Template, p: Pools, rounds: number): Measured {
  const rng = new Rng(SEED, templates.indexOf(template), 1)
  const ecl = template.make(p, (items) => {
    if (items.length === 0) throw new HarnessError(`${template.name}: nothing in the release to build it from`)
    return rng.pick(items)
  })
  let started = performance.now()
  const size = evaluate(index, ecl).concepts.length
  const firstMs = elapsedMs(started)
  const times: number[] = []
  for (let round = 0; round < rounds; round++) {
    started = performance.now()
    evaluate(index, ecl)
    times.push(elapsedMs(started))
  }
  return { name: template.name, ecl, size, firstMs, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95) }
}

/**
 * `count` expressions, each template in turn with concepts drawn at random (seeded), evaluated
 * back to back; with `reuse`, as a server does, costly sub-results are shared between them.
 */
function batch(index: SnomedIndex, p: Pools, count: number, reuse: boolean) {
  const rng = new Rng(SEED, 0, 0)
  const expressions = Array.from({ length: count }, (_, at) => templates[at % templates.length]!.make(p, (items) => rng.pick(items)))
  const times: number[] = []
  // CPU time too: on a shared box the wall clock mostly measures the other work.
  const cpu = process.cpuUsage()
  const started = performance.now()
  for (const ecl of expressions) {
    const one = performance.now()
    evaluate(index, ecl, reuse)
    times.push(elapsedMs(one))
  }
  const totalMs = elapsedMs(started)
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000
  /** Time spent on each template's expressions. */
  const byTemplate = templates.map((_, template) => times.reduce((sum, ms, at) => (at % templates.length === template ? sum + ms : sum), 0))
  const slowest = expressions
    .map((ecl, at) => ({ ecl, ms: times[at]! }))
    .toSorted((a, b) => b.ms - a.ms)
    .slice(0, 5)
  return {
    count,
    totalMs,
    cpuMs,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    maxMs: Math.max(...times),
    byTemplate,
    slowest
  }
}

/** `< id` against the generator's count of active descendants. */
function descendantChecks(index: SnomedIndex, truth: GroundTruth) {
  const failures = truth.descendantCounts.flatMap(({ conceptId, count }) => {
    const found = evaluate(index, `< ${conceptId}`).concepts.length
    return found === count ? [] : [`< ${conceptId}: ${found}, expected ${count}`]
  })
  return { checked: truth.descendantCounts.length, failures }
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0))

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`
  return [line(header), `|${widths.map((w, i) => `${"-".repeat(w + 1)}${i === 0 ? "-" : ":"}`).join("|")}|`, ...rows.map(line)].join("\n")
}

// ---------------------------------------------------------------- main

interface Run {
  readonly tmp: string
  readonly databases: string[]
}

async function main(argv: string[], run: Run): Promise<number> {
  const o = parseOptions(argv)
  const date = new Date()
  const release = await ensureRelease(o, run.tmp)
  const path = indexPath(o)
  if (!release.reused) rmSync(path, { force: true })
  if (!existsSync(path)) await buildIndexFile(release, o, run.tmp, run.databases, path)

  let started = performance.now()
  const index = await readIndexCache(path)
  const readMs = elapsedMs(started)
  log(`index read in ${ms(readMs)} ms: ${index.conceptCount} concepts`)
  if (index.position(Concepts.root) === undefined) throw new HarnessError(`${path} is not a SNOMED CT index with a root concept`)

  started = performance.now()
  warmUpEcl(index)
  const warmUpMs = elapsedMs(started)
  log(`warm-up (ECL tables and the root's descendants) in ${ms(warmUpMs)} ms`)

  const p = pools(index, release.truth)
  const mix = templates.map((template) => measure(index, template, p, o.rounds))
  const mixed = batch(index, p, o.batch, false)
  const shared = batch(index, p, o.batch, true)
  const checks = descendantChecks(index, release.truth)
  const rssMb = process.memoryUsage.rss() / 2 ** 20

  const medianOfMix = percentile(
    mix.map((m) => m.p50Ms),
    50
  )
  console.log(
    table(
      ["expression", "concepts", "first ms", "p50 ms", "p95 ms", "batch share", "sharing"],
      mix.map((m, at) => [
        m.name,
        String(m.size),
        ms(m.firstMs),
        ms(m.p50Ms),
        ms(m.p95Ms),
        `${ms(mixed.byTemplate[at]!)} ms`,
        `${ms(shared.byTemplate[at]!)} ms`
      ])
    )
  )
  console.log()
  console.log(
    table(
      ["metric", "measured", "target"],
      [
        ["index read from its file", `${ms(readMs)} ms`, "-"],
        ["warm-up on a fresh index (first evaluation's extra cost)", `${ms(warmUpMs)} ms`, "-"],
        ["median of the mix's p50s", `${ms(medianOfMix)} ms`, `≤ ${MEDIAN_TARGET_MS} ms`],
        [
          `batch of ${mixed.count} mixed expressions, each on its own`,
          `${ms(mixed.totalMs)} ms, CPU ${ms(mixed.cpuMs)} ms (p50 ${ms(mixed.p50Ms)}, p95 ${ms(mixed.p95Ms)}, max ${ms(mixed.maxMs)} ms)`,
          `≤ ${BATCH_TARGET_MS} ms`
        ],
        [
          `the same batch sharing costly sub-results (the default)`,
          `${ms(shared.totalMs)} ms, CPU ${ms(shared.cpuMs)} ms (p50 ${ms(shared.p50Ms)}, p95 ${ms(shared.p95Ms)}, max ${ms(shared.maxMs)} ms)`,
          `≤ ${BATCH_TARGET_MS} ms`
        ],
        ["`< id` = ground-truth descendant count", `${checks.checked - checks.failures.length}/${checks.checked} pass`, "0 fail"],
        ["RSS after the run", `${Math.round(rssMb)} MB`, "-"]
      ]
    )
  )
  for (const m of mix) log(`${m.name}: ${m.ecl}`)
  for (const { ecl, ms: time } of mixed.slowest) log(`slowest in the batch: ${ms(time)} ms ${ecl}`)
  for (const failure of checks.failures.slice(0, 5)) log(`FAILED: ${failure}`)

  const file = writeJson(join(ROOT, "bench/results"), date, {
    benchmark: "ecl",
    date: date.toISOString(),
    machine: machineInfo(),
    loadAverage: os.loadavg(),
    bun: Bun.version,
    options: o,
    release: { folder: release.folder, concepts: index.conceptCount, index: path },
    readMs,
    warmUpMs,
    mix,
    batch: mixed,
    sharedBatch: shared,
    checks,
    rssMb
  })
  log(`results written to ${file}`)
  return checks.failures.length > 0 ? 1 : 0
}

async function cleanup(run: Run): Promise<void> {
  await stopAll()
  await dropDatabases(run.databases).catch((e) => log(`could not drop ${run.databases.join(", ")}: ${errorText(e)}`))
  rmSync(run.tmp, { recursive: true, force: true })
}

const run: Run = { tmp: mkdtempSync(join(os.tmpdir(), "ffynnon-ecl-bench-")), databases: [] }
await runHarness(
  log,
  () => main(process.argv.slice(2), run),
  () => cleanup(run)
)
