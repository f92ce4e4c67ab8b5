/**
 * The audit trail: every read, search, match and write of patient data appends one FHIR
 * AuditEvent (https://hl7.org/fhir/R4/auditevent.html) saying who (client and user, from the
 * access token), what (the interaction and the records), when, the outcome and the purpose if
 * given. Rows are append-only (a trigger refuses updates and deletes) and chained: each row's
 * hash is SHA-256 over the previous row's hash and the event's JSON text, so `verify` finds a
 * row changed, removed or slipped in by anyone who got past the trigger.
 */
import { Database, type DatabaseFailure, type Sql } from "@ffynnon/db"
import { sql } from "drizzle-orm"
import { Deferred, Duration, Effect, Either, FiberId, Option } from "effect"
import { createHash } from "node:crypto"

/** Who is acting, from the access token. */
export interface Actor {
  /** The client application (`client_id` or `azp` claim). */
  readonly client: string
  /** The person using it (`sub` claim), when the token names one. */
  readonly user?: string
  /** Why, as a code of http://terminology.hl7.org/CodeSystem/v3-ActReason (TREAT, ETREAT, HOPERAT…), when the request gives one. */
  readonly purpose?: string
}

/** The FHIR RESTful interaction (http://hl7.org/fhir/restful-interaction) or index operation audited. */
export type Interaction =
  "read" | "vread" | "history-instance" | "search-type" | "create" | "update" | "merge" | "unmerge" | "match" | "batch" | "transaction"

const actionOf: Record<Interaction, "C" | "R" | "U" | "E"> = {
  read: "R",
  vread: "R",
  "history-instance": "R",
  "search-type": "E",
  match: "E",
  create: "C",
  update: "U",
  merge: "U",
  unmerge: "U",
  batch: "E",
  transaction: "E"
}

export interface AuditEntry {
  readonly interaction: Interaction
  /** The records touched, as `Patient/<id>`. */
  readonly entities: ReadonlyArray<string>
  /** 0 success, 4 the request failed (the client's error), 8 the server failed. */
  readonly outcome: "0" | "4" | "8"
  readonly outcomeDesc?: string
  /** What was asked, for searches and matches: the query string, kept only here. */
  readonly query?: string
  /** Why, for merges. */
  readonly description?: string
}

export interface AuditEvent {
  readonly resourceType: "AuditEvent"
  readonly id?: string
  readonly recorded: string
  readonly [element: string]: unknown
}

const genesisHash = "0".repeat(64)

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")

/** The AuditEvent for an entry. */
export const auditEvent = (actor: Actor, entry: AuditEntry, recorded: Date): AuditEvent => ({
  resourceType: "AuditEvent",
  type: { system: "http://terminology.hl7.org/CodeSystem/audit-event-type", code: "rest", display: "RESTful Operation" },
  subtype: [{ system: "http://hl7.org/fhir/restful-interaction", code: entry.interaction }],
  action: actionOf[entry.interaction],
  recorded: recorded.toISOString(),
  outcome: entry.outcome,
  ...(entry.outcomeDesc === undefined ? {} : { outcomeDesc: entry.outcomeDesc }),
  ...(actor.purpose === undefined
    ? {}
    : { purposeOfEvent: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: actor.purpose }] }] }),
  agent: [
    {
      who: { identifier: { value: actor.user ?? actor.client } },
      ...(actor.user === undefined ? {} : { altId: actor.client }),
      requestor: true
    }
  ],
  source: { observer: { display: "Ffynnon demographics" } },
  entity: [
    ...entry.entities.map((reference) => ({
      what: { reference },
      ...(entry.description === undefined ? {} : { description: entry.description })
    })),
    ...(entry.query === undefined
      ? []
      : [{ type: { code: "2", display: "System Object" }, query: Buffer.from(entry.query).toString("base64") }])
  ]
})

/** The result of checking the chain: how many rows, and the first that does not fit, if any. */
export interface ChainCheck {
  readonly rows: number
  readonly broken?: { readonly seq: number; readonly reason: string }
}

interface AuditRow {
  readonly seq: string | number
  readonly event: string
  readonly previous_hash: string
  readonly hash: string
}

export class AuditTrail extends Effect.Service<AuditTrail>()("@ffynnon/demographics/AuditTrail", {
  effect: Effect.gen(function* () {
    const database = yield* Database

    /**
     * Appends entries through `tx`: in a transaction they commit or roll back with the work they
     * record; on the pool they are a transaction of their own. One statement: the database
     * function `audit_event_append` (migration 0008) takes the chain's lock, reads the last hash
     * and chains the events after it.
     */
    const appendAllIn = (tx: Sql, entries: ReadonlyArray<{ readonly actor: Actor; readonly entry: AuditEntry }>) => {
      const recorded = new Date()
      const events = entries.map(({ actor, entry }) => ({
        event: JSON.stringify(auditEvent(actor, entry, recorded)),
        entities: entry.entities
      }))
      return tx.query(sql`select audit_event_append(${recorded.toISOString()}, ${JSON.stringify(events)}::jsonb)`)
    }

    const appendIn = (tx: Sql, actor: Actor, entry: AuditEntry) => appendAllIn(tx, [{ actor, entry }])

    // Group commit. An entry waits in `queued` while a batch is being written, then goes with the
    // others queued meanwhile in one transaction; each caller waits until its own entry is
    // committed, so nothing is answered unaudited, while concurrent requests share one lock and one
    // flush to disk. Requests still reading (`reading`, see `afterRead`) will queue an entry in a
    // moment: a batch about to be written waits for them, but no longer than the last commit took
    // (waiting longer would cost the batch more than the latecomers save by joining it). Without
    // that wait, requests answered by one commit come back a fraction of a millisecond later to
    // find the next commit already under way with whichever of them came first, and ten requests
    // in flight split between two commits instead of sharing one.
    type Queued = { readonly actor: Actor; readonly entry: AuditEntry; readonly done: Deferred.Deferred<void, DatabaseFailure> }
    const maxBatch = 1000
    let queued: Array<Queued> = []
    let writing = false
    let reading = 0
    let readersArrived: Deferred.Deferred<void> | undefined
    let lastCommitMs = 0

    const readerArrived = () => {
      reading--
      if (reading === 0 && readersArrived !== undefined) {
        Deferred.unsafeDone(readersArrived, Effect.void)
        readersArrived = undefined
      }
    }

    const awaitReaders = Effect.suspend(() => {
      if (reading === 0 || queued.length >= maxBatch) return Effect.void
      const arrived = Deferred.unsafeMake<void>(FiberId.none)
      readersArrived = arrived
      return Effect.ignore(Effect.timeout(Deferred.await(arrived), Duration.millis(Math.min(lastCommitMs, 50))))
    })

    const drain = Effect.gen(function* () {
      while (queued.length > 0) {
        yield* awaitReaders
        const batch = queued.splice(0, maxBatch)
        const started = performance.now()
        const exit = yield* Effect.exit(Effect.asVoid(appendAllIn(database, batch)))
        lastCommitMs = performance.now() - started
        for (const { done } of batch) yield* Deferred.done(done, exit)
      }
      writing = false
    })

    /** Queues an entry (then runs `queuedThen`, at once); the effect is done once the entry is committed. */
    const enqueue = (actor: Actor, entry: AuditEntry, queuedThen?: () => void) =>
      Effect.suspend(() => {
        const done = Deferred.unsafeMake<void, DatabaseFailure>(FiberId.none)
        queued.push({ actor, entry, done })
        queuedThen?.()
        if (!writing) {
          writing = true
          return Effect.zipRight(Effect.forkDaemon(drain), Deferred.await(done))
        }
        return Deferred.await(done)
      })

    /** Appends an entry in a transaction of its own (shared with entries appended at the same time); done once committed. */
    const append = (actor: Actor, entry: AuditEntry) => enqueue(actor, entry)

    /**
     * Runs `work` (a read), appends the entry `entryOf` makes of its result and waits until that is
     * committed before answering: `work`'s value, or its failure. Should the append fail, a
     * successful read fails with it (nothing is served unaudited); a failed one keeps its own error.
     * While `work` runs, a batch about to be committed waits for its entry (see above).
     */
    const afterRead = <A, E, R>(
      actor: Actor,
      work: Effect.Effect<A, E, R>,
      entryOf: (result: Either.Either<A, E>) => AuditEntry
    ): Effect.Effect<A, E | DatabaseFailure, R> =>
      Effect.suspend(() => {
        reading++
        let counted = true
        const arrived = () => {
          if (counted) {
            counted = false
            readerArrived()
          }
        }
        return Effect.either(work).pipe(
          Effect.flatMap((result): Effect.Effect<A, E | DatabaseFailure> => {
            const committed = enqueue(actor, entryOf(result), arrived)
            return Either.isRight(result)
              ? Effect.as(committed, result.right)
              : Effect.zipRight(Effect.ignore(committed), Effect.fail(result.left))
          }),
          Effect.ensuring(Effect.sync(arrived))
        )
      })

    /** The events that touched a record, newest first, with a page of `count` from `offset`. */
    const forEntity = (reference: string, page: { readonly count: number; readonly offset: number }) =>
      Effect.gen(function* () {
        const [counted] = yield* database.query<{ total: string | number }>(
          sql`select count(*) as total from audit_event where entities @> array[${reference}]::text[]`
        )
        const rows = yield* database.query<{ seq: string | number; event: string }>(
          sql`select seq, event from audit_event where entities @> array[${reference}]::text[] order by seq desc limit ${page.count} offset ${page.offset}`
        )
        return {
          total: Number(counted?.total ?? 0),
          events: rows.map((row): AuditEvent => ({ ...(JSON.parse(row.event) as AuditEvent), id: String(row.seq) }))
        }
      })

    /**
     * The events that touched a record, for `actor`: reading the trail is an access too (it shows
     * who looked at the record), so it is audited like a search, with `query` (such as
     * `AuditEvent?entity=Patient/<id>`) and the record as entity.
     */
    const searchForEntity = (actor: Actor, reference: string, page: { readonly count: number; readonly offset: number }, query: string) =>
      Effect.tap(forEntity(reference, page), () =>
        append(actor, { interaction: "search-type", entities: [reference], outcome: "0", query })
      )

    /**
     * One event by its id, for `actor`, or none. Reading it is audited like reading the records it
     * names, so it shows on their trails.
     */
    const read = (actor: Actor, id: number) =>
      Effect.gen(function* () {
        const [row] = yield* database.query<{ seq: string | number; event: string }>(
          sql`select seq, event from audit_event where seq = ${id}`
        )
        const event: AuditEvent | undefined =
          row === undefined ? undefined : { ...(JSON.parse(row.event) as AuditEvent), id: String(row.seq) }
        const entities = ((event?.entity ?? []) as ReadonlyArray<{ readonly what?: { readonly reference?: string } }>).flatMap(
          (entity) => entity.what?.reference ?? []
        )
        yield* append(actor, {
          interaction: "read",
          entities,
          outcome: event === undefined ? "4" : "0",
          ...(event === undefined ? { outcomeDesc: "not found" } : {}),
          query: `AuditEvent/${id}`
        })
        return Option.fromNullable(event)
      })

    /** Walks the whole chain in order, a batch of rows at a time. */
    const verify: Effect.Effect<ChainCheck, DatabaseFailure> = Effect.gen(function* () {
      let previousHash = genesisHash
      let after = 0
      let rows = 0
      for (;;) {
        const batch = yield* database.query<AuditRow>(
          sql`select seq, event, previous_hash, hash from audit_event where seq > ${after} order by seq limit 10000`
        )
        for (const row of batch) {
          const seq = Number(row.seq)
          if (row.previous_hash !== previousHash) {
            return { rows, broken: { seq, reason: "it does not follow the row before it: a row was removed or inserted" } }
          }
          if (sha256(previousHash + row.event) !== row.hash)
            return { rows, broken: { seq, reason: "its event was changed after it was written" } }
          previousHash = row.hash
          after = seq
          rows++
        }
        if (batch.length === 0) return { rows }
      }
    })

    return { append, afterRead, appendIn, appendAllIn, forEntity, searchForEntity, read, verify }
  })
}) {}
