// Starting, watching and stopping the processes the harness benchmarks.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parseArgs, type ParseArgsConfig } from "node:util"

export interface Started {
  readonly name: string
  readonly proc: Bun.Subprocess
  readonly baseUrl: string
  readonly logPath: string
}

/** Extra environment for a child; `undefined` removes a variable. */
export type Env = Record<string, string | undefined>

const started: Started[] = []

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() })
  const port = probe.port
  probe.stop(true)
  if (port === undefined) throw new Error("could not get a free port")
  return port
}

/** Spawns `cmd` with stdout and stderr going to `<logDir>/<name>.log`. */
export function start(name: string, cmd: string[], env: Env, opts: { cwd: string; logDir: string; port: number }): Started {
  const logPath = join(opts.logDir, `${name}.log`)
  const log = Bun.file(logPath)
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd,
    env: { ...process.env, ...env },
    stdin: "ignore",
    stdout: log,
    stderr: log
  })
  const s: Started = { name, proc, baseUrl: `http://127.0.0.1:${opts.port}`, logPath }
  started.push(s)
  return s
}

export function logTail(s: Started, lines = 40): string {
  try {
    return readFileSync(s.logPath, "utf8").split("\n").slice(-lines).join("\n")
  } catch {
    return "(no output)"
  }
}

/** Polls `url` until it answers 200; throws after `timeoutMs` or if `proc` exits. */
export async function waitReady(url: string, timeoutMs: number, proc?: Bun.Subprocess): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = "no answer"
  while (Date.now() < deadline) {
    if (proc?.exitCode != null || proc?.signalCode != null) {
      throw new Error(`process exited (code ${proc.exitCode ?? proc.signalCode}) before ${url} was ready`)
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
      await res.arrayBuffer()
      if (res.status === 200) return
      last = `HTTP ${res.status}`
    } catch (e) {
      last = e instanceof Error ? e.message : String(e)
    }
    await Bun.sleep(250)
  }
  throw new Error(`${url} not ready after ${timeoutMs / 1000} s (last: ${last})`)
}

export function isAlive(proc: Bun.Subprocess): boolean {
  return proc.exitCode === null && proc.signalCode === null
}

/** Resident set size of `pid` in MB (VmRSS from /proc), or undefined if unreadable. */
export function rssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8")
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]
    return kb === undefined ? undefined : Number(kb) / 1024
  } catch {
    return undefined
  }
}

/** Runs a command to completion with a hard time limit and `env` added to ours; returns exit code and output. */
export async function runBounded(
  cmd: string[],
  timeoutMs: number,
  env: Env = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(cmd, { env: { ...process.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" })
  const entry: Started = { name: cmd[0] ?? "command", proc, baseUrl: "", logPath: "" }
  started.push(entry)
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs)
  try {
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    return { code, stdout, stderr }
  } finally {
    clearTimeout(timer)
    started.splice(started.indexOf(entry), 1)
  }
}

/** SIGTERM every process we started, then SIGKILL whatever is still alive after a grace period. */
export async function stopAll(graceMs = 3000): Promise<void> {
  const procs = started.splice(0).map((s) => s.proc)
  for (const p of procs) if (isAlive(p)) p.kill("SIGTERM")
  const all = Promise.all(procs.map((p) => p.exited))
  const timedOut = await Promise.race([all.then(() => false), Bun.sleep(graceMs).then(() => true)])
  if (timedOut) for (const p of procs) if (isAlive(p)) p.kill("SIGKILL")
  await Promise.race([all, Bun.sleep(1000)])
}

/** Synchronous last-resort kill, for process 'exit'. */
export function killAllNow(): void {
  for (const s of started) if (isAlive(s.proc)) s.proc.kill("SIGKILL")
}

/** A failure of a harness itself (bad options, a server that will not start): exit 1 with its message only. */
export class HarnessError extends Error {}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** A harness's command line, strictly parsed: `--help` prints `usage` and exits; a bad option fails with it. */
export function harnessOptions<const T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], usage: string, options: T) {
  if (parseArgs({ args: argv, strict: false, options: { help: { type: "boolean", short: "h" } } }).values.help) {
    console.log(usage)
    process.exit(0)
  }
  try {
    return parseArgs({ args: argv, strict: true, options }).values
  } catch (e) {
    throw new HarnessError(`${errorText(e)}\n${usage}`)
  }
}

/** `--name`'s value as a positive integer (a trailing "s" for seconds allowed), or `fallback` when absent. */
export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value.replace(/s$/, ""))
  if (!Number.isInteger(n) || n < 1) throw new HarnessError(`--${name} must be a positive integer, got "${value}"`)
  return n
}

/**
 * Runs a harness: `main` gives the exit code; Ctrl-C or SIGTERM stops it with 130. Either way
 * `cleanup` runs and no child process outlives the harness.
 */
export async function runHarness(
  log: (message: string) => void,
  main: () => Promise<number>,
  cleanup: () => Promise<void>
): Promise<never> {
  let interrupted = false
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (interrupted) return
      interrupted = true
      log(`${signal}: stopping`)
      void cleanup().finally(() => process.exit(130))
    })
  }
  process.on("exit", killAllNow)
  let code = 1
  try {
    code = await main()
  } catch (e) {
    if (!interrupted) log(`error: ${e instanceof HarnessError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  } finally {
    if (!interrupted) await cleanup()
  }
  process.exit(interrupted ? 130 : code)
}
