/**
 * The generator's ground truth against the server's index, at a scale CI can afford: the same
 * check the SNOMED CT benchmark makes at full scale (bench/snomed.ts).
 */
import { describe, expect, layer } from "@effect/vitest"
import { Releases } from "@ffynnon/db"
import { loadSnomed, SnomedReleases } from "@ffynnon/snomed"
import { Effect, Layer } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freshDatabaseLayer, testDatabases } from "../../libs/db/test/databases"
import { generateRelease } from "./release"

const out = mkdtempSync(join(tmpdir(), "ffynnon-synthetic-"))
const { truth } = generateRelease({ outDir: out, scale: 0.002, seed: 7 })
const release = join(out, truth.generator.releaseFolder)

describe("a synthetic release loaded and indexed", () => {
  layer(SnomedReleases.Default.pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(freshDatabaseLayer(testDatabases[0]!))))(
    (it) => {
      it.effect("answers as its ground truth says", () =>
        Effect.gen(function* () {
          yield* loadSnomed(release)
          const releases = yield* SnomedReleases
          yield* releases.refresh
          const index = yield* releases.resolve()
          expect(index.conceptCount).toBe(truth.concepts.total)
          for (const term of truth.terms) {
            const concept = index.position(term.conceptId)!
            expect(index.isActive(concept)).toBe(term.active)
            for (const [refsetId, preferred] of Object.entries(term.preferredTerm))
              expect(index.preferredTerm(concept, [refsetId])).toBe(preferred)
          }
          for (const { conceptId, count } of truth.descendantCounts) {
            expect([...index.descendants(index.position(conceptId)!)].filter((concept) => index.isActive(concept)).length).toBe(count)
          }
          for (const { codeA, codeB, outcome } of truth.subsumption) {
            const [a, b] = [index.position(codeA)!, index.position(codeB)!]
            const answer =
              a === b ? "equivalent" : index.subsumes(a, b) ? "subsumes" : index.subsumes(b, a) ? "subsumed-by" : "not-subsumed"
            expect({ codeA, codeB, answer }).toEqual({ codeA, codeB, answer: outcome })
          }
          for (const { conceptId, rows } of truth.icd10Maps) {
            const active = rows
              .filter((row) => row.active)
              .map((row) => row.mapTarget)
              .sort()
            expect(
              index
                .refsetMembers("999002271000000101", conceptId)
                .map((member) => member.fields[4])
                .sort()
            ).toEqual(active)
          }
        }).pipe(Effect.ensuring(Effect.sync(() => rmSync(out, { recursive: true, force: true }))))
      )
    }
  )
})
