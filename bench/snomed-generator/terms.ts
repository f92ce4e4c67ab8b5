// Terms and descriptions. A concept's base term is a function of (seed, concept index) alone, so
// any pass can name any concept (the ICD-10 map rules quote other concepts' FSNs).
import { HIERARCHIES, Sct, effectiveTime, type ModuleCode } from "./metadata.ts"
import { type Model } from "./model.ts"
import { Rng, Stream } from "./random.ts"
import { US_SPELLING, capitalise, caseOf } from "./vocabulary.ts"

export interface BaseTerm {
  /** Words before capitalisation. */
  readonly words: readonly string[]
  readonly text: string
  readonly caseSignificance: string
}

const caseIds = {
  insensitive: Sct.caseInsensitive,
  sensitive: Sct.caseSensitive,
  initial: Sct.initialCaseInsensitive
} as const

const STRENGTHS = ["5", "10", "20", "25", "40", "50", "100", "125", "250", "500", "1", "2.5", "0.5"]
const UNITS = ["mg", "mg", "mg", "microgram", "µg", "mg/ml", "%", "unit"]
const FORMS = [
  "tablets",
  "oral tablet",
  "capsules",
  "oral solution",
  "cream",
  "solution for injection",
  "eye drops",
  "gastro-resistant tablets",
  "modified-release capsules"
]
const OBSERVABLE_UNITS = ["in °C", "in mmol/L", "in µmol/L", "in kPa", "in mL/min/1.73 m²"]

const termRng = new Rng()

/** The base term of a concept (its FSN without the semantic tag, and usually its preferred term). */
export function baseTerm(model: Model, i: number): BaseTerm {
  if (model.isFixed(i)) {
    const text = model.fixed[i]![2]
    return { words: text.split(" "), text, caseSignificance: caseIds[caseOf(text)] }
  }
  const rng = termRng.reseed(model.seed, i, Stream.term)
  const voc = model.vocabulary
  const key = HIERARCHIES[model.hierarchy[i]!]!.key
  const stems = voc.stemWords(i)
  let words: string[]
  let sensitive = false
  if (key === "product") {
    words = [...stems, rng.pick(STRENGTHS), rng.pick(UNITS), rng.pick(FORMS)]
  } else if (key === "organism") {
    words = [capitalise(stems[0]!), ...stems.slice(1)]
    if (rng.chance(0.3)) words.push(voc.word(rng))
    sensitive = true
  } else {
    words = []
    if (rng.chance(0.45)) words.push(voc.word(rng))
    words.push(...stems)
    if (rng.chance(0.35)) {
      words.push(voc.connector(rng), voc.word(rng))
      if (rng.chance(0.3)) words.push(voc.word(rng))
    }
    if (rng.chance(0.12)) words.push(voc.word(rng))
    if (key === "observable" && rng.chance(0.08)) words.push(rng.pick(OBSERVABLE_UNITS))
  }
  const text = capitalise(words.join(" ")).slice(0, 230)
  return { words, text, caseSignificance: sensitive ? Sct.caseSensitive : caseIds[caseOf(text)] }
}

export function semanticTag(model: Model, i: number): string {
  if (model.isFixed(i)) return model.fixed[i]![3]
  return HIERARCHIES[model.hierarchy[i]!]!.tags[model.tag[i]!]!
}

export function fsnOf(model: Model, i: number): string {
  return `${baseTerm(model, i).text} (${semanticTag(model, i)})`
}

/** A synonym that differs from the base term; `k` varies the pattern between a concept's synonyms. */
function variant(model: Model, rng: Rng, base: BaseTerm, k: number): string {
  const voc = model.vocabulary
  const w = base.words
  switch ((k + rng.int(4)) % 5) {
    case 0: {
      const us = w.map((x) => US_SPELLING[x] ?? x)
      if (us.some((x, j) => x !== w[j])) return capitalise(us.join(" "))
      return capitalise([voc.word(rng), ...w].join(" "))
    }
    case 1:
      return capitalise([voc.word(rng), ...w].join(" "))
    case 2:
      return capitalise([...w, voc.connector(rng), voc.word(rng)].join(" "))
    case 3: {
      const initials = w
        .filter((x) => x.length > 3)
        .map((x) => x.charAt(0).toUpperCase())
        .join("")
      return initials.length >= 2 ? `${initials} - ${base.text}` : capitalise([...w, voc.word(rng)].join(" "))
    }
    default:
      return capitalise([voc.word(rng), ...w.slice(0, Math.max(1, w.length - 1)), voc.word(rng)].join(" "))
  }
}

// ---------------------------------------------------------------- descriptions

export type Acceptability = "preferred" | "acceptable"

export interface Description {
  readonly term: string
  readonly kind: "fsn" | "synonym" | "definition"
  readonly active: boolean
  readonly module: ModuleCode
  readonly caseSignificance: string
  readonly effectiveTime: string
  /** Acceptability in the GB and UK clinical language refsets (the member is inactive if the description is). */
  readonly gb: Acceptability
  readonly uk: Acceptability
  /** Inactivation indicator value, for inactive descriptions and those of inactive concepts. */
  readonly indicator?: string
}

/** Mean number of synonyms beyond the preferred term, for active and inactive concepts. */
const EXTRA_SYNONYMS = 0.85
const EXTRA_SYNONYMS_INACTIVE = 0.15
const INACTIVE_DESCRIPTIONS = 0.12
const UK_ADDED_SYNONYM = 0.04
const UK_DIFFERENT_PREFERRED = 0.06
export const TEXT_DEFINITION = 0.012
const LONG_TERM = 1 / 60_000

/** Every description of concept i, the FSN first. */
export function descriptionsOf(model: Model, i: number, rng: Rng): Description[] {
  const base = baseTerm(model, i)
  const module = model.moduleCode(i)
  const conceptActive = model.active[i] === 1
  const nonCurrent = conceptActive ? {} : { indicator: Sct.conceptNonCurrent }
  const created = effectiveTime(rng)
  const out: Description[] = []
  const add = (d: Description) => out.push(d)
  const fsn = `${base.text} (${semanticTag(model, i)})`
  add({
    term: fsn,
    kind: "fsn",
    active: true,
    module,
    caseSignificance: base.caseSignificance,
    effectiveTime: created,
    gb: "preferred",
    uk: "preferred",
    ...nonCurrent
  })
  if (model.isFixed(i)) {
    add({
      term: base.text,
      kind: "synonym",
      active: true,
      module,
      caseSignificance: base.caseSignificance,
      effectiveTime: created,
      gb: "preferred",
      uk: "preferred"
    })
    return out
  }
  const extra = rng.poisson(conceptActive ? EXTRA_SYNONYMS : EXTRA_SYNONYMS_INACTIVE)
  const ukDiffers = conceptActive && rng.chance(UK_DIFFERENT_PREFERRED)
  const terms = new Set<string>([fsn, base.text])
  const synonyms: string[] = []
  for (let k = 0; synonyms.length < Math.max(extra, ukDiffers ? 1 : 0) && k < 12; k++) {
    const t = variant(model, rng, base, k)
    if (!terms.has(t)) {
      terms.add(t)
      synonyms.push(t)
    }
  }
  const hasUkPreferred = ukDiffers && synonyms.length > 0
  add({
    term: base.text,
    kind: "synonym",
    active: true,
    module,
    caseSignificance: base.caseSignificance,
    effectiveTime: created,
    gb: "preferred",
    uk: hasUkPreferred ? "acceptable" : "preferred",
    ...nonCurrent
  })
  synonyms.forEach((term, k) =>
    add({
      term,
      kind: "synonym",
      active: true,
      module,
      caseSignificance: caseIds[caseOf(term)],
      effectiveTime: effectiveTime(rng),
      gb: "acceptable",
      uk: hasUkPreferred && k === 0 ? "preferred" : "acceptable",
      ...nonCurrent
    })
  )
  if (!conceptActive) return out

  if (module === "c" && rng.chance(UK_ADDED_SYNONYM)) {
    const term = variant(model, rng, base, 7)
    if (!terms.has(term)) {
      terms.add(term)
      add({
        term,
        kind: "synonym",
        active: true,
        module: "u",
        caseSignificance: caseIds[caseOf(term)],
        effectiveTime: effectiveTime(rng, true),
        gb: "acceptable",
        uk: "acceptable"
      })
    }
  }
  // A few very long synonyms: always on the first synthetic concepts, so every scale has some.
  const k = i - model.fixedCount
  if (k < 3 || rng.chance(LONG_TERM)) {
    const length = k === 0 ? 4096 : k === 1 ? 4095 : k === 2 ? 2048 : 1000 + rng.int(3097)
    const term = model.vocabulary.longText(rng, length)
    add({
      term,
      kind: "synonym",
      active: true,
      module,
      caseSignificance: caseIds[caseOf(term)],
      effectiveTime: effectiveTime(rng, true),
      gb: "acceptable",
      uk: "acceptable"
    })
  }
  for (let n = rng.poisson(INACTIVE_DESCRIPTIONS); n > 0; n--) {
    const term = variant(model, rng, base, n + 2)
    const indicator = rng.pick([Sct.outdated, Sct.outdated, Sct.erroneous, Sct.duplicate])
    add({
      term,
      kind: "synonym",
      active: false,
      module,
      caseSignificance: caseIds[caseOf(term)],
      effectiveTime: effectiveTime(rng, true),
      gb: "acceptable",
      uk: "acceptable",
      indicator
    })
  }
  if (rng.chance(TEXT_DEFINITION)) {
    const voc = model.vocabulary
    let term = `${base.text} ${voc.connector(rng)} ${voc.phrase(rng, 4 + rng.int(12))}`
    if (rng.chance(0.3)) term += `; ${voc.phrase(rng, 3 + rng.int(8))} (range 2–5 ${voc.word(rng)})`
    term = capitalise(term) + "."
    add({
      term,
      kind: "definition",
      active: true,
      module,
      caseSignificance: Sct.caseSensitive,
      effectiveTime: effectiveTime(rng, true),
      gb: "preferred",
      uk: "preferred"
    })
  }
  return out
}
