import type { Reporter, Vitest } from "vitest/node"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defineConfig } from "vitest/config"

/** Ends the run with one plain `N passed, N failed, N skipped` line, which CI reads. */
class SummaryLine implements Reporter {
  private vitest: Vitest | undefined
  onInit(vitest: Vitest) {
    this.vitest = vitest
  }
  // onFinished runs after the default reporter's summary, so this stays the last line.
  onFinished() {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    for (const module of this.vitest?.state.getTestModules() ?? []) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed" || state === "failed" || state === "skipped") counts[state]++
      }
    }
    console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  }
}

export default defineConfig({
  test: {
    include: ["libs/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts", "loaders/test/**/*.test.ts", "bench/**/*.test.ts"],
    reporters: ["default", new SummaryLine()],
    // Index caches and embedded databases of the tests go to a fresh folder, not the repository's .ffynnon.
    env: { FFYNNON_DATA_DIR: mkdtempSync(join(tmpdir(), "ffynnon-vitest-")) },
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
