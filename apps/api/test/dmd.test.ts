/**
 * dm+d through the app: the sample release (`data/sample/dmd`) loaded with `ffynnon load dmd`'s
 * loader and served as `https://dmd.nhs.uk` by the terminology operations.
 */
import { DmdReleases, loadDmd, ukDrugExtensionModule } from "@ffynnon/dmd"
import { hasValidCheckDigit, loadSnomed, sctidProblem, SnomedReleases } from "@ffynnon/snomed"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { testDatabases } from "../../../libs/db/test/databases"
import { sampleBonus, sampleFolder } from "../../../libs/dmd/test/fixtures"
import { appendRows, changedSample, sampleFile, sampleFolder as snomedSampleFolder, sampleUri } from "../../../libs/snomed/test/sample"
import { apiHarness, type Parameter } from "./harness"

const system = "https://dmd.nhs.uk"
const version = "12.1.0_20261207"
const codes = {
  paracetamolVtm: "1100011000230105",
  paracetamol500: "1200011000230107",
  paracetamolSoluble: "1200021000230104",
  paracetamol1g: "1200071000230100",
  morphineVmp: "1200041000230108",
  panadol: "1300021000230107",
  paracetamol32: "1500011000230102",
  generic32: "1600011000230109",
  generic100: "1600021000230101"
}

const withSample = Effect.zipRight(
  loadDmd(sampleFolder, { bonus: sampleBonus }),
  Effect.flatMap(DmdReleases, (releases) => releases.refresh)
)

type Answer = {
  parameter: Array<Parameter>
  expansion: { total: number; contains?: Array<{ code: string; display: string; inactive?: boolean }> }
  issue: Array<{ details: { text: string } }>
}

const parts = (answer: Answer, name: string) => answer.parameter.filter((parameter) => parameter.name === name)
const value = (parameter: Parameter | undefined) => Object.entries(parameter ?? {}).find(([key]) => key.startsWith("value"))?.[1]
/** `$lookup`'s properties as [code, value] pairs; a property with subproperties gives them as an object. */
const properties = (answer: Answer) =>
  parts(answer, "property").map((property) => {
    const code = value(property.part!.find((part) => part.name === "code")) as string
    const subproperties = property.part!.filter((part) => part.name === "subproperty")
    return [
      code,
      subproperties.length > 0
        ? Object.fromEntries(subproperties.map((sub) => [value(sub.part![0]), value(sub.part![1])]))
        : value(property.part!.find((part) => part.name === "value"))
    ] as const
  })

for (const kind of testDatabases) {
  describe(`dm+d over HTTP on ${kind.name}`, () => {
    const api = apiHarness(kind, withSample)
    const get = async (path: string) => {
      const answer = await api.get(path)
      return { ...answer, body: answer.body as Answer }
    }

    it("looks up a VMP with its class and VTM as parents, form, route, ingredient strength and controlled drug category", async () => {
      const { status, body } = await get(`/fhir/CodeSystem/$lookup?system=${system}&code=${codes.morphineVmp}`)
      expect(status).toBe(200)
      expect(value(parts(body, "version")[0])).toBe(version)
      expect(value(parts(body, "display")[0])).toBe("Morphine sulfate 10mg/5ml oral solution")
      expect(properties(body)).toEqual(
        expect.arrayContaining([
          ["parent", "VMP"],
          ["parent", "1100031000230100"],
          ["inactive", false],
          // Lookup codes are Codings with the table's description: forms, routes and units in dm+d's own system, the others in their table's.
          ["FORMCD", { system, code: "385023001", display: "Oral solution" }],
          ["ROUTECD", { system, code: "26643006", display: "Oral" }],
          ["CATCD", { system: `${system}/CONTROL_DRUG_CATEGORY`, code: "0005", display: "Schedule 5 (CD Inv POM)" }],
          ["VPIDPREV", "1200049000230103"],
          [
            "VPI",
            {
              ISID: "1700031000230108",
              BASIS_STRNTCD: { system: `${system}/BASIS_OF_STRNTH`, code: "0001", display: "Based on Ingredient Substance" },
              STRNT_NMRTR_VAL: 10,
              STRNT_NMRTR_UOMCD: { system, code: "258684004", display: "mg" },
              STRNT_DNMTR_VAL: 5,
              STRNT_DNMTR_UOMCD: { system, code: "258773002", display: "ml" }
            }
          ],
          ["BNF", "0407020Q0AAAGAG"],
          ["ATC", "N02AA01"],
          ["ONTFORMCD", expect.objectContaining({ system: `${system}/ONT_FORM_ROUTE`, code: "0039" })]
        ])
      )
      // A VTM's ingredients (bonus VTM_INGREDIENTS) as ING, as NHS England's server names them.
      const vtm = properties((await get(`/fhir/CodeSystem/$lookup?system=${system}&code=${codes.paracetamolVtm}`)).body)
      expect(vtm).toContainEqual(["ING", { ISID: "1700011000230103" }])
    })

    it("looks up an AMPP with its AMP and VMPP as parents, price in pence, GTIN and discontinuation", async () => {
      const current = properties((await get(`/fhir/CodeSystem/$lookup?system=${system}&code=${codes.generic32}`)).body)
      expect(current).toEqual(
        expect.arrayContaining([
          ["parent", "AMPP"],
          ["parent", "1300011000230104"],
          ["parent", codes.paracetamol32],
          ["PRICE", 89],
          ["PRICE_PREV", 92],
          ["LEGAL_CATCD", { system: `${system}/LEGAL_CATEGORY`, code: "0003", display: "P" }],
          ["GTIN", "5012345000019"],
          ["NURSE_F", true]
        ])
      )
      const discontinued = properties((await get(`/fhir/CodeSystem/$lookup?system=${system}&code=${codes.generic100}`)).body)
      expect(discontinued).toEqual(
        expect.arrayContaining([
          ["DISCCD", { system: `${system}/DISCONTINUED_IND`, code: "0001", display: "Discontinued" }],
          ["DISCDT", "2026-03-01"]
        ])
      )
      // Its GTIN has ended: it is not a current one.
      expect(discontinued.filter(([code]) => code === "GTIN")).toEqual([])
    })

    it("reports an invalid product as inactive, in $lookup and $validate-code; an unknown code is not valid", async () => {
      const lookup = properties((await get(`/fhir/CodeSystem/$lookup?system=${system}&code=${codes.paracetamol1g}`)).body)
      expect(lookup).toContainEqual(["inactive", true])
      const validated = (await get(`/fhir/CodeSystem/$validate-code?url=${system}&code=${codes.paracetamol1g}`)).body
      expect(value(parts(validated, "result")[0])).toBe(true)
      expect(value(parts(validated, "inactive")[0])).toBe(true)
      const wrongDisplay = (await get(`/fhir/CodeSystem/$validate-code?url=${system}&code=${codes.paracetamol500}&display=Aspirin`)).body
      expect(value(parts(wrongDisplay, "result")[0])).toBe(false)
      const unknown = (await get(`/fhir/CodeSystem/$validate-code?url=${system}&code=999`)).body
      expect(value(parts(unknown, "result")[0])).toBe(false)
      const notFound = await api.get(`/fhir/CodeSystem/$lookup?system=${system}&code=999`)
      expect(notFound.status).toBe(404)
      expect(notFound.body.resourceType).toBe("OperationOutcome")
    })

    it("answers $subsumes along the product hierarchy", async () => {
      const outcome = async (a: string, b: string) =>
        value(parts((await get(`/fhir/CodeSystem/$subsumes?system=${system}&codeA=${a}&codeB=${b}`)).body, "outcome")[0])
      expect(await outcome(codes.paracetamolVtm, codes.generic32)).toBe("subsumes")
      expect(await outcome(codes.generic32, codes.paracetamol500)).toBe("subsumed-by")
      expect(await outcome(codes.paracetamol32, codes.generic32)).toBe("subsumes")
      expect(await outcome(codes.panadol, codes.paracetamol32)).toBe("not-subsumed")
      expect(await outcome("VMP", codes.paracetamol500)).toBe("subsumes")
    })

    it("expands the class value sets without invalid products, with a text filter, paging and properties", async () => {
      const vmps = (await get(`/fhir/ValueSet/$expand?url=${system}/ValueSet/VMP`)).body
      expect(vmps.expansion.total).toBe(6)
      expect(vmps.expansion.contains!.map((entry) => entry.code)).not.toContain(codes.paracetamol1g)
      const searched = (await get(`/fhir/ValueSet/$expand?url=${system}/ValueSet/VMP&filter=para%20500%20tab`)).body
      expect(searched.expansion.contains!.map((entry) => entry.code)).toEqual([codes.paracetamol500, codes.paracetamolSoluble])
      const page = (await get(`/fhir/ValueSet/$expand?url=${system}/ValueSet/AMPP&count=3&offset=3`)).body
      expect(page.expansion.total).toBe(10)
      expect(page.expansion.contains).toHaveLength(3)
      for (const name of ["VTM", "AMP", "VMPP"]) {
        expect((await get(`/fhir/ValueSet/$expand?url=${system}/ValueSet/${name}`)).body.expansion.total).toBe(
          { VTM: 4, AMP: 7, VMPP: 9 }[name]
        )
      }
      const member = (await get(`/fhir/ValueSet/$validate-code?url=${system}/ValueSet/VMP&system=${system}&code=${codes.paracetamol500}`))
        .body
      expect(value(parts(member, "result")[0])).toBe(true)
      const invalid = (await get(`/fhir/ValueSet/$validate-code?url=${system}/ValueSet/VMP&system=${system}&code=${codes.paracetamol1g}`))
        .body
      expect(value(parts(invalid, "result")[0])).toBe(false)
      const wrongClass = (
        await get(`/fhir/ValueSet/$validate-code?url=${system}/ValueSet/AMP&system=${system}&code=${codes.paracetamol500}`)
      ).body
      expect(value(parts(wrongClass, "result")[0])).toBe(false)
      const withProperty = (await get(`/fhir/ValueSet/$expand?url=${system}/ValueSet/VMP&filter=morphine&property=CATCD`)).body
      expect(JSON.stringify(withProperty.expansion.contains)).toContain("0005")
    })

    it("includes invalid products when a value set asks for them", async () => {
      const { status, body } = await api.post("/fhir/ValueSet/$expand", [
        {
          name: "valueSet",
          resource: {
            resourceType: "ValueSet",
            status: "active",
            compose: { include: [{ system, filter: [{ property: "concept", op: "is-a", value: codes.paracetamolVtm }] }] }
          }
        }
      ])
      expect(status).toBe(200)
      const contains = (body as Answer).expansion.contains!
      expect(contains.find((entry) => entry.code === codes.paracetamol1g)).toMatchObject({ inactive: true })
    })
    it("navigates over HTTP: along the hierarchy, combination packs, by ingredient, BNF, GTIN, and previous codes", async () => {
      const codesOf = (body: unknown) => (body as { products: Array<{ code: string }> }).products.map((product) => product.code).sort()
      const product = await api.get(`/dmd/products/${codes.paracetamol500}`)
      expect(product).toMatchObject({
        status: 200,
        body: { version, product: { class: "VMP", name: "Paracetamol 500mg tablets", invalid: false } }
      })
      const packs = await api.get(`/dmd/products/${codes.paracetamolVtm}/below?class=AMPP`)
      expect(codesOf(packs.body)).toEqual([codes.generic32, codes.generic100, "1600031000230104", "1600041000230105"].sort())
      expect(codesOf((await api.get(`/dmd/products/${codes.generic32}/above?class=VTM`)).body)).toEqual([codes.paracetamolVtm])
      expect(codesOf((await api.get(`/dmd/products/1600081000230100/combination-children`)).body)).toEqual([
        "1600091000230103",
        "1600101000230108"
      ])
      expect(codesOf((await api.get(`/dmd/products?gtin=5000158100985`)).body)).toEqual(["1600031000230104"])
      expect(codesOf((await api.get(`/dmd/products?bnf=0407010H0AAA*`)).body)).toEqual([codes.paracetamol500, codes.paracetamolSoluble])
      expect(codesOf((await api.get(`/dmd/products?ingredient=1700051000230104&version=${version}`)).body)).toEqual([codes.panadol])
      expect((await api.get(`/dmd/codes/1200049000230103/current`)).body).toEqual({
        version,
        code: "1200049000230103",
        current: codes.morphineVmp
      })
      for (const [path, status] of [
        ["/dmd/products/999", 404],
        [`/dmd/products/${codes.paracetamol500}/below?class=PILL`, 400],
        ["/dmd/products", 400],
        ["/dmd/products?bnf=04*&atc=N02*", 400],
        ["/dmd/codes/999/current", 404],
        [`/dmd/products/${codes.paracetamol500}?version=19990101`, 404]
      ] as const) {
        const answer = await api.get(path)
        expect({ path, status: answer.status, type: answer.body.resourceType }).toEqual({ path, status, type: "OperationOutcome" })
      }
    })

    it("has ingredients, forms, routes, suppliers and units as concepts below their kinds, so the Codings it gives resolve", async () => {
      const form = await get(`/fhir/CodeSystem/$lookup?system=${system}&code=385023001`)
      expect(form.status).toBe(200)
      expect(value(parts(form.body, "display")[0])).toBe("Oral solution")
      expect(properties(form.body)).toEqual(expect.arrayContaining([["parent", "FORM"]]))
      const ingredient = await get(`/fhir/CodeSystem/$lookup?system=${system}&code=1700021000230106`)
      expect(value(parts(ingredient.body, "display")[0])).toBe("Amoxicillin trihydrate")
      expect(properties(ingredient.body)).toEqual(
        expect.arrayContaining([
          ["parent", "INGREDIENT"],
          ["ISIDPREV", "1700029000230109"],
          ["ISIDDT", "2026-01-05"]
        ])
      )
      const supplier = await get(`/fhir/CodeSystem/$lookup?system=${system}&code=1800011000230101`)
      expect(value(parts(supplier.body, "display")[0])).toBe("Ffynnon Generics Ltd")
      const subsumes = await get(`/fhir/CodeSystem/$subsumes?system=${system}&codeA=ROUTE&codeB=26643006`)
      expect(value(parts(subsumes.body, "outcome")[0])).toBe("subsumes")
      const valid = await get(`/fhir/CodeSystem/$validate-code?system=${system}&code=385055001&display=Tablet`)
      expect(value(parts(valid.body, "result")[0])).toBe(true)
      // A form is neither a product nor in a class value set.
      expect((await api.get(`/dmd/products/385023001`)).status).toBe(404)
      const vmps = await get(`/fhir/ValueSet/$validate-code?url=${system}/ValueSet/VMP&system=${system}&code=385023001`)
      expect(value(parts(vmps.body, "result")[0])).toBe(false)
    })

    it("serves the other lookup tables as code systems of their own, so those Codings resolve too", async () => {
      const category = `${system}/CONTROL_DRUG_CATEGORY`
      const found = await get(`/fhir/CodeSystem/$lookup?system=${category}&code=0005`)
      expect(found.status).toBe(200)
      expect(value(parts(found.body, "display")[0])).toBe("Schedule 5 (CD Inv POM)")
      expect(value(parts(found.body, "version")[0])).toBe(
        value(parts((await get(`/fhir/CodeSystem/$lookup?system=${system}&code=VMP`)).body, "version")[0])
      )
      const valid = await get(`/fhir/CodeSystem/$validate-code?url=${system}/LEGAL_CATEGORY&code=0003&display=P`)
      expect(value(parts(valid.body, "result")[0])).toBe(true)
      const unknown = await get(`/fhir/CodeSystem/$validate-code?url=${category}&code=9999`)
      expect(value(parts(unknown.body, "result")[0])).toBe(false)
      // Forms, routes, suppliers and units stay concepts of https://dmd.nhs.uk, not systems of their own.
      expect((await get(`/fhir/CodeSystem/$lookup?system=${system}/FORM&code=385023001`)).status).toBe(404)
    })

    /** `$translate`'s matches as equivalence, concept (code and display) and products. */
    const matches = (answer: Answer) =>
      parts(answer, "match").map((match) => {
        const part = (name: string) => match.part!.filter((entry) => entry.name === name)
        const concept = value(part("concept")[0]) as { system: string; code: string; display?: string }
        return {
          equivalence: value(part("equivalence")[0]),
          concept,
          products: Object.fromEntries(
            part("product").map((product) => [value(product.part![0]), (value(product.part![1]) as { code: string }).code])
          ),
          map: value(part("source")[0]) ?? value(part("originMap")[0])
        }
      })
    const translate = async (query: Record<string, string>) => {
      const { status, body } = await get(`/fhir/ConceptMap/$translate?${new URLSearchParams(query)}`)
      expect(status).toBe(200)
      return { result: value(parts(body, "result")[0]), message: value(parts(body, "message")[0]), matches: matches(body) }
    }
    const gtinMap = "https://dmd.nhs.uk/conceptmap/gtin"
    const historyMap = "https://dmd.nhs.uk/conceptmap/history"
    const gs1 = "https://www.gs1.org/gtin"

    it("translates an AMPP to its GTINs, current and ended, and a GTIN back to its AMPP, with NHS England's GTIN map", async () => {
      const packs = await translate({ url: gtinMap, system, code: "1600031000230104" })
      expect(packs.result).toBe(true)
      expect(packs.matches).toEqual([
        {
          equivalence: "relatedto",
          concept: { system: gs1, code: "5000158100107" },
          products: { mapping_status: "retired", start: "2018-05-01", end: "2024-12-31" },
          map: `${gtinMap}|${version}`
        },
        {
          equivalence: "relatedto",
          concept: { system: gs1, code: "5000158100985" },
          products: { mapping_status: "active", start: "2025-01-01" },
          map: `${gtinMap}|${version}`
        }
      ])
      // A scanned barcode: the map read backwards, as R4's reverse or R5's targetCode, by url or found by the systems.
      const pack = {
        system,
        version,
        code: "1600031000230104",
        display: "Panadol 500mg tablets (GlaxoSmithKline Consumer Healthcare) 32 tablet"
      }
      for (const query of [
        { url: gtinMap, system: gs1, code: "5000158100985", reverse: "true" },
        { system: gs1, code: "5000158100985", reverse: "true", targetsystem: system },
        { url: gtinMap, targetSystem: gs1, targetCode: "5000158100985" }
      ]) {
        const scanned = await translate(query)
        expect(scanned.result).toBe(true)
        expect(scanned.matches.map((match) => [match.concept, match.products])).toEqual([
          [
            query.targetCode === undefined ? pack : { system: gs1, code: "5000158100985" },
            { mapping_status: "active", start: "2025-01-01" }
          ]
        ])
      }
      const unknown = await translate({ url: gtinMap, system: gs1, code: "5099999999999", reverse: "true" })
      expect(unknown).toMatchObject({
        result: false,
        matches: [],
        message: `No source for '5099999999999' in the ConceptMap '${gtinMap}|${version}'.`
      })
    })

    it("translates a previous code to the current one with the history map, from HISTORIC_CODES and the *PREV fields", async () => {
      const morphine = { system, version, code: codes.morphineVmp, display: "Morphine sulfate 10mg/5ml oral solution" }
      const changed = await translate({ url: historyMap, system, code: "1200049000230103" })
      expect(changed).toMatchObject({
        result: true,
        matches: [{ equivalence: "relatedto", concept: morphine, products: { start: "2010-01-01", end: "2026-05-31" } }]
      })
      // Found by its systems too, beside the other maps from dm+d; an ingredient's change comes from HISTORIC_CODES.
      const ingredient = await translate({ system, code: "1700029000230109", targetsystem: system })
      expect(ingredient.matches.map((match) => [match.concept.code, match.map])).toEqual([["1700021000230106", `${historyMap}|${version}`]])
      // Backwards: the codes a current code had, with the row giving its own start.
      const previous = await translate({ url: `${historyMap}|${version}`, system, code: codes.morphineVmp, reverse: "true" })
      expect(previous.matches.map((match) => [match.concept.code, match.products])).toEqual([
        ["1200049000230103", { start: "2010-01-01", end: "2026-05-31" }],
        [codes.morphineVmp, { start: "2026-06-01" }]
      ])
      const current = await translate({ url: historyMap, system, code: codes.paracetamol500 })
      expect(current).toMatchObject({ result: false, matches: [] })
      const otherVersion = await api.get(`/fhir/ConceptMap/$translate?url=${historyMap}&conceptMapVersion=19990101&system=${system}&code=1`)
      expect(otherVersion.status).toBe(404)
      expect((otherVersion.body as Answer).issue[0]!.details.text).toBe(
        `A definition for the ConceptMap '${historyMap}|19990101' could not be found. Loaded versions: ${version}`
      )
    })
  })
}

// dm+d's product identifiers are SNOMED CT concept identifiers: the sample's must be real SCTIDs
// (partition and Verhoeff check digit) for them to resolve under http://snomed.info/sct.
describe("the dm+d sample release", () => {
  it("identifies every product by a valid SNOMED CT concept identifier", () => {
    const ids = readdirSync(sampleFolder)
      .filter((file) => file.endsWith(".xml"))
      .flatMap((file) => [...readFileSync(join(sampleFolder, file), "utf8").matchAll(/<(?:VTMID|VPID|APID|VPPID|APPID)>(\d+)</g)])
      .map((match) => match[1]!)
    expect(ids.length).toBeGreaterThan(30)
    expect(ids.flatMap((id) => sctidProblem(id, "concept") ?? [])).toEqual([])
  })
})

/** An SCTID from its digits before the check digit. */
const sctid = (stem: string) => `${stem}${[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].find((digit) => hasValidCheckDigit(`${stem}${digit}`))}`

/**
 * The sample SNOMED CT release with a drug extension's worth added: the UK drug extension module
 * concept and one dm+d product, the HeliClear VMPP, under its own SNOMED CT term.
 */
const heliClearVmpp = "1500071000230109"

const withDrugExtension = (uri: string) => {
  const added: Array<[string, string, string]> = [
    [ukDrugExtensionModule, "900000000000443000", "United Kingdom drug extension module"],
    [heliClearVmpp, "138875005", "HeliClear pack (SNOMED CT term)"]
  ]
  const copy = changedSample((folder) => {
    const row = (effective: string, ...fields: Array<string>) => [effective, "20260201", "1", ukDrugExtensionModule, ...fields]
    appendRows(
      sampleFile(folder, "sct2_Concept_"),
      added.map(([code]) => row(code, "900000000000074008"))
    )
    const descriptions = added.flatMap(([code, , term], n) => [
      [sctid(`${9100 + n * 2}1000001` + "11"), code, `${term} (product)`, "900000000000003001"],
      [sctid(`${9101 + n * 2}1000001` + "11"), code, term, "900000000000013009"]
    ])
    appendRows(
      sampleFile(folder, "sct2_Description_"),
      descriptions.map(([id, code, term, type]) => row(id!, code!, "en", type!, term!, "900000000000448009"))
    )
    appendRows(
      sampleFile(folder, "sct2_Relationship_"),
      added.map(([code, parent], n) =>
        row(sctid(`${9200 + n}1000001` + "12"), code, parent, "0", "116680003", "900000000000011006", "900000000000451002")
      )
    )
    appendRows(
      sampleFile(folder, "der2_cRefset_LanguageSnapshot"),
      descriptions.flatMap(([id]) =>
        ["900000000000508004", "999001261000000100"].map((refset) => row(randomUUID(), refset, id!, "900000000000548007"))
      )
    )
  })
  return loadSnomed(copy.folder, { uri }).pipe(Effect.ensuring(Effect.sync(copy.remove)))
}

for (const kind of testDatabases) {
  describe(`dm+d codes under SNOMED CT on ${kind.name}`, () => {
    const snomed = "http://snomed.info/sct"
    const extended = "http://snomed.info/sct/11000230100/version/20260201"
    const api = apiHarness(
      kind,
      Effect.all([
        loadSnomed(snomedSampleFolder),
        withDrugExtension(extended),
        Effect.flatMap(SnomedReleases, (releases) => releases.refresh),
        withSample
      ])
    )
    const get = async (path: string) => (await api.get(path)).body as Answer

    it("answers a product SNOMED CT lacks from dm+d, and SNOMED CT's own answer for a code it has", async () => {
      const lookup = await api.get(`/fhir/CodeSystem/$lookup?system=${snomed}&code=${codes.paracetamol500}`)
      expect(lookup.status).toBe(200)
      expect(value(parts(lookup.body as Answer, "display")[0])).toBe("Paracetamol 500mg tablets")
      expect(value(parts(lookup.body as Answer, "version")[0])).toBe(extended)
      expect(properties(lookup.body as Answer)).toContainEqual(["inactive", false])
      const own = await get(`/fhir/CodeSystem/$lookup?system=${snomed}&code=${heliClearVmpp}`)
      expect(value(parts(own, "display")[0])).toBe("HeliClear pack (SNOMED CT term)")
      const validated = await get(`/fhir/CodeSystem/$validate-code?url=${snomed}&code=${codes.paracetamol1g}`)
      expect(value(parts(validated, "result")[0])).toBe(true)
      expect(value(parts(validated, "inactive")[0])).toBe(true)
      const wrongDisplay = await get(`/fhir/CodeSystem/$validate-code?url=${snomed}&code=${codes.paracetamol500}&display=Aspirin`)
      expect(value(parts(wrongDisplay, "result")[0])).toBe(false)
      const inWholeSystem = await get(`/fhir/ValueSet/$validate-code?url=${snomed}?fhir_vs&system=${snomed}&code=${codes.generic32}`)
      expect(value(parts(inWholeSystem, "result")[0])).toBe(true)
    })

    it("keeps them out of SNOMED CT's hierarchy, and out of an edition without the drug extension", async () => {
      const subsumes = await get(`/fhir/CodeSystem/$subsumes?system=${snomed}&codeA=${codes.paracetamolVtm}&codeB=${codes.paracetamol500}`)
      // In dm+d the VTM subsumes the VMP; SNOMED CT knows neither here.
      expect(value(parts(subsumes, "outcome")[0])).toBe("not-subsumed")
      const isA = await get(
        `/fhir/ValueSet/$validate-code?url=${snomed}?fhir_vs=isa/138875005&system=${snomed}&code=${codes.paracetamol500}`
      )
      expect(value(parts(isA, "result")[0])).toBe(false)
      const withoutExtension = await api.get(`/fhir/CodeSystem/$lookup?system=${snomed}&version=${sampleUri}&code=${codes.paracetamol500}`)
      expect(withoutExtension.status).toBe(404)
      // SNOMED CT's own codes are unchanged in both.
      const root = await get(`/fhir/CodeSystem/$lookup?system=${snomed}&code=138875005`)
      expect(value(parts(root, "version")[0])).toBe(extended)
    })
  })
}
