/**
 * Pairs of records a data steward labelled as the same person or not, for `ffynnon match model
 * train --labels`: a CSV whose header names the columns. Ours is `patient_id,other_id,match` (any
 * other columns ignored, so the review file of `ffynnon match dedupe --out` with a `match` column
 * added will do); Splink's labelled pairs (`unique_id_l,unique_id_r,clerical_match_score`) are read
 * as they are.
 */
import { Data, Effect } from "effect"

export interface LabelledRecordPair {
  readonly patientId: string
  readonly otherId: string
  readonly match: boolean
  /** Where it came from (`labels.csv line 3`), for errors about it later (an unknown record). */
  readonly at: string
}

/** A labels file that cannot be read as labelled pairs: the file and line, and what is wrong. */
export class LabelsInvalid extends Data.TaggedError("LabelsInvalid")<{ readonly message: string }> {}

const MATCH = new Set(["1", "true", "yes", "match"])
const NON_MATCH = new Set(["0", "false", "no", "non-match"])

// One CSV line: fields split on commas, a field in double quotes may hold commas and doubled quotes.
function fields(line: string): Array<string> {
  const out: Array<string> = []
  let field = ""
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"'
      i++
    } else if (char === '"') quoted = !quoted
    else if (char === "," && !quoted) {
      out.push(field.trim())
      field = ""
    } else field += char
  }
  out.push(field.trim())
  return out
}

const layouts = [
  {
    first: "patient_id",
    second: "other_id",
    label: "match",
    parse: (value: string) => (MATCH.has(value) ? true : NON_MATCH.has(value) ? false : undefined)
  },
  {
    first: "unique_id_l",
    second: "unique_id_r",
    label: "clerical_match_score",
    // Splink's clerical score is a probability: at least one half is a match.
    parse: (value: string) => {
      const score = value === "" ? Number.NaN : Number(value)
      return score >= 0 && score <= 1 ? score >= 0.5 : undefined
    }
  }
] as const

function read(file: string, text: string): Array<LabelledRecordPair> {
  const lines = text.split(/\r?\n/)
  const header = fields(lines[0] ?? "").map((name) => name.toLowerCase())
  const layout = layouts.find((candidate) => [candidate.first, candidate.second, candidate.label].every((name) => header.includes(name)))
  if (layout === undefined)
    throw new LabelsInvalid({
      message: `${file} line 1: the header must name the columns patient_id, other_id and match (or Splink's unique_id_l, unique_id_r and clerical_match_score).`
    })
  const [first, second, label] = [layout.first, layout.second, layout.label].map((name) => header.indexOf(name)) as [number, number, number]
  const pairs: Array<LabelledRecordPair> = []
  for (let n = 1; n < lines.length; n++) {
    if (lines[n]!.trim() === "") continue
    const row = fields(lines[n]!)
    const at = `${file} line ${n + 1}`
    const [patientId, otherId, value] = [row[first] ?? "", row[second] ?? "", (row[label] ?? "").toLowerCase()]
    if (patientId === "" || otherId === "") throw new LabelsInvalid({ message: `${at}: both records must be named.` })
    if (patientId === otherId) throw new LabelsInvalid({ message: `${at}: a record is paired with itself.` })
    const match = layout.parse(value)
    if (match === undefined)
      throw new LabelsInvalid({
        message:
          layout.label === "match"
            ? `${at}: match must be 1, true, yes or match, or 0, false, no or non-match, not '${value}'.`
            : `${at}: clerical_match_score must be a number from 0 to 1, not '${value}'.`
      })
    pairs.push({ patientId, otherId, match, at })
  }
  if (pairs.length === 0) throw new LabelsInvalid({ message: `${file}: no labelled pairs.` })
  return pairs
}

/** Reads labelled pairs from the text of `file` (named, with the line, in errors). */
export const parseLabels = (file: string, text: string): Effect.Effect<Array<LabelledRecordPair>, LabelsInvalid> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(read(file, text))
    } catch (error) {
      if (error instanceof LabelsInvalid) return Effect.fail(error)
      throw error
    }
  })
