import { describe, expect, layer } from "@effect/vitest"
import { Database, Releases } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { loadDmd } from "../src/store/load"
import { hasFixtures, openprescribing1 } from "./fixtures"

for (const kind of testDatabases) {
  describe.skipIf(!hasFixtures)(`dm+d store on ${kind.name}`, () => {
    layer(Releases.Default.pipe(Layer.provideMerge(freshDatabaseLayer(kind))))((it) => {
      it.effect("loads a real release folder", () =>
        Effect.gen(function* () {
          const report = yield* loadDmd(openprescribing1)
          console.log(JSON.stringify(report, null, 1))
        })
      )
    })
  })
}
