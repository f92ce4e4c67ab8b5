import { describe, expect, it } from "@effect/vitest"
import { Effect, Ref } from "effect"
import { makeFhirCodeSystem } from "../src/codesystem/FhirCodeSystem"
import { gatherReleaseCodeSystems, type ReleaseCodeSystem, type ReleaseCodeSystemSource } from "../src/releases"

const releaseSystem = (system: string, version: string): ReleaseCodeSystem => {
  const provider = makeFhirCodeSystem({ resourceType: "CodeSystem", url: system, version, content: "complete", concept: [{ code: "a" }] })
  return { system, versions: [version], provider: (wanted) => (wanted === undefined || wanted === version ? provider : undefined) }
}

/** A source whose list changes when `load` runs, counting refreshes. */
const source = (initial: ReadonlyArray<ReleaseCodeSystem>) =>
  Effect.gen(function* () {
    const served = yield* Ref.make(initial)
    const refreshes = yield* Ref.make(0)
    const asSource: ReleaseCodeSystemSource = { current: Ref.get(served), refresh: Ref.update(refreshes, (count) => count + 1) }
    return { asSource, refreshes, load: (next: ReleaseCodeSystem) => Ref.update(served, (list) => [...list, next]) }
  })

describe("gatherReleaseCodeSystems", () => {
  it.effect("answers the same list until a source changes, so the API keeps its context", () =>
    Effect.gen(function* () {
      const icd = yield* source([releaseSystem("http://hl7.org/fhir/sid/icd-10", "2019")])
      const dmd = yield* source([])
      const gathered = gatherReleaseCodeSystems([icd.asSource, dmd.asSource])
      const first = yield* gathered.current
      expect(first.map((system) => system.system)).toEqual(["http://hl7.org/fhir/sid/icd-10"])
      expect(yield* gathered.current).toBe(first)
      yield* dmd.load(releaseSystem("https://dmd.nhs.uk", "2026.11.1"))
      const second = yield* gathered.current
      expect(second).not.toBe(first)
      expect(second.map((system) => system.system)).toEqual(["http://hl7.org/fhir/sid/icd-10", "https://dmd.nhs.uk"])
      yield* gathered.refresh
      expect([yield* Ref.get(icd.refreshes), yield* Ref.get(dmd.refreshes)]).toEqual([1, 1])
    })
  )
})
