import { describe, expect, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { evaluateEcl, type EclResult } from "../src/ecl/Ecl"
import { eclTables } from "../src/ecl/tables"
import { foldText, tokens } from "../src/index/text"
import { neighbours, type SnomedIndex } from "../src/index/SnomedIndex"
import { EclIndexes, eclIndexes, hasTxSubset } from "./ecl-indexes"
import { expected, rowsOf, sampleFile, sampleFolder, sharedFolder, txSubsetFolder } from "./sample"

const eclCases = join(sharedFolder, "fixtures", "tx-ecosystem", "sct", "ecl")
if (!hasTxSubset) console.warn("../shared/fixtures/snomed/tx-subset is absent: the ECL tests on real SNOMED CT content are skipped.")

const result = (index: SnomedIndex, ecl: string): EclResult => {
  const evaluated = evaluateEcl(index, ecl)
  if (Either.isLeft(evaluated)) throw new Error(`${ecl}: ${evaluated.left.message}`)
  return evaluated.right
}
const codes = (index: SnomedIndex, ecl: string) => [...result(index, ecl).concepts].map((concept) => index.code(concept)).sort()
const failure = (index: SnomedIndex, ecl: string) => {
  const evaluated = evaluateEcl(index, ecl)
  if (Either.isRight(evaluated)) throw new Error(`${ecl} evaluated`)
  return evaluated.left
}
const sorted = (values: Iterable<string>) => [...new Set(values)].sort()
const allConcepts = (index: SnomedIndex) => Array.from({ length: index.conceptCount }, (_, concept) => concept)
const at = (index: SnomedIndex, code: string) => index.position(code)!
const isA = (index: SnomedIndex, concept: number, ancestor: string) => index.subsumes(at(index, ancestor), concept)

/** Concepts (of `within`) with `count` relationships of a type under `type` and a value under `value` (or any). */
const byAttributes = (index: SnomedIndex, within: string, test: (attributes: ReturnType<SnomedIndex["attributesOf"]>) => boolean) =>
  sorted(
    allConcepts(index)
      .filter((concept) => concept !== at(index, within) && isA(index, concept, within) && test(index.attributesOf(concept)))
      .map((concept) => index.code(concept))
  )

describe("ECL evaluation", () => {
  layer(eclIndexes, { timeout: 120_000 })((it) => {
    it.effect("answers the hierarchy operators as the sample's ground truth says", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        for (const { code, activeDescendants } of expected.descendants as Array<{ code: string; activeDescendants: number }>) {
          expect(codes(sample, `< ${code}`).length).toBe(activeDescendants)
          expect(codes(sample, `<< ${code}`)).toEqual(sorted([code, ...codes(sample, `< ${code}`)]))
        }
        for (const concept of expected.concepts as Array<{ code: string; active: boolean; parents: Array<string> }>) {
          if (!concept.active) continue
          expect(codes(sample, `>! ${concept.code}`)).toEqual(sorted(concept.parents))
          expect(codes(sample, `>>! ${concept.code}`)).toEqual(sorted([concept.code, ...concept.parents]))
          expect(codes(sample, `> ${concept.code}`)).toEqual(
            sorted([...sample.ancestors(at(sample, concept.code))].map((p) => sample.code(p)))
          )
          for (const parent of concept.parents) expect(codes(sample, `<! ${parent}`)).toContain(concept.code)
        }
        expect(codes(sample, "*").length).toBe(expected.counts.activeDescendantsOfRoot + 1)
        expect(codes(sample, "!!> (<< 73211009 OR << 44054006)")).toEqual(["73211009"])
        // Sets whose members' parents answer at once, and sets with a gap below a member (its
        // grandchildren have no parent in the set, yet an ancestor), against the definition.
        for (const ecl of [
          "<< 73211009 OR << 44054006",
          "<! 73211009 OR <! 404684003",
          "73211009 OR (< 73211009 MINUS <! 73211009)",
          "(< 404684003 MINUS <! 404684003) OR <! 73211009"
        ]) {
          const members = result(sample, ecl).concepts
          const tops = [...members].filter(
            (concept) => !members.some((other) => other !== concept && isA(sample, concept, sample.code(other)))
          )
          expect(codes(sample, `!!> (${ecl})`)).toEqual(sorted(tops.map((concept) => sample.code(concept))))
        }
        const diabetes = codes(sample, "<< 73211009")
        const leaves = diabetes.filter((code) => !diabetes.some((other) => other !== code && isA(sample, at(sample, other), code)))
        expect(codes(sample, "!!< (<< 73211009)")).toEqual(leaves)
      })
    )

    it.effect("combines sets with AND, OR and MINUS", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const a = codes(sample, "<< 3021000230102")
        const b = codes(sample, "^ 21000230108")
        expect(codes(sample, "<< 3021000230102 AND ^ 21000230108")).toEqual(a.filter((code) => b.includes(code)))
        expect(codes(sample, "<< 3021000230102 OR ^ 21000230108")).toEqual(sorted([...a, ...b]))
        expect(codes(sample, "<< 3021000230102 MINUS ^ 21000230108")).toEqual(a.filter((code) => !b.includes(code)))
        expect(codes(sample, "(<< 3021000230102 MINUS ^ 21000230108), << 73211009")).toEqual([])
      })
    )

    it.effect("takes reference set members, field values, member filters and the sets containing concepts (^R)", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        for (const { refsetId, activeMembers } of expected.refsets as Array<{ refsetId: string; activeMembers: number }>) {
          expect(codes(sample, `^ ${refsetId}`).length).toBe(activeMembers)
        }
        const icd10 = "999002271000000101"
        const mapped = (test: (fields: ReadonlyArray<string>) => boolean) =>
          codes(sample, `^ ${icd10}`).filter((code) => sample.refsetMembers(icd10, code).some((member) => test(member.fields)))
        const target = sample.refsets.get(icd10)!.columns.indexOf("mapTarget")
        expect(codes(sample, `^ ${icd10} {{ M mapTarget = "I219" }}`)).toEqual(mapped((fields) => fields[target] === "I219"))
        expect(codes(sample, `^ ${icd10} {{ M mapTarget = "I219" }}`)).toContain("22298006")
        expect(codes(sample, `^ ${icd10} {{ M mapTarget = wild:"E11*" }}`)).toEqual(mapped((fields) => fields[target]!.startsWith("E11")))
        const secondGroup = codes(sample, `^ ${icd10} {{ M mapGroup = #2, mapTarget != "N083" }}`)
        expect(secondGroup).toEqual(mapped((fields) => fields[0] === "2" && fields[target] !== "N083"))
        expect(codes(sample, `^ ${icd10} {{ M mapGroup = #2 }}`)).toContain("4181000230104")
        expect(codes(sample, "^ [targetComponentId] 900000000000527005 {{ M referencedComponentId = 9501000230103 }}")).toEqual([
          "22298006"
        ])
        expect(codes(sample, "<< 73211009 AND ^ 21000230108")).toEqual(codes(sample, "^ 21000230108 AND << 73211009"))
        const containing = sorted(
          [...sample.refsets.keys()].filter((id) => sample.refsetConcepts(id).includes(at(sample, "22298006")) && sample.position(id))
        )
        expect(codes(sample, "^R 22298006")).toEqual(containing)
        expect(containing).toContain(icd10)
      })
    )

    it.effect("resolves alternate identifiers through the release's Identifier file and its schemes' names", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const [header, ...rows] = rowsOf(sampleFile(sampleFolder, "sct2_Identifier_"))
        const field = (row: Array<string>, name: string) => row[header!.indexOf(name)]!
        const active = rows.filter((row) => field(row, "active") === "1")
        expect(active.length).toBeGreaterThan(3)
        for (const row of active) {
          const concept = [field(row, "referencedComponentId")]
          const code = field(row, "alternateIdentifier")
          expect(codes(sample, `LOINC#${code}`)).toEqual(concept)
          expect(codes(sample, `"loinc#${code}"`)).toEqual(concept)
          expect(codes(sample, `LOINC#"${code}"`)).toEqual(concept)
          expect(result(sample, `LOINC#${code}`).warnings).toEqual([])
          expect(codes(sample, `<< LOINC#${code}`)).toEqual(codes(sample, `<< ${concept[0]}`))
        }
        const bloodPressure = active.find((row) => field(row, "alternateIdentifier") === "85354-9")!
        expect(codes(sample, "< LOINC#85354-9 |Blood pressure|").length).toBeGreaterThan(0)
        expect(result(sample, "LOINC#85354-9 |Heart rate|").warnings).toEqual([
          `'Heart rate' is not a term of LOINC#85354-9 (concept ${field(bloodPressure, "referencedComponentId")}, 'Blood pressure')`
        ])
        const retired = rows.find((row) => field(row, "active") === "0")!
        const inactive = result(sample, `LOINC#${field(retired, "alternateIdentifier")}`)
        expect([...inactive.concepts]).toEqual([])
        expect(inactive.warnings).toEqual([
          `alternate identifier LOINC#${field(retired, "alternateIdentifier")} is not in this release; it matches nothing`
        ])
        const unknownScheme = result(sample, '"ICD-O#8140/3" OR LOINC#8310-5')
        expect(unknownScheme.concepts.length).toBe(1)
        expect(unknownScheme.warnings[0]).toMatch(/no identifier scheme called 'ICD-O'/)
      })
    )

    it.effect("filters members on active, moduleId and effectiveTime, inactive members included", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const [header, ...rows] = rowsOf(sampleFile(sampleFolder, "der2_Refset_SimpleSnapshot"))
        const field = (row: Array<string>, name: string) => row[header!.indexOf(name)]!
        const register = "21000230108"
        const members = (test: (row: Array<string>) => boolean) =>
          sorted(rows.filter((row) => field(row, "refsetId") === register && test(row)).map((row) => field(row, "referencedComponentId")))
        const retired = members((row) => field(row, "active") === "0")
        expect(retired.length).toBeGreaterThan(0)
        expect(codes(sample, `^ ${register} {{ M active = false }}`)).toEqual(retired)
        expect(codes(sample, `^ ${register} {{ M active = true }}`)).toEqual(codes(sample, `^ ${register}`))
        expect(codes(sample, `^ ${register} {{ M active = * }}`)).toEqual(members(() => true))
        // Without an active filter, a block looks at active members only.
        expect(codes(sample, `^ ${register} {{ M moduleId = 11000230100 }}`)).toEqual(codes(sample, `^ ${register}`))
        expect(codes(sample, `^ ${register} {{ M moduleId = 900000000000207008, active = * }}`)).toEqual([])
        expect(codes(sample, `^ ${register} {{ M moduleId != 900000000000207008, active = * }}`)).toEqual(members(() => true))
        expect(codes(sample, `^ ${register} {{ M effectiveTime >= "20260101", active = * }}`)).toEqual(
          members((row) => field(row, "effectiveTime") >= "20260101")
        )
        expect(codes(sample, `^ ${register} {{ M effectiveTime >= "20260101" }}`)).toEqual(
          members((row) => field(row, "effectiveTime") >= "20260101" && field(row, "active") === "1")
        )
        expect(codes(sample, `^ ${register} {{ M effectiveTime = "20250701" }} {{ M active = * }}`)).toEqual(
          members((row) => field(row, "effectiveTime") === "20250701" && field(row, "active") === "1")
        )
        // Inactive rows of a map keep their fields too.
        const [mapHeader, ...mapRows] = rowsOf(sampleFile(sampleFolder, "der2_iisssciRefset_ExtendedMap"))
        const mapField = (row: Array<string>, name: string) => row[mapHeader!.indexOf(name)]!
        const retiredMaps = mapRows.filter((row) => mapField(row, "active") === "0")
        expect(retiredMaps.length).toBeGreaterThan(0)
        for (const row of retiredMaps) {
          const ecl = `^ ${mapField(row, "refsetId")} {{ M active = false, mapTarget = "${mapField(row, "mapTarget")}" }}`
          expect(codes(sample, ecl)).toContain(mapField(row, "referencedComponentId"))
          expect(codes(sample, ecl.replace("active = false", "active = true"))).not.toContain(mapField(row, "referencedComponentId"))
        }
      })
    )

    it.effect("refines by attributes, counting relationships for cardinality and reading role groups one at a time", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const findingSite = "363698007"
        const morphology = "116676008"
        const count = (attributes: ReturnType<SnomedIndex["attributesOf"]>, type: string, value = (_: string) => true) =>
          attributes.filter((attribute) => attribute.type === type && !attribute.concrete && value(attribute.value)).length
        const under = (ancestor: string) => (code: string) => isA(sample, at(sample, code), ancestor)
        const anatomy = "123037004"
        expect(codes(sample, `< 404684003 : ${findingSite} = *`)).toEqual(
          byAttributes(sample, "404684003", (a) => count(a, findingSite) >= 1)
        )
        const withSite = codes(sample, `< 404684003 : ${findingSite} = << ${anatomy}`)
        expect(withSite).toEqual(byAttributes(sample, "404684003", (a) => count(a, findingSite, under(anatomy)) >= 1))
        expect(withSite.length).toBeGreaterThan(0)
        expect(codes(sample, `< 404684003 : [2..*] ${findingSite} = *`)).toEqual(
          byAttributes(sample, "404684003", (a) => count(a, findingSite) >= 2)
        )
        expect(codes(sample, `< 404684003 : [0..0] ${morphology} = *`)).toEqual(
          byAttributes(sample, "404684003", (a) => count(a, morphology) === 0)
        )
        expect(codes(sample, `< 404684003 : [1..1] ${findingSite} = *, ${morphology} = *`)).toEqual(
          byAttributes(sample, "404684003", (a) => count(a, findingSite) === 1 && count(a, morphology) >= 1)
        )
        expect(codes(sample, `< 404684003 : ${findingSite} = * OR ${morphology} = *`)).toEqual(
          byAttributes(sample, "404684003", (a) => count(a, findingSite) + count(a, morphology) >= 1)
        )
        expect(codes(sample, `< 404684003 : * = << ${anatomy}`)).toEqual(
          byAttributes(sample, "404684003", (a) => a.some((attribute) => !attribute.concrete && under(anatomy)(attribute.value)))
        )
        const inOneGroup = (a: ReturnType<SnomedIndex["attributesOf"]>) =>
          a.some((site) => site.type === findingSite && site.group > 0 && a.some((m) => m.type === morphology && m.group === site.group))
        expect(codes(sample, `< 404684003 : { ${findingSite} = *, ${morphology} = * }`)).toEqual(
          byAttributes(sample, "404684003", inOneGroup)
        )
        expect(codes(sample, `< 404684003 : [0..0] { ${findingSite} = *, ${morphology} = * }`)).toEqual(
          byAttributes(sample, "404684003", (a) => !inOneGroup(a))
        )
        const notAnatomy = codes(sample, `< 404684003 : ${findingSite} != << ${anatomy}`)
        expect(notAnatomy).toEqual(byAttributes(sample, "404684003", (a) => count(a, findingSite, (value) => !under(anatomy)(value)) >= 1))
        // Reverse attributes and dotted attributes are two views of the same relationships.
        const sites = sorted(
          allConcepts(sample)
            .filter((concept) => isA(sample, concept, "404684003"))
            .flatMap((concept) =>
              sample
                .attributesOf(concept)
                .filter((a) => a.type === findingSite)
                .map((a) => a.value)
            )
        )
        expect(codes(sample, `<< 404684003 . ${findingSite}`)).toEqual(sites)
        expect(codes(sample, `* : R ${findingSite} = << 404684003`)).toEqual(sites)
        expect(codes(sample, `(<< 404684003 . ${findingSite}) : R ${findingSite} = *`)).toEqual(sites)
      })
    )

    it.effect(
      "checks a group of plain attributes over value sets held as lists or bitmaps, and !!> over either, as the definitions say",
      () =>
        Effect.gen(function* () {
          const { sample, txSubset } = yield* EclIndexes
          const findingSite = "363698007"
          const morphology = "116676008"
          for (const index of txSubset === undefined ? [sample] : [sample, txSubset]) {
            const under = (ancestor: string) => (code: string) =>
              index.position(ancestor) !== undefined && (code === ancestor || isA(index, at(index, code), ancestor))
            // Small value sets (lists) and the whole anatomy (a bitmap in the sample).
            const sites = [
              ...new Set(
                allConcepts(index).flatMap((concept) =>
                  index
                    .attributesOf(concept)
                    .filter((a) => a.type === findingSite)
                    .map((a) => a.value)
                )
              )
            ]
            for (const site of [...sites.slice(0, 2), "123037004"]) {
              const ecl = `< 404684003 : { ${findingSite} = << ${site}, ${morphology} = * }`
              const wanted = byAttributes(index, "404684003", (a) =>
                a.some(
                  (s) =>
                    s.type === findingSite &&
                    s.group > 0 &&
                    under(site)(s.value) &&
                    a.some((m) => m.type === morphology && m.group === s.group)
                )
              )
              expect(codes(index, ecl), ecl).toEqual(wanted)
              const members = new Set(result(index, `<< ${site} OR << 404684003`).concepts)
              const tops = [...members].filter((concept) => ![...index.ancestors(concept)].some((ancestor) => members.has(ancestor)))
              expect(codes(index, `!!> (<< ${site} OR << 404684003)`)).toEqual(sorted(tops.map((concept) => index.code(concept))))
            }
          }
        })
    )

    it.effect("compares concrete values as numbers", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const strength = "1142135004"
        const withStrength = (test: (value: number) => boolean) =>
          sorted(
            allConcepts(sample)
              .filter((concept) =>
                sample.attributesOf(concept).some((a) => a.concrete && a.type === strength && test(Number(a.value.slice(1))))
              )
              .map((concept) => sample.code(concept))
          )
        expect(codes(sample, `* : ${strength} >= #250`)).toEqual(withStrength((value) => value >= 250))
        expect(codes(sample, `* : ${strength} = #2.5`)).toEqual(withStrength((value) => value === 2.5))
        expect(codes(sample, `* : ${strength} < #100`)).toEqual(withStrength((value) => value < 100))
        expect(codes(sample, `* : ${strength} >= #250`).length).toBeGreaterThan(1)
        expect(codes(sample, `* : ${strength} = "500"`)).toEqual([])
      })
    )

    it.effect("filters by descriptions: term, type, language, dialect and acceptability", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const withTerm = (within: string, test: (term: string, type: string) => boolean) =>
          sorted(
            codes(sample, `<< ${within}`).filter((code) =>
              sample.designations(at(sample, code)).some((d) => d.active && test(d.term, d.type))
            )
          )
        const startsWord = (term: string, prefix: string) => tokens(term).some((word) => word.startsWith(prefix))
        expect(codes(sample, `<< 404684003 {{ term = "diab mell" }}`)).toEqual(
          withTerm("404684003", (term) => startsWord(term, "diab") && startsWord(term, "mell"))
        )
        expect(codes(sample, `<< 404684003 {{ D term = wild:"*itis" }}`)).toEqual(withTerm("404684003", (term) => /itis$/i.test(term)))
        expect(codes(sample, `<< 404684003 {{ term = "disorder", type = fsn }}`)).toEqual(
          withTerm("404684003", (term, type) => type === "fullySpecifiedName" && startsWord(term, "disorder"))
        )
        expect(codes(sample, `<< 404684003 {{ term = ("asthma" "append") }}`)).toEqual(
          withTerm("404684003", (term) => startsWord(term, "asthma") || startsWord(term, "append"))
        )
        expect(codes(sample, `<< 404684003 {{ term = "sjogren" }}`)).toEqual(
          withTerm("404684003", (term) => foldText(term).includes("sjogren"))
        )
        expect(codes(sample, `<< 404684003 {{ language = sv }}`)).toEqual([])
        // Preferred terms that differ between the GB English and UK clinical language reference sets.
        expect(codes(sample, `<< 404684003 {{ term = "hypertension", dialect = en-nhs-clinical (prefer) }}`)).toContain("38341003")
        expect(codes(sample, `<< 404684003 {{ term = "hypertension", dialect = en-gb (prefer) }}`)).not.toContain("38341003")
        expect(codes(sample, `<< 404684003 {{ term = "hypertension", dialectId = 999001261000000100 (prefer) }}`)).toContain("38341003")
        expect(codes(sample, `<< 404684003 {{ term = "stroke", dialect = (en-gb en-nhs-clinical) }}`)).toContain("4371000230103")
        expect(codes(sample, `<< 404684003 {{ term = "diab" }} {{ term = "type 2" }}`)).toEqual(
          withTerm("404684003", (term) => startsWord(term, "type") && startsWord(term, "2")).filter((code) =>
            withTerm("404684003", (term) => startsWord(term, "diab")).includes(code)
          )
        )
        const unknownDialect = result(sample, `<< 404684003 {{ dialect = xx-yy }}`)
        expect([...unknownDialect.concepts]).toEqual([])
        expect(unknownDialect.warnings[0]).toMatch(/xx-yy/)
        // Description ids, modules and effective times, against the index's own description table.
        const descriptions = sample.descriptions
        const ofConcept = (code: string) => [...neighbours(descriptions.byConcept, at(sample, code))]
        const [heartAttack] = ofConcept("22298006")
        expect(codes(sample, `<< 404684003 {{ D id = ${descriptions.ids[heartAttack!]} }}`)).toEqual(["22298006"])
        expect(codes(sample, `<< 22298006 {{ D id != ${descriptions.ids[heartAttack!]} }}`)).toEqual(codes(sample, "<< 22298006"))
        const withDescription = (test: (description: number) => boolean) =>
          codes(sample, "<< 404684003").filter((code) => ofConcept(code).some((d) => descriptions.active[d] === 1 && test(d)))
        const module = sample.concepts.modules[descriptions.module[heartAttack!]!]!
        expect(codes(sample, `<< 404684003 {{ D moduleId = ${module} }}`)).toEqual(
          withDescription((d) => sample.concepts.modules[descriptions.module[d]!] === module)
        )
        const time = descriptions.effectiveTime[heartAttack!]!
        expect(codes(sample, `<< 404684003 {{ D effectiveTime >= "${time}" }}`)).toEqual(
          withDescription((d) => descriptions.effectiveTime[d]! >= time)
        )
      })
    )

    it.effect("filters concepts by definition status, module, effective time and activity", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const truth = expected.concepts as Array<{ code: string; active: boolean; moduleId: string; definitionStatusId: string }>
        const clinical = codes(sample, "<< 404684003")
        const where = (test: (concept: (typeof truth)[number]) => boolean) =>
          sorted(truth.filter((concept) => clinical.includes(concept.code) && test(concept)).map((concept) => concept.code))
        const known = where(() => true)
        const restrict = (ecl: string) => codes(sample, ecl).filter((code) => known.includes(code))
        expect(restrict("<< 404684003 {{ C definitionStatus = defined }}")).toEqual(
          where((c) => c.definitionStatusId === "900000000000073002")
        )
        expect(restrict("<< 404684003 {{ C definitionStatusId = 900000000000074008 }}")).toEqual(
          where((c) => c.definitionStatusId !== "900000000000073002")
        )
        expect(restrict("<< 404684003 {{ C moduleId = 900000000000207008 }}")).toEqual(where((c) => c.moduleId === "900000000000207008"))
        expect(restrict("<< 404684003 {{ C moduleId != 900000000000207008 }}")).toEqual(where((c) => c.moduleId !== "900000000000207008"))
        const inactive = sorted((expected.inactive as Array<{ code: string }>).map((concept) => concept.code))
        const retired = codes(sample, "^ 900000000000489007 {{ C active = false }}")
        expect(retired.filter((code) => inactive.includes(code))).toEqual(inactive.filter((code) => retired.includes(code)))
        expect(retired.length).toBeGreaterThanOrEqual(inactive.length)
        expect(codes(sample, "^ 900000000000489007 {{ C active = 1 }}")).toEqual([])
        expect(codes(sample, "^ 900000000000489007 {{ C active = * }}")).toEqual(codes(sample, "^ 900000000000489007"))
        const times = sorted(clinical.map((code) => sample.effectiveTime(at(sample, code))))
        const [first] = times
        expect(codes(sample, `<< 404684003 {{ C effectiveTime = "${first}" }}`)).toEqual(
          clinical.filter((code) => sample.effectiveTime(at(sample, code)) === first)
        )
        expect(codes(sample, `<< 404684003 {{ C effectiveTime > "${first}" }}`)).toEqual(
          clinical.filter((code) => sample.effectiveTime(at(sample, code)) > first!)
        )
      })
    )

    it.effect("adds inactive concepts through historical associations, by profile", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        expect(codes(sample, "22298006 {{ + HISTORY-MIN }}")).toEqual(["22298006", "9501000230103"])
        expect(codes(sample, "44054006 {{ + HISTORY-MIN }}")).toEqual(["44054006"])
        expect(codes(sample, "44054006 {{ + HISTORY-MOD }}")).toEqual(["44054006", "9521000230109"])
        expect(codes(sample, "3741000230108 {{ + HISTORY-MOD }}")).toEqual(["3741000230108"])
        expect(codes(sample, "3741000230108 {{ + HISTORY }}")).toEqual(["3741000230108", "9511000230101"])
        expect(codes(sample, "3741000230108 {{ + HISTORY-MAX }}")).toEqual(["3741000230108", "9511000230101"])
        expect(codes(sample, "<< 3741000230108 {{ + HISTORY (900000000000523009) }}")).toContain("9511000230101")
        expect(codes(sample, "<< 22298006 {{ + HISTORY (900000000000523009) }}")).not.toContain("9501000230103")
      })
    )

    it.effect("fails on unknown concepts and too costly work, and warns of terms that do not match", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        expect(failure(sample, "< 99999999")).toMatchObject({ _tag: "EclUnknownConcept", id: "99999999", position: 2 })
        expect(failure(sample, "< 404684003 : 363698007 = << 1234567890")).toMatchObject({ _tag: "EclUnknownConcept", position: 29 })
        expect(failure(sample, "<< abc")).toMatchObject({ _tag: "EclSyntaxError", position: 3 })
        const mismatch = result(sample, "22298006 |Heart attack| OR 73211009 |Diabetes mellitus|")
        expect([...mismatch.concepts].map((concept) => sample.code(concept)).sort()).toEqual(["22298006", "73211009"])
        expect(mismatch.warnings).toEqual([])
        const wrong = result(sample, "22298006 |Heart failure|")
        expect(wrong.warnings).toEqual(["'Heart failure' is not a term of concept 22298006 ('Myocardial infarction')"])
        const costly = evaluateEcl(sample, "< 404684003 : * = *", { maxSteps: 100 })
        expect(Either.isLeft(costly) && costly.left._tag).toBe("EclTooCostly")
        const found = result(sample, "<< 73211009")
        expect(found.has(at(sample, "44054006"))).toBe(true)
        expect(found.has(at(sample, "22298006"))).toBe(false)
      })
    )

    it.effect("reads descendants off the hierarchy's depth-first ranges as a breadth-first traversal finds them", () =>
      Effect.gen(function* () {
        const { sample, txSubset } = yield* EclIndexes
        /** Below `starts` (themselves only when reached again), one child at a time. */
        const below = (index: SnomedIndex, starts: ReadonlyArray<number>) => {
          const reached = new Set<number>()
          const pending = starts.flatMap((start) => [...neighbours(index.children, start)])
          while (pending.length > 0) {
            const concept = pending.pop()!
            if (reached.has(concept)) continue
            reached.add(concept)
            pending.push(...neighbours(index.children, concept))
          }
          return [...reached].sort((a, b) => a - b)
        }
        for (const index of txSubset === undefined ? [sample] : [sample, txSubset]) {
          const withChildren = allConcepts(index).filter((concept) => neighbours(index.children, concept).length > 0)
          for (const concept of withChildren) {
            expect([...result(index, `< ${index.code(concept)}`).concepts], index.code(concept)).toEqual(below(index, [concept]))
          }
          // Several starts at once, some below others: a start reached again is in.
          for (let at = 0; at + 2 < withChildren.length; at += 7) {
            const starts = withChildren.slice(at, at + 3)
            const ecl = `< (${starts.map((concept) => index.code(concept)).join(" OR ")})`
            expect([...result(index, ecl).concepts], ecl).toEqual(below(index, starts))
          }
        }
      })
    )

    it.effect("shares costly sub-results between evaluations, with their warnings, and answers as evaluating afresh does", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        // Each costs more steps than the sample has concepts, so it is kept once evaluated.
        const expressions = [
          "< 404684003 : 363698007 = << 2131000230106 |Heart atack|",
          "(< 404684003 : 363698007 = << 2131000230106 |Heart atack|) MINUS << 73211009",
          "* : 363698007 = *",
          '* {{ term = wild:"*it*" }}',
          "< 404684003 : { 363698007 = *, 116676008 = * }"
        ]
        for (const ecl of expressions) {
          const fresh = evaluateEcl(sample, ecl, { reuse: false })
          const first = result(sample, ecl)
          const again = result(sample, ecl)
          expect(Either.isRight(fresh) && [...fresh.right.concepts], ecl).toEqual([...first.concepts])
          expect([...again.concepts], ecl).toEqual([...first.concepts])
          expect(again.warnings, ecl).toEqual(Either.isRight(fresh) ? fresh.right.warnings : [])
        }
        expect(eclTables(sample).results.size).toBeGreaterThan(0)
        // A kept result charges the work it took: the step limit fails the same expressions either way.
        const limited = evaluateEcl(sample, expressions[2]!, { maxSteps: 10 })
        expect(Either.isLeft(limited) && limited.left._tag).toBe("EclTooCostly")
        expect(result(sample, expressions[1]!).warnings).toEqual([
          "'Heart atack' is not a term of concept 2131000230106 ('Heart structure')"
        ])
      })
    )

    it.effect.skipIf(!hasTxSubset)("expands the HL7 ecosystem's sct-ecl cases over the real test subset", () =>
      Effect.gen(function* () {
        const index = (yield* EclIndexes).txSubset!
        const requests = readdirSync(eclCases).filter((file) => file.startsWith("expand-") && file.endsWith("-request.json"))
        expect(requests.length).toBeGreaterThan(20)
        for (const file of requests) {
          const request = JSON.parse(readFileSync(join(eclCases, file), "utf8"))
          const ecl: string = request.parameter[0].resource.compose.include[0].filter[0].value
          const response = JSON.parse(readFileSync(join(eclCases, file.replace("-request", "-response")), "utf8"))
          if (response.resourceType === "OperationOutcome") {
            expect(Either.isLeft(evaluateEcl(index, ecl)), ecl).toBe(true)
            continue
          }
          const wanted = sorted((response.expansion.contains ?? []).map((entry: { code: string }) => entry.code))
          expect(codes(index, ecl), ecl).toEqual(wanted)
        }
      })
    )

    it.effect.skipIf(!hasTxSubset)("filters large sets by term through the word index as a scan would", () =>
      Effect.gen(function* () {
        const index = (yield* EclIndexes).txSubset!
        const all = codes(index, "*")
        expect(all.length).toBeGreaterThan(2_000)
        const scan = all.filter((code) =>
          index
            .designations(at(index, code))
            .some(
              (d) =>
                d.active && tokens(d.term).some((word) => word.startsWith("liver")) && tokens(d.term).some((w) => w.startsWith("struct"))
            )
        )
        expect(codes(index, `* {{ term = "struct liver" }}`)).toEqual(sorted(scan))
        expect(scan.length).toBeGreaterThan(0)
      })
    )

    it.effect.skipIf(!hasTxSubset)("filters the MRCM reference sets' members by their fields", () =>
      Effect.gen(function* () {
        const index = (yield* EclIndexes).txSubset!
        const [header, ...rows] = rowsOf(
          join(txSubsetFolder, "Refset", "Metadata", "der2_cissccRefset_MRCMAttributeDomainSnapshot_INT_20250909.txt")
        )
        const field = (row: Array<string>, name: string) => row[header!.indexOf(name)]!
        const procedureAttributes = sorted(
          rows
            .filter((row) => field(row, "active") === "1" && field(row, "domainId") === "71388002")
            .map((row) => field(row, "referencedComponentId"))
        )
        expect(procedureAttributes.length).toBeGreaterThan(5)
        expect(codes(index, "^ 723561005 {{ M domainId = 71388002 |Procedure| }}")).toEqual(procedureAttributes)
        // Attributes that are never grouped, by a string field.
        const ungrouped = sorted(
          rows
            .filter((row) => field(row, "active") === "1" && field(row, "grouped") === "0")
            .map((row) => field(row, "referencedComponentId"))
        )
        expect(codes(index, `^ 723561005 {{ M grouped = "0" }}`)).toEqual(ungrouped)
      })
    )

    it.effect.skipIf(!hasTxSubset)("filters large sets by wild: term through the words containing its fragment as a scan would", () =>
      Effect.gen(function* () {
        const index = (yield* EclIndexes).txSubset!
        const all = codes(index, "*")
        const scan = (pattern: RegExp, type?: string) =>
          sorted(
            all.filter((code) =>
              index.designations(at(index, code)).some((d) => d.active && pattern.test(d.term) && (type === undefined || d.type === type))
            )
          )
        // Inside words, across a word boundary, in capitals, anchored at the start, and with a type filter checked first.
        const itis = scan(/itis/i)
        expect(itis.length).toBeGreaterThan(10)
        expect(codes(index, `* {{ term = wild:"*ITIS*" }}`)).toEqual(itis)
        expect(codes(index, `* {{ term = wild:"*of liv*" }}`)).toEqual(scan(/of liv/i))
        expect(codes(index, `* {{ term = wild:"hepat*" }}`)).toEqual(scan(/^hepat/i))
        expect(codes(index, `* {{ term = (wild:"*itis" wild:"*ectomy*"), type = fsn }}`)).toEqual(
          sorted([...scan(/itis$/i, "fullySpecifiedName"), ...scan(/ectomy/i, "fullySpecifiedName")])
        )
        expect(codes(index, `* {{ term = wild:"*a*b*c*" }}`)).toEqual(scan(/a.*b.*c/is))
      })
    )
  })
})
