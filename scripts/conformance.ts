// Runs the HL7 FHIR terminology ecosystem tests against the real server and guards the pass count.
// See docs/conformance.md.
//
//   bun scripts/conformance.ts [--record] [--out results.json]
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import os from "node:os"
import { join, resolve } from "node:path"
import { parseArgs } from "node:util"
import {
  errorText,
  freePort,
  HarnessError,
  isAlive,
  logTail,
  runBounded,
  runHarness,
  start,
  stopAll,
  waitReady,
  type Env
} from "../bench/processes.ts"

const ROOT = resolve(import.meta.dir, "..")
const CLI = join(ROOT, "apps/api/src/cli.ts")
const DOC = join(ROOT, "docs/conformance.md")
// Read in place, never copied into the repository.
const SHARED = resolve(ROOT, process.env.FFYNNON_SHARED_DIR ?? "../shared")
const RUNNER = join(SHARED, "tools/tx-runner/run.ts")
const TESTS = join(SHARED, "fixtures/tx-ecosystem")
const SNOMED = join(SHARED, "fixtures/snomed/tx-subset/snomed")
// The suite's expected answers name this edition and version (see the runner's README).
const SNOMED_URI = "http://snomed.info/xsct/31000003106/version/20250909"
const MODES = "general,snomed"

const LOAD_TIMEOUT_MS = 5 * 60_000
const READY_TIMEOUT_MS = 60_000
const RUNNER_TIMEOUT_MS = 15 * 60_000

/** `--record` rewrites docs/conformance.md from this line on; the intro above it is hand-written. */
const MARKER = "<!-- Everything below is written by `npm run conformance -- --record`. -->"
const RECORDED = /^Recorded: (\d+) passed of (\d+)$/m

const USAGE = `usage: bun scripts/conformance.ts [--record] [--out FILE]
  --record     rewrite docs/conformance.md from this run (the recorded figure, per suite, failures by reason)
  --out FILE   keep the runner's per-test results (status, message, diff) in FILE`

// ---------------------------------------------------------------- the runner's results (--out)

interface Counts {
  readonly passed: number
  readonly failed: number
  readonly skipped: number
}

interface TestResult {
  readonly suite: string
  readonly name: string
  readonly status: "pass" | "fail" | "skipped"
  readonly message?: string
}

interface Results {
  readonly software?: string
  readonly totals: Counts
  readonly suites: Readonly<Record<string, Counts>>
  readonly tests: readonly TestResult[]
}

/** The runner's message without the specifics (array positions, URLs), so the same failure in different places groups together. */
function reason(message: string | undefined): string {
  return (message ?? "(no message)")
    .replace(/https?:\/\/\S+/g, "<url>")
    .replace(/\[\d+\]/g, "[]")
    .replace(/\bindex \d+/g, "index n")
    .replace(/\s+/g, " ")
    .trim()
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return groups
}

/** Failing tests by reason, the most common reason first. */
function failuresByReason(results: Results): [string, TestResult[]][] {
  const groups = groupBy(
    results.tests.filter((test) => test.status === "fail"),
    (test) => reason(test.message)
  )
  return [...groups].sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))
}

// ---------------------------------------------------------------- reporting

/** A Markdown table padded so that it also reads as plain text; number columns right-aligned. */
function markdownTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map((cell) => String(cell).replaceAll("|", "\\|")))]
  const widths = header.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)))
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === "number"))
  const line = (line: readonly string[]) =>
    `| ${line.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`
  const rule = `|${widths.map((w, i) => "-".repeat(w + 1) + (numeric[i] ? ":" : "-")).join("|")}|`
  return [line(header), rule, ...cells.slice(1).map(line)].join("\n")
}

function suiteTable(results: Results): string {
  const rows = Object.entries(results.suites).map(([suite, c]) => [suite, c.passed, c.failed, c.skipped])
  const t = results.totals
  return markdownTable(["suite", "passed", "failed", "skipped"], [...rows, ["total", t.passed, t.failed, t.skipped]])
}

function summary(results: Results): string {
  const reasons = failuresByReason(results).map(([why, tests]) => [tests.length, why])
  return [suiteTable(results), "", "Failures by reason:", "", markdownTable(["tests", "reason"], reasons)].join("\n")
}

/** The generated part of docs/conformance.md: the figure the CI guard reads, per suite, and the failing tests under their reason. */
function recordSection(results: Results, date: string): string {
  const t = results.totals
  const failures = failuresByReason(results).map(([why, tests]) => {
    const bySuite = groupBy(tests, (test) => test.suite)
    const lines = [...bySuite].map(([suite, inSuite]) => `- ${suite}: ${inSuite.map((test) => test.name).join(", ")}`)
    return [`### \`${why}\` (${tests.length})`, "", ...lines].join("\n")
  })
  return [
    MARKER,
    "",
    "## Last recorded run",
    "",
    `Recorded: ${t.passed} passed of ${t.passed + t.failed}`,
    "",
    `Run on ${date} against ${results.software ?? "the server"}, modes ${MODES}. The runner skipped ${t.skipped} tests ` +
      "(their own mode is not enabled, or they are disabled); they are not counted.",
    "",
    suiteTable(results),
    "",
    "## Failing tests by reason",
    "",
    failures.join("\n\n"),
    ""
  ].join("\n")
}

/** `suite/name` of the tests the recorded run listed as failing. */
function recordedFailures(doc: string): Set<string> {
  const lists = [...doc.slice(doc.indexOf(MARKER)).matchAll(/^- ([^:\n]+): (.+)$/gm)]
  return new Set(lists.flatMap(([, suite, names]) => names!.split(", ").map((name) => `${suite}/${name}`)))
}

function readDoc(): { doc: string; recorded: number | undefined } {
  if (!existsSync(DOC)) throw new HarnessError(`${DOC} is missing; it holds the recorded pass count`)
  const doc = readFileSync(DOC, "utf8")
  const match = RECORDED.exec(doc)
  return { doc, recorded: match ? Number(match[1]) : undefined }
}

function record(doc: string, results: Results): void {
  const at = doc.indexOf(MARKER)
  if (at < 0) throw new HarnessError(`${DOC} has no marker line to write below:\n${MARKER}`)
  writeFileSync(DOC, doc.slice(0, at) + recordSection(results, new Date().toISOString().slice(0, 10)))
}

// ---------------------------------------------------------------- the run

function log(message: string): void {
  console.error(`[conformance] ${message}`)
}

async function loadSubset(env: Env): Promise<void> {
  log(`loading the SNOMED CT test subset as ${SNOMED_URI}`)
  const cmd = [process.execPath, CLI, "load", "snomed", SNOMED, "--uri", SNOMED_URI]
  const { code, stdout, stderr } = await runBounded(cmd, LOAD_TIMEOUT_MS, env)
  if (code !== 0) throw new HarnessError(`loading ${SNOMED} failed (exit ${code}):\n${stderr}${stdout}`)
}

async function startServer(env: Env, tmp: string) {
  const port = freePort()
  const server = start(
    "ffynnon",
    [process.execPath, CLI, "serve"],
    // The suite's expected answers are an international server's: US English displays where a request names no language.
    { ...env, PORT: String(port), HOST: "127.0.0.1", FFYNNON_DISPLAY_LANGUAGE: "en-US" },
    { cwd: ROOT, logDir: tmp, port }
  )
  log(`starting the server (pid ${server.proc.pid}) on ${server.baseUrl}`)
  try {
    await waitReady(`${server.baseUrl}/readyz`, READY_TIMEOUT_MS, server.proc)
  } catch (e) {
    throw new HarnessError(`the server did not become ready: ${errorText(e)}\n--- server output ---\n${logTail(server)}`)
  }
  // Without the subset every SNOMED test fails, and the summary would not say why.
  const capabilities = await fetch(`${server.baseUrl}/fhir/metadata?mode=terminology`, { signal: AbortSignal.timeout(10_000) })
  if (!(await capabilities.text()).includes(SNOMED_URI)) {
    throw new HarnessError(`the server does not list ${SNOMED_URI} in its TerminologyCapabilities`)
  }
  return server
}

async function runSuite(fhirBase: string, out: string): Promise<Results> {
  log(`running the tests (modes ${MODES}) against ${fhirBase}`)
  const cmd = [process.execPath, RUNNER, "--server", fhirBase, "--tests", TESTS, "--modes", MODES, "--out", out]
  const { code, stdout, stderr } = await runBounded(cmd, RUNNER_TIMEOUT_MS)
  // The runner exits 0 whatever the results: anything else is a crash, bad arguments or our time limit.
  if (code !== 0) {
    const tail = stdout.trimEnd().split("\n").slice(-20).join("\n")
    throw new HarnessError(`tx-runner failed (exit ${code}; it is stopped after ${RUNNER_TIMEOUT_MS / 60_000} minutes):\n${stderr}${tail}`)
  }
  return JSON.parse(readFileSync(out, "utf8")) as Results
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      options: { record: { type: "boolean" }, out: { type: "string" }, help: { type: "boolean" } }
    }).values
  } catch (e) {
    throw new HarnessError(`${errorText(e)}\n${USAGE}`)
  }
}

async function main(argv: string[], tmp: string): Promise<number> {
  const values = parseOptions(argv)
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const missing = [RUNNER, TESTS, SNOMED].filter((path) => !existsSync(path))
  if (missing.length > 0) {
    log(`skipped: the shared test suite is not here (missing ${missing.join(", ")}); set FFYNNON_SHARED_DIR to the shared folder`)
    return 0
  }
  const { doc, recorded } = readDoc()

  const began = Date.now()
  // The loader and the server share a fresh embedded database, never the developer's DATABASE_URL.
  const env: Env = { FFYNNON_DATA_DIR: join(tmp, "data"), DATABASE_URL: undefined }
  await loadSubset(env)
  const server = await startServer(env, tmp)
  const results = await runSuite(`${server.baseUrl}/fhir`, values.out === undefined ? join(tmp, "results.json") : resolve(values.out))
  if (!isAlive(server.proc)) log(`the server exited during the run:\n${logTail(server)}`)
  await stopAll()

  console.log(summary(results))
  const { passed, failed } = results.totals
  log(`${passed} passed of ${passed + failed}, recorded ${recorded ?? "nothing"}; took ${Math.round((Date.now() - began) / 1000)} s`)
  if (values.record) {
    record(doc, results)
    log(`recorded ${passed} in ${DOC}${recorded !== undefined && passed < recorded ? ` (down from ${recorded})` : ""}`)
    return 0
  }
  if (recorded === undefined) {
    throw new HarnessError(`${DOC} has no "Recorded: N passed of M" line; write it with npm run conformance -- --record`)
  }
  if (passed < recorded) {
    const before = recordedFailures(doc)
    for (const test of results.tests) {
      if (test.status === "fail" && !before.has(`${test.suite}/${test.name}`))
        log(`now failing: ${test.suite}/${test.name}: ${reason(test.message)}`)
    }
    log(`FAILED: ${passed} tests pass, fewer than the ${recorded} recorded in docs/conformance.md`)
    return 1
  }
  if (passed > recorded) log(`more tests pass than recorded: raise the figure with npm run conformance -- --record`)
  return 0
}

async function cleanup(tmp: string): Promise<void> {
  await stopAll()
  rmSync(tmp, { recursive: true, force: true })
}

const tmp = mkdtempSync(join(os.tmpdir(), "ffynnon-conformance-"))
await runHarness(
  log,
  () => main(process.argv.slice(2), tmp),
  () => cleanup(tmp)
)
