import { Context, Effect } from "effect"

/** How far a load has got: `done` of `total` (when known) in `unit`, in a named phase. */
export interface ProgressEvent {
  readonly phase: string
  /** The file or item being worked on. */
  readonly item?: string
  readonly done: number
  readonly total?: number
  readonly unit: "bytes" | "rows" | "steps"
}

/**
 * Where loaders report progress. Silent unless a command line provides a renderer, so library
 * users and tests need not provide anything.
 */
export class LoadProgress extends Context.Reference<LoadProgress>()("@ffynnon/db/LoadProgress", {
  defaultValue: () => ({ report: (_event: ProgressEvent): Effect.Effect<void> => Effect.void })
}) {}
