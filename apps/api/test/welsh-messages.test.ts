/**
 * Every message catalogue has each text in Welsh, and the OperationOutcomes and messages of each
 * part of the API follow Accept-Language over real HTTP handling and a real database: the
 * demographics services', `$translate`'s and `$subsumes`', ECL's, `$batch-validate-code`'s and the
 * request schemas'.
 */
import { demographicsCatalogues } from "@ffynnon/demographics"
import { messageCatalogues } from "@ffynnon/terminology"
import { Effect, Layer, Redacted } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { patient } from "../../../libs/demographics/test/patients"
import { Auth, makeAuth, signToken } from "../src/auth"
import cy from "../messages/cy.json"
import en from "../messages/en.json"
import { apiHarness, withSampleReleaseAndResources } from "./harness"

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort()
// Texts with no words of their own (only placeholders, punctuation, codes) read the same in both languages.
const hasWords = (text: string) => /\p{L}{3,}/u.test(text.replace(/\{\w+\}/g, "").replace(/\b(?:HTTP|ECL)\b/g, ""))

const catalogues = {
  "apps/api/messages": { en, cy },
  "libs/terminology/messages": messageCatalogues,
  "libs/demographics/messages": demographicsCatalogues
} as const

describe("the message catalogues", () => {
  for (const [folder, { en: english, cy: welsh }] of Object.entries(catalogues)) {
    it(`${folder}: every English text in Welsh, with the same placeholders, translated`, () => {
      const welshTexts = welsh as Readonly<Record<string, string>>
      expect(Object.keys(welshTexts).sort()).toEqual(Object.keys(english).sort())
      for (const [key, text] of Object.entries(english as Readonly<Record<string, string>>)) {
        const translated = welshTexts[key]!
        expect(translated.trim(), key).not.toBe("")
        expect(placeholders(translated), key).toEqual(placeholders(text))
        if (hasWords(text)) expect(translated, key).not.toBe(text)
      }
    })
  }
})

const sct = "http://snomed.info/sct"
const secret = Redacted.make("a-test-secret-of-some-length-0123456789")
const welsh = { "accept-language": "cy" }

type Outcome = { resourceType: string; issue: Array<{ code: string; details: { text: string }; expression?: Array<string> }> }

for (const kind of testDatabases) {
  describe(`messages in the request's language on ${kind.name}`, () => {
    const api = apiHarness(kind, withSampleReleaseAndResources, Layer.succeed(Auth, makeAuth({ secret })))
    let token: string
    beforeAll(async () => {
      token = await Effect.runPromise(signToken(secret, { scope: "system/Patient.cruds", sub: "dr-evans", client: "test-epr" }))
    })
    const call = async (method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) => {
      const response = await api.request(path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(options.body === undefined ? {} : { "content-type": "application/fhir+json" }),
          ...options.headers
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
      })
      return { status: response.status, language: response.headers.get("content-language"), body: (await response.json()) as Outcome }
    }
    const texts = (body: Outcome) => body.issue.map((issue) => issue.details.text)

    it("the demographics services': an invalid Patient, an unknown one, a missing access token", async () => {
      const invalid = patient({}, "1234567890")
      const inEnglish = await call("POST", "/fhir/Patient", { body: invalid })
      expect(inEnglish.status).toBe(400)
      expect(texts(inEnglish.body)).toEqual(["'1234567890' is not a valid NHS number (10 digits, the last a modulus 11 check digit)."])
      const inWelsh = await call("POST", "/fhir/Patient", { body: invalid, headers: welsh })
      expect([inWelsh.status, inWelsh.language]).toEqual([400, "cy"])
      expect(texts(inWelsh.body)).toEqual(["Nid yw '1234567890' yn rhif GIG dilys (10 digid, a'r olaf yn ddigid gwirio modwlws 11)."])
      expect(inWelsh.body.issue[0]!.expression).toEqual(["Patient.identifier[0].value"])

      // A schema problem: the element in both languages, the rule in the request's.
      const badFamily = await call("POST", "/fhir/Patient", { body: patient({ name: [{ family: 3 }] }), headers: welsh })
      expect(texts(badFamily.body)).toEqual(["Patient.name[0].family: nid yw'n llinyn testun"])

      expect(texts((await call("GET", "/fhir/Patient/no-such-record", { headers: welsh })).body)).toEqual([
        "Nid yw Patient/no-such-record yn hysbys yma."
      ])
      expect(texts((await call("GET", "/fhir/Patient/no-such-record")).body)).toEqual(["Patient/no-such-record is not known here."])

      const anonymous = await api.request("/fhir/Patient?family=jones", { headers: welsh })
      expect(anonymous.status).toBe(401)
      expect(texts((await anonymous.json()) as Outcome)).toEqual([
        "Mae data cleifion angen tocyn mynediad: anfonwch Authorization: Bearer <tocyn>."
      ])
      // The token library's reason a token is not valid.
      const expired = await Effect.runPromise(signToken(secret, { scope: "system/Patient.cruds", expiresIn: "-1m" }))
      const refused = (headers: Record<string, string>) =>
        api.request("/fhir/Patient?family=jones", { headers: { authorization: `Bearer ${expired}`, ...headers } })
      expect(texts((await (await refused({})).json()) as Outcome)).toEqual([
        'The access token is not valid: "exp" claim timestamp check failed.'
      ])
      const refusedInWelsh = await refused(welsh)
      expect([refusedInWelsh.status, refusedInWelsh.headers.get("content-language")]).toEqual([401, "cy"])
      expect(texts((await refusedInWelsh.json()) as Outcome)).toEqual([
        'Nid yw\'r tocyn mynediad yn ddilys: methodd gwiriad stamp amser yr hawliad "exp".'
      ])
    })

    it("$translate's message and $subsumes' errors", async () => {
      // Clinical finding is mapped by no row of the sample's ICD-10 map.
      const path = `/fhir/ConceptMap/$translate?url=${encodeURIComponent(`${sct}?fhir_cm=999002271000000101`)}&system=${sct}&code=404684003`
      const message = (body: unknown) =>
        (body as { parameter: Array<{ name: string; valueString?: string }> }).parameter.find((part) => part.name === "message")
          ?.valueString
      const english = await api.get(path)
      expect(english.status).toBe(200)
      expect(message(english.body)).toBe("No target for '404684003' in the reference set '999002271000000101'.")
      expect(message((await api.get(path, welsh)).body)).toBe("Dim targed ar gyfer '404684003' yn y set gyfeirio '999002271000000101'.")

      const noSystem = await api.get("/fhir/CodeSystem/$subsumes?codeA=1&codeB=2", welsh)
      expect(noSystem.status).toBe(400)
      expect(texts(noSystem.body as Outcome)).toEqual(["Rhowch y system (neu codings ag un)."])
      const unknown = await api.get(`/fhir/CodeSystem/$subsumes?system=${sct}&codeA=404684003&codeB=12345`, welsh)
      expect(unknown.status).toBe(404)
      expect(texts(unknown.body as Outcome)[0]).toMatch(/^Cod anhysbys '12345' yn y CodeSystem 'http:\/\/snomed.info\/sct' fersiwn '.+'$/)
    })

    it("ECL's syntax errors, their position and what was expected", async () => {
      const ecl = "< 404684003 :"
      const path = `/fhir/ValueSet/$expand?url=${encodeURIComponent(`${sct}?fhir_vs=ecl/${encodeURIComponent(ecl)}`)}`
      const english = await api.get(path)
      expect(english.status).toBe(400)
      expect(texts(english.body as Outcome)).toEqual([
        "The ECL expression '< 404684003 :' is not valid: ECL syntax error at 13: expected an attribute (a concept id, '*', '(' or a constraint operator), found end of input"
      ])
      const inWelsh = await api.get(path, welsh)
      expect(inWelsh.status).toBe(400)
      expect(texts(inWelsh.body as Outcome)).toEqual([
        "Nid yw'r mynegiad ECL '< 404684003 :' yn ddilys: Gwall cystrawen ECL yn safle 13: disgwylid priodoledd (id cysyniad, '*', '(' neu weithredydd cyfyngu), ond cafwyd diwedd y mewnbwn"
      ])
      // A reason, and a description with its values.
      const mixed = `/fhir/ValueSet/$expand?url=${encodeURIComponent(`${sct}?fhir_vs=ecl/${encodeURIComponent("< 404684003 OR < 19829001 AND < 301867009")}`)}`
      expect(texts((await api.get(mixed)).body as Outcome)[0]).toMatch(
        /: ECL syntax error at 26: mixing AND, OR and MINUS needs brackets, found 'AND'$/
      )
      expect(texts((await api.get(mixed, welsh)).body as Outcome)[0]).toMatch(
        /: Gwall cystrawen ECL yn safle 26: mae cymysgu AND, OR a MINUS yn gofyn am gromfachau, ond cafwyd 'AND'$/
      )
    })

    it("the regular expression library's reason a regex filter is not valid", async () => {
      const colours = {
        resourceType: "CodeSystem",
        url: "http://example.org/fhir/CodeSystem/colours",
        status: "active",
        content: "complete",
        concept: [{ code: "red", display: "Red" }]
      }
      const expand = (headers: Record<string, string>) =>
        call("POST", "/fhir/ValueSet/$expand", {
          headers,
          body: {
            resourceType: "Parameters",
            parameter: [
              {
                name: "valueSet",
                resource: {
                  resourceType: "ValueSet",
                  status: "active",
                  compose: { include: [{ system: colours.url, filter: [{ property: "code", op: "regex", value: "(red" }] }] }
                }
              },
              { name: "tx-resource", resource: colours }
            ]
          }
        })
      const inEnglish = await expand({})
      expect(inEnglish.status).toBe(400)
      expect(texts(inEnglish.body)).toEqual(["The regex '(red' is not valid: error parsing regexp: missing closing ): `(red`"])
      const inWelsh = await expand(welsh)
      expect([inWelsh.status, inWelsh.language]).toEqual([400, "cy"])
      expect(texts(inWelsh.body)).toEqual(["Nid yw'r mynegiad rheolaidd '(red' yn ddilys: gwall wrth ddosrannu: ')' cau ar goll: `(red`"])
    })

    it("the problem of a resource sent of the wrong shape", async () => {
      const malformed = (headers: Record<string, string>) =>
        call("POST", "/fhir/ValueSet/$expand", {
          headers,
          body: {
            resourceType: "Parameters",
            parameter: [
              { name: "url", valueUri: "http://example.org/fhir/ValueSet/none" },
              {
                name: "tx-resource",
                resource: { resourceType: "CodeSystem", url: "http://example.org/cs", concept: [{ code: "a", concept: "b" }] }
              }
            ]
          }
        })
      expect(texts((await malformed({})).body)).toEqual(["tx-resource 1: CodeSystem.concept[0].concept is not a list."])
      const inWelsh = await malformed(welsh)
      expect([inWelsh.status, inWelsh.language]).toEqual([400, "cy"])
      expect(texts(inWelsh.body)).toEqual(["tx-resource 1: Nid yw CodeSystem.concept[0].concept yn rhestr."])
    })

    it("$batch-validate-code's entry errors", async () => {
      const body = {
        resourceType: "Parameters",
        parameter: [{ name: "validation", resource: { resourceType: "Parameters", parameter: [{ name: "code", valueInteger: 3 }] } }]
      }
      const entry = async (headers: Record<string, string>) => {
        const answer = await call("POST", "/fhir/ValueSet/$batch-validate-code", { body, headers })
        expect(answer.status).toBe(200)
        const [validation] = (answer.body as unknown as { parameter: Array<{ resource: Outcome }> }).parameter
        expect(validation!.resource.resourceType).toBe("OperationOutcome")
        return texts(validation!.resource)
      }
      expect(await entry({})).toEqual(["Parameter 'code' must have a valueCode."])
      expect(await entry(welsh)).toEqual(["Rhaid i'r paramedr 'code' gael valueCode."])
    })

    it("the request schemas' (zod) errors, naming the parameter", async () => {
      const english = await api.get("/fhir/metadata?mode=everything")
      expect(english.status).toBe(400)
      expect(english.body.issue).toEqual([
        { severity: "error", code: "invalid", details: { text: "mode must be one of full, normative, terminology." }, expression: ["mode"] }
      ])
      const inWelsh = await api.get("/fhir/metadata?mode=everything", welsh)
      expect(inWelsh.status).toBe(400)
      expect(texts(inWelsh.body as Outcome)).toEqual(["Rhaid i mode fod yn un o full, normative, terminology."])
    })
  })
}
