/**
 * A synthetic Welsh population with an error model, for evaluating matching where FEBRL cannot:
 * Welsh and English name forms, pet names, a few surnames carrying a large share of people,
 * patronymic surnames, twins, fathers and sons at one address, households (a partner and children
 * at one address and practice, mostly with one surname), care homes, and query records with
 * typos, swapped names, moved house, married names, missing NHS numbers and transposed dates.
 * Seeded: the same arguments give the same people.
 */
import { forenameEquivalences } from "./names"
import { fold } from "./normalise"
import type { Person } from "./record"
import { random } from "./train"

const MALE = [
  "Dafydd",
  "Rhys",
  "Owain",
  "Huw",
  "Gareth",
  "Iwan",
  "Tomos",
  "Aled",
  "Geraint",
  "Hywel",
  "Ieuan",
  "Gruffydd",
  "Emrys",
  "Dylan",
  "Osian",
  "Cai",
  "Steffan",
  "Gwilym",
  "Rhodri",
  "Gethin"
]
const MALE_ENGLISH = [
  "David",
  "John",
  "Thomas",
  "William",
  "Robert",
  "James",
  "Michael",
  "Richard",
  "Peter",
  "Christopher",
  "Andrew",
  "Mark",
  "Paul",
  "Stephen",
  "Anthony",
  "Daniel",
  "Matthew",
  "Owen",
  "Evan",
  "Hugh"
]
const FEMALE = [
  "Siân",
  "Ffion",
  "Catrin",
  "Megan",
  "Bethan",
  "Elin",
  "Nia",
  "Carys",
  "Llinos",
  "Gwen",
  "Angharad",
  "Rhiannon",
  "Seren",
  "Mali",
  "Cerys",
  "Lowri",
  "Mair",
  "Sioned",
  "Eleri",
  "Heledd"
]
const FEMALE_ENGLISH = [
  "Margaret",
  "Elizabeth",
  "Mary",
  "Sarah",
  "Jane",
  "Catherine",
  "Susan",
  "Helen",
  "Rebecca",
  "Emma",
  "Laura",
  "Rachel",
  "Joanne",
  "Karen",
  "Julie",
  "Claire",
  "Lisa",
  "Victoria",
  "Amy",
  "Hannah"
]
// Weighted to give the five commonest about a sixth of people, as in Wales.
const COMMON_SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ["Jones", 6],
  ["Williams", 4],
  ["Davies", 4],
  ["Evans", 2.5],
  ["Thomas", 2.5],
  ["Roberts", 2],
  ["Hughes", 1.5],
  ["Lewis", 1.5],
  ["Morgan", 1.5],
  ["Griffiths", 1.5],
  ["Edwards", 1],
  ["Rees", 1],
  ["Jenkins", 1],
  ["Owen", 1],
  ["Price", 1],
  ["Powell", 0.5],
  ["Parry", 0.5],
  ["Pugh", 0.5],
  ["Bowen", 0.5],
  ["Bevan", 0.5],
  ["Pritchard", 0.5],
  ["Lloyd", 1],
  ["Phillips", 1],
  ["James", 1],
  ["Harris", 1]
]
const RARE_SURNAMES = [
  "Prydderch",
  "Cadwaladr",
  "Gwynne",
  "Meredith",
  "Vaughan",
  "Tudor",
  "Gethin",
  "Rowlands",
  "Llewellyn",
  "Prosser",
  "Probert",
  "Bellis",
  "Smith",
  "Taylor",
  "Brown",
  "Wilson",
  "Walker",
  "Wright",
  "Robinson",
  "Thompson",
  "White",
  "Hall",
  "Green",
  "Wood",
  "Clarke",
  "Jackson",
  "Baker",
  "Hill",
  "Moore",
  "Cooper",
  "Ward",
  "Watkins",
  "Howells",
  "Bowden",
  "Mathias",
  "Gibbon",
  "Beddoe",
  "Ellis",
  "Humphreys",
  "Kemp",
  "Nash",
  "Pope",
  "Quinn",
  "Reid",
  "Stone",
  "Tanner",
  "Upton",
  "Vowles",
  "Warlow",
  "Yorath",
  "Allsop",
  "Bufton",
  "Crowther",
  "Dando"
]
const STREETS = [
  "Heol y Bont",
  "Lôn Las",
  "Ffordd yr Eglwys",
  "Stryd Fawr",
  "Heol Isaf",
  "High Street",
  "Church Road",
  "Station Road",
  "Park Crescent",
  "Mill Lane",
  "Cae Glas",
  "Bryn Awel",
  "Maes y Coed",
  "Victoria Road",
  "Queen Street"
]
const DISTRICTS = [
  "CF10",
  "CF11",
  "CF14",
  "CF23",
  "CF24",
  "CF31",
  "CF44",
  "CF83",
  "SA1",
  "SA2",
  "SA11",
  "SA31",
  "SA61",
  "LL11",
  "LL13",
  "LL30",
  "LL57",
  "LL55",
  "NP10",
  "NP20",
  "NP44",
  "SY23",
  "LD1"
]
const LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

export interface PopulationOptions {
  readonly people: number
  /** People generated but left out of the index, whose queries have no right answer (default a tenth). */
  readonly absent?: number
  /** Share of indexed people with a second, noisy record from another source, for training (default 0.2). */
  readonly duplicateShare?: number
  readonly seed?: number
}

export interface Population {
  /** One record per indexed person (the golden record a demographics index would hold). */
  readonly index: Array<Person>
  readonly indexTruth: Array<string>
  /** The index plus noisy records from other sources: what a model is trained on. */
  readonly training: Array<Person>
  readonly trainingTruth: Array<string>
  /** One noisy query per person, indexed or absent. */
  readonly queries: Array<Person>
  readonly queryTruth: Array<string>
}

function nhsNumber(next: () => number): string {
  for (;;) {
    const digits = Array.from({ length: 9 }, () => Math.floor(next() * 10))
    const check = 11 - (digits.reduce((sum, digit, i) => sum + digit * (10 - i), 0) % 11)
    if (check !== 10) return [...digits, check === 11 ? 0 : check].join("")
  }
}

/** Generates the population: people, their golden records, training records and queries. */
export function syntheticPopulation(options: PopulationOptions): Population {
  const next = random(options.seed ?? 2026)
  const chance = (p: number) => next() < p
  const pick = <A>(values: ReadonlyArray<A>): A => values[Math.floor(next() * values.length)]!
  const totalWeight = COMMON_SURNAMES.reduce((sum, [, weight]) => sum + weight, 0)
  const surname = () => {
    if (chance(0.6)) return pick(RARE_SURNAMES)
    let at = next() * totalWeight
    for (const [name, weight] of COMMON_SURNAMES) if ((at -= weight) < 0) return name
    return "Jones"
  }
  const postcode = () => `${pick(DISTRICTS)} ${1 + Math.floor(next() * 9)}${pick([...LETTERS])}${pick([...LETTERS])}`
  const address = () => ({ lines: [`${1 + Math.floor(next() * 120)} ${pick(STREETS)}`], postcode: postcode() })
  const gpPractice = () => `W${90000 + Math.floor(next() * 400)}`
  const date = (year: number) =>
    `${year}-${String(1 + Math.floor(next() * 12)).padStart(2, "0")}-${String(1 + Math.floor(next() * 28)).padStart(2, "0")}`
  const careHomes = Array.from({ length: Math.max(1, Math.floor(options.people / 2000)) }, (_, i) => ({
    lines: [`Cartref ${pick(["Bryn", "Glan", "Pen", "Tŷ"])} ${i}`, pick(STREETS)],
    postcode: postcode()
  }))

  const people: Array<Person> = []
  const absent = options.absent ?? Math.floor(options.people / 10)
  while (people.length < options.people + absent) {
    const male = chance(0.5)
    const given = [male ? (chance(0.5) ? pick(MALE) : pick(MALE_ENGLISH)) : chance(0.5) ? pick(FEMALE) : pick(FEMALE_ENGLISH)]
    if (chance(0.3)) given.push(pick(male ? MALE : FEMALE))
    const year = 1925 + Math.floor(next() * 98)
    const elderly = year < 1945
    const person: Person = {
      id: `person-${people.length}`,
      nhsNumber: nhsNumber(next),
      names: [{ given, family: surname() }],
      birthDate: date(year),
      sex: male ? "male" : "female",
      addresses: [elderly && chance(0.3) ? pick(careHomes) : address()],
      gpPractice: gpPractice()
    }
    people.push(person)
    // Twins: same surname, birth date and home, another forename.
    if (chance(0.01)) {
      const twinGiven = male ? pick(MALE.concat(MALE_ENGLISH)) : pick(FEMALE.concat(FEMALE_ENGLISH))
      people.push({
        ...person,
        id: `person-${people.length}`,
        nhsNumber: nhsNumber(next),
        names: [{ given: [twinGiven], family: person.names![0]!.family }]
      })
    }
    // A son named after his father, at the same address.
    if (male && year < 1990 && chance(0.02)) {
      people.push({
        ...person,
        id: `person-${people.length}`,
        nhsNumber: nhsNumber(next),
        birthDate: date(year + 20 + Math.floor(next() * 15))
      })
    }
    // A household: a partner and children at the same address and practice, most with the same
    // surname, each with their own forename, birth date and NHS number.
    if (year >= 1945 && year < 1995 && chance(0.25)) {
      const family = person.names![0]!.family
      const member = (sex: "male" | "female", birthYear: number, sameSurname: boolean): Person => ({
        ...person,
        id: `person-${people.length}`,
        nhsNumber: nhsNumber(next),
        names: [
          {
            given: [sex === "male" ? pick(MALE.concat(MALE_ENGLISH)) : pick(FEMALE.concat(FEMALE_ENGLISH))],
            family: sameSurname ? family : surname()
          }
        ],
        birthDate: date(birthYear),
        sex
      })
      if (chance(0.8)) people.push(member(male ? "female" : "male", year - 5 + Math.floor(next() * 11), chance(0.7)))
      for (let children = Math.floor(next() * 3); children > 0 && year + 20 < 2023; children--)
        people.push(member(chance(0.5) ? "male" : "female", Math.min(2022, year + 20 + Math.floor(next() * 15)), true))
    }
  }

  const letters = "abcdefghijklmnopqrstuvwxyz"
  const typo = (text: string) => {
    const at = 1 + Math.floor(next() * Math.max(1, text.length - 1))
    return text.slice(0, at) + pick([...letters]) + text.slice(at + 1)
  }
  const variant = (name: string) => {
    const folded = fold(name)
    const found = forenameEquivalences.entries.find((entry) => fold(entry.name) === folded || fold(entry.equivalent) === folded)
    return found === undefined ? typo(name) : fold(found.name) === folded ? found.equivalent : found.name
  }
  // A record of the person as another system holds it: one or two errors from the error model.
  const noisy = (person: Person, id: string): Person => {
    let copy: Person = { ...person, id, nhsNumber: chance(0.5) ? person.nhsNumber : undefined }
    const name = person.names![0]!
    const [forename = "", ...middle] = name.given ?? []
    for (let errors = chance(0.5) ? 1 : 2; errors > 0; errors--) {
      const [y, m, d] = (copy.birthDate ?? "").split("-")
      switch (Math.floor(next() * 9)) {
        case 0:
          copy = { ...copy, names: [{ given: [typo(forename), ...middle], family: name.family }] }
          break
        case 1:
          copy = { ...copy, names: [{ given: [variant(forename), ...middle], family: name.family }] }
          break
        case 2:
          copy = { ...copy, names: [{ given: [name.family ?? ""], family: forename }] }
          break
        case 3:
          // Moved house, and often registered with a new practice.
          copy = { ...copy, addresses: [address()], gpPractice: chance(0.5) ? copy.gpPractice : gpPractice() }
          break
        case 4:
          copy =
            person.sex === "female"
              ? { ...copy, names: [{ given: name.given, family: surname() }] }
              : { ...copy, names: [{ given: name.given, family: typo(name.family ?? "") }] }
          break
        case 5:
          copy =
            Number(d) <= 12
              ? { ...copy, birthDate: `${y}-${d}-${m}` }
              : { ...copy, birthDate: `${y}-${m}-${String(Math.min(28, Number(d) + 1)).padStart(2, "0")}` }
          break
        case 6:
          copy = { ...copy, birthDate: `${y!.slice(0, 3)}${(Number(y!.slice(3)) + 1) % 10}-${m}-${d}` }
          break
        case 7:
          copy = { ...copy, addresses: (copy.addresses ?? []).map((a) => ({ ...a, postcode: typo(a.postcode ?? "") })) }
          break
        default:
          copy = { ...copy, nhsNumber: undefined, gpPractice: undefined }
      }
    }
    return copy
  }

  const population: Population = { index: [], indexTruth: [], training: [], trainingTruth: [], queries: [], queryTruth: [] }
  people.forEach((person, i) => {
    const inIndex = i < options.people
    if (inIndex) {
      population.index.push(person)
      population.indexTruth.push(person.id)
      population.training.push(person)
      population.trainingTruth.push(person.id)
      if (chance(options.duplicateShare ?? 0.2)) {
        population.training.push(noisy(person, `${person.id}-source`))
        population.trainingTruth.push(person.id)
      }
    }
    population.queries.push(noisy(person, `${person.id}-query`))
    population.queryTruth.push(person.id)
  })
  return population
}
