/**
 * Readers for the public evaluation data sets, from their text: FEBRL (Christen's synthetic
 * Australian person records, ground truth in `rec_id`) and Splink's `fake_1000` (with clusters and
 * clerically labelled pairs). Used by the evaluation command and tests; not for production data.
 */
import type { LabelledPair } from "./train"
import type { Person } from "./record"

export interface Dataset {
  readonly records: ReadonlyArray<Person>
  /** The person each record belongs to. */
  readonly truth: ReadonlyArray<string>
}

// These files have no quoted fields; FEBRL pads every value after a comma with a space.
function rows(text: string): Array<Record<string, string>> {
  const [header = "", ...lines] = text.split(/\r?\n/).filter((line) => line.trim() !== "")
  const columns = header.split(",").map((column) => column.trim())
  return lines.map((line) => {
    const values = line.split(",").map((value) => value.trim())
    return Object.fromEntries(columns.map((column, i) => [column, values[i] ?? ""]))
  })
}

const optional = (value: string | undefined) => (value === undefined || value === "" ? undefined : value)

/** FEBRL `rec-N-org` / `rec-N-dup-K`: person N. `soc_sec_id` becomes the local identifier. */
export function readFebrl(text: string): Dataset {
  const parsed = rows(text)
  return {
    records: parsed.map((row): Person => ({
      id: row.rec_id ?? "",
      names: [{ given: row.given_name ? [row.given_name] : [], family: optional(row.surname) }],
      birthDate: optional(row.date_of_birth),
      addresses: [
        {
          lines: [[row.street_number, row.address_1].filter(Boolean).join(" "), row.address_2 ?? "", row.suburb ?? ""],
          postcode: optional(row.postcode)
        }
      ],
      localIdentifiers: optional(row.soc_sec_id) === undefined ? [] : [{ value: row.soc_sec_id! }]
    })),
    truth: parsed.map((row) => /^rec-(\d+)-/.exec(row.rec_id ?? "")?.[1] ?? row.rec_id ?? "")
  }
}

/** Only forename, surname, birth date and postcode: the restricted FEBRL evaluation. */
export const restrictToNamesBirthDatePostcode = (person: Person): Person => ({
  id: person.id,
  names: person.names,
  birthDate: person.birthDate,
  addresses: (person.addresses ?? []).map((address) => ({ postcode: address.postcode }))
})

/** Splink's `fake_1000.csv`: names and birth date (its city and e-mail have no comparison here). */
export function readFake1000(text: string): Dataset {
  const parsed = rows(text)
  return {
    records: parsed.map((row): Person => ({
      id: row.unique_id ?? "",
      names: [{ given: row.first_name ? [row.first_name] : [], family: optional(row.surname) }],
      birthDate: optional(row.dob)
    })),
    truth: parsed.map((row) => row.cluster ?? "")
  }
}

/** `fake_1000_labels.csv`: pairs of `unique_id`s with a clerical score (1 a match, 0 not), as indexes into the records. */
export function readFake1000Labels(text: string, records: ReadonlyArray<Person>): Array<LabelledPair> {
  const position = new Map(records.map((record, i) => [record.id, i]))
  return rows(text).flatMap((row) => {
    const a = position.get(row.unique_id_l ?? "")
    const b = position.get(row.unique_id_r ?? "")
    return a === undefined || b === undefined ? [] : [{ a, b, match: Number(row.clerical_match_score) >= 0.5 }]
  })
}
