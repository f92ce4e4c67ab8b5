/**
 * Matching models stored in the database (`match_model`): versioned artefacts, at most one active.
 * `$match` scores with the active model, or the shipped one (`@ffynnon/matching` defaultModel)
 * when none is active. A model is decoded before it is stored and again when read, so a model this
 * version of the code cannot score with is refused, never used.
 */
import { Database, type DatabaseFailure, type Sql } from "@ffynnon/db"
import {
  decodeModel,
  defaultModel,
  preparePerson,
  trainUnsupervised,
  trainWithLabels,
  type MatchModel,
  type ModelInvalid
} from "@ffynnon/matching"
import { sql } from "drizzle-orm"
import { Data, Effect } from "effect"
import { AuditTrail, type Actor } from "./Audit"
import type { LabelledRecordPair } from "./MatchLabels"
import { personOf } from "./MatchKeys"
import type { PatientResource } from "./Patient"

/** A model version that is not stored, or stored twice. */
export class MatchModelRefused extends Data.TaggedError("MatchModelRefused")<{ readonly message: string }> {}

export interface StoredModel {
  readonly version: string
  readonly stored: string
  readonly active: boolean
  readonly trainedAt: string
}

/** The active model, or the shipped one; a stored model that no longer decodes is a defect (it was checked when stored). */
export const activeModel = (database: Sql) =>
  Effect.gen(function* () {
    const [row] = yield* database.query<{ model: unknown }>(sql`select model from match_model where active`)
    const json = row === undefined ? defaultModel : typeof row.model === "string" ? JSON.parse(row.model) : row.model
    return yield* Effect.orDie(decodeModel(json))
  })

export class MatchModels extends Effect.Service<MatchModels>()("@ffynnon/demographics/MatchModels", {
  dependencies: [AuditTrail.Default],
  effect: Effect.gen(function* () {
    const database = yield* Database
    const audit = yield* AuditTrail

    const store = (model: MatchModel) =>
      database.transaction((tx) =>
        Effect.gen(function* () {
          const [clash] = yield* tx.query(sql`select 1 from match_model where version = ${model.version}`)
          if (clash !== undefined)
            return yield* new MatchModelRefused({
              message: `a model '${model.version}' is already stored: give the new one another version.`
            })
          yield* tx.query(
            sql`insert into match_model (version, model, stored) values (${model.version}, ${JSON.stringify(model)}::jsonb, ${new Date().toISOString()})`
          )
          return model
        })
      )

    return {
      /** The stored models, newest first. */
      list: Effect.map(
        database.query<{ version: string; stored: string | Date; active: boolean; trained_at: string }>(
          sql`select version, stored, active, model ->> 'trainedAt' as trained_at from match_model order by stored desc, version`
        ),
        (rows): Array<StoredModel> =>
          rows.map((row) => ({
            version: row.version,
            stored: new Date(row.stored).toISOString(),
            active: row.active,
            trainedAt: row.trained_at
          }))
      ),

      /** Stores a model artefact (JSON as `MatchModel`), inactive. */
      import: (json: unknown): Effect.Effect<MatchModel, ModelInvalid | MatchModelRefused | DatabaseFailure> =>
        Effect.flatMap(decodeModel(json), store),

      /**
       * Trains a model on the live records of the index and stores it, inactive, as `version`. At
       * most `limit` records are read into memory, in id order (ids are random, so a random sample,
       * the same one each time): a sample of the index is enough to learn from. With `labels` (pairs
       * a data steward labelled), m comes from the labelled matches and their records are read too,
       * merged ones included (a pair labelled and then merged still says how one person's records
       * differ); a label naming no stored record fails training, naming its line. Audited: it reads
       * patient records.
       */
      train: (actor: Actor, version: string, options: { readonly limit: number; readonly labels?: ReadonlyArray<LabelledRecordPair> }) =>
        Effect.gen(function* () {
          const rows = yield* database.query<{ id: string; resource: PatientResource | string }>(
            sql`select id, resource from patient where replaced_by is null order by id limit ${options.limit}`
          )
          const labels = options.labels
          const labelledIds = [...new Set((labels ?? []).flatMap((pair) => [pair.patientId, pair.otherId]))]
          const sampled = new Set(rows.map((row) => row.id))
          const missing = labelledIds.filter((id) => !sampled.has(id))
          const labelledRows =
            missing.length === 0
              ? []
              : yield* database.query<{ id: string; resource: PatientResource | string }>(
                  sql`select id, resource from patient where id in (select jsonb_array_elements_text(${JSON.stringify(missing)}::jsonb))`
                )
          const all = [...rows, ...labelledRows]
          const records = all.map((row) =>
            preparePerson(personOf(row.id, typeof row.resource === "string" ? (JSON.parse(row.resource) as PatientResource) : row.resource))
          )
          const position = new Map(all.map((row, i) => [row.id, i]))
          const unknown = labels?.find((pair) => !position.has(pair.patientId) || !position.has(pair.otherId))
          if (unknown !== undefined) {
            const id = position.has(unknown.patientId) ? unknown.otherId : unknown.patientId
            return yield* new MatchModelRefused({ message: `${unknown.at}: no patient record '${id}' is stored.` })
          }
          const { model } = yield* labels === undefined
            ? trainUnsupervised(records, { version })
            : trainWithLabels(
                records,
                labels.map((pair) => ({ a: position.get(pair.patientId)!, b: position.get(pair.otherId)!, match: pair.match })),
                { version }
              )
          yield* store(model)
          yield* audit.append(actor, {
            interaction: "match",
            outcome: "0",
            entities: [],
            query: `match model train version=${version} records=${records.length}${labels === undefined ? "" : ` labelledPairs=${labels.length}`}`
          })
          return model
        }),

      /** Makes `version` the model `$match` scores with (`undefined`: back to the shipped model). */
      activate: (version: string | undefined) =>
        database.transaction((tx) =>
          Effect.gen(function* () {
            if (version !== undefined) {
              const [known] = yield* tx.query(sql`select 1 from match_model where version = ${version}`)
              if (known === undefined) return yield* new MatchModelRefused({ message: `no model '${version}' is stored.` })
            }
            yield* tx.query(sql`update match_model set active = false where active`)
            if (version !== undefined) yield* tx.query(sql`update match_model set active = true where version = ${version}`)
          })
        )
    }
  })
}) {}
