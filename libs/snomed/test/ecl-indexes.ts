/** The sample release (and the HL7 test subset when present) loaded once and served as indexes, for the ECL tests. */
import { Releases } from "@ffynnon/db"
import { Context, Effect, Layer } from "effect"
import { existsSync } from "node:fs"
import { freshDatabaseLayer, testDatabases } from "../../db/test/databases"
import type { SnomedIndex } from "../src/index/SnomedIndex"
import { SnomedReleases } from "../src/SnomedReleases"
import { loadSnomed } from "../src/store/load"
import { sampleFolder, sampleUri, txSubsetFolder, txSubsetUri } from "./sample"

export const hasTxSubset = existsSync(txSubsetFolder)

export class EclIndexes extends Context.Tag("test/EclIndexes")<
  EclIndexes,
  { readonly sample: SnomedIndex; readonly txSubset: SnomedIndex | undefined }
>() {}

const load = Effect.gen(function* () {
  yield* loadSnomed(sampleFolder)
  if (hasTxSubset) yield* loadSnomed(txSubsetFolder, { uri: txSubsetUri })
  const releases = yield* SnomedReleases
  yield* releases.refresh
  return {
    sample: yield* releases.resolve(sampleUri),
    txSubset: hasTxSubset ? yield* releases.resolve(txSubsetUri) : undefined
  }
})

/** The indexes do not depend on the database they were built from, so the embedded one serves. */
export const eclIndexes = Layer.effect(EclIndexes, load).pipe(
  Layer.provide(
    SnomedReleases.Default.pipe(Layer.provideMerge(Releases.Default), Layer.provideMerge(freshDatabaseLayer(testDatabases[0]!)))
  )
)
