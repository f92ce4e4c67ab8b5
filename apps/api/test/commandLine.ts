/** The `ffynnon` command line from source, run as a process on an embedded database of its own. */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"

export const repositoryRoot = join(import.meta.dirname, "..", "..", "..")

/**
 * A data folder for one test file (removed after its tests) and `ffynnon(...args)` over it;
 * `ffynnonWith(env, ...args)` adds environment variables to `env`, the file's own.
 */
export const commandLine = (name: string, env: Record<string, string> = {}) => {
  const dataDir = mkdtempSync(join(tmpdir(), `ffynnon-cli-${name}-`))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
  const ffynnonWith = (extra: Record<string, string>, ...args: Array<string>) =>
    spawnSync(join(repositoryRoot, "node_modules", ".bin", "bun"), [join(repositoryRoot, "apps", "api", "src", "cli.ts"), ...args], {
      env: { ...process.env, DATABASE_URL: "", FFYNNON_DATA_DIR: dataDir, LOG_LEVEL: "warn", ...env, ...extra },
      encoding: "utf8"
    })
  return { dataDir, ffynnon: (...args: Array<string>) => ffynnonWith({}, ...args), ffynnonWith }
}
