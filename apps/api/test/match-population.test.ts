/**
 * `Patient/$match` at a size where term frequencies count: 1,500 people of the synthetic Welsh
 * population (`libs/matching/src/population.ts`) stored in the index, queried over HTTP with their
 * noisy query records (typos, Welsh/English forms, swapped names, moved house, transposed dates,
 * missing NHS numbers). Checks the database blocking and the served model together.
 */
import { Database } from "@ffynnon/db"
import { insertNewPatients, nhsNumberSystem, type PatientResource } from "@ffynnon/demographics"
import { syntheticPopulation, type Person } from "@ffynnon/matching"
import { Effect, Layer, Redacted } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { Auth, makeAuth, signToken } from "../src/auth"
import { matchGradeUrl } from "../src/demographics/match"
import { apiHarness } from "./harness"

const secret = Redacted.make("a-test-secret-of-some-length-0123456789")
const population = syntheticPopulation({ people: 1500, seed: 7 })

/** A synthetic person as the Patient a source would send. */
const patientOf = (person: Person) => ({
  resourceType: "Patient" as const,
  ...(person.nhsNumber === undefined ? {} : { identifier: [{ system: nhsNumberSystem, value: person.nhsNumber }] }),
  name: (person.names ?? []).map((name) => ({ given: [...(name.given ?? [])], family: name.family })),
  ...(person.birthDate === undefined ? {} : { birthDate: person.birthDate }),
  ...(person.sex === undefined ? {} : { gender: person.sex }),
  address: (person.addresses ?? []).map((address) => ({ line: [...(address.lines ?? [])], postalCode: address.postcode })),
  ...(person.gpPractice === undefined ? {} : { generalPractitioner: [{ identifier: { value: person.gpPractice } }] })
})

for (const kind of testDatabases) {
  describe(`Patient/$match over a synthetic Welsh population on ${kind.name}`, () => {
    const api = apiHarness(kind, Effect.void, Layer.succeed(Auth, makeAuth({ secret })))
    let token: string

    beforeAll(async () => {
      token = await Effect.runPromise(signToken(secret, { scope: "system/Patient.s", client: "test-epr" }))
      const patients = population.index.map((person) => ({ id: person.id, resource: patientOf(person) as PatientResource }))
      await api.runtime.runPromise(Effect.flatMap(Database, (database) => database.transaction((tx) => insertNewPatients(tx, patients))))
    })

    it("finds the right person first, and is never certain of the wrong one", async () => {
      const indexed = new Set(population.indexTruth)
      let asked = 0
      let first = 0
      let wrongCertain = 0
      let absentConfident = 0
      // Every fifth query: 330 of them, about a tenth for people not in the index.
      for (let i = 0; i < population.queries.length; i += 5) {
        const response = await api.request("/fhir/Patient/$match", {
          method: "POST",
          headers: { "content-type": "application/fhir+json", authorization: `Bearer ${token}` },
          body: JSON.stringify({
            resourceType: "Parameters",
            parameter: [{ name: "resource", resource: patientOf(population.queries[i]!) }]
          })
        })
        expect(response.status).toBe(200)
        const entries = ((await response.json()).entry ?? []) as Array<{
          resource: { id: string }
          search: { extension: Array<{ url: string; valueCode?: string }> }
        }>
        const truth = population.queryTruth[i]!
        const grades = entries.map((entry) => entry.search.extension.find((extension) => extension.url === matchGradeUrl)?.valueCode)
        if (indexed.has(truth)) {
          asked++
          if (entries[0]?.resource.id === truth) first++
          else if (grades[0] === "certain") wrongCertain++
        } else if (grades.some((grade) => grade === "certain" || grade === "probable")) absentConfident++
      }
      expect(first / asked).toBeGreaterThanOrEqual(0.95)
      expect(wrongCertain).toBe(0)
      expect(absentConfident).toBeLessThanOrEqual(1)
    }, 120_000)
  })
}
