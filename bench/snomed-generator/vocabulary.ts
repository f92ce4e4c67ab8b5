// Words and terms. A few thousand words in two groups:
//  - "filler" words (common clinical English first, then made-up words and eponyms) drawn with a
//    Zipf distribution, so a text index sees the skew of a real terminology;
//  - "stems", made-up words used in pairs that are a bijection of the concept's index, so every
//    concept's base term, and so its FSN, is unique.
import { Rng, Zipf } from "./random.ts"

const COMMON = `left right structure disorder entire acute chronic bilateral primary secondary finding
lesion injury pain fracture infection tumour syndrome procedure examination history upper lower
abnormal deficiency malformation family assessment measurement repair excision biopsy removal insertion
replacement closed open anterior posterior lateral medial superficial deep congenital acquired recurrent
severe mild moderate partial complete total benign malignant neoplasm carcinoma ulcer inflammation
haemorrhage oedema anaemia obstruction stenosis dislocation sprain wound burn bone joint muscle skin blood
vessel artery vein nerve heart lung liver kidney bladder brain spinal cord eye ear nose throat mouth tooth
stomach intestine colon oesophageal paediatric child adult patient tablet capsule oral solution injection
cream ointment drops suspension dose level observation test screening referral care plan review type
stage grade region area system function disease condition cell tissue fluid serum plasma urine sample
device catheter implant therapy treatment monitoring education advice counselling nursing surgical
diagnostic radiological ultrasound imaging scan X-ray unspecified other specified localised generalised
minor major small large multiple single central peripheral internal external proximal distal`
  .split(/\s+/)
  .filter((w) => w.length > 0)

/** British spellings among the common words, with the US spelling a synonym may use. */
export const US_SPELLING: Readonly<Record<string, string>> = {
  tumour: "tumor",
  haemorrhage: "hemorrhage",
  oedema: "edema",
  anaemia: "anemia",
  oesophageal: "esophageal",
  paediatric: "pediatric",
  localised: "localized",
  generalised: "generalized",
  counselling: "counseling"
}

const CONNECTORS = ["of", "of", "of", "with", "due to", "in", "and", "without", "following", "associated with"]

const ONSETS = [
  "b",
  "c",
  "d",
  "f",
  "g",
  "h",
  "k",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "v",
  "z",
  "br",
  "cr",
  "ph",
  "pl",
  "st",
  "tr",
  "th",
  "ch",
  "gl",
  "sp"
]
const VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ae", "io", "y"]
const CODAS = ["", "", "", "n", "r", "s", "l", "m", "x", "t", "st", "nd"]
const SUFFIXES = [
  "itis",
  "osis",
  "oma",
  "algia",
  "ectomy",
  "otomy",
  "plasty",
  "scopy",
  "ic",
  "al",
  "ous",
  "ine",
  "ase",
  "ide",
  "ium",
  "ular",
  "ary",
  "ia",
  "ism",
  "ent"
]
const ACCENTS: Readonly<Record<string, string>> = { a: "á", e: "é", i: "ï", o: "ö", u: "ü", c: "ç", n: "ñ" }

function syllable(rng: Rng): string {
  return rng.pick(ONSETS) + rng.pick(VOWELS) + rng.pick(CODAS)
}

/** A made-up word of 2–3 syllables with an optional medical-looking suffix; ~3% carry a diacritic. */
function madeUpWord(rng: Rng, suffixChance: number): string {
  let w = syllable(rng) + syllable(rng)
  if (rng.chance(0.35)) w += syllable(rng)
  if (rng.chance(suffixChance)) w += rng.pick(SUFFIXES)
  if (rng.chance(0.03)) {
    const positions = [...w].map((ch, i) => (ACCENTS[ch] ? i : -1)).filter((i) => i > 0)
    if (positions.length > 0) {
      const i = rng.pick(positions)
      w = w.slice(0, i) + ACCENTS[w[i]!]! + w.slice(i + 1)
    }
  }
  return w
}

function capitalise(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1)
}

export interface Term {
  readonly text: string
  readonly caseSignificance: "insensitive" | "sensitive" | "initial"
}

/** The vocabulary of one generation (a function of the seed only). */
export class Vocabulary {
  /** Filler words by Zipf rank. */
  readonly words: readonly string[]
  readonly stems: readonly string[]
  private readonly zipf: Zipf
  private readonly stemSpace: number

  constructor(seed: number) {
    const rng = new Rng(seed, 0, 0x766f63)
    const seen = new Set<string>([...COMMON, ...CONNECTORS])
    const fresh = (make: () => string): string => {
      for (;;) {
        const w = make()
        if (!seen.has(w)) {
          seen.add(w)
          return w
        }
      }
    }
    const words = [...COMMON]
    for (let i = 0; words.length < 2600; i++) {
      // Eponyms (capitalised, so terms containing them are case sensitive) among the made-up words.
      words.push(i % 40 === 17 ? capitalise(fresh(() => madeUpWord(rng, 0))) : fresh(() => madeUpWord(rng, 0.45)))
    }
    this.words = words
    const stems: string[] = []
    while (stems.length < 2000) stems.push(fresh(() => madeUpWord(rng, 0.3)))
    this.stems = stems
    this.zipf = new Zipf(words.length, 1.0)
    this.stemSpace = stems.length * stems.length
  }

  get size(): number {
    return this.words.length + this.stems.length + CONNECTORS.length
  }

  /** A filler word, Zipf distributed. */
  word(rng: Rng): string {
    return this.words[this.zipf.sample(rng)]!
  }

  connector(rng: Rng): string {
    return rng.pick(CONNECTORS)
  }

  /** Two (three for huge scales) stem words that identify concept `index` uniquely. */
  stemWords(index: number): string[] {
    const s = this.stems.length
    if (index < this.stemSpace) {
      // (index · a + b) mod s² with a coprime to s is a bijection on [0, s²).
      const p = (index * 1234567 + 891011) % this.stemSpace // exact: < 2^53
      return [this.stems[p % s]!, this.stems[Math.floor(p / s)]!]
    }
    const p = index - this.stemSpace
    return [this.stems[p % s]!, this.stems[Math.floor(p / s) % s]!, this.stems[Math.floor(p / (s * s)) % s]!]
  }

  /** A phrase of `n` filler words. */
  phrase(rng: Rng, n: number): string {
    let out = this.word(rng)
    for (let i = 1; i < n; i++) out += " " + this.word(rng)
    return out
  }

  /** Words up to exactly `length` characters (for the few very long terms). */
  longText(rng: Rng, length: number): string {
    let out = "Extended term"
    while (out.length < length) out += " " + this.word(rng)
    out = out.slice(0, length)
    return out.endsWith(" ") ? out.slice(0, -1) + "x" : out
  }
}

/** Case significance of a term: sensitive if a word after the first starts with a capital. */
export function caseOf(text: string): Term["caseSignificance"] {
  const rest = text.slice(1)
  if (!/[A-ZÀ-Þ]/.test(rest)) return "insensitive"
  return /\s[A-ZÀ-Þ]/.test(text) || /^[A-Z]{2}/.test(text) ? "sensitive" : "initial"
}

export { capitalise }
