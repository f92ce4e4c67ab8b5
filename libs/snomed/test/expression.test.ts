import { describe, expect, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import {
  checkExpression,
  expressionChildren,
  expressionMatchesEcl,
  expressionParents,
  expressionProperties,
  expressionSubsumedBy,
  parseExpression,
  renderExpression,
  type SnomedExpression
} from "../src/expression/Expression"
import type { SnomedIndex } from "../src/index/SnomedIndex"
import { languageRefsets } from "../src/provider"
import { EclIndexes, eclIndexes, hasTxSubset } from "./ecl-indexes"
import { sharedFolder } from "./sample"

const sctCases = join(sharedFolder, "fixtures", "tx-ecosystem", "sct")
const hasSctCases = existsSync(sctCases)
if (!hasTxSubset || !hasSctCases) {
  console.warn("../shared/fixtures (tx-subset or tx-ecosystem/sct) is absent: the expression tests on the HL7 cases are skipped.")
}

const parsed = (text: string): SnomedExpression => {
  const result = parseExpression(text)
  if (Either.isLeft(result)) throw new Error(`${text}: ${result.left.message}`)
  return result.right
}
const at = (index: SnomedIndex, code: string) => index.position(code)!
const codes = (index: SnomedIndex, concepts: ReadonlyArray<number>) => concepts.map((concept) => index.code(concept)).sort()
const matches = (index: SnomedIndex, ecl: string, expression: string) => {
  const result = expressionMatchesEcl(index, ecl, parsed(expression))
  if (Either.isLeft(result)) throw new Error(`${ecl}: ${result.left.message}`)
  return result.right
}
const eclFailure = (index: SnomedIndex, ecl: string, expression: string) => {
  const result = expressionMatchesEcl(index, ecl, parsed(expression))
  if (Either.isRight(result)) throw new Error(`${ecl} matched`)
  return result.left
}

type Parameter = { name: string; valueCode?: string; valueString?: string; valueBoolean?: boolean; resource?: any; part?: Array<Parameter> }
const readParameters = (path: string): Array<Parameter> => JSON.parse(readFileSync(path, "utf8")).parameter
const parameter = (parameters: Array<Parameter>, name: string) => parameters.find((candidate) => candidate.name === name)

// Sample concepts: myocardial infarction has one role group {morphology infarct, finding site heart}.
const infarction = "22298006"
const ischaemicHeartDisease = "3041000230106"
const findingSite = "363698007"
const morphology = "116676008"
const heart = "2131000230106"
const cardiacChamber = "2151000230102"
const coronaryArtery = "2231000230101"
const infarct = "2781000230109"
const paracetamol500 = "8521000230103"
const strengthNumerator = "1142135004"
const strengthUnit = "732945000"

describe("SNOMED CT expressions over a release", () => {
  layer(eclIndexes, { timeout: 120_000 })((it) => {
    it.effect("reports unknown and inactive concepts once each, where first written", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        expect(checkExpression(sample, parsed(`${infarction}:{${findingSite}=${heart}}`))).toEqual([])
        const text = `${infarction} : ${findingSite} = 240280071, { ${findingSite} = (9501000230103 : 240280071 = ${heart}) }`
        expect(checkExpression(sample, parsed(text))).toEqual([
          { kind: "unknown", id: "240280071", position: text.indexOf("240280071"), message: "Concept 240280071 not found" },
          { kind: "inactive", id: "9501000230103", position: text.indexOf("9501000230103"), message: "Concept 9501000230103 is inactive" }
        ])
      })
    )

    it.effect("renders the compact display with preferred terms, the written term or the bare id where the release has none", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const refsets = languageRefsets(sample, [])
        expect(renderExpression(sample, parsed(`${infarction} |Heart attack| : { ${findingSite} = ${cardiacChamber} }`), refsets)).toBe(
          `${infarction}|Myocardial infarction|:{${findingSite}|Finding site|=${cardiacChamber}|Cardiac chamber structure|}`
        )
        expect(
          renderExpression(
            sample,
            parsed(
              `<<< ${infarction} + 240280071 |Made up| : ${findingSite} = 240280072, ${strengthNumerator} = #1.50 { ${findingSite} = (${heart}) }`
            ),
            refsets
          )
        ).toBe(
          `<<<${infarction}|Myocardial infarction|+240280071|Made up|:${findingSite}|Finding site|=240280072,${strengthNumerator}|Has presentation strength numerator value|=#1.50,{${findingSite}|Finding site|=(${heart}|Heart structure|)}`
        )
      })
    )

    it.effect("lists the refinement's attributes and the focus concept's that it does not make redundant", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        // A more specific site replaces the heart, and the infarct joins its group.
        expect(expressionProperties(sample, parsed(`${infarction}:{${findingSite}=${cardiacChamber}}`))).toEqual([
          { group: 1, type: findingSite, value: cardiacChamber, concrete: false },
          { group: 1, type: morphology, value: infarct, concrete: false }
        ])
        // A site that is not more specific adds to the heart: the focus concept's group stays whole.
        expect(expressionProperties(sample, parsed(`${infarction}:{${findingSite}=${paracetamol500}}`))).toEqual([
          { group: 1, type: findingSite, value: paracetamol500, concrete: false },
          { group: 2, type: morphology, value: infarct, concrete: false },
          { group: 2, type: findingSite, value: heart, concrete: false }
        ])
        // Ungrouped, the new site stays ungrouped; the rest of the focus concept's group keeps its own number.
        expect(expressionProperties(sample, parsed(`${infarction}:${findingSite}=(${cardiacChamber}:${morphology}=${infarct})`))).toEqual([
          { group: 0, type: findingSite, value: `${cardiacChamber}:${morphology}=${infarct}`, concrete: false },
          { group: 1, type: morphology, value: infarct, concrete: false }
        ])
        expect(expressionProperties(sample, parsed(`${paracetamol500}:{${strengthNumerator}=#250}`))).toContainEqual({
          group: 1,
          type: strengthNumerator,
          value: "#250",
          concrete: true
        })
        expect(expressionProperties(sample, parsed(`${paracetamol500}:{${strengthNumerator}=#250}`))).not.toContainEqual(
          expect.objectContaining({ value: "#500" })
        )
      })
    )

    it.effect("places the expression under its focus concepts", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const expression = parsed(`${infarction}:{${findingSite}=${cardiacChamber}}`)
        expect(codes(sample, expressionParents(sample, expression))).toEqual([ischaemicHeartDisease])
        expect(codes(sample, expressionChildren(sample, expression))).toEqual(["3061000230107", "3091000230104"])
        expect(expressionSubsumedBy(sample, expression, at(sample, ischaemicHeartDisease))).toBe(true)
        expect(expressionSubsumedBy(sample, expression, at(sample, infarction))).toBe(true)
        expect(expressionSubsumedBy(sample, expression, at(sample, "73211009"))).toBe(false)
        // A conjunction is below each of its focus concepts.
        expect(expressionSubsumedBy(sample, parsed(`${infarction} + 73211009`), at(sample, "73211009"))).toBe(true)
      })
    )

    it.effect("matches ECL with the expression as a concept below its focus concepts", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const refined = `${infarction}:{${findingSite}=${cardiacChamber}}`
        expect(matches(sample, `<< ${infarction}`, refined)).toBe(true)
        expect(matches(sample, `< ${infarction}`, refined)).toBe(true)
        expect(matches(sample, `< ${ischaemicHeartDisease}`, refined)).toBe(true)
        expect(matches(sample, "*", refined)).toBe(true)
        expect(matches(sample, `< 73211009`, refined)).toBe(false)
        expect(matches(sample, infarction, refined)).toBe(false)
        expect(matches(sample, `<! ${infarction}`, refined)).toBe(false)
        expect(matches(sample, `> ${infarction}`, refined)).toBe(false)
        // Nothing is below the expression; its focus concept is above it.
        expect(matches(sample, `!!< (<< ${ischaemicHeartDisease})`, refined)).toBe(true)
        expect(matches(sample, `!!> (<< ${ischaemicHeartDisease})`, refined)).toBe(false)
        expect(matches(sample, `!!> (<< ${infarction} MINUS ${infarction})`, refined)).toBe(true)
        expect(matches(sample, `<< ${infarction} MINUS < ${ischaemicHeartDisease}`, refined)).toBe(false)
        expect(matches(sample, `<< ${infarction} OR << 73211009`, refined)).toBe(true)
        expect(matches(sample, `<< ${infarction} AND << 73211009`, refined)).toBe(false)
        expect(matches(sample, `^ 21000230108`, refined)).toBe(false)
        expect(matches(sample, `(<< ${infarction}).${findingSite}`, refined)).toBe(false)
        // One concept written as an expression is that concept.
        expect(matches(sample, infarction, `${infarction} |Heart attack|`)).toBe(true)
        expect(matches(sample, `< ${infarction}`, `${infarction} |Heart attack|`)).toBe(false)
        expect(matches(sample, `< ${infarction}`, `<<< ${infarction}`)).toBe(true)
      })
    )

    it.effect("answers refinements from the refinement's attributes and the focus concept's left", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const refined = `${infarction}:{${findingSite}=${cardiacChamber}}`
        expect(matches(sample, `< ${ischaemicHeartDisease} : ${findingSite} = << ${heart}`, refined)).toBe(true)
        expect(matches(sample, `< ${ischaemicHeartDisease} : ${findingSite} = ${heart}`, refined)).toBe(false)
        expect(matches(sample, `< ${ischaemicHeartDisease} : { ${findingSite} = << ${heart}, ${morphology} = ${infarct} }`, refined)).toBe(
          true
        )
        expect(matches(sample, `< ${ischaemicHeartDisease} : [1..1] ${findingSite} = *`, refined)).toBe(true)
        expect(matches(sample, `< ${ischaemicHeartDisease} : [2..*] ${findingSite} = *`, refined)).toBe(false)
        expect(matches(sample, `< ${ischaemicHeartDisease} : ${findingSite} != ${cardiacChamber}`, refined)).toBe(false)
        expect(matches(sample, `< ${ischaemicHeartDisease} : [0..0] ${findingSite} = ${coronaryArtery}`, refined)).toBe(true)
        expect(matches(sample, `< ${ischaemicHeartDisease} : R ${findingSite} = *`, refined)).toBe(false)
        expect(matches(sample, `< ${ischaemicHeartDisease} : 116680003 = ${infarction}`, refined)).toBe(true)
        // Ungrouped, the site is a group of its own: the infarct is not in it.
        const ungrouped = `${infarction}:${findingSite}=${cardiacChamber}`
        expect(
          matches(sample, `< ${ischaemicHeartDisease} : { ${findingSite} = << ${heart}, ${morphology} = ${infarct} }`, ungrouped)
        ).toBe(false)
        expect(matches(sample, `< ${ischaemicHeartDisease} : [2..2] { ${findingSite} = << ${heart} }`, ungrouped)).toBe(false)
        expect(matches(sample, `< ${ischaemicHeartDisease} : [1..1] { ${findingSite} = << ${heart} }`, ungrouped)).toBe(true)
        // Nested values are placed the same way.
        const nested = `${infarction}:${findingSite}=(${cardiacChamber}:${morphology}=${infarct})`
        expect(matches(sample, `< ${infarction} : ${findingSite} = < ${heart}`, nested)).toBe(true)
        expect(matches(sample, `< ${infarction} : ${findingSite} = (< ${heart} : ${morphology} = *)`, nested)).toBe(true)
        expect(matches(sample, `< ${infarction} : ${findingSite} = ${cardiacChamber}`, nested)).toBe(false)
      })
    )

    it.effect("compares concrete values and applies concept filters to the expression", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const stronger = `${paracetamol500}:{${strengthNumerator}=#750}`
        expect(matches(sample, `<< ${paracetamol500} : ${strengthNumerator} = #750`, stronger)).toBe(true)
        expect(matches(sample, `<< ${paracetamol500} : ${strengthNumerator} > #500`, stronger)).toBe(true)
        expect(matches(sample, `<< ${paracetamol500} : ${strengthNumerator} = #500`, stronger)).toBe(false)
        expect(matches(sample, `<< ${paracetamol500} : ${strengthNumerator} = "750"`, stronger)).toBe(false)
        const texts = `${paracetamol500}:${strengthNumerator}="Half \\"tab\\"", ${strengthUnit}=true`
        expect(matches(sample, `* : ${strengthNumerator} = "half \\"TAB\\""`, texts)).toBe(true)
        expect(matches(sample, `* : ${strengthNumerator} = wild:"Half*"`, texts)).toBe(true)
        expect(matches(sample, `* : ${strengthUnit} = true`, texts)).toBe(true)
        expect(matches(sample, `* : ${strengthUnit} = false`, texts)).toBe(false)

        const refined = `${infarction}:{${findingSite}=${cardiacChamber}}`
        expect(matches(sample, `<< ${infarction} {{ C definitionStatus = defined }}`, refined)).toBe(true)
        expect(matches(sample, `<< ${infarction} {{ C definitionStatus = primitive }}`, `<<< ${refined}`)).toBe(true)
        expect(matches(sample, `<< ${infarction} {{ C active = true }}`, refined)).toBe(true)
        expect(matches(sample, `<< ${infarction} {{ C active = true }}`, `${infarction}:{${findingSite}=9501000230103}`)).toBe(false)
        expect(matches(sample, `<< ${infarction} {{ C moduleId = 900000000000207008 }}`, refined)).toBe(false)
        expect(matches(sample, `<< ${infarction} {{ D term = "infarction" }}`, refined)).toBe(false)
      })
    )

    it.effect("fails as ECL evaluation would", () =>
      Effect.gen(function* () {
        const { sample } = yield* EclIndexes
        const refined = `${infarction}:{${findingSite}=${cardiacChamber}}`
        // Even where the first operand already answers.
        const ecl = `<< ${infarction} OR << 240280071`
        expect(eclFailure(sample, ecl, refined)).toMatchObject({
          _tag: "EclUnknownConcept",
          id: "240280071",
          position: ecl.indexOf("240280071")
        })
        expect(eclFailure(sample, `<< ${infarction} OR`, refined)).toMatchObject({ _tag: "EclSyntaxError" })
        expect(Either.isLeft(expressionMatchesEcl(sample, `< ${ischaemicHeartDisease} : * = *`, parsed(refined), { maxSteps: 1 }))).toBe(
          true
        )
      })
    )

    it.effect.skipIf(!hasTxSubset || !hasSctCases)("agrees with the HL7 validate-code-ecl expression cases over the real test subset", () =>
      Effect.gen(function* () {
        const index = (yield* EclIndexes).txSubset!
        const refsets = languageRefsets(index, [])
        const requests = readdirSync(join(sctCases, "ecl")).filter((file) =>
          /^validate-code-ecl-.*-expr-(in|out)-request\.json$/.test(file)
        )
        expect(requests.length).toBeGreaterThan(20)
        for (const file of requests) {
          const request = readParameters(join(sctCases, "ecl", file))
          const response = readParameters(join(sctCases, "ecl", file.replace("-request", "-response")))
          const code = parameter(request, "code")!.valueCode!
          const ecl: string = parameter(request, "valueSet")!.resource.compose.include[0].filter[0].value
          const expression = parsed(code)
          expect(checkExpression(index, expression), code).toEqual([])
          expect(renderExpression(index, expression, refsets), code).toBe(parameter(response, "display")!.valueString)
          expect(matches(index, ecl, code), `${file}: ${ecl} ∋ ${code}`).toBe(parameter(response, "result")!.valueBoolean)
        }
      })
    )

    it.effect.skipIf(!hasTxSubset || !hasSctCases)("checks, renders and looks up the HL7 post-coordination cases", () =>
      Effect.gen(function* () {
        const index = (yield* EclIndexes).txSubset!
        const refsets = languageRefsets(index, [])
        for (const name of [
          "validate-code-procedure-pc-good",
          "validate-code-pc-list",
          "validate-code-pc-list-bad",
          "validate-code-pc-none"
        ]) {
          const code = parameter(readParameters(join(sctCases, `${name}-request.json`)), "code")!.valueCode!
          const response = readParameters(join(sctCases, `${name}-response.json`))
          expect(checkExpression(index, parsed(code)), name).toEqual([])
          expect(renderExpression(index, parsed(code), refsets), name).toBe(parameter(response, "display")!.valueString)
        }
        const bad = parameter(readParameters(join(sctCases, "validate-code-procedure-pc-bad1-request.json")), "code")!.valueCode!
        const outcome = parameter(readParameters(join(sctCases, "validate-code-procedure-pc-bad1-response.json")), "issues")!.resource
        expect(checkExpression(index, parsed(bad)).map((problem) => `Not a valid expression: ${problem.message}`)).toEqual([
          outcome.issue[1].details.text
        ])

        const lookup = parsed(parameter(readParameters(join(sctCases, "lookup-procedure-pc-request.json")), "code")!.valueCode!)
        const properties = readParameters(join(sctCases, "lookup-procedure-pc-response.json"))
          .filter((candidate) => candidate.name === "property")
          .map((property) => ({
            code: parameter(property.part!, "code")!.valueCode!,
            value: parameter(property.part!, "value")!.valueCode
          }))
        const valuesOf = (code: string) => properties.filter((property) => property.code === code).map((property) => property.value!)
        expect(codes(index, expressionParents(index, lookup))).toEqual(valuesOf("parent").sort())
        expect(codes(index, expressionChildren(index, lookup))).toEqual(valuesOf("child").sort())
        expect(
          expressionProperties(index, lookup)
            .map(({ type, value }) => `${type}=${value}`)
            .sort()
        ).toEqual(
          properties
            .filter((property) => /^\d+$/.test(property.code))
            .map(({ code, value }) => `${code}=${value}`)
            .sort()
        )

        // sct-pc-none: an expression below the value set's concept, refused there only because expressions are.
        const none = parameter(readParameters(join(sctCases, "validate-code-pc-none-request.json")), "code")!.valueCode!
        expect(expressionSubsumedBy(index, parsed(none), at(index, "128241005"))).toBe(true)
      })
    )
  })
})
