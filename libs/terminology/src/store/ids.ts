import { createHash } from "node:crypto"

/** FHIR's id datatype (https://hl7.org/fhir/R4/datatypes.html#id). */
export const validId = /^[A-Za-z0-9\-.]{1,64}$/

/** The parts of a resource that make it the same resource. */
export interface Canonical {
  readonly resourceType: string
  readonly url?: string | null
  readonly version?: string | null
}

/** What makes two resources the same: type, canonical URL and version. */
export const canonicalKey = (resource: Canonical) => `${resource.resourceType}|${resource.url ?? ""}|${resource.version ?? ""}`

/** `url` or `url|version`, as FHIR writes a versioned canonical. */
export const canonicalOf = (resource: Canonical) => (resource.version == null ? `${resource.url}` : `${resource.url}|${resource.version}`)

/**
 * An id for a resource that has none, an invalid one, or one a newer resource took: the last
 * segment of its URL (readable) and a hash of its canonical (unique), so the same resource gets
 * the same id on every load and every restart.
 */
export const generatedId = (resource: Canonical) => {
  const tail =
    (resource.url ?? "")
      .split(/[/#?]/)
      .filter((part) => part !== "")
      .at(-1) ?? resource.resourceType
  const readable = tail.replace(/[^A-Za-z0-9\-.]+/g, "-").slice(0, 40)
  return `${readable}-${createHash("sha256").update(canonicalKey(resource)).digest("hex").slice(0, 12)}`
}
