/**
 * The stored resources as served: every active load's resources in memory, indexed by
 * canonical URL and by id, immutable once built. When two loads hold the same type, URL and
 * version, the newer load wins; when two different resources share an id, the newer load keeps
 * it and the older one is served under a generated id.
 */
import { terminologyResourceTypes, type TerminologyResource, type TerminologyResourceType } from "../fhir"
import { canonicalKey, generatedId } from "./ids"

/** The resource type `T` names. */
export type ResourceOf<T extends TerminologyResourceType> = Extract<TerminologyResource, { readonly resourceType: T }>

/** Search parameters (https://hl7.org/fhir/R4/resource.html#search): a list means any of its values. */
export interface ResourceSearch {
  /** Exact canonical URL. */
  readonly url?: string | ReadonlyArray<string>
  /** Exact version. */
  readonly version?: string | ReadonlyArray<string>
  /** Starts with, ignoring case and accents, as FHIR string search does. */
  readonly name?: string | ReadonlyArray<string>
  /** Starts with, ignoring case and accents. */
  readonly title?: string | ReadonlyArray<string>
  /** Exact status code. */
  readonly status?: string | ReadonlyArray<string>
}

/** Read-only: the resources are shared by every request and must not be changed. */
export interface ResourceSnapshot {
  /** Every stored version of a canonical: newest load first, and within a load the highest version first. */
  readonly versionsOf: <T extends TerminologyResourceType>(type: T, url: string) => ReadonlyArray<ResourceOf<T>>
  readonly read: <T extends TerminologyResourceType>(type: T, id: string) => ResourceOf<T> | undefined
  /** Matches in the order of `all`. */
  readonly search: <T extends TerminologyResourceType>(type: T, params: ResourceSearch) => ReadonlyArray<ResourceOf<T>>
  /** Every resource of a type, by URL, each URL's versions as `versionsOf` orders them. */
  readonly all: <T extends TerminologyResourceType>(type: T) => ReadonlyArray<ResourceOf<T>>
}

/** A stored row, as the snapshot is built from them. */
export interface StoredResource {
  readonly releaseId: number
  readonly resourceType: TerminologyResourceType
  /** The id it was stored under, which may differ from the content's own. */
  readonly id: string
  readonly content: TerminologyResource
}

const versionOrder = new Intl.Collator("en", { numeric: true })

/** FHIR string search compares without case or accents. */
const folded = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()

const anyOf = (value: string | ReadonlyArray<string> | undefined) =>
  value === undefined ? undefined : typeof value === "string" ? [value] : value

/** A test of whether a resource matches every parameter given. */
export const resourceMatcher = (params: ResourceSearch) => {
  const [urls, versions, statuses] = [anyOf(params.url), anyOf(params.version), anyOf(params.status)]
  const names = anyOf(params.name)?.map(folded)
  const titles = anyOf(params.title)?.map(folded)
  const exactly = (value: string | undefined, values: ReadonlyArray<string> | undefined) =>
    values === undefined || (value !== undefined && values.includes(value))
  const startsWithAny = (value: string | undefined, prefixes: ReadonlyArray<string> | undefined) =>
    prefixes === undefined || (value !== undefined && prefixes.some((prefix) => folded(value).startsWith(prefix)))
  return (resource: TerminologyResource) =>
    exactly(resource.url, urls) &&
    exactly(resource.version, versions) &&
    exactly(resource.status, statuses) &&
    startsWithAny(resource.name, names) &&
    startsWithAny(resource.title, titles)
}

interface TypeIndex {
  readonly all: ReadonlyArray<TerminologyResource>
  readonly byUrl: ReadonlyMap<string, ReadonlyArray<TerminologyResource>>
  readonly byId: ReadonlyMap<string, TerminologyResource>
}

const indexType = (rows: ReadonlyArray<StoredResource>): TypeIndex => {
  const newestFirst = rows.toSorted(
    (a, b) => b.releaseId - a.releaseId || versionOrder.compare(b.content.version ?? "", a.content.version ?? "")
  )
  const seen = new Set<string>()
  const winners = newestFirst.filter((row) => {
    const key = canonicalKey(row.content)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  // Newest first, each keeps its stored id unless a newer resource holds it already.
  const claimed = new Set<string>()
  const resources = winners.map((row): TerminologyResource => {
    const id = claimed.has(row.id) ? generatedId(row.content) : row.id
    claimed.add(id)
    // resourceType and id first, as FHIR JSON is usually written (jsonb keeps keys in an order of its own).
    const { resourceType, id: _stored, ...rest } = row.content
    return { resourceType, id, ...rest } as TerminologyResource
  })
  const byId = new Map(resources.map((resource) => [resource.id!, resource]))
  const byUrl = new Map<string, Array<TerminologyResource>>()
  for (const resource of resources) {
    const versions = byUrl.get(resource.url!)
    if (versions === undefined) byUrl.set(resource.url!, [resource])
    else versions.push(resource)
  }
  const all = [...byUrl.keys()].sort().flatMap((url) => byUrl.get(url)!)
  return { all, byUrl, byId }
}

/** Builds the snapshot of the given rows, from any number of loads. */
export const buildSnapshot = (rows: ReadonlyArray<StoredResource>): ResourceSnapshot => {
  const indexes = new Map(terminologyResourceTypes.map((type) => [type, indexType(rows.filter((row) => row.resourceType === type))]))
  const indexOf = (type: TerminologyResourceType) => indexes.get(type)!

  const all = <T extends TerminologyResourceType>(type: T) => indexOf(type).all as ReadonlyArray<ResourceOf<T>>
  const versionsOf = <T extends TerminologyResourceType>(type: T, url: string) =>
    (indexOf(type).byUrl.get(url) ?? []) as ReadonlyArray<ResourceOf<T>>
  const read = <T extends TerminologyResourceType>(type: T, id: string) => indexOf(type).byId.get(id) as ResourceOf<T> | undefined
  const search = <T extends TerminologyResourceType>(type: T, params: ResourceSearch) => {
    const urls = anyOf(params.url)
    const candidates = urls === undefined ? all(type) : [...new Set(urls)].sort().flatMap((url) => versionsOf(type, url))
    const matches = resourceMatcher(params)
    return candidates.filter(matches)
  }
  return { all, versionsOf, read, search }
}
