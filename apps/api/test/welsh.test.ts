/** Welsh through the API: the sample release with its Welsh translation package and the sample Welsh list. */
import { SnomedReleases } from "@ffynnon/snomed"
import { DesignationOverlays } from "@ffynnon/terminology"
import { loadWelshList, loadWelshPackage } from "@ffynnon/welsh"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { sampleUri } from "../../../libs/snomed/test/sample"
import { welshList, welshPackage, welshPackageUri } from "../../../libs/welsh/test/sample"
import { apiHarness, withSampleReleaseAndResources, type Parameter } from "./harness"

const sct = "http://snomed.info/sct"
const registers = "http://ffynnon.example/fhir/CodeSystem/chronic-condition-register"
const languageExtension = "http://hl7.org/fhir/StructureDefinition/language"
const parameter = (body: { parameter: Array<Parameter> }, name: string) => body.parameter.find((entry) => entry.name === name)

const withWelsh = Effect.all([
  withSampleReleaseAndResources,
  Effect.zipRight(
    Effect.all([loadWelshPackage(welshPackage), loadWelshList(welshList)]),
    Effect.all([
      Effect.flatMap(SnomedReleases, (releases) => releases.refresh),
      Effect.flatMap(DesignationOverlays, (overlays) => overlays.refresh)
    ])
  )
])

/** The display and the language it is stated to be in, if stated. */
const displayOf = (body: { parameter: Array<Parameter> }) => {
  const display = parameter(body, "display") as unknown as {
    valueString: string
    _valueString?: { extension: Array<{ url: string; valueCode: string }> }
  }
  return {
    display: display.valueString,
    language: display._valueString?.extension.find((entry) => entry.url === languageExtension)?.valueCode
  }
}

for (const kind of testDatabases) {
  describe(`Welsh through the API on ${kind.name}`, () => {
    const { get, request } = apiHarness(kind, withWelsh)
    const lookup = async (query: string, headers: Record<string, string> = {}) => {
      const { status, body } = await get(`/fhir/CodeSystem/$lookup?system=${sct}&${query}`, headers)
      expect(status).toBe(200)
      return displayOf(body)
    }

    it("$lookup answers in Welsh when asked, by displayLanguage or Accept-Language, and says so", async () => {
      expect(await lookup("code=22298006&displayLanguage=cy")).toEqual({ display: "Trawiad ar y galon", language: "cy" })
      expect(await lookup("code=22298006", { "accept-language": "cy" })).toEqual({ display: "Trawiad ar y galon", language: "cy" })
      expect(await lookup("code=22298006", { "accept-language": "cy-GB" })).toEqual({ display: "Trawiad ar y galon", language: "cy" })
      expect(await lookup("code=22298006", { "accept-language": "cy, en-GB;q=0.8" })).toEqual({
        display: "Trawiad ar y galon",
        language: "cy"
      })
      // Weights decide, not the order written.
      expect(await lookup("code=22298006", { "accept-language": "en-GB;q=0.7, cy" })).toMatchObject({ display: "Trawiad ar y galon" })
      expect(await lookup("code=22298006", { "accept-language": "cy;q=0.5, en-GB" })).toEqual({
        display: "Myocardial infarction",
        language: undefined
      })
      // displayLanguage wins over the header.
      expect(await lookup("code=22298006&displayLanguage=cy", { "accept-language": "en-GB" })).toMatchObject({
        display: "Trawiad ar y galon"
      })
    })

    it("English speakers see no difference unless they ask", async () => {
      expect(await lookup("code=22298006")).toEqual({ display: "Myocardial infarction", language: undefined })
      expect(await lookup("code=22298006", { "accept-language": "en-GB, cy;q=0.5" })).toEqual({
        display: "Myocardial infarction",
        language: undefined
      })
    })

    it("a request naming no version keeps the release it got before the translation was loaded, with Welsh when it asks", async () => {
      const version = async (query: string) => {
        const { status, body } = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=22298006&${query}`)
        expect(status).toBe(200)
        return { version: parameter(body, "version")!.valueString, ...displayOf(body) }
      }
      expect(await version("displayLanguage=en-GB")).toEqual({ version: sampleUri, display: "Myocardial infarction", language: undefined })
      expect(await version("displayLanguage=cy")).toEqual({ version: sampleUri, display: "Trawiad ar y galon", language: "cy" })
      // Naming the release is the same request; naming the translated edition answers from the same index under its URI.
      expect(await version(`displayLanguage=cy&version=${encodeURIComponent(sampleUri)}`)).toEqual(await version("displayLanguage=cy"))
      expect(await version(`displayLanguage=cy&version=${encodeURIComponent(welshPackageUri)}`)).toEqual({
        version: welshPackageUri,
        display: "Trawiad ar y galon",
        language: "cy"
      })
      const { body } = await get(`/fhir/CodeSystem?url=${sct}`)
      const editions = body.entry.map(({ resource }: { resource: { version: string; extension?: Array<{ valueBoolean: boolean }> } }) => ({
        version: resource.version,
        isDefault: resource.extension?.[0]?.valueBoolean === true
      }))
      expect(editions).toEqual([
        { version: sampleUri, isDefault: true },
        { version: welshPackageUri, isDefault: false }
      ])
    })

    it("falls back to en-GB where there is no Welsh term, saying the display is English, and for a language it has no terms in", async () => {
      expect(await lookup("code=3061000230107&displayLanguage=cy")).toEqual({ display: "Acute myocardial infarction", language: "en" })
      expect(await lookup("code=22298006&displayLanguage=fr")).toEqual({ display: "Myocardial infarction", language: undefined })
      expect(await lookup("code=22298006", { "accept-language": "fr-CA, de;q=0.9" })).toEqual({
        display: "Myocardial infarction",
        language: undefined
      })
    })

    it("refuses a displayLanguage that is not BCP 47", async () => {
      const { status, body } = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=22298006&displayLanguage=cy_GB!`)
      expect(status).toBe(400)
      expect(body.issue[0].details.text).toBe("Invalid displayLanguage: 'cy_GB!'")
    })

    it("$lookup gives the designations in both languages with their language codes and uses", async () => {
      const { body } = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=38341003`)
      const designations = body.parameter
        .filter((entry: Parameter) => entry.name === "designation")
        .map((entry: Parameter) =>
          Object.fromEntries(entry.part!.map((part) => [part.name, part.valueCode ?? part.valueString ?? part.valueCoding]))
        )
      expect(designations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            language: "cy",
            value: "Pwysedd gwaed uchel",
            use: expect.objectContaining({ code: "900000000000013009" })
          }),
          expect.objectContaining({ language: "cy", value: "Gorbwysedd" }),
          expect.objectContaining({ language: "en", value: "Hypertension" })
        ])
      )
    })

    it("$validate-code accepts a Welsh display when the request's language allows it", async () => {
      const validate = async (query: string, headers: Record<string, string> = {}) => {
        const { body } = await get(`/fhir/CodeSystem/$validate-code?system=${sct}&code=22298006&${query}`, headers)
        return parameter(body, "result")!.valueBoolean
      }
      expect(await validate("display=Trawiad%20ar%20y%20galon&displayLanguage=cy")).toBe(true)
      expect(await validate("display=Trawiad%20ar%20y%20galon", { "accept-language": "cy-GB" })).toBe(true)
      expect(await validate("display=Trawiad%20ar%20y%20galon&displayLanguage=en-GB")).toBe(false)
      expect(await validate("display=Heart%20attack&displayLanguage=cy,en-GB;q=0.8")).toBe(true)
    })

    it("$expand finds concepts by Welsh terms, case and diacritics folded, displayed in Welsh", async () => {
      const expand = async (filter: string, language = "cy") => {
        const { status, body } = await get(
          `/fhir/ValueSet/$expand?url=${sct}?fhir_vs&filter=${encodeURIComponent(filter)}&displayLanguage=${language}`
        )
        expect(status).toBe(200)
        return (body.expansion.contains ?? []) as Array<{ code: string; display: string; _display?: unknown }>
      }
      for (const filter of ["strôc", "STROC", "Strôc"]) {
        expect((await expand(filter)).map(({ code, display }) => ({ code, display }))).toEqual([
          { code: "4371000230103", display: "Strôc" }
        ])
      }
      expect((await expand("poen yn y frest")).map(({ code }) => code)).toEqual(["5531000230109"])
      expect((await expand("gorbwysedd")).map(({ code, display }) => [code, display])).toEqual(
        expect.arrayContaining([
          ["38341003", "Pwysedd gwaed uchel"],
          // From the curated list, laid over the translated edition.
          ["3231000230106", "Gorbwysedd hanfodol"]
        ])
      )
      const [english] = await expand("trawiad", "en-GB")
      expect(english).toEqual({ system: sct, code: "22298006", display: "Myocardial infarction" })
    })

    it("$expand with includeDesignations lists both languages", async () => {
      const { body } = await get(
        `/fhir/ValueSet/$expand?url=${sct}?fhir_vs=isa/73211009&includeDesignations=true&displayLanguage=cy&count=1`
      )
      const [diabetes] = body.expansion.contains
      expect(diabetes).toMatchObject({
        code: "73211009",
        display: "Clefyd siwgr",
        _display: { extension: [{ url: languageExtension, valueCode: "cy" }] }
      })
      const languages = new Set(diabetes.designation.map((designation: { language: string }) => designation.language))
      expect(languages).toEqual(new Set(["en", "cy"]))
    })

    it("the curated list gives Welsh terms to other code systems, here a stored CodeSystem", async () => {
      const { body } = await get(
        `/fhir/CodeSystem/$validate-code?system=${registers}&code=HYP&display=${encodeURIComponent("Cofrestr pwysedd gwaed uchel")}&displayLanguage=cy`
      )
      expect(parameter(body, "result")!.valueBoolean).toBe(true)
      const implicit = await get(
        `/fhir/ValueSet/$expand?url=http://ffynnon.example/fhir/ValueSet/chronic-condition-registers&filter=pwysedd&displayLanguage=cy`
      )
      expect(implicit.body.expansion.contains.map(({ code }: { code: string }) => code)).toEqual(["HYP"])
    })

    it("answers the API's own messages in Welsh when Accept-Language prefers it, in English otherwise", async () => {
      const welsh = await request("/fhir/Nothing", { headers: { "accept-language": "cy-GB, en;q=0.5" } })
      expect(welsh.status).toBe(404)
      expect(welsh.headers.get("content-language")).toBe("cy")
      expect((await welsh.json()).issue[0].details.text).toBe("Nid oes GET /fhir/Nothing yma.")
      const english = await request("/fhir/Nothing", { headers: { "accept-language": "en-GB, cy;q=0.5" } })
      expect(english.headers.get("content-language")).toBe("en")
      expect((await english.json()).issue[0].details.text).toBe("There is no GET /fhir/Nothing here.")
      expect((await get("/fhir/Nothing")).body.issue[0].details.text).toBe("There is no GET /fhir/Nothing here.")
      const badLanguage = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=22298006&displayLanguage=cy_GB!`, {
        "accept-language": "cy"
      })
      expect(badLanguage.status).toBe(400)
      expect(badLanguage.body.issue[0].details.text).toBe("displayLanguage annilys: 'cy_GB!'")
      const noCode = await get(`/fhir/CodeSystem/$lookup?system=${sct}`, { "accept-language": "cy" })
      expect(noCode.body.issue[0].details.text).toBe("Rhowch y cod (neu coding sy'n cynnwys un).")
      const twice = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=1&code=2`, { "accept-language": "cy" })
      expect(twice.body.issue.map((issue: { details: { text: string } }) => issue.details.text)).toEqual([
        "Dim ond unwaith y caiff y paramedr 'code' ymddangos."
      ])
      const search = await get("/fhir/ValueSet?_count=many", { "accept-language": "cy" })
      expect(search.body.issue[0].details.text).toBe("Rhaid i _count fod yn rhif cyfan, 0 neu fwy, nid 'many'.")
    })

    it("says the terminology engine's messages in Welsh when Accept-Language prefers it, in English otherwise", async () => {
      const validate = async (query: string, headers: Record<string, string> = {}) => {
        const { status, body } = await get(`/fhir/CodeSystem/$validate-code?system=${sct}&${query}`, headers)
        expect(status).toBe(200)
        const issues = parameter(body, "issues")!.resource as { issue: Array<{ details: { text: string } }> }
        return { message: parameter(body, "message")!.valueString, issues: issues.issue.map((issue) => issue.details.text) }
      }
      const unknown = await validate("code=1234567008", { "accept-language": "cy-GB, en;q=0.5" })
      expect(unknown.message).toMatch(
        /^Cod anhysbys '1234567008' yn y CodeSystem 'http:\/\/snomed\.info\/sct' fersiwn 'http:\/\/snomed\.info\/sct\/\d+\/version\/\d+'$/
      )
      expect(unknown.issues).toEqual([unknown.message])
      const english = await validate("code=1234567008")
      expect(english.message).toMatch(/^Unknown code '1234567008' in the CodeSystem 'http:\/\/snomed\.info\/sct' version 'http:/)
      expect(await validate("code=1234567008", { "accept-language": "en-GB, cy;q=0.5" })).toEqual(english)

      const wrong = await validate("code=22298006&display=Heart%20ache", { "accept-language": "cy" })
      expect(wrong.message).toBe(
        `Enw dangos anghywir 'Heart ache' ar gyfer ${sct}#22298006. Mae'r dangosiad dilys yn un o 2 dewis: 'Trawiad ar y galon' (cy) neu 'Cnawdnychiant myocardaidd' (cy) (ar gyfer yr iaith neu'r ieithoedd 'cy')`
      )
      expect(wrong.issues).toEqual([wrong.message])
      expect((await validate("code=22298006&display=Heart%20ache&displayLanguage=en")).message).toMatch(
        new RegExp(`^Wrong Display Name 'Heart ache' for ${sct}#22298006\\. Valid display is `)
      )

      // An engine error answered as an OperationOutcome.
      const missing = await request(`/fhir/ValueSet/$expand?url=${encodeURIComponent("http://example.org/fhir/ValueSet/none")}`, {
        headers: { "accept-language": "cy" }
      })
      expect([missing.status, missing.headers.get("content-language")]).toEqual([404, "cy"])
      expect((await missing.json()).issue[0].details.text).toBe(
        "Ni chafwyd hyd i ddiffiniad o'r set werthoedd 'http://example.org/fhir/ValueSet/none'"
      )
      const lookup = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=1234567008`, { "accept-language": "cy" })
      expect([lookup.status, lookup.body.issue[0].details.text]).toEqual([
        404,
        expect.stringMatching(/^Cod anhysbys '1234567008' yn y CodeSystem/)
      ])
    })

    it("falls back from a language it has no terms in with a note, and says which language it answered in", async () => {
      const lookup = async (query: string, headers: Record<string, string> = {}) => {
        const response = await request(`/fhir/CodeSystem/$lookup?system=${sct}&code=22298006&${query}`, { headers })
        const body = await response.json()
        return {
          display: parameter(body, "display")!.valueString,
          note: parameter(body, "diagnostics")?.valueString,
          language: response.headers.get("content-language")
        }
      }
      expect(await lookup("displayLanguage=fr")).toEqual({
        display: "Myocardial infarction",
        note: "This code has no display in the language(s) asked for (fr): the display is in en.",
        language: "en"
      })
      expect(await lookup("", { "accept-language": "fr-CA, de;q=0.9" })).toMatchObject({
        note: "This code has no display in the language(s) asked for (fr-CA, de): the display is in en."
      })
      expect(await lookup("displayLanguage=fr", { "accept-language": "cy" })).toMatchObject({
        note: "Nid oes gan y cod hwn ddangosiad yn yr iaith neu'r ieithoedd a ofynnwyd amdanynt (fr): mae'r dangosiad yn en."
      })
      // Another English, Welsh, or no language asked for: no note.
      expect(await lookup("displayLanguage=en-US")).toEqual({ display: "Myocardial infarction", note: undefined, language: "en" })
      expect(await lookup("displayLanguage=cy")).toEqual({ display: "Trawiad ar y galon", note: undefined, language: "cy" })
      expect(await lookup("")).toEqual({ display: "Myocardial infarction", note: undefined, language: null })

      const validated = await get(`/fhir/CodeSystem/$validate-code?system=${sct}&code=22298006&displayLanguage=fr`)
      expect(parameter(validated.body, "result")!.valueBoolean).toBe(true)
      expect(parameter(validated.body, "diagnostics")!.valueString).toBe(
        "This code has no display in the language(s) asked for (fr): the display is in en."
      )
      const expand = async (language: string) =>
        (await get(`/fhir/ValueSet/$expand?url=${sct}?fhir_vs=isa/73211009&displayLanguage=${language}`)).body.expansion as {
          extension?: Array<{ url: string; valueString: string }>
        }
      const noteOf = (expansion: { extension?: Array<{ url: string; valueString: string }> }) =>
        expansion.extension?.find((extension) => extension.url.endsWith("/display-language-fallback"))?.valueString
      expect(noteOf(await expand("fr"))).toBe("No code here has a display in the language(s) asked for (fr): the displays are in en.")
      expect(noteOf(await expand("cy"))).toBeUndefined()
      expect(noteOf(await expand("en-GB"))).toBeUndefined()
    })

    it("refuses a displayLanguage that is not BCP 47 in every operation that takes one", async () => {
      for (const path of [
        `CodeSystem/$validate-code?system=${sct}&code=22298006`,
        `ValueSet/$expand?url=${sct}?fhir_vs=isa/73211009`,
        `ValueSet/$validate-code?url=${sct}?fhir_vs&system=${sct}&code=22298006`
      ]) {
        const { status, body } = await get(`/fhir/${path}&displayLanguage=${encodeURIComponent("en GB")}`)
        expect([status, body.issue[0].details.text]).toEqual([400, "Invalid displayLanguage: 'en GB'"])
      }
    })

    it("gives the CapabilityStatement and TerminologyCapabilities texts in Welsh when asked", async () => {
      const welsh = await get("/fhir/metadata", { "accept-language": "cy" })
      expect(welsh.body).toMatchObject({ language: "cy", title: "Gweinydd terminoleg a demograffeg Ffynnon" })
      const english = await get("/fhir/metadata")
      expect(english.body.title).toBe("Ffynnon terminology and demographics server")
      expect(english.body.language).toBeUndefined()
      const terms = await get("/fhir/metadata?mode=terminology", { "accept-language": "cy-GB" })
      expect(terms.body).toMatchObject({ language: "cy", title: "Galluoedd terminoleg Ffynnon" })
    })

    it("gives the OpenAPI document and the reference page in Welsh, every summary and description translated", async () => {
      const texts = (value: unknown, key?: string): Array<string> =>
        Array.isArray(value)
          ? value.flatMap((item) => texts(item))
          : typeof value === "object" && value !== null
            ? Object.entries(value).flatMap(([name, inner]) => texts(inner, name))
            : (key === "summary" || key === "description") && typeof value === "string"
              ? [value]
              : []
      const english = new Set(texts(await (await request("/openapi.json")).json()))
      const welsh = await request("/openapi.json", { headers: { "accept-language": "cy" } })
      expect(welsh.headers.get("content-language")).toBe("cy")
      // A text still in English is one missing from apps/api/messages/openapi.cy.json.
      expect(texts(await welsh.json()).filter((text) => english.has(text))).toEqual([])
      const page = await (await request("/docs", { headers: { "accept-language": "cy" } })).text()
      expect(page).toContain('<html lang="cy">')
      expect(page).toContain("<title>Cyfeirnod API Ffynnon</title>")
      expect(page).toContain("Manylion cysyniad: dangosiad, diffiniad, dynodiadau, priodweddau")
      expect(await (await request("/docs")).text()).toContain("<title>Ffynnon API reference</title>")
    })

    it("serves the translated edition beside the release it translates", async () => {
      const { body } = await get(`/fhir/CodeSystem/$lookup?system=${sct}&code=22298006&version=${encodeURIComponent(welshPackageUri)}`)
      expect(parameter(body, "version")!.valueString).toBe(welshPackageUri)
    })
  })
}
