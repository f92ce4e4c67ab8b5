/**
 * The loaded SNOMED CT editions and versions as CodeSystem resources (content `not-present`: the
 * concepts are reached through the operations), which `GET /fhir/CodeSystem` (routes/resources.ts)
 * answers beside the stored CodeSystems.
 */
import { SnomedReleases, snomedSystem, type SnomedIndex } from "@ffynnon/snomed"
import { resourceMatcher, type CodeSystemResource, type ResourceSearch } from "@ffynnon/terminology"
import { Effect } from "effect"

const codeSystemOf = (index: SnomedIndex, isDefault: boolean): CodeSystemResource => ({
  resourceType: "CodeSystem",
  id: `snomed-${index.releaseId}`,
  url: snomedSystem,
  version: index.uri,
  name: "SNOMED_CT",
  title: "SNOMED CT",
  status: "active",
  content: "not-present",
  caseSensitive: false,
  hierarchyMeaning: "is-a",
  count: index.conceptCount,
  ...(isDefault ? { extension: [{ url: "http://hl7.org/fhir/StructureDefinition/codesystem-default", valueBoolean: true }] } : {})
})

/** Every loaded edition and version, the newest (the default) first. */
const snomedCodeSystems = Effect.map(
  Effect.flatMap(SnomedReleases, (releases) => releases.all),
  (indexes) => indexes.map((index, position) => codeSystemOf(index, position === 0))
)

/** The SNOMED CT CodeSystem with this id (`snomed-<release>`), if loaded. */
export const snomedCodeSystem = (id: string) =>
  Effect.map(snomedCodeSystems, (codeSystems) => codeSystems.find((codeSystem) => codeSystem.id === id))

/**
 * The SNOMED CT CodeSystems a search matches. A `version` may also name an edition
 * (`http://snomed.info/sct/<module>`), matching each of its versions.
 */
export const searchSnomedCodeSystems = ({ version, ...rest }: ResourceSearch) => {
  const matches = resourceMatcher(rest)
  const versions = version === undefined ? undefined : typeof version === "string" ? [version] : version
  return Effect.map(snomedCodeSystems, (codeSystems) =>
    codeSystems.filter(
      (codeSystem) =>
        matches(codeSystem) &&
        (versions === undefined || versions.some((wanted) => codeSystem.version === wanted || codeSystem.version!.startsWith(`${wanted}/`)))
    )
  )
}
