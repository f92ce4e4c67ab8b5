/**
 * The patient index: create, read, vread, update (optionally against a version), history, search,
 * merge and unmerge of Patient records, each in one transaction with its audit entry, so a write
 * is never visible without its audit and a failed write leaves nothing behind. Every version is
 * kept (`patient_version`); the search keys of the current version are rewritten with it.
 */
import { copyLine, Database, type CopyOptions, DatabaseError, DatabaseUnavailable, type DatabaseFailure, type Sql } from "@ffynnon/db"
import { sql, type SQL } from "drizzle-orm"
import { Effect, Either } from "effect"
import { AuditTrail, type Actor, type AuditEntry, type Interaction } from "./Audit"
import { matchKeyRows, matchRecordRows, replaceMatchData } from "./MatchKeys"
import { nhsNumberSystem } from "./NhsNumber"
import { DuplicateNhsNumber, MergeRefused, MultipleMatches, PatientNotFound, VersionConflict, type PatientError } from "./errors"
import { checkPatient, dateRange, nhsNumberOf, normalisePostcode, normaliseText, searchKeys, type PatientResource } from "./Patient"
import { demographicsMessage } from "./messages"

/** A stored version: the resource with `id` and `meta.versionId`/`meta.lastUpdated` set. */
export type StoredPatient = PatientResource & {
  readonly id: string
  readonly meta: { readonly versionId: string; readonly lastUpdated: string }
}

export type DatePrefix = "eq" | "ge" | "le" | "gt" | "lt"

/**
 * A search: each field is ANDed with the others; the values within one are ORed (FHIR's
 * comma), except `birthdate`, whose conditions all hold (`birthdate=ge1960&birthdate=le1969`).
 * Strings match the start of a value, ignoring case and accents.
 */
export interface PatientSearch {
  readonly identifier?: ReadonlyArray<{ readonly system?: string | null; readonly value: string }>
  readonly family?: ReadonlyArray<string>
  readonly given?: ReadonlyArray<string>
  readonly name?: ReadonlyArray<string>
  readonly birthdate?: ReadonlyArray<{ readonly prefix: DatePrefix; readonly value: string }>
  readonly gender?: ReadonlyArray<string>
  readonly postalCode?: ReadonlyArray<string>
  /** ODS codes of the registered practice. */
  readonly generalPractitioner?: ReadonlyArray<string>
}

export interface SearchPage {
  readonly total: number
  readonly patients: ReadonlyArray<StoredPatient>
}

interface PatientRow {
  readonly version_id: number
  readonly resource: StoredPatient | string
  readonly replaced_by: string | null
}

/** The stored resource, `resourceType`, `id` and `meta` first again (jsonb keeps keys in its own order). */
const resourceOf = (row: { readonly resource: StoredPatient | string }): StoredPatient => {
  const { resourceType, id, meta, ...rest } = typeof row.resource === "string" ? (JSON.parse(row.resource) as StoredPatient) : row.resource
  return { resourceType, id, meta, ...rest }
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`)
const startsWith = (value: string) => `${likeEscape(value)}%`

const anyOf = (conditions: ReadonlyArray<SQL>) => sql`(${sql.join([...conditions], sql` or `)})`

const keyCondition = (keys: ReadonlyArray<string>, values: ReadonlyArray<string>, normalise: (value: string) => string) =>
  sql`p.id in (select patient_id from patient_key where key in (${sql.join(
    keys.map((key) => sql`${key}`),
    sql`, `
  )}) and ${anyOf(values.map((value) => sql`value like ${startsWith(normalise(value))}`))})`

const birthDateCondition = ({ prefix, value }: { readonly prefix: DatePrefix; readonly value: string }) => {
  const range = dateRange(value)!
  switch (prefix) {
    case "eq":
      return sql`(p.birth_date_low >= ${range.low} and p.birth_date_high <= ${range.high})`
    case "ge":
      return sql`p.birth_date_high >= ${range.low}`
    case "gt":
      return sql`p.birth_date_high > ${range.high}`
    case "le":
      return sql`p.birth_date_low <= ${range.high}`
    case "lt":
      return sql`p.birth_date_low < ${range.low}`
  }
}

/** The WHERE clause of a search over live (not merged) records. */
const searchCondition = (search: PatientSearch): SQL => {
  const conditions: Array<SQL> = [sql`p.replaced_by is null`]
  if (search.identifier !== undefined) {
    conditions.push(
      anyOf(
        search.identifier.map(({ system, value }) =>
          // A record holds at most one NHS number, in its own indexed column: the commonest search, answered without a join.
          system === nhsNumberSystem
            ? sql`p.nhs_number = ${value}`
            : sql`p.id in (select patient_id from patient_key where key = 'identifier' and ${
                system === undefined
                  ? sql`value = ${value}`
                  : system === null
                    ? sql`value = ${value} and system is null`
                    : sql`value = ${value} and system = ${system}`
              })`
        )
      )
    )
  }
  if (search.family !== undefined) conditions.push(keyCondition(["family"], search.family, normaliseText))
  if (search.given !== undefined) conditions.push(keyCondition(["given"], search.given, normaliseText))
  if (search.name !== undefined) conditions.push(keyCondition(["family", "given", "name-text"], search.name, normaliseText))
  if (search.postalCode !== undefined) conditions.push(keyCondition(["postcode"], search.postalCode, normalisePostcode))
  if (search.generalPractitioner !== undefined) {
    conditions.push(
      sql`p.id in (select patient_id from patient_key where key = 'gp' and value in (${sql.join(
        search.generalPractitioner.map((code) => sql`${code}`),
        sql`, `
      )}))`
    )
  }
  if (search.gender !== undefined)
    conditions.push(
      sql`p.gender in (${sql.join(
        search.gender.map((gender) => sql`${gender}`),
        sql`, `
      )})`
    )
  for (const condition of search.birthdate ?? []) conditions.push(birthDateCondition(condition))
  return sql.join(conditions, sql` and `)
}

const today = () => new Date().toISOString().slice(0, 10)

/** A version ready to store: the resource with its id and meta, and its JSON text. */
interface Version {
  readonly patient: StoredPatient
  readonly json: string
}

const storedVersion = (id: string, versionId: number, resource: PatientResource, lastUpdated: string): Version => {
  const { id: _id, meta, resourceType, ...rest } = resource
  const patient = { resourceType, id, meta: { ...meta, versionId: String(versionId), lastUpdated }, ...rest } as StoredPatient
  return { patient, json: JSON.stringify(patient) }
}

const patientColumns = sql.raw("id, version_id, last_updated, resource, nhs_number, gender, birth_date_low, birth_date_high, replaced_by")

const patientValues = ({ patient, json }: Version, replacedBy: string | null) => {
  const birth = patient.birthDate === undefined ? undefined : dateRange(patient.birthDate)
  return sql`(${patient.id}, ${Number(patient.meta.versionId)}, ${patient.meta.lastUpdated}, ${json}::jsonb, ${nhsNumberOf(patient) ?? null},
    ${patient.gender ?? null}, ${birth?.low ?? null}, ${birth?.high ?? null}, ${replacedBy})`
}

/** Appends the versions to `patient_version` and their search keys to `patient_key`. */
const insertVersionsAndKeys = (tx: Sql, versions: ReadonlyArray<Version>) =>
  Effect.gen(function* () {
    yield* tx.query(
      sql`insert into patient_version (patient_id, version_id, last_updated, resource) values ${sql.join(
        versions.map(
          ({ patient, json }) => sql`(${patient.id}, ${Number(patient.meta.versionId)}, ${patient.meta.lastUpdated}, ${json}::jsonb)`
        ),
        sql`, `
      )}`
    )
    const keys = versions.flatMap(({ patient }) =>
      searchKeys(patient).map((key) => sql`(${patient.id}, ${key.key}, ${key.system}, ${key.value})`)
    )
    // PostgreSQL takes at most 65,535 parameters a statement: four a key.
    for (let start = 0; start < keys.length; start += 10_000) {
      yield* tx.query(
        sql`insert into patient_key (patient_id, key, system, value) values ${sql.join(keys.slice(start, start + 10_000), sql`, `)}`
      )
    }
  })

const copyLines = async function* (rows: ReadonlyArray<ReadonlyArray<string | number | null>>) {
  let text = ""
  for (const row of rows) text += copyLine(row)
  yield text
}

/**
 * Inserts new records (version 1) in bulk inside `tx` with COPY, for loads: the caller has
 * checked them and their NHS numbers; the unique index still refuses a duplicate, failing the
 * whole transaction.
 */
export const insertNewPatients = (
  tx: Sql,
  patients: ReadonlyArray<{ readonly id: string; readonly resource: PatientResource }>,
  options?: CopyOptions
) =>
  Effect.gen(function* () {
    if (patients.length === 0) return []
    const lastUpdated = new Date().toISOString()
    const versions = patients.map(({ id, resource }) => storedVersion(id, 1, resource, lastUpdated))
    const rows = versions.map(({ patient, json }) => {
      const birth = patient.birthDate === undefined ? undefined : dateRange(patient.birthDate)
      return [
        patient.id,
        1,
        lastUpdated,
        json,
        nhsNumberOf(patient) ?? null,
        patient.gender ?? null,
        birth?.low ?? null,
        birth?.high ?? null
      ]
    })
    yield* tx.copyFrom(
      "patient",
      ["id", "version_id", "last_updated", "resource", "nhs_number", "gender", "birth_date_low", "birth_date_high"],
      copyLines(rows),
      options
    )
    yield* tx.copyFrom(
      "patient_version",
      ["patient_id", "version_id", "last_updated", "resource"],
      copyLines(versions.map(({ patient, json }) => [patient.id, 1, lastUpdated, json])),
      options
    )
    yield* tx.copyFrom(
      "patient_key",
      ["patient_id", "key", "system", "value"],
      copyLines(versions.flatMap(({ patient }) => searchKeys(patient).map((key) => [patient.id, key.key, key.system, key.value]))),
      options
    )
    const stored = versions.map(({ patient }) => patient)
    yield* tx.copyFrom("patient_match_key", ["key", "patient_id"], copyLines(matchKeyRows(stored)), options)
    yield* tx.copyFrom("patient_match_record", ["patient_id", "version_id", "person"], copyLines(matchRecordRows(stored)), options)
    return versions.map((version) => version.patient)
  })

/** What a write did: the version written, and whether it made a new record. */
export interface Written {
  readonly patient: StoredPatient
  readonly created: boolean
}

/** The operations of the index, bound to one transaction (see `Patients.transaction`). */
export interface PatientOperations {
  /** `id` is the id a new record gets, when the caller chose it (for references inside a transaction Bundle); else a new UUID. */
  readonly create: (
    resource: unknown,
    options?: { readonly ifNoneExist?: PatientSearch; readonly id?: string }
  ) => Effect.Effect<Written, PatientError | DatabaseFailure>
  readonly update: (
    id: string,
    resource: unknown,
    options?: { readonly ifMatch?: number }
  ) => Effect.Effect<Written, PatientError | DatabaseFailure>
  readonly read: (id: string) => Effect.Effect<StoredPatient, PatientError | DatabaseFailure>
}

export class Patients extends Effect.Service<Patients>()("@ffynnon/demographics/Patients", {
  dependencies: [AuditTrail.Default],
  effect: Effect.gen(function* () {
    const database = yield* Database
    const audit = yield* AuditTrail

    /** The audit entry of a failed attempt: the client's fault (4) or the server's (8). */
    const failureEntry = (
      interaction: Interaction,
      onFailure: Omit<AuditEntry, "interaction" | "outcome" | "outcomeDesc">,
      error: unknown
    ): AuditEntry => {
      const serverFault = error instanceof DatabaseError || error instanceof DatabaseUnavailable
      return {
        interaction,
        outcome: serverFault ? "8" : "4",
        outcomeDesc: serverFault ? "server error" : String((error as { message?: string }).message ?? error),
        ...onFailure
      }
    }

    /** A failed attempt is audited on its own: it is on record even though nothing changed. */
    const auditFailure =
      (actor: Actor, interaction: Interaction, onFailure: Omit<AuditEntry, "interaction" | "outcome" | "outcomeDesc">) =>
      (error: unknown) =>
        audit.append(actor, failureEntry(interaction, onFailure, error)).pipe(Effect.ignore)

    /** Runs a write in one transaction with its audit entry: a failure rolls both back. */
    const audited = <A, E>(
      actor: Actor,
      interaction: Interaction,
      work: (tx: Sql) => Effect.Effect<A, E | DatabaseFailure>,
      describe: (value: A) => Omit<AuditEntry, "interaction" | "outcome">,
      onFailure: Omit<AuditEntry, "interaction" | "outcome" | "outcomeDesc">
    ): Effect.Effect<A, E | DatabaseFailure> =>
      database
        .transaction((tx) => Effect.tap(work(tx), (value) => audit.appendIn(tx, actor, { interaction, outcome: "0", ...describe(value) })))
        .pipe(Effect.tapError(auditFailure(actor, interaction, onFailure)))

    /** Runs a read, then waits for its audit entry (group-committed with concurrent requests') to be committed before answering. */
    const auditedRead = <A, E>(
      actor: Actor,
      interaction: Interaction,
      work: (sql: Sql) => Effect.Effect<A, E | DatabaseFailure>,
      describe: (value: A) => Omit<AuditEntry, "interaction" | "outcome">,
      onFailure: Omit<AuditEntry, "interaction" | "outcome" | "outcomeDesc">
    ): Effect.Effect<A, E | DatabaseFailure> =>
      audit.afterRead(
        actor,
        work(database),
        Either.match({
          onRight: (value): AuditEntry => ({ interaction, outcome: "0", ...describe(value) }),
          onLeft: (error) => failureEntry(interaction, onFailure, error)
        })
      )

    const current = (tx: Sql, id: string, lock: boolean) =>
      Effect.flatMap(
        tx.query<PatientRow>(
          lock
            ? sql`select version_id, resource, replaced_by from patient where id = ${id} for update`
            : sql`select version_id, resource, replaced_by from patient where id = ${id}`
        ),
        ([row]) => (row === undefined ? Effect.fail(new PatientNotFound({ id })) : Effect.succeed(row))
      )

    /** Writes version `versionId` of record `id`: the current row, the version row and the search keys. */
    const write = (tx: Sql, id: string, versionId: number, resource: PatientResource, replacedBy: string | null) =>
      Effect.gen(function* () {
        const version = storedVersion(id, versionId, resource, new Date().toISOString())
        const nhsNumber = nhsNumberOf(version.patient) ?? null
        if (nhsNumber !== null && replacedBy === null) {
          const [holder] = yield* tx.query<{ id: string }>(
            sql`select id from patient where nhs_number = ${nhsNumber} and replaced_by is null and id <> ${id}`
          )
          if (holder !== undefined) return yield* new DuplicateNhsNumber({ nhsNumber, holder: holder.id })
        }
        yield* tx
          .query(
            sql`insert into patient (${patientColumns}) values ${patientValues(version, replacedBy)}
            on conflict (id) do update set version_id = excluded.version_id, last_updated = excluded.last_updated, resource = excluded.resource,
              nhs_number = excluded.nhs_number, gender = excluded.gender, birth_date_low = excluded.birth_date_low,
              birth_date_high = excluded.birth_date_high, replaced_by = excluded.replaced_by`
          )
          .pipe(
            // Two writers that both passed the check above: the unique index decides.
            Effect.catchIf(
              (error) => error instanceof DatabaseError && error.sqlState === "23505",
              () => Effect.fail(new DuplicateNhsNumber({ nhsNumber: nhsNumber! }))
            )
          )
        yield* tx.query(sql`delete from patient_key where patient_id = ${id}`)
        yield* insertVersionsAndKeys(tx, [version])
        yield* replaceMatchData(tx, version.patient, replacedBy === null)
        return version.patient
      })

    const check = (resource: unknown) => Either.match(checkPatient(resource, today()), { onLeft: Effect.fail, onRight: Effect.succeed })

    const searchIn = (tx: Sql, search: PatientSearch, page: { readonly count: number; readonly offset: number }) =>
      Effect.gen(function* () {
        const where = searchCondition(search)
        // The page and the total in one statement; a separate count only for a page past the end or of size 0.
        const rows =
          page.count === 0
            ? []
            : yield* tx.query<{ readonly resource: StoredPatient | string; readonly total: string | number }>(
                sql`select resource, count(*) over () as total from patient p where ${where} order by p.id limit ${page.count} offset ${page.offset}`
              )
        const total =
          rows.length > 0 || (page.offset === 0 && page.count > 0)
            ? Number(rows[0]?.total ?? 0)
            : Number(
                (yield* tx.query<{ total: string | number }>(sql`select count(*) as total from patient p where ${where}`))[0]?.total ?? 0
              )
        return { total, patients: rows.map(resourceOf) }
      })

    const operations = (tx: Sql): PatientOperations => ({
      read: (id) => Effect.map(current(tx, id, false), resourceOf),
      create: (resource, options) =>
        Effect.gen(function* () {
          const patient = yield* check(resource)
          if (options?.ifNoneExist !== undefined) {
            const found = yield* searchIn(tx, options.ifNoneExist, { count: 2, offset: 0 })
            if (found.total > 1) {
              return yield* new MultipleMatches({ count: found.total })
            }
            if (found.total === 1) return { patient: found.patients[0]!, created: false }
          }
          return { patient: yield* write(tx, options?.id ?? crypto.randomUUID(), 1, patient, null), created: true }
        }),
      update: (id, resource, options) =>
        Effect.gen(function* () {
          const patient = yield* check(resource)
          const row = yield* current(tx, id, true)
          if (options?.ifMatch !== undefined && options.ifMatch !== row.version_id) {
            return yield* new VersionConflict({ id, expected: options.ifMatch, current: row.version_id })
          }
          return { patient: yield* write(tx, id, row.version_id + 1, patient, row.replaced_by), created: false }
        })
    })

    const written = (interaction: Interaction) => (result: Written) => ({
      entities: [`Patient/${result.patient.id}`],
      ...(interaction === "create" && !result.created ? { outcomeDesc: "already exists" } : {})
    })

    const create = (actor: Actor, resource: unknown, options?: { readonly ifNoneExist?: PatientSearch }) =>
      audited(actor, "create", (tx) => operations(tx).create(resource, options), written("create"), { entities: [] })

    /** Checks and writes new records together, each refused or created on its own; see `createMany`. */
    const createTogether = (actor: Actor, resources: ReadonlyArray<unknown>) =>
      database.transaction((tx) =>
        Effect.gen(function* () {
          const checked = resources.map((resource) => checkPatient(resource, today()))
          const numbers = checked.flatMap((result) => (Either.isRight(result) ? (nhsNumberOf(result.right) ?? []) : []))
          // Holders of the NHS numbers: live records, then earlier entries of this set. The numbers
          // go as one JSON parameter, as a Bundle may hold more than PostgreSQL's 65,535 parameters.
          const holders = new Map(
            numbers.length === 0
              ? []
              : (yield* tx.query<{ id: string; nhs_number: string }>(
                  sql`select id, nhs_number from patient where replaced_by is null
                    and nhs_number in (select jsonb_array_elements_text(${JSON.stringify(numbers)}::jsonb))`
                )).map((row) => [row.nhs_number, row.id] as const)
          )
          const accepted: Array<{ readonly id: string; readonly resource: PatientResource }> = []
          const outcomes = checked.map((result): Either.Either<string, PatientError> => {
            if (Either.isLeft(result)) return Either.left(result.left)
            const nhsNumber = nhsNumberOf(result.right)
            const holder = nhsNumber === undefined ? undefined : holders.get(nhsNumber)
            if (holder !== undefined) return Either.left(new DuplicateNhsNumber({ nhsNumber: nhsNumber!, holder }))
            const id = crypto.randomUUID()
            if (nhsNumber !== undefined) holders.set(nhsNumber, id)
            accepted.push({ id, resource: result.right })
            return Either.right(id)
          })
          const stored = new Map((yield* insertNewPatients(tx, accepted)).map((patient) => [patient.id, patient]))
          yield* audit.appendAllIn(
            tx,
            outcomes.map((outcome) => ({
              actor,
              entry: Either.match(outcome, {
                onRight: (id): AuditEntry => ({ interaction: "create", entities: [`Patient/${id}`], outcome: "0" }),
                onLeft: (error): AuditEntry => ({ interaction: "create", entities: [], outcome: "4", outcomeDesc: error.message })
              })
            }))
          )
          return outcomes.map(Either.map((id) => stored.get(id)!))
        })
      )

    return {
      read: (actor: Actor, id: string) =>
        auditedRead(
          actor,
          "read",
          (tx) => operations(tx).read(id),
          () => ({ entities: [`Patient/${id}`] }),
          { entities: [`Patient/${id}`] }
        ),

      vread: (actor: Actor, id: string, versionId: number) =>
        auditedRead(
          actor,
          "vread",
          (tx) =>
            Effect.flatMap(
              tx.query<{ readonly resource: StoredPatient | string }>(
                sql`select resource from patient_version where patient_id = ${id} and version_id = ${versionId}`
              ),
              ([row]) => (row === undefined ? Effect.fail(new PatientNotFound({ id, versionId })) : Effect.succeed(resourceOf(row)))
            ),
          () => ({ entities: [`Patient/${id}`] }),
          { entities: [`Patient/${id}`] }
        ),

      /** Every version of a record, newest first. */
      history: (actor: Actor, id: string) =>
        auditedRead(
          actor,
          "history-instance",
          (tx) =>
            Effect.gen(function* () {
              yield* current(tx, id, false)
              const rows = yield* tx.query<{ readonly resource: StoredPatient | string }>(
                sql`select resource from patient_version where patient_id = ${id} order by version_id desc`
              )
              return rows.map(resourceOf)
            }),
          () => ({ entities: [`Patient/${id}`] }),
          { entities: [`Patient/${id}`] }
        ),

      search: (actor: Actor, search: PatientSearch, page: { readonly count: number; readonly offset: number }, query: string) =>
        auditedRead(
          actor,
          "search-type",
          (tx) => searchIn(tx, search, page),
          (found: SearchPage) => ({ entities: found.patients.map((patient) => `Patient/${patient.id}`), query }),
          { entities: [], query }
        ),

      create,

      /**
       * Creates new records (a batch Bundle's plain creates), each refused or created on its own
       * as by `create`, but checked and written set-based in one transaction, with an audit entry
       * each. Should a concurrent write take one of their NHS numbers meanwhile, the unique index
       * refuses the set and they are created one by one instead.
       */
      createMany: (
        actor: Actor,
        resources: ReadonlyArray<unknown>
      ): Effect.Effect<ReadonlyArray<Either.Either<StoredPatient, PatientError | DatabaseFailure>>, DatabaseFailure> =>
        createTogether(actor, resources).pipe(
          Effect.catchIf(
            (error) => error instanceof DatabaseError && error.sqlState === "23505",
            () => Effect.forEach(resources, (resource) => Effect.either(Effect.map(create(actor, resource), ({ patient }) => patient)))
          ),
          Effect.tapError(auditFailure(actor, "create", { entities: [] }))
        ),

      update: (actor: Actor, id: string, resource: unknown, options?: { readonly ifMatch?: number }) =>
        audited(actor, "update", (tx) => operations(tx).update(id, resource, options), written("update"), { entities: [`Patient/${id}`] }),

      /**
       * Runs `work` over the index in one transaction (a FHIR transaction Bundle): all of it is
       * written, or none. `entities` says which records the result touched, for the audit.
       */
      transaction: <A, E>(
        actor: Actor,
        work: (operations: PatientOperations) => Effect.Effect<A, E | PatientError | DatabaseFailure>,
        entities: (value: A) => ReadonlyArray<string>
      ) =>
        audited(
          actor,
          "transaction",
          (tx) => work(operations(tx)),
          (value) => ({ entities: entities(value) }),
          { entities: [] }
        ),

      /**
       * Merges `sourceId` into `targetId`, which survives: the source gets a `replaced-by` link
       * and becomes inactive, the target a `replaces` link; both keep every version. `reason`
       * (why) goes to the audit with who and when.
       */
      merge: (actor: Actor, sourceId: string, targetId: string, reason: string) =>
        audited(
          actor,
          "merge",
          (tx) =>
            Effect.gen(function* () {
              if (sourceId === targetId) return yield* new MergeRefused({ said: demographicsMessage("merge-into-itself") })
              const source = yield* current(tx, sourceId, true)
              const target = yield* current(tx, targetId, true)
              if (source.replaced_by !== null) {
                return yield* new MergeRefused({
                  said: demographicsMessage("merge-source-merged", { id: sourceId, into: source.replaced_by })
                })
              }
              if (target.replaced_by !== null) {
                return yield* new MergeRefused({
                  said: demographicsMessage("merge-target-merged", { id: targetId, into: target.replaced_by })
                })
              }
              const sourceResource = resourceOf(source)
              const targetResource = resourceOf(target)
              const mergedSource = yield* write(
                tx,
                sourceId,
                source.version_id + 1,
                {
                  ...sourceResource,
                  active: false,
                  link: [...(sourceResource.link ?? []), { type: "replaced-by", other: { reference: `Patient/${targetId}` } }]
                },
                targetId
              )
              const survivor = yield* write(
                tx,
                targetId,
                target.version_id + 1,
                {
                  ...targetResource,
                  link: [...(targetResource.link ?? []), { type: "replaces", other: { reference: `Patient/${sourceId}` } }]
                },
                null
              )
              return { source: mergedSource, target: survivor }
            }),
          () => ({ entities: [`Patient/${sourceId}`, `Patient/${targetId}`], description: reason }),
          { entities: [`Patient/${sourceId}`, `Patient/${targetId}`], description: reason }
        ),

      /** Undoes a merge of `sourceId`: both records lose the links the merge added and the source is live again. */
      unmerge: (actor: Actor, sourceId: string, reason: string) =>
        audited(
          actor,
          "unmerge",
          (tx) =>
            Effect.gen(function* () {
              const source = yield* current(tx, sourceId, true)
              if (source.replaced_by === null)
                return yield* new MergeRefused({ said: demographicsMessage("unmerge-not-merged", { id: sourceId }) })
              const targetId = source.replaced_by
              const target = yield* current(tx, targetId, true)
              const sourceResource = resourceOf(source)
              const targetResource = resourceOf(target)
              const without = (links: PatientResource["link"], type: string, reference: string) =>
                (links ?? []).filter((link) => !(link.type === type && link.other.reference === reference))
              const { link: _sourceLinks, ...sourceRest } = sourceResource
              const { link: _targetLinks, ...targetRest } = targetResource
              const sourceLinks = without(sourceResource.link, "replaced-by", `Patient/${targetId}`)
              const targetLinks = without(targetResource.link, "replaces", `Patient/${sourceId}`)
              const restored = yield* write(
                tx,
                sourceId,
                source.version_id + 1,
                { ...sourceRest, active: true, ...(sourceLinks.length > 0 ? { link: sourceLinks } : {}) },
                null
              )
              const survivor = yield* write(
                tx,
                targetId,
                target.version_id + 1,
                { ...targetRest, ...(targetLinks.length > 0 ? { link: targetLinks } : {}) },
                null
              )
              return { source: restored, target: survivor }
            }),
          ({ target }) => ({ entities: [`Patient/${sourceId}`, `Patient/${target.id}`], description: reason }),
          { entities: [`Patient/${sourceId}`], description: reason }
        )
    }
  })
}) {}
