/** The `ffynnon` command line from source, run as a process on an embedded database of its own. */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"

export const repositoryRoot = join(import.meta.dirname, "..", "..", "..")

/** What a finished command printed, and its exit code. */
export interface CommandResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * A data folder for one test file (removed after its tests) and `ffynnon(...args)` over it;
 * `ffynnonWith(env, ...args)` adds environment variables to `env`, the file's own. The command
 * runs asynchronously: a synchronous spawn blocks the test worker, and a command longer than a
 * minute on a busy machine then makes Vitest's worker messages time out.
 */
export const commandLine = (name: string, env: Record<string, string> = {}) => {
  const dataDir = mkdtempSync(join(tmpdir(), `ffynnon-cli-${name}-`))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
  const ffynnonWith = (extra: Record<string, string>, ...args: Array<string>) =>
    new Promise<CommandResult>((resolve, reject) => {
      const child = spawn(
        join(repositoryRoot, "node_modules", ".bin", "bun"),
        [join(repositoryRoot, "apps", "api", "src", "cli.ts"), ...args],
        {
          env: { ...process.env, DATABASE_URL: "", FFYNNON_DATA_DIR: dataDir, LOG_LEVEL: "warn", ...env, ...extra },
          stdio: ["ignore", "pipe", "pipe"]
        }
      )
      let stdout = ""
      let stderr = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
      child.on("error", reject)
      child.on("close", (status) => resolve({ status, stdout, stderr }))
    })
  return { dataDir, ffynnon: (...args: Array<string>) => ffynnonWith({}, ...args), ffynnonWith }
}
