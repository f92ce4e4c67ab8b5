import { describe, expect, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { sayInEnglish } from "@ffynnon/terminology"
import { mrcmViolations, parseExpression, releaseMrcm } from "../src/expression/Expression"
import type { SnomedIndex } from "../src/index/SnomedIndex"
import { EclIndexes, eclIndexes, hasTxSubset } from "./ecl-indexes"

if (!hasTxSubset) console.warn("../shared/fixtures/snomed/tx-subset is absent: the MRCM tests are skipped.")

// Real International content: the HL7 test subset carries the MRCM attribute domain and range reference sets.
const liverInflammation = "128241005"
const entireLiver = "181268008"
const heart = "80891009"
const findingSite = "363698007"
const procedureSiteDirect = "405813007"
const laterality = "272741003"
const right = "24028007"
const procedure = "71388002"
const strengthNumerator = "1142135004"
const product = "329238006"

const violations = (index: SnomedIndex, text: string) => {
  const parsed = parseExpression(text)
  if (Either.isLeft(parsed)) throw new Error(`${text}: ${parsed.left.message}`)
  return mrcmViolations(index, parsed.right).map(({ position, said }) => ({
    at: /^[^,:={}]+/.exec(text.slice(position))![0],
    message: sayInEnglish(said)
  }))
}

describe.runIf(hasTxSubset)("MRCM", () => {
  layer(eclIndexes, { timeout: 120_000 })((it) => {
    it.effect("reads the attribute domains and ranges that apply to post-coordinated expressions", () =>
      Effect.gen(function* () {
        const index = (yield* EclIndexes).txSubset!
        const model = releaseMrcm(index)!
        const site = index.position(findingSite)!
        expect(model.domains.get(site)).toEqual([
          { domain: index.position("404684003"), grouped: true, maxInGroup: 1, maxUngrouped: Number.POSITIVE_INFINITY }
        ])
        expect(model.ranges.get(site)!.map(({ text }) => text)).toEqual([
          "<< 442083009 |Anatomical or acquired body structure (body structure)|"
        ])
        // Laterality's rule for ingredients is optional (723598006): only the mandatory one counts.
        expect(model.domains.get(index.position(laterality)!)!.map(({ domain }) => index.code(domain))).toEqual(["91723000"])
      })
    )

    it.effect("accepts an expression that follows the concept model", () =>
      Effect.gen(function* () {
        const index = (yield* EclIndexes).txSubset!
        expect(violations(index, `${liverInflammation}:{${findingSite}=${entireLiver}}`)).toEqual([])
        expect(violations(index, `${liverInflammation}:${findingSite}=${entireLiver}`)).toEqual([])
        expect(violations(index, `${product}:{${strengthNumerator}=#250}`)).toEqual([])
      })
    )

    it.effect("names an attribute used outside its domain, a value outside its range and a role group too full", () =>
      Effect.gen(function* () {
        const index = (yield* EclIndexes).txSubset!
        expect(violations(index, `${liverInflammation}:{${procedureSiteDirect}=${entireLiver}}`)).toEqual([
          {
            at: procedureSiteDirect,
            message: `${procedureSiteDirect} |Procedure site - Direct| is not allowed on ${liverInflammation} |Inflammatory disease of liver|: its domain is ${procedure} |Procedure|`
          }
        ])
        expect(violations(index, `${liverInflammation}:{${findingSite}=${right}}`)).toEqual([
          {
            at: right,
            message: `the value of ${findingSite} |Finding site| is outside its range in the concept model (<< 442083009 |Anatomical or acquired body structure (body structure)|)`
          }
        ])
        expect(violations(index, `${liverInflammation}:{${findingSite}=${entireLiver},${findingSite}=${heart}}`)).toEqual([
          { at: findingSite, message: `${findingSite} |Finding site| appears 2 times in one role group; the concept model allows 1` }
        ])
      })
    )

    it.effect("checks concrete values against their kind and bounds, and nested expressions as expressions", () =>
      Effect.gen(function* () {
        const index = (yield* EclIndexes).txSubset!
        const range = `the value of ${strengthNumerator} |Has presentation strength numerator value| is outside its range in the concept model (dec(>#0..))`
        expect(violations(index, `${product}:{${strengthNumerator}=#0}`)).toEqual([{ at: "#0", message: range }])
        expect(violations(index, `${product}:{${strengthNumerator}="250"}`)).toEqual([{ at: '"250"', message: range }])
        expect(violations(index, `${product}:{${strengthNumerator}=${heart}}`)).toEqual([{ at: heart, message: range }])
        // The nested value is a body structure refined with an attribute that body structures do not have.
        const nested = violations(index, `${liverInflammation}:{${findingSite}=(${entireLiver}:${findingSite}=${heart})}`)
        expect(nested.map(({ message }) => message)).toEqual([
          `${findingSite} |Finding site| is not allowed on ${entireLiver} |Entire liver|: its domain is 404684003 |Clinical finding|`
        ])
      })
    )
  })
})
