/**
 * `ValueSet/$expand` over SNOMED CT's implicit value sets
 * (https://hl7.org/fhir/R4/valueset-operation-expand.html): `filter` (every word, as a word
 * prefix, case and diacritics folded), `count`/`offset` paging in a stable order, `activeOnly`,
 * `includeDesignations` and `designation` (by language or use), `displayLanguage` (or
 * Accept-Language). Expansions over
 * `maxExpansion` concepts need `count`. Value sets given as resources arrive with the FHIR
 * terminology engine.
 */
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { defineOperation } from "../fhir/operation"
import { FhirFailure } from "../fhir/outcome"
import { activeDesignations, languageRefsets, preferredLanguages, releaseFor, snomedSystem } from "./common"
import { membership, parseImplicitValueSet } from "./valueSets"

/**
 * The `designation` parameters' filter: each is `urn:ietf:bcp:47|<language>` or `<system>|<use code>`;
 * a designation is kept when it matches any of them (all are kept when there are none).
 */
const wantedDesignation = (tokens: ReadonlyArray<string> | undefined) => (designation: { language: string; use: { code: string } }) =>
  tokens === undefined ||
  tokens.some((token) => {
    const [system, code = ""] = token.includes("|") ? token.split("|") : ["", token]
    return system === "urn:ietf:bcp:47"
      ? designation.language.toLowerCase() === code.toLowerCase() || designation.language.toLowerCase().startsWith(`${code.toLowerCase()}-`)
      : designation.use.code === code
  })

/** The largest expansion returned in one answer. */
export const maxExpansion = 10_000

export const expandOperation = defineOperation({
  resource: "ValueSet",
  name: "expand",
  definition: "http://hl7.org/fhir/OperationDefinition/ValueSet-expand",
  summary: "Expand a SNOMED CT implicit value set (all, isa/<id>, refset/<id>, refset), with text filter and paging",
  parameters: {
    url: { type: "uri" },
    valueSetVersion: { type: "string" },
    filter: { type: "string" },
    date: { type: "dateTime" },
    offset: { type: "integer" },
    count: { type: "integer" },
    includeDesignations: { type: "boolean" },
    designation: { type: "string", max: "*" },
    includeDefinition: { type: "boolean" },
    activeOnly: { type: "boolean" },
    excludeNested: { type: "boolean" },
    excludeNotForUI: { type: "boolean" },
    excludePostCoordinated: { type: "boolean" },
    displayLanguage: { type: "code" },
    "system-version": { type: "canonical", max: "*" }
  },
  handler: (input, request) =>
    Effect.gen(function* () {
      if (input.url === undefined) return yield* FhirFailure.of(400, "required", "Give the url of the value set to expand.", ["url"])
      const implicit = parseImplicitValueSet(input.url)
      if (implicit === undefined) {
        return yield* FhirFailure.of(404, "not-found", `A definition for the value set '${input.url}' could not be found.`, ["url"])
      }
      const systemVersion = input["system-version"]?.find((value) => value.startsWith(`${snomedSystem}|`))?.split("|")[1]
      const index = yield* releaseFor(snomedSystem, implicit.version ?? systemVersion)
      const { members, has } = membership(index, implicit.valueSet)
      const activeOnly = input.activeOnly === true
      const matching =
        input.filter === undefined
          ? members().filter((concept) => !activeOnly || index.isActive(concept))
          : Uint32Array.from(
              index.search(input.filter, (concept) => has(concept) && (!activeOnly || index.isActive(concept))),
              (hit) => hit.concept
            )
      const offset = Math.max(0, input.offset ?? 0)
      if (input.count === undefined && matching.length - offset > maxExpansion) {
        return yield* FhirFailure.of(
          422,
          "too-costly",
          `The expansion has ${matching.length} concepts, more than the ${maxExpansion} returned at once: use count and offset, or a filter.`
        )
      }
      const count = Math.min(Math.max(0, input.count ?? maxExpansion), maxExpansion)
      const refsets = languageRefsets(index, preferredLanguages(input.displayLanguage, request.acceptLanguage))
      const contains = Array.from(matching.subarray(offset, offset + count), (concept) => ({
        system: snomedSystem,
        version: index.uri,
        code: index.code(concept),
        display: index.preferredTerm(concept, refsets) ?? index.code(concept),
        ...(index.isActive(concept) ? {} : { inactive: true }),
        ...(input.includeDesignations === true || input.designation !== undefined
          ? {
              designation: activeDesignations(index, concept).filter(wantedDesignation(input.designation))
            }
          : {})
      }))
      const parameters = [
        { name: "version", valueUri: `${snomedSystem}|${index.uri}` },
        ...(input.filter === undefined ? [] : [{ name: "filter", valueString: input.filter }]),
        ...(input.count === undefined ? [] : [{ name: "count", valueInteger: count }]),
        ...(offset === 0 ? [] : [{ name: "offset", valueInteger: offset }]),
        ...(activeOnly ? [{ name: "activeOnly", valueBoolean: true }] : []),
        ...(input.displayLanguage === undefined ? [] : [{ name: "displayLanguage", valueCode: input.displayLanguage }])
      ]
      return {
        resourceType: "ValueSet",
        url: input.url,
        status: "active",
        expansion: {
          identifier: `urn:uuid:${randomUUID()}`,
          timestamp: new Date().toISOString(),
          total: matching.length,
          offset,
          parameter: parameters,
          contains
        }
      }
    })
})
