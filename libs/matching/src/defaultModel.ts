/**
 * The model `$match` scores with until models are stored in the database: trained without labels
 * on the synthetic Welsh population by `bun libs/matching/scripts/train-default-model.ts`; its
 * `training` says how. Decode it with `decodeModel` before use.
 */
import model from "../models/welsh-synthetic-2.json"

export const defaultModel: unknown = model
