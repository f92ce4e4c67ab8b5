/**
 * ICD through the app, on the samples (`data/sample/icd11/`, `data/sample/icd10-uk/`): ICD-11 MMS
 * as `http://id.who.int/icd/release/11/mms`, with `$lookup`, `$validate-code` (postcoordinated
 * codes too), `$subsumes` and `$expand` of the implicit value sets with text filter and paging;
 * the UK edition of ICD-10 as a version of `http://hl7.org/fhir/sid/icd-10`; and the sample SNOMED CT
 * release's UK ICD-10 map translated into that edition; and WHO's ICD-10 ↔ ICD-11 tables
 * (`data/sample/icd-map/`) translated between the two.
 */
import { IcdReleases, icdMapSystem, loadIcd10, loadIcd11, loadIcdMap } from "@ffynnon/icd"
import { ReleaseCodeSystems } from "@ffynnon/terminology"
import { Effect } from "effect"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { apiHarness, withSampleRelease, type Parameter } from "./harness"

const mms = "http://id.who.int/icd/release/11/mms"
const icd10 = "http://hl7.org/fhir/sid/icd-10"
const samples = join(import.meta.dirname, "..", "..", "..", "data", "sample")

const withIcdSamples = Effect.all([
  loadIcd11(join(samples, "icd11", "SimpleTabulation-ICD-11-MMS-en-sample.txt")),
  loadIcd10(join(samples, "icd10-uk", "ICD10_Edition5_CodesAndTitlesAndMetadata_GB_sample.txt"), { edition: "uk" }),
  Effect.flatMap(ReleaseCodeSystems, (systems) => systems.refresh)
])

type Body = { parameter: Array<Parameter>; expansion: { total: number; contains: Array<{ code: string; display: string }> } }
const value = (body: Body, name: string) => body.parameter.find((entry) => entry.name === name)
const properties = (body: Body) =>
  body.parameter
    .filter((entry) => entry.name === "property")
    .map((entry) => {
      const [code, valuePart] = entry.part!
      const { name: _name, ...rest } = valuePart!
      return [code!.valueCode, Object.values(rest)[0]]
    })

for (const kind of testDatabases) {
  describe(`ICD-11 through the API on ${kind.name}`, () => {
    const { get } = apiHarness(kind, withIcdSamples)

    it("looks up a category: display, parent, kind, leaf, residual, blocks and Foundation URI", async () => {
      const { status, body } = await get(`/fhir/CodeSystem/$lookup?system=${mms}&code=1A02`)
      expect(status).toBe(200)
      expect(value(body, "display")).toMatchObject({ valueString: "Intestinal infections due to Shigella" })
      expect(value(body, "version")).toMatchObject({ valueString: "sample" })
      expect(properties(body)).toEqual(
        expect.arrayContaining([
          ["parent", "BlockL2-1A0"],
          ["child", "1A02.0"],
          ["child", "1A02.Z"],
          ["kind", "category"],
          ["leaf", false],
          ["residual", false],
          ["block", "BlockL1-1A0"],
          ["block", "BlockL2-1A0"],
          ["foundationUri", "http://id.who.int/icd/entity/1000000106"]
        ])
      )
      const residual = await get(`/fhir/CodeSystem/$lookup?system=${mms}&code=1A02.Z`)
      expect(properties(residual.body)).toContainEqual(["residual", true])
      const block = await get(`/fhir/CodeSystem/$lookup?system=${mms}&code=BlockL1-1A0`)
      expect(value(block.body, "abstract")).toMatchObject({ valueBoolean: true })
    })

    it("validates codes, postcoordinated ones stem by stem", async () => {
      const valid = async (code: string) => {
        const { body } = await get(`/fhir/CodeSystem/$validate-code?url=${mms}&code=${encodeURIComponent(code)}`)
        return [value(body, "result")!.valueBoolean, value(body, "display")?.valueString]
      }
      expect(await valid("1A02.Z")).toEqual([true, "Intestinal infections due to Shigella, unspecified"])
      expect(await valid("1A00&XS25")).toEqual([true, "Cholera & Severe"])
      expect(await valid("BA01.0/1A00&XS5W")).toEqual([true, "Hypertensive heart disease with heart failure / Cholera & Mild"])
      expect(await valid("1A99")).toEqual([false, undefined])
      // An extension code cannot stand as a stem, nor a stem code as an extension, nor an unknown code anywhere.
      for (const code of ["XS25&1A00", "1A00&1A01", "1A00&XS99"]) expect((await valid(code))[0]).toBe(false)
    })

    it("answers subsumption along the classification, for postcoordinated codes through their stem", async () => {
      const outcome = async (codeA: string, codeB: string) =>
        value(
          (await get(`/fhir/CodeSystem/$subsumes?system=${mms}&codeA=${encodeURIComponent(codeA)}&codeB=${encodeURIComponent(codeB)}`))
            .body,
          "outcome"
        )!.valueCode
      expect(await outcome("01", "1A02.0")).toBe("subsumes")
      expect(await outcome("1A02.0", "BlockL2-1A0")).toBe("subsumed-by")
      expect(await outcome("1A02", "1A00")).toBe("not-subsumed")
      expect(await outcome("1A00", "1A00&XS25")).toBe("subsumes")
    })

    it("expands the classification, a chapter or block (is-a), with a text filter and paging", async () => {
      const all = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(`${mms}?fhir_vs`)}&count=5`)
      expect(all.status).toBe(200)
      expect(all.body.expansion.total).toBe(23)
      expect(all.body.expansion.contains).toHaveLength(5)
      const block = `${mms}?fhir_vs=isa/BlockL2-1A0`
      const shigella = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(block)}&filter=shigella&count=2&offset=1`)
      expect(shigella.body.expansion.total).toBe(4)
      expect(shigella.body.expansion.contains.map((entry: { code: string }) => entry.code)).toEqual(["1A02.0", "1A02.Y"])
      const unknown = await get(`/fhir/ValueSet/$expand?url=${encodeURIComponent(`${mms}?fhir_vs=isa/9Z99`)}`)
      expect(unknown.status).toBeGreaterThanOrEqual(400)
    })

    it("validates UK ICD-10 codes written dotted, undotted, X-padded and with dagger/asterisk suffixes", async () => {
      const check = async (code: string) => {
        const { body } = await get(`/fhir/CodeSystem/$validate-code?url=${icd10}&version=uk-5-sample&code=${encodeURIComponent(code)}`)
        return [value(body, "result")!.valueBoolean, value(body, "display")?.valueString]
      }
      const renal = "Insulin-dependent diabetes mellitus, with renal complications"
      for (const code of ["E10.2", "E102", "E102D", "e10.2"]) expect(await check(code), code).toEqual([true, renal])
      expect(await check("I10X")).toEqual([true, "Essential (primary) hypertension"])
      expect(await check("N083A")).toEqual([true, "Glomerular disorders in diabetes mellitus"])
      expect((await check("E10.22"))[0]).toBe(false)
    })

    it("expands a UK ICD-10 chapter, its codes placed under it by the chapters' code ranges", async () => {
      const chapter = encodeURIComponent(`${icd10}?fhir_vs=isa/IX`)
      const { body } = await get(`/fhir/ValueSet/$expand?url=${chapter}&filter=myocardial%20infarction`)
      // The matches keep the chapter's hierarchy (an is-a value set searched by text).
      const contains: Array<{ code: string; contains?: Array<{ code: string }> }> = body.expansion.contains
      expect(contains.map((entry) => entry.code)).toEqual(["I21", "I25.2"])
      expect(contains[0]!.contains!.map((entry) => entry.code)).toEqual(["I21.0", "I21.1", "I21.4", "I21.9"])
      const lookup = await get(`/fhir/CodeSystem/$lookup?system=${icd10}&code=I21`)
      expect(properties(lookup.body)).toContainEqual(["parent", "IX"])
    })

    it("looks up a UK ICD-10 code with its sex and age validity, dagger or asterisk", async () => {
      const { body } = await get(`/fhir/CodeSystem/$lookup?system=${icd10}&code=O14.0`)
      expect(value(body, "version")).toMatchObject({ valueString: "uk-5-sample" })
      expect(properties(body)).toEqual(
        expect.arrayContaining([
          ["parent", "O14"],
          ["sex", "female"],
          ["minAge", "10"],
          ["maxAge", "55"]
        ])
      )
      const dagger = await get(`/fhir/CodeSystem/$lookup?system=${icd10}&code=A17.0`)
      expect(properties(dagger.body)).toContainEqual(["usage", "dagger"])
    })
  })

  describe(`SNOMED CT to UK ICD-10 on ${kind.name}`, () => {
    const { get } = apiHarness(kind, Effect.zipRight(withSampleRelease, withIcdSamples))
    const sct = "http://snomed.info/sct"
    const ukMap = encodeURIComponent(`${sct}?fhir_cm=999002271000000101`)
    type Match = {
      equivalence: string
      concept?: { code: string; version?: string; display?: string }
      comment?: string
      products: Record<string, string>
    }
    const translate = async (query: string, headers: Record<string, string> = {}): Promise<{ result: boolean; matches: Array<Match> }> => {
      const { body } = await get(`/fhir/ConceptMap/$translate?${query}`, headers)
      return {
        result: value(body, "result")!.valueBoolean as boolean,
        matches: body.parameter
          .filter((entry: Parameter) => entry.name === "match")
          .map((entry: Parameter) => {
            const part = (name: string) => entry.part!.find((candidate) => candidate.name === name)
            const products = entry.part!.filter((candidate) => candidate.name === "product")
            return {
              equivalence: part("equivalence")!.valueCode,
              ...(part("concept") === undefined ? {} : { concept: part("concept")!.valueCoding }),
              ...(part("comment") === undefined ? {} : { comment: part("comment")!.valueString }),
              products: Object.fromEntries(
                products.map((product) => [
                  String(product.part![0]!.valueUri).split(".").at(-1),
                  (product.part![1]!.valueCoding as { code: string }).code
                ])
              )
            }
          })
      }
    }

    it("returns every group and priority, targets normalised to the UK edition's codes and displays, rules and advice as products", async () => {
      const { result, matches } = await translate(`url=${ukMap}&system=${sct}&code=4181000230104`)
      expect(result).toBe(true)
      expect(matches.map(({ concept, products }) => [products.mapGroup, products.mapPriority, concept])).toEqual([
        [
          "1",
          "1",
          {
            system: icd10,
            version: "uk-5-sample",
            code: "E11.2",
            display: "Non-insulin-dependent diabetes mellitus, with renal complications"
          }
        ],
        ["2", "1", { system: icd10, version: "uk-5-sample", code: "N08.3", display: "Glomerular disorders in diabetes mellitus" }]
      ])
      expect(matches[1]!.products.mapAdvice).toBe("ALWAYS N083 | ASTERISK IN DAGGER ASTERISK PAIR")
    })

    it("keeps rule-based rows, reports a target the edition lacks without failing, and answers a row without target as no match", async () => {
      const { matches } = await translate(`url=${ukMap}&system=${sct}&code=5131000230102`)
      expect(
        matches.map((match) => [match.products.mapPriority, match.products.mapRule?.slice(0, 13), match.equivalence, match.concept?.code])
      ).toEqual([
        ["1", "IFA 248153007", "inexact", "N46"],
        ["2", "IFA 248152002", "inexact", "N97.9"],
        ["3", "OTHERWISE TRU", "unmatched", undefined]
      ])
      expect(matches[0]!.comment).toBe("The map target 'N46X' is not a code in ICD-10 version 'uk-5-sample'")
      expect(matches[2]!.products.mapCategoryId).toBe("447638001")
    })

    it("answers a #NC row as no match, saying what it means", async () => {
      const { body } = await get(`/fhir/ConceptMap/$translate?url=${ukMap}&system=${sct}&code=5521000230107`)
      expect(value(body, "result")).toMatchObject({ valueBoolean: false })
      expect(value(body, "message")!.valueString).toMatch(/#NC: the source concept cannot be classified to an ICD-10 code/)
      const { matches } = await translate(`url=${ukMap}&system=${sct}&code=5521000230107`)
      expect(matches).toEqual([expect.objectContaining({ equivalence: "unmatched", comment: expect.stringMatching(/^#NC: /) })])
      expect(matches[0]!.concept).toBeUndefined()
    })

    it("says its comments and a no-code row's reason in Welsh when asked", async () => {
      const welsh = { "accept-language": "cy" }
      const { body } = await get(`/fhir/ConceptMap/$translate?url=${ukMap}&system=${sct}&code=5521000230107`, welsh)
      expect(value(body, "message")!.valueString).toBe(
        "Dim targed ar gyfer '5521000230107' yn y set gyfeirio '999002271000000101'. #NC: ni ellir dosbarthu'r cysyniad ffynhonnell i god ICD-10 (dim cod)"
      )
      const { matches } = await translate(`url=${ukMap}&system=${sct}&code=5131000230102`, welsh)
      expect(matches[0]!.comment).toBe("Nid yw targed y map 'N46X' yn god yn ICD-10 fersiwn 'uk-5-sample'")
      const backwards = await translate(`url=${ukMap}&system=${icd10}&code=I21.9&reverse=true`, welsh)
      expect(backwards.matches[0]!.comment).toMatch(
        /^Cyfieithu o chwith gyda map ICD-10: .+; nid yw'n ddiogel yn glinigol i godio SNOMED CT ohono$/
      )
    })

    it("reads the map backwards from a dotted or undotted ICD-10 code, flagged as not clinically safe", async () => {
      for (const code of ["I21.9", "I219"]) {
        const { matches } = await translate(`url=${ukMap}&system=${icd10}&code=${code}&reverse=true`)
        expect(matches.map((match) => match.concept!.code)).toContain("22298006")
        expect(matches.every((match) => /not clinically safe/.test(match.comment ?? ""))).toBe(true)
      }
    })
  })

  describe(`WHO's ICD-10 ↔ ICD-11 tables on ${kind.name}`, () => {
    const { get } = apiHarness(
      kind,
      Effect.zipRight(
        withIcdSamples,
        Effect.zipRight(
          loadIcdMap(join(samples, "icd-map")),
          Effect.flatMap(IcdReleases, (icd) => icd.refresh)
        )
      )
    )
    const oneCategory = `${icdMapSystem}/10To11MapToOneCategory`
    const matchesOf = (body: Body) =>
      body.parameter
        .filter((entry) => entry.name === "match")
        .map((entry) => Object.fromEntries(entry.part!.map((part) => [part.name, Object.values(part)[1]])))

    it("translates an ICD-10 code (dotted or not) to ICD-11 in the loaded edition's form, display and version", async () => {
      for (const code of ["I11.0", "I110"]) {
        const { status, body } = await get(`/fhir/ConceptMap/$translate?url=${oneCategory}&system=${icd10}&code=${code}`)
        expect(status).toBe(200)
        expect(value(body, "result")).toMatchObject({ valueBoolean: true })
        expect(matchesOf(body)).toEqual([
          {
            equivalence: "relatedto",
            concept: { system: mms, version: "sample", code: "BA01.0", display: "Hypertensive heart disease with heart failure" },
            source: `${oneCategory}|sample`
          }
        ])
      }
    })

    it("reports a target the loaded ICD-11 lacks, and gives a grouping without a code the block the loaded ICD-11 knows it by", async () => {
      const chapter = matchesOf((await get(`/fhir/ConceptMap/$translate?url=${oneCategory}&system=${icd10}&code=I`)).body)
      expect(chapter).toEqual([
        expect.objectContaining({
          equivalence: "relatedto",
          concept: { system: mms, code: "1H0Z", display: "Infection, unspecified" },
          comment: "The map target '1H0Z' is not a code in ICD-11 version 'sample'"
        })
      ])
      // WHO's table gives the block only by its linearization URI; the sample ICD-11 has it as BlockL1-1A0.
      const block = { system: mms, version: "sample", code: "BlockL1-1A0", display: "Gastroenteritis or colitis of infectious origin" }
      const { body } = await get(`/fhir/ConceptMap/$translate?url=${oneCategory}&system=${icd10}&code=A00-A09`)
      expect(value(body, "result")).toMatchObject({ valueBoolean: true })
      expect(matchesOf(body)).toEqual([{ equivalence: "relatedto", concept: block, source: `${oneCategory}|sample` }])
      const back = matchesOf(
        (await get(`/fhir/ConceptMap/$translate?url=${icdMapSystem}/11To10MapToOneCategory&system=${mms}&code=BlockL1-1A0`)).body
      )
      expect(back).toEqual([expect.objectContaining({ equivalence: "relatedto", concept: expect.objectContaining({ code: "A09" }) })])
    })

    it("finds every table from ICD-10 to ICD-11 without a url, the multiple-category one with each of its rows", async () => {
      const { body } = await get(`/fhir/ConceptMap/$translate?system=${icd10}&code=A04&targetsystem=${mms}`)
      const found = matchesOf(body).map((match) => [String(match.source).split("/").at(-1), (match.concept as { code: string }).code])
      expect(found).toEqual([
        ["10To11MapToMultipleCategories|sample", "1A0Z"],
        ["10To11MapToMultipleCategories|sample", "1A01"],
        ["10To11MapToOneCategory|sample", "1A0Z"]
      ])
    })

    it("translates ICD-11 to ICD-10 with WHO's table, and reads a table backwards when asked", async () => {
      const back = matchesOf(
        (await get(`/fhir/ConceptMap/$translate?url=${icdMapSystem}/11To10MapToOneCategory&system=${mms}&code=BA01.Z`)).body
      )
      expect(back).toEqual([
        expect.objectContaining({
          concept: {
            system: icd10,
            version: "uk-5-sample",
            code: "I11.9",
            display: "Hypertensive heart disease without (congestive) heart failure"
          }
        })
      ])
      const reverse = matchesOf((await get(`/fhir/ConceptMap/$translate?url=${oneCategory}&system=${mms}&code=1A00&reverse=true`)).body)
      expect(reverse.map((match) => (match.concept as { code: string }).code)).toEqual(["A00", "A00.0", "A00.9"])
      expect(reverse[0]!.comment).toMatch(/Read backwards: 10To11MapToOneCategory maps from ICD-10 to ICD-11/)
      const inWelsh = matchesOf(
        (await get(`/fhir/ConceptMap/$translate?url=${oneCategory}&system=${mms}&code=1A00&reverse=true`, { "accept-language": "cy" })).body
      )
      expect(inWelsh[0]!.comment).toMatch(/Wedi'i ddarllen o chwith: mae 10To11MapToOneCategory yn mapio o ICD-10 i ICD-11$/)
    })

    it("does not know a table version that is not loaded", async () => {
      const { status, body } = await get(`/fhir/ConceptMap/$translate?url=${oneCategory}|2019-04-06&system=${icd10}&code=I10`)
      expect(status).toBe(404)
      expect(body.issue[0].details.text).toMatch(/10To11MapToOneCategory\|2019-04-06' could not be found/)
    })
  })
}
