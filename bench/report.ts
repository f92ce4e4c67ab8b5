// Turning measurements into a Markdown table and a JSON record.
import { mkdirSync, writeFileSync } from "node:fs"
import os from "node:os"
import { join } from "node:path"
import { totalSocketErrors, type WrkResult } from "./wrk.ts"

export interface ScenarioResult extends WrkResult {
  readonly scenario: string
  readonly method: string
  readonly url: string
  readonly rssMb: number | undefined
  /** Scenario req/s as a percentage of hello-world req/s from the same run. */
  readonly ratioToHelloPct: number | undefined
}

export function withRatios(results: ReadonlyArray<Omit<ScenarioResult, "ratioToHelloPct">>): ScenarioResult[] {
  const hello = results.find((r) => r.scenario === "hello")?.requestsPerSec
  return results.map((r) => ({
    ...r,
    ratioToHelloPct: hello ? (100 * r.requestsPerSec) / hello : undefined
  }))
}

const fixed = (n: number | undefined, digits: number) => (n === undefined ? "-" : n.toFixed(digits))

export function markdownTable(results: readonly ScenarioResult[]): string {
  const header = ["scenario", "req/s", "p50 ms", "p99 ms", "RSS MB", "non-2xx", "ratio to hello"]
  const rows = results.map((r) => [
    r.scenario,
    fixed(r.requestsPerSec, 0),
    fixed(r.p50Ms, 2),
    fixed(r.p99Ms, 2),
    fixed(r.rssMb, 1),
    String(r.non2xx),
    r.ratioToHelloPct === undefined ? "-" : `${r.ratioToHelloPct.toFixed(1)}%`
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`
  const rule = `|${widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`
  return [line(header), rule, ...rows.map(line)].join("\n")
}

export function socketErrorNotes(results: readonly ScenarioResult[]): string[] {
  return results
    .filter((r) => totalSocketErrors(r.socketErrors) > 0)
    .map((r) => {
      const e = r.socketErrors
      return `socket errors in ${r.scenario}: connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}`
    })
}

export function machineInfo() {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    arch: os.arch()
  }
}

/** Writes `record` to `<dir>/<timestamp>.json` and returns the path. */
export function writeJson(dir: string, date: Date, record: unknown): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${date.toISOString().replace(/[:.]/g, "-")}.json`)
  writeFileSync(path, JSON.stringify(record, null, 2) + "\n")
  return path
}
