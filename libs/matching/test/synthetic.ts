/**
 * A small synthetic Welsh population for the model's tests: a few surnames carry most people (as in
 * Wales), duplicates carry typical errors (typos, Welsh/English forms, moved house, transposed
 * dates, missing values). Seeded, so every run sees the same records.
 */
import type { Person } from "../src/record"
import { random } from "../src/train"

const FORENAMES = [
  "Dafydd",
  "Rhys",
  "Owain",
  "Huw",
  "Gareth",
  "Siân",
  "Ffion",
  "Catrin",
  "Megan",
  "Bethan",
  "Iwan",
  "Elin",
  "Gwen",
  "Tomos",
  "Carys",
  "Aled",
  "Nia",
  "Llinos",
  "Geraint",
  "Hywel"
]
const ENGLISH: Record<string, string> = {
  Dafydd: "David",
  Owain: "Owen",
  Huw: "Hugh",
  Siân: "Jane",
  Catrin: "Catherine",
  Iwan: "John",
  Tomos: "Thomas",
  Hywel: "Howell",
  Megan: "Margaret",
  Bethan: "Elizabeth"
}
// Weighted like Wales: Jones, Williams, Davies, Evans and Thomas are common, the rest rare.
const COMMON = ["Jones", "Jones", "Jones", "Williams", "Williams", "Davies", "Davies", "Evans", "Thomas"]
const RARE = [
  "Llewellyn",
  "Prosser",
  "Gwynne",
  "Bevan",
  "Meredith",
  "Vaughan",
  "Prydderch",
  "Cadwaladr",
  "Tudor",
  "Gethin",
  "Rowlands",
  "Pugh",
  "Bowen",
  "Morgan",
  "Powell",
  "Lloyd",
  "Griffiths",
  "Rees",
  "Price",
  "Parry"
]
const DISTRICTS = ["CF10", "CF11", "CF14", "CF24", "SA1", "SA2", "LL57", "NP20"]

export interface Synthetic {
  readonly records: Array<Person>
  readonly truth: Array<string>
}

export function syntheticPopulation(people: number, seed = 7): Synthetic {
  const next = random(seed)
  const pick = <A>(values: ReadonlyArray<A>): A => values[Math.floor(next() * values.length)]!
  const letters = "abcdefghijklmnopqrstuvwxyz"
  const typo = (text: string) => {
    const at = 1 + Math.floor(next() * (text.length - 1))
    return text.slice(0, at) + pick([...letters]) + text.slice(at + 1)
  }
  const postcode = () =>
    `${pick(DISTRICTS)} ${1 + Math.floor(next() * 9)}${pick([..."ABDEFGHJLNPQRSTUWXYZ"])}${pick([..."ABDEFGHJLNPQRSTUWXYZ"])}`
  const records: Array<Person> = []
  const truth: Array<string> = []
  for (let p = 0; p < people; p++) {
    const given = pick(FORENAMES)
    const family = next() < 0.6 ? pick(COMMON) : pick(RARE)
    const year = 1930 + Math.floor(next() * 90)
    const month = 1 + Math.floor(next() * 12)
    const day = (month === 1 ? 2 : 1) + Math.floor(next() * 27)
    const original: Person = {
      id: `p${p}`,
      names: [{ given: [given], family }],
      birthDate: `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
      sex: FORENAMES.indexOf(given) % 2 === 0 ? "male" : "female",
      addresses: [{ lines: [`${1 + Math.floor(next() * 80)} Heol ${pick(["Fawr", "y Bont", "Las", "Isaf"])}`], postcode: postcode() }]
    }
    records.push(original)
    truth.push(`p${p}`)
    const duplicates = next() < 0.5 ? 0 : 1 + Math.floor(next() * 2)
    for (let d = 0; d < duplicates; d++) {
      let copy: Person = { ...original, id: `p${p}-${d}` }
      const error = Math.floor(next() * 6)
      if (error === 0) copy = { ...copy, names: [{ given: [typo(given)], family }] }
      if (error === 1) copy = { ...copy, names: [{ given: [ENGLISH[given] ?? typo(given)], family }] }
      if (error === 2) copy = { ...copy, addresses: [{ postcode: postcode() }] }
      if (error === 3) copy = { ...copy, birthDate: `${year}-${String(day).padStart(2, "0")}-${String(month).padStart(2, "0")}` }
      if (error === 4) copy = { ...copy, names: [{ family: typo(family) }] }
      if (error === 5) copy = { ...copy, birthDate: undefined, sex: undefined }
      records.push(copy)
      truth.push(`p${p}`)
    }
  }
  return { records, truth }
}
