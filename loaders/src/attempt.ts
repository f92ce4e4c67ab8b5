import { Releases } from "@ffynnon/db"
import { Effect } from "effect"
import { basename } from "node:path"

/**
 * A load command's attempt: a failure is recorded as `failed` in the registry also when it comes
 * before anything is written (a bad file), named by what the command knows before reading.
 */
export const recordedAttempt =
  (kind: string, codeSystem: string, path: string) =>
  <A, E, R>(load: Effect.Effect<A, E, R>) =>
    Effect.flatMap(Releases, (releases) => releases.attempt({ kind, codeSystem, sourceName: basename(path) })(load))
