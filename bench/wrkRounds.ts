// One wrk scenario against a started server, with the server's CPU per request from /proc: what
// bench/serving.ts and bench/demographics.ts --http measure for each scenario in each round.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { HarnessError, runBounded, type Started } from "./processes.ts"
import { rotatingScript } from "./snomed.ts"
import { parseWrkOutput, wrkArgs, type WrkResult } from "./wrk.ts"

export interface Scenario {
  readonly name: string
  readonly target: string
  readonly paths: ReadonlyArray<string>
  /** Sent with every request (an access token). */
  readonly headers?: Readonly<Record<string, string>>
}

export interface Measured extends WrkResult {
  readonly cpuMicrosPerRequest: number
}

export interface WrkRoundOptions {
  readonly duration: number
  readonly warmup: number
  readonly connections: number
  /** Where the Lua script is written. */
  readonly dir: string
}

const clockTicks = Number((await runBounded(["getconf", "CLK_TCK"], 5000)).stdout.trim()) || 100

/** User and system CPU seconds of a process so far, from /proc. */
export const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) / clockTicks
}

const wrk = async (base: string, scenario: Scenario, seconds: number, connections: number, dir: string) => {
  const script = join(dir, "rotate.lua")
  writeFileSync(script, rotatingScript(scenario.paths, scenario.headers))
  const args = wrkArgs({ url: base, connections, threads: Math.min(2, connections), durationSec: seconds, script })
  const { code, stdout, stderr } = await runBounded(["wrk", ...args], (seconds + 30) * 1000)
  if (code !== 0 || stderr.trim() !== "") throw new HarnessError(`wrk failed for ${scenario.name}: ${stderr}${stdout}`)
  return parseWrkOutput(stdout)
}

/** Checks the scenario's first path answers 200, warms up, then measures with wrk. */
export const measure = async (server: Started, scenario: Scenario, o: WrkRoundOptions): Promise<Measured> => {
  const first = await fetch(server.baseUrl + scenario.paths[0], { headers: scenario.headers ?? {} })
  if (first.status !== 200)
    throw new HarnessError(`${scenario.name}: ${scenario.paths[0]} answered ${first.status}: ${(await first.text()).slice(0, 300)}`)
  await wrk(server.baseUrl, scenario, o.warmup, o.connections, o.dir)
  const before = cpuSeconds(server.proc.pid)
  const result = await wrk(server.baseUrl, scenario, o.duration, o.connections, o.dir)
  const cpuMicrosPerRequest = ((cpuSeconds(server.proc.pid) - before) * 1e6) / Math.max(1, result.requests)
  return { ...result, cpuMicrosPerRequest }
}

export type RoundResults = Map<string, Array<Measured & { readonly ratio: number }>>

/**
 * `rounds` rounds of the hello-world server's ceiling and then each scenario, so a scenario's
 * share of hello is measured minutes apart at most; every answer must be 2xx. By scenario name,
 * hello first, one entry a round.
 */
export const measureRounds = async (
  hello: Started,
  server: Started,
  scenarios: ReadonlyArray<Scenario>,
  rounds: number,
  o: WrkRoundOptions,
  log: (message: string) => void
): Promise<RoundResults> => {
  const results: RoundResults = new Map()
  const add = (name: string, result: Measured & { readonly ratio: number }) => results.set(name, [...(results.get(name) ?? []), result])
  for (let round = 1; round <= rounds; round++) {
    const ceiling = await measure(hello, { name: "hello", target: "", paths: ["/hello"] }, o)
    add("hello", { ...ceiling, ratio: 1 })
    for (const scenario of scenarios) {
      const result = await measure(server, scenario, o)
      if (result.non2xx > 0) throw new HarnessError(`${scenario.name}: ${result.non2xx} answers were not 2xx`)
      add(scenario.name, { ...result, ratio: result.requestsPerSec / ceiling.requestsPerSec })
      log(`round ${round}: ${scenario.name} ${Math.round(result.requestsPerSec)} req/s (hello ${Math.round(ceiling.requestsPerSec)})`)
    }
  }
  return results
}
