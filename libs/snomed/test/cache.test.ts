import { describe, expect, layer } from "@effect/vitest"
import { Releases } from "@ffynnon/db"
import { Effect, Either, Layer } from "effect"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import { evaluateEcl, warmUpEclCached } from "../src/ecl/Ecl"
import { readIndexCache, writeIndexCache } from "../src/index/cache"
import type { SnomedIndex } from "../src/index/SnomedIndex"
import { SnomedReleases } from "../src/SnomedReleases"
import { loadSnomed } from "../src/store/load"
import { expected, sampleFolder } from "./sample"

/** The answers the operations need, for comparing two indexes. */
const answers = (index: SnomedIndex) =>
  expected.concepts.map((concept: { code: string }) => {
    const position = index.position(concept.code)!
    return {
      code: index.code(position),
      display: index.preferredTerm(position, ["999001261000000100"]),
      designations: index.designations(position),
      attributes: index.attributesOf(position),
      ancestors: [...index.ancestors(position)].sort(),
      descendants: [...index.descendants(position)].sort(),
      module: index.moduleId(position),
      effectiveTime: index.effectiveTime(position),
      maps: index.refsetMembers("999002271000000101", concept.code),
      search: index.search(index.preferredTerm(position, []) ?? "").slice(0, 5)
    }
  })

describe("the index cache", () => {
  layer(SnomedReleases.Default.pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(freshDatabaseLayer(testDatabases[0]!))))(
    (it) => {
      it.effect("reads back an index that answers exactly as the one written", () =>
        Effect.gen(function* () {
          yield* loadSnomed(sampleFolder)
          const releases = yield* SnomedReleases
          yield* releases.refresh
          const index = yield* releases.resolve()
          const folder = mkdtempSync(join(tmpdir(), "ffynnon-cache-"))
          const path = join(folder, "sample.index")
          yield* Effect.promise(() => writeIndexCache(index, path))
          const read = yield* Effect.promise(() => readIndexCache(path))
          rmSync(folder, { recursive: true, force: true })
          expect(read.uri).toBe(index.uri)
          expect(read.conceptCount).toBe(index.conceptCount)
          expect(answers(read)).toEqual(answers(index))
          expect(read.membersWith("999002271000000101", "mapTarget", "I219")).toEqual(
            index.membersWith("999002271000000101", "mapTarget", "I219")
          )
          expect(read.alternateIdentifiers).toEqual(index.alternateIdentifiers)
          expect(read.refsets.get("21000230108")!.members).toEqual(index.refsets.get("21000230108")!.members)
          // The map's rows share their concepts with its members in memory, and so in the file.
          const map = read.refsets.get("999002271000000101")!
          expect(map.rows!.concept).toEqual(map.members.concept)
          expect(map.rows!.concept.buffer).toBe(map.members.concept.buffer)
          expect(map.rows!.concept.byteOffset).toBe(map.members.concept.byteOffset)
          // Written again from what was read (two views of the same bytes), they still share one section.
          const again = join(mkdtempSync(join(tmpdir(), "ffynnon-cache-")), "again.index")
          yield* Effect.promise(() => writeIndexCache(read, again))
          const reread = (yield* Effect.promise(() => readIndexCache(again))).refsets.get("999002271000000101")!
          rmSync(dirname(again), { recursive: true, force: true })
          expect(reread.rows!.concept.byteOffset).toBe(reread.members.concept.byteOffset)
        })
      )

      // The sample was loaded by the test above (one database for the layer).
      it.effect("reads back the ECL tables a start derived, and ECL answers from them exactly as before", () =>
        Effect.gen(function* () {
          const releases = yield* SnomedReleases
          yield* releases.refresh
          const index = yield* releases.resolve()
          const folder = mkdtempSync(join(tmpdir(), "ffynnon-cache-"))
          const indexPath = join(folder, "sample.index")
          const tablesPath = join(folder, "sample.index.ecl")
          yield* Effect.promise(() => writeIndexCache(index, indexPath))
          // A first start derives the tables and writes them; the next reads them back, writing nothing.
          yield* warmUpEclCached(yield* Effect.promise(() => readIndexCache(indexPath)), tablesPath)
          const written = statSync(tablesPath)
          const restarted = yield* Effect.promise(() => readIndexCache(indexPath))
          yield* warmUpEclCached(restarted, tablesPath)
          expect(statSync(tablesPath).mtimeMs).toBe(written.mtimeMs)
          rmSync(folder, { recursive: true, force: true })
          const answer = (from: SnomedIndex, ecl: string) =>
            Either.match(evaluateEcl(from, ecl), { onLeft: (error) => error.message, onRight: (result) => [...result.concepts] })
          for (const ecl of [
            "*",
            "<< 404684003",
            "< 404684003 : 363698007 = << 123037004",
            "* : R 363698007 = *",
            '^ 999002271000000101 {{ M mapTarget = wild:"I2*" }}',
            "< 404684003 {{ +HISTORY-MAX }}",
            "* : * = #500"
          ]) {
            expect(answer(restarted, ecl), ecl).toEqual(answer(index, ecl))
          }
        })
      )
    }
  )
})
