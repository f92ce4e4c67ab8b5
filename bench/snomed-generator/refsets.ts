// Content of the history and map refsets: why an inactive concept was inactivated and what
// replaces it, ICD-10 extended map rows, and simple map targets.
import { HIERARCHIES, HIERARCHY_INDEX, Sct, effectiveTime } from "./metadata.ts"
import { MAX_PARENTS, type Model } from "./model.ts"
import { type Rng } from "./random.ts"
import { baseTerm, fsnOf, semanticTag } from "./terms.ts"

// ---------------------------------------------------------------- inactivation

export interface AssociationRow {
  readonly refsetId: string
  readonly target: number
  readonly active: boolean
}

export interface Inactivation {
  readonly indicator: string
  readonly effectiveTime: string
  readonly associations: readonly AssociationRow[]
}

const REASONS: readonly (readonly [indicator: string, weight: number, association: string | undefined, targets: number])[] = [
  [Sct.duplicate, 30, Sct.sameAs, 1],
  [Sct.outdated, 34, Sct.replacedBy, 1],
  [Sct.erroneous, 10, Sct.replacedBy, 1],
  [Sct.classificationDerived, 4, Sct.replacedBy, 1],
  [Sct.ambiguous, 10, Sct.possiblyEquivalentTo, 3],
  [Sct.limited, 5, Sct.wasA, 1],
  [Sct.movedElsewhere, 7, undefined, 0]
]

/** Why inactive concept i was inactivated and what replaces it (active concepts of the same hierarchy). */
export function inactivationOf(model: Model, i: number, rng: Rng): Inactivation {
  const [indicator, , association, maxTargets] = REASONS[rng.weighted(REASONS.map((r) => r[1]))]!
  const when = effectiveTime(rng, true)
  const associations: AssociationRow[] = []
  if (association !== undefined) {
    const former = model.parents[i * MAX_PARENTS]!
    const targets = new Set<number>()
    const count = 1 + rng.int(maxTargets)
    for (let k = 0; k < count * 2 && targets.size < count; k++) {
      // Usually a former sibling, otherwise the former parent itself.
      const from = model.childStart[former]!
      const siblings = model.childStart[former + 1]! - from
      targets.add(association === Sct.wasA || siblings === 0 || rng.chance(0.2) ? former : model.children[from + rng.int(siblings)]!)
    }
    for (const target of targets) associations.push({ refsetId: association, target, active: true })
    // Now and then an earlier association that was later retired.
    if (rng.chance(0.08)) associations.push({ refsetId: Sct.replacedBy, target: former, active: false })
  }
  return { indicator, effectiveTime: when, associations }
}

// ---------------------------------------------------------------- ICD-10 map

export interface MapRow {
  readonly active: boolean
  readonly group: number
  readonly priority: number
  readonly rule: string
  readonly advice: string
  readonly target: string
  readonly category: string
}

const ICD_CHAPTERS = "ABCDEFGHIJKLMNOPQRSTVWXYZ"
const MAPPED = { finding: 0.85, situation: 0.6, event: 0.7 } as const
const INACTIVE_MAPPED = 0.4
const ADDITIONAL_CODE = " | POSSIBLE REQUIREMENT FOR ADDITIONAL CODE TO FULLY DESCRIBE DISEASE OR CONDITION"
const CONTEXT = " | MAP OF SOURCE CONCEPT IS CONTEXT DEPENDENT"
const CANNOT = "MAP SOURCE CONCEPT CANNOT BE CLASSIFIED WITH AVAILABLE DATA"

/** An ICD-10 code, dotted (as in advice) and undotted UK-style (as a target: I21.9 → I219, A09 → A09X). */
function icdCode(rng: Rng, chapter: string, block: number): [dotted: string, target: string] {
  const three = `${chapter}${String((block + rng.int(8)) % 100).padStart(2, "0")}`
  if (rng.chance(0.2)) return [three, `${three}X`]
  const fourth = String(rng.int(10))
  return [`${three}.${fourth}`, three + fourth]
}

/** The ICD-10 map rows of concept i: empty for concepts outside findings, situations and events. */
export function icd10MapOf(model: Model, i: number, rng: Rng): MapRow[] {
  const key = HIERARCHIES[model.hierarchy[i]!]?.key
  if (model.isFixed(i) || (key !== "finding" && key !== "situation" && key !== "event")) return []
  const active = model.active[i] === 1
  if (!rng.chance(active ? MAPPED[key] : INACTIVE_MAPPED)) return []
  // Codes cluster by the concept's ancestor at depth 2, like a chapter of the classification.
  let top = i
  while (model.depth[top]! > 2) top = model.parents[top * MAX_PARENTS]!
  const chapter = ICD_CHAPTERS[top % ICD_CHAPTERS.length]!
  const block = (top * 37) % 100
  const rows: MapRow[] = []
  const row = (group: number, priority: number, rule: string, advice: string, target: string, category: string) =>
    rows.push({ active, group, priority, rule, advice, target, category })
  const pattern = rng.weighted([60, 10, 6, 5, 4, 7, 8])
  const [dotted, target] = icdCode(rng, chapter, block)
  switch (pattern) {
    case 0:
      row(1, 1, "TRUE", `ALWAYS ${dotted}`, target, Sct.mapProperlyClassified)
      break
    case 1:
      row(1, 1, "TRUE", `ALWAYS ${dotted}${ADDITIONAL_CODE}`, target, Sct.mapProperlyClassified)
      break
    case 2: {
      const [d2, t2] = icdCode(rng, "Y", 40)
      row(1, 1, "TRUE", `ALWAYS ${dotted}`, target, Sct.mapProperlyClassified)
      row(2, 1, "TRUE", `ALWAYS ${d2} | POSSIBLE REQUIREMENT FOR AN EXTERNAL CAUSE CODE`, t2, Sct.mapProperlyClassified)
      break
    }
    case 3: {
      const [male, tm] = icdCode(rng, "N", 40)
      const [female, tf] = icdCode(rng, "N", 80)
      row(1, 1, `IFA ${Sct.male} | Male (finding) |`, `IF MALE CHOOSE ${male}${CONTEXT}`, tm, Sct.mapContextDependent)
      row(1, 2, `IFA ${Sct.female} | Female (finding) |`, `IF FEMALE CHOOSE ${female}${CONTEXT}`, tf, Sct.mapContextDependent)
      row(1, 3, "OTHERWISE TRUE", `OTHERWISE ${dotted}`, target, Sct.mapContextDependent)
      break
    }
    case 4: {
      const [young, ty] = icdCode(rng, "P", 10)
      row(
        1,
        1,
        `IFA ${Sct.ageAtOnset} | Age at onset of clinical finding (observable entity) | < 28.0 days`,
        `IF AGE AT ONSET OF CLINICAL FINDING BEFORE 28.0 DAYS CHOOSE ${young}${CONTEXT}`,
        ty,
        Sct.mapContextDependent
      )
      row(1, 2, "OTHERWISE TRUE", `ALWAYS ${dotted}`, target, Sct.mapProperlyClassified)
      break
    }
    case 5: {
      // Context from another finding: "IFA <id> | <FSN> |".
      const other = model.randomActive("finding", rng, i)
      const [d2, t2] = icdCode(rng, chapter, block)
      const name = baseTerm(model, other).text.toUpperCase()
      row(1, 1, `IFA ${model.ids[other]!} | ${fsnOf(model, other)} |`, `IF ${name} CHOOSE ${d2}${CONTEXT}`, t2, Sct.mapContextDependent)
      if (rng.chance(0.5)) row(1, 2, "OTHERWISE TRUE", `ALWAYS ${dotted}`, target, Sct.mapProperlyClassified)
      else row(1, 2, "OTHERWISE TRUE", CANNOT, "", Sct.mapCannotBeClassified)
      if (rng.chance(0.3)) {
        const [d3, t3] = icdCode(rng, ICD_CHAPTERS[(top + 3) % ICD_CHAPTERS.length]!, block)
        row(2, 1, "TRUE", `ALWAYS ${d3}`, t3, Sct.mapProperlyClassified)
      }
      break
    }
    default:
      row(1, 1, "TRUE", CANNOT, "", Sct.mapCannotBeClassified)
  }
  return rows
}

// ---------------------------------------------------------------- simple maps

const CTV3_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const CTV3_MAPPED = 0.75

/** Simple map targets of concept i: [refsetId, target][] (a CTV3 code; ICD-O for morphologies). */
export function simpleMapsOf(model: Model, i: number, rng: Rng): (readonly [string, string])[] {
  if (model.isFixed(i)) return []
  const out: (readonly [string, string])[] = []
  if (rng.chance(CTV3_MAPPED)) {
    let code = rng.chance(0.4) ? "X" : CTV3_CHARS[rng.int(CTV3_CHARS.length)]!
    while (code.length < 5) code += CTV3_CHARS[rng.int(CTV3_CHARS.length)]!
    out.push([Sct.ctv3Map, code])
  }
  if (model.hierarchy[i] === HIERARCHY_INDEX.body && semanticTag(model, i) === "morphologic abnormality") {
    out.push([Sct.icdoMap, `${8000 + rng.int(1800)}/${rng.pick(["0", "1", "2", "3", "3", "6", "9"])}`])
  }
  return out
}
