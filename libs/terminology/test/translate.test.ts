/** The ConceptMap engine: R4 translation through groups, dependsOn, products, unmapped modes and reverse. */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import {
  say,
  conceptMapFits,
  translate,
  type ConceptMapGroup,
  type ConceptMapLookup,
  type ConceptMapResource,
  type TranslateRequest
} from "../src/index"

const lab = "http://example.org/lab"
const loinc = "http://loinc.org"
const property = "http://example.org/fhir/StructureDefinition/specimen"

const conceptMap = (url: string, group: ReadonlyArray<ConceptMapGroup>, version?: string): ConceptMapResource => ({
  resourceType: "ConceptMap",
  url,
  ...(version === undefined ? {} : { version }),
  status: "active",
  group
})

const labToLoinc = conceptMap(
  "http://example.org/cm/lab-loinc",
  [
    {
      source: lab,
      sourceVersion: "2",
      target: loinc,
      element: [
        {
          code: "GLU",
          display: "Glucose",
          target: [
            { code: "2345-7", display: "Glucose [Mass/volume] in Serum or Plasma", equivalence: "equivalent" },
            { code: "2339-0", equivalence: "narrower", comment: "Blood only" }
          ]
        },
        {
          code: "NA",
          target: [
            { code: "2951-2", equivalence: "equivalent", dependsOn: [{ property, system: "http://example.org/specimen", value: "serum" }] },
            { code: "2947-0", equivalence: "equivalent", dependsOn: [{ property, system: "http://example.org/specimen", value: "blood" }] }
          ]
        },
        {
          code: "PANEL",
          target: [
            {
              code: "24323-8",
              equivalence: "wider",
              product: [{ property, system: "http://example.org/specimen", value: "serum", display: "Serum" }]
            }
          ]
        },
        { code: "OLD", target: [{ equivalence: "unmatched" }] },
        { code: "DIS", target: [{ code: "1-8", equivalence: "disjoint" }] }
      ]
    }
  ],
  "1.0"
)

const request = (code: string, extra: Partial<TranslateRequest> = {}): TranslateRequest => ({
  coding: { system: lab, code },
  reverse: false,
  dependencies: [],
  ...extra
})

const noMaps = () => undefined
const run = (maps: ReadonlyArray<ConceptMapResource>, asked: TranslateRequest, find: ConceptMapLookup = noMaps) =>
  Either.getOrThrow(translate(maps, asked, find))
const codes = (maps: ReadonlyArray<ConceptMapResource>, asked: TranslateRequest) =>
  run(maps, asked).matches.map((match) => match.target?.code)

describe("ConceptMap translation", () => {
  it("gives every target of the code with its equivalence, display and comment, and the map's canonical", () => {
    const translation = run([labToLoinc], request("GLU"))
    expect(translation.result).toBe(true)
    expect(translation.message).toBeUndefined()
    expect(translation.matches).toEqual([
      {
        equivalence: "equivalent",
        source: { system: lab, version: "2", code: "GLU", display: "Glucose" },
        target: { system: loinc, code: "2345-7", display: "Glucose [Mass/volume] in Serum or Plasma" },
        products: [],
        map: "http://example.org/cm/lab-loinc|1.0"
      },
      {
        equivalence: "narrower",
        source: { system: lab, version: "2", code: "GLU", display: "Glucose" },
        target: { system: loinc, code: "2339-0" },
        products: [],
        comment: "Blood only",
        map: "http://example.org/cm/lab-loinc|1.0"
      }
    ])
  })

  it("answers false with a message when the only mappings are unmatched or disjoint, or there are none", () => {
    const unmatched = run([labToLoinc], request("OLD"))
    expect(unmatched).toMatchObject({ result: false, matches: [{ equivalence: "unmatched" }] })
    expect(unmatched.matches[0]!.target).toBeUndefined()
    expect(say("en", unmatched.message!)).toBe(
      "No target for 'OLD' in 'http://example.org/lab' in the ConceptMap 'http://example.org/cm/lab-loinc|1.0'"
    )
    expect(say("cy", unmatched.message!)).toBe(
      "Dim targed ar gyfer 'OLD' yn 'http://example.org/lab' yn y ConceptMap 'http://example.org/cm/lab-loinc|1.0'"
    )
    expect(run([labToLoinc], request("DIS"))).toMatchObject({ result: false, matches: [{ equivalence: "disjoint" }] })
    expect(run([labToLoinc], request("XYZ"))).toMatchObject({ result: false, matches: [] })
  })

  it("uses a target only when the dependencies give each dependsOn its property, system and value", () => {
    const specimen = (system: string, code: string) => ({ dependencies: [{ element: property, concept: [{ system, code }] }] })
    expect(codes([labToLoinc], request("NA"))).toEqual([])
    expect(codes([labToLoinc], request("NA", specimen("http://example.org/specimen", "serum")))).toEqual(["2951-2"])
    expect(codes([labToLoinc], request("NA", specimen("http://example.org/specimen", "blood")))).toEqual(["2947-0"])
    expect(codes([labToLoinc], request("NA", specimen("http://example.org/other", "serum")))).toEqual([])
    expect(
      codes([labToLoinc], request("NA", { dependencies: [{ element: "http://example.org/other-element", concept: [{ code: "serum" }] }] }))
    ).toEqual([])
  })

  it("returns a target's products", () => {
    expect(run([labToLoinc], request("PANEL")).matches[0]!.products).toEqual([
      { property, system: "http://example.org/specimen", value: "serum", display: "Serum" }
    ])
  })

  it("chooses groups by source system and version and by the target system sought", () => {
    expect(codes([labToLoinc], request("GLU", { coding: { system: "http://example.org/other", code: "GLU" } }))).toEqual([])
    expect(codes([labToLoinc], request("GLU", { coding: { system: lab, version: "3", code: "GLU" } }))).toEqual([])
    expect(codes([labToLoinc], request("GLU", { coding: { system: lab, version: "2", code: "GLU" } }))).toHaveLength(2)
    expect(codes([labToLoinc], request("GLU", { wanted: "http://snomed.info/sct" }))).toEqual([])
    expect(codes([labToLoinc], request("GLU", { wanted: loinc }))).toHaveLength(2)
    expect(conceptMapFits(labToLoinc, request("GLU", { wanted: loinc }))).toBe(true)
    expect(conceptMapFits(labToLoinc, request("GLU", { wanted: "http://snomed.info/sct" }))).toBe(false)
  })

  it("in reverse translates a target code back to the sources that map to it", () => {
    const translation = run([labToLoinc], { coding: { system: loinc, code: "2345-7" }, reverse: true, dependencies: [], wanted: lab })
    expect(translation.result).toBe(true)
    expect(translation.matches.map((match) => [match.source.code, match.equivalence])).toEqual([["GLU", "equivalent"]])
    expect(run([labToLoinc], { coding: { system: lab, code: "2345-7" }, reverse: true, dependencies: [] }).matches).toEqual([])
  })

  describe("unmapped codes", () => {
    const withUnmapped = (unmapped: ConceptMapGroup["unmapped"], url = "http://example.org/cm/unmapped") =>
      conceptMap(url, [
        {
          source: lab,
          target: loinc,
          element: [{ code: "OLD", target: [{ equivalence: "unmatched" }] }],
          ...(unmapped === undefined ? {} : { unmapped })
        }
      ])

    it("provided gives the source code itself, fixed the code the map names", () => {
      expect(run([withUnmapped({ mode: "provided" })], request("ABC")).matches).toEqual([
        {
          equivalence: "relatedto",
          source: { system: lab, code: "ABC" },
          target: { system: loinc, code: "ABC" },
          products: [],
          map: "http://example.org/cm/unmapped"
        }
      ])
      const fixed = run([withUnmapped({ mode: "fixed", code: "UNK", display: "Unknown" })], request("ABC"))
      expect(fixed.result).toBe(true)
      expect(fixed.matches.map((match) => match.target)).toEqual([{ system: loinc, code: "UNK", display: "Unknown" }])
    })

    it("does not apply to a code the map lists, even as unmatched, nor in reverse", () => {
      expect(run([withUnmapped({ mode: "provided" })], request("OLD")).matches.map((match) => match.equivalence)).toEqual(["unmatched"])
      expect(
        run([withUnmapped({ mode: "provided" })], { ...request("ABC"), coding: { system: loinc, code: "ABC" }, reverse: true }).matches
      ).toEqual([])
    })

    it("other-map translates with the map it names, and stops when the maps name each other", () => {
      const first = withUnmapped({ mode: "other-map", url: "http://example.org/cm/second|2" }, "http://example.org/cm/first")
      const second = conceptMap(
        "http://example.org/cm/second",
        [
          {
            source: lab,
            target: loinc,
            element: [{ code: "ABC", target: [{ code: "9-9", equivalence: "equal" }] }],
            unmapped: { mode: "other-map", url: "http://example.org/cm/first" }
          }
        ],
        "2"
      )
      const find = (url: string, version: string | undefined) =>
        [first, second].find((map) => map.url === url && (version === undefined || map.version === version))
      const found = run([first], request("ABC"), find)
      expect(found.matches).toMatchObject([{ equivalence: "equal", target: { code: "9-9" }, map: "http://example.org/cm/second|2" }])
      // first → second → first: each map is tried once, then the translation ends with no match.
      expect(run([first], request("XYZ"), find)).toMatchObject({ result: false, matches: [] })
    })

    it("other-map naming a map that cannot be found is a not-found error", () => {
      const result = translate([withUnmapped({ mode: "other-map", url: "http://example.org/cm/missing" })], request("ABC"), noMaps)
      expect(Either.getOrThrow(Either.flip(result))).toMatchObject({
        type: "not-found",
        message: expect.stringContaining("http://example.org/cm/missing")
      })
    })
  })
})
