// A synthetic Welsh population for the demographics benchmarks (issue 6): households sharing a
// surname, address and practice, Welsh surname concentration (Jones about 5.5%, Davies and
// Williams about 3.6% each), Welsh and English forenames, twins, maiden names, former addresses,
// Welsh postcodes and valid NHS numbers from the never-issued 999 range (then 990 to 998). Deterministic
// per seed.
//
//   bun bench/population/generate.ts --count 3100000 --format csv|ndjson --out people.csv [--seed 1]
import { createWriteStream } from "node:fs"
import { once } from "node:events"
import { csvColumns } from "../../libs/demographics/src/load"
import { nhsNumberCheckDigit, nhsNumberSystem } from "../../libs/demographics/src/NhsNumber"
import { HarnessError, harnessOptions, positiveInt, runHarness } from "../processes.ts"

// Share of the population per surname (Welsh surnames, from published frequency studies); the rest
// is spread over the English list and invented rarer names.
const welshSurnames: ReadonlyArray<readonly [string, number]> = [
  ["Jones", 5.5],
  ["Davies", 3.6],
  ["Williams", 3.6],
  ["Evans", 2.5],
  ["Thomas", 2.3],
  ["Roberts", 1.8],
  ["Hughes", 1.6],
  ["Lewis", 1.5],
  ["Morgan", 1.3],
  ["Griffiths", 1.1],
  ["Edwards", 1.0],
  ["Rees", 0.9],
  ["Owen", 0.9],
  ["Lloyd", 0.7],
  ["Price", 0.7],
  ["Powell", 0.6],
  ["James", 0.6],
  ["Jenkins", 0.6],
  ["Phillips", 0.6],
  ["Morris", 0.6],
  ["Parry", 0.5],
  ["Pritchard", 0.4],
  ["Bowen", 0.4],
  ["Richards", 0.4],
  ["Howells", 0.3],
  ["Watkins", 0.3],
  ["Pugh", 0.3],
  ["Vaughan", 0.2],
  ["Llewellyn", 0.2],
  ["Rowlands", 0.2],
  ["Prosser", 0.1],
  ["Gwynne", 0.1],
  ["ap Rhys", 0.05],
  ["Lewis-Pritchard", 0.05]
]
const englishSurnames =
  "Smith Brown Taylor Wilson Johnson White Walker Wright Robinson Thompson Wood Hall Green Clarke Turner Hill Cooper Ward Harris King Baker Moore Allen Young Mitchell Kelly Cook Carter Bell Murphy Khan Ahmed Kowalski Nowak Patel".split(
    " "
  )
const syllables = "ab ar bryn cad dyl el gwyn hyw ith llan mor nant pen rhos tal wen ys aeth og".split(" ")

const forenames = {
  female:
    "Siân Catrin Megan Ffion Eleri Cerys Nia Gwen Angharad Bethan Seren Alaw Mari Elin Lowri Carys Rhiannon Sarah Emma Olivia Sophie Emily Chloe Jessica Lucy Hannah Eirlys Glenys".split(
      " "
    ),
  male: "Dafydd Rhys Owain Iolo Gareth Osian Cai Gethin Tomos Aled Huw Emyr Rhodri Ioan Dylan Steffan Jac Harri Tom James Jack Oliver Daniel Thomas Joshua William Ieuan Gwilym".split(
    " "
  )
}

// Postcode districts of Wales (area, first and last district number).
const districts: ReadonlyArray<readonly [string, number, number]> = [
  ["CF", 10, 48],
  ["SA", 1, 73],
  ["NP", 4, 44],
  ["LL", 11, 78],
  ["SY", 16, 25],
  ["LD", 1, 8]
]
const unitLetters = "ABDEFGHJLNPQRSTUWXYZ"
const towns = [
  "Caerdydd",
  "Abertawe",
  "Casnewydd",
  "Wrecsam",
  "Bangor",
  "Aberystwyth",
  "Caerfyrddin",
  "Llanelli",
  "Pontypridd",
  "Y Barri",
  "Merthyr Tudful",
  "Rhyl",
  "Llandrindod"
]
const streets = [
  "Heol y Frenhines",
  "Stryd Fawr",
  "Ffordd y Brenin",
  "Maes y Llan",
  "Heol yr Eglwys",
  "Stryd y Castell",
  "Lôn Las",
  "Bryn Teg",
  "Commercial Street",
  "Station Road",
  "High Street",
  "Park View"
]

/** A small fast seeded PRNG (mulberry32). */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export interface Person {
  readonly resource: Record<string, unknown>
  readonly csv: Record<string, string>
}

/** `count` people, household by household; NHS numbers from the nine-digit stem `firstStem` on. */
export function* population(count: number, seed = 1, firstStem = 999_000_000): Generator<Person> {
  const next = random(seed)
  const pick = <T>(items: ReadonlyArray<T>) => items[Math.floor(next() * items.length)]!
  const welshShare = welshSurnames.reduce((sum, [, share]) => sum + share, 0) / 100
  const surname = () => {
    let roll = next()
    if (roll < welshShare) {
      for (const [name, share] of welshSurnames) if ((roll -= share / 100) < 0) return name
    }
    return next() < 0.7 ? pick(englishSurnames) : `${pick(syllables)}${pick(syllables)}`.replace(/^./, (c) => c.toUpperCase())
  }
  const postcode = () => {
    const [area, first, last] = pick(districts)
    return `${area}${first + Math.floor(next() * (last - first + 1))} ${Math.floor(next() * 10)}${pick([...unitLetters])}${pick([...unitLetters])}`
  }
  const date = (fromYear: number, toYear: number) => {
    const day = new Date(Date.UTC(fromYear, 0, 1) + Math.floor(next() * (toYear - fromYear) * 365.25) * 86_400_000)
    return day.toISOString().slice(0, 10)
  }
  // NHS number stems walk the 999 range in order, skipping those without a check digit. It holds
  // 909,091 valid numbers; a larger population goes on from 990 000 000 (990 to 998, never issued either).
  let stem = firstStem
  const nhsNumber = () => {
    for (;;) {
      if (stem === 1_000_000_000) stem = 990_000_000
      const nine = String(stem++)
      const check = nhsNumberCheckDigit(nine)
      if (check !== undefined) return `${nine}${check}`
    }
  }
  let made = 0
  while (made < count) {
    const family = surname()
    const street = `${1 + Math.floor(next() * 120)} ${pick(streets)}`
    const town = pick(towns)
    const code = postcode()
    const moved = date(1985, 2024)
    const former = next() < 0.3 ? { code: postcode(), town: pick(towns) } : undefined
    const practice = `W9${String(Math.floor(next() * 9000)).padStart(4, "0")}`
    const language = next() < 0.3 ? "cy" : "en"
    const adults = next() < 0.6 ? 2 : 1
    const children = Math.floor(next() * 3.2)
    const twins = children > 0 && next() < 0.03
    let childBirth = ""
    for (let member = 0; member < adults + children + (twins ? 1 : 0) && made < count; member++) {
      const child = member >= adults
      const gender = child ? (next() < 0.5 ? "female" : "male") : member === 0 ? "female" : "male"
      // Twins share the birth date of the child born just before them.
      const birthDate = child ? (twins && member === adults + children ? childBirth : date(2000, 2024)) : date(1935, 1999)
      if (child) childBirth = birthDate
      const given = [pick(forenames[gender as "female" | "male"]), ...(next() < 0.5 ? [pick(forenames[gender as "female" | "male"])] : [])]
      const maiden = !child && gender === "female" && adults === 2 && next() < 0.6 ? surname() : undefined
      const nhs = nhsNumber()
      const address = [
        { use: "home", line: [street], city: town, postalCode: code, period: { start: child ? birthDate : moved } },
        ...(former === undefined || child ? [] : [{ use: "old", city: former.town, postalCode: former.code, period: { end: moved } }])
      ]
      const resource = {
        resourceType: "Patient",
        identifier: [{ system: nhsNumberSystem, value: nhs }],
        name: [
          { use: "official", family, given },
          ...(maiden === undefined ? [] : [{ use: "maiden", family: maiden, given: given.slice(0, 1), period: { end: moved } }])
        ],
        gender,
        birthDate,
        address,
        generalPractitioner: [{ identifier: { system: "https://fhir.nhs.uk/Id/ods-organization-code", value: practice } }],
        communication: [{ language: { coding: [{ system: "urn:ietf:bcp:47", code: language }] }, preferred: true }]
      }
      const csv = {
        nhs_number: nhs,
        given: given.join(" "),
        family,
        gender,
        birth_date: birthDate,
        address_line1: street,
        city: town,
        postcode: code,
        address_from: child ? birthDate : moved,
        gp_ods: practice,
        language
      }
      made++
      yield { resource, csv }
    }
  }
}

const csvField = (value: string | undefined) =>
  value === undefined ? "" : /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value

/** Writes `count` people to `out` as CSV (the `ffynnon load patients` columns) or NDJSON. */
export const writePopulation = async (out: string, count: number, format: "csv" | "ndjson", seed = 1, firstStem?: number) => {
  const file = createWriteStream(out)
  const write = async (text: string) => {
    if (!file.write(text)) await once(file, "drain")
  }
  if (format === "csv") await write(`${csvColumns.join(",")}\n`)
  for (const person of population(count, seed, firstStem)) {
    await write(
      format === "csv" ? `${csvColumns.map((column) => csvField(person.csv[column])).join(",")}\n` : `${JSON.stringify(person.resource)}\n`
    )
  }
  await new Promise<void>((resolve) => file.end(resolve))
}

const USAGE = `usage: bun bench/population/generate.ts --count N --out FILE [--format csv|ndjson] [--seed N]`

if (import.meta.main) {
  await runHarness(
    (message) => console.error(message),
    async () => {
      const options = harnessOptions(process.argv.slice(2), USAGE, {
        count: { type: "string" },
        out: { type: "string" },
        format: { type: "string" },
        seed: { type: "string" }
      })
      if (options.out === undefined) throw new HarnessError(`--out is required\n${USAGE}`)
      const format = options.format ?? (options.out.endsWith(".ndjson") ? "ndjson" : "csv")
      if (format !== "csv" && format !== "ndjson") throw new HarnessError(`--format is csv or ndjson\n${USAGE}`)
      const count = positiveInt("count", options.count, 1000)
      const started = performance.now()
      await writePopulation(options.out, count, format, positiveInt("seed", options.seed, 1))
      console.error(`wrote ${count} people to ${options.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
      return 0
    },
    async () => {}
  )
}
