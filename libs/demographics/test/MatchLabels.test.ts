import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { parseLabels } from "../src/MatchLabels"

const failure = (text: string) => Effect.runSync(Effect.flip(parseLabels("labels.csv", text))).message
const splinkLabels = join(
  process.env.FFYNNON_SHARED_DIR ?? join(import.meta.dirname, "..", "..", "..", "..", "shared"),
  "fixtures",
  "matching",
  "splink",
  "fake_1000_labels.csv"
)

describe("labelled pairs for training", () => {
  it.effect("reads a dedupe review file with a match column, by the header's names", () =>
    Effect.gen(function* () {
      const pairs = yield* parseLabels(
        "labels.csv",
        'cluster,patient_id,other_id,probability,review,match\n,a,b,0.970000,"forenames disagree; birth dates disagree",non-match\n1,c,d,0.999000,,1\r\n\n'
      )
      expect(pairs).toEqual([
        { patientId: "a", otherId: "b", match: false, at: "labels.csv line 2" },
        { patientId: "c", otherId: "d", match: true, at: "labels.csv line 3" }
      ])
    })
  )

  it("refuses what it cannot read, naming the file and line", () => {
    expect(failure("a,b,c\n1,2,3")).toBe(
      "labels.csv line 1: the header must name the columns patient_id, other_id and match (or Splink's unique_id_l, unique_id_r and clerical_match_score)."
    )
    expect(failure("patient_id,other_id,match\na,b,1\na,c,maybe")).toBe(
      "labels.csv line 3: match must be 1, true, yes or match, or 0, false, no or non-match, not 'maybe'."
    )
    expect(failure("patient_id,other_id,match\na,,1")).toBe("labels.csv line 2: both records must be named.")
    expect(failure("patient_id,other_id,match\na,a,1")).toBe("labels.csv line 2: a record is paired with itself.")
    expect(failure("patient_id,other_id,match\n")).toBe("labels.csv: no labelled pairs.")
    expect(failure("unique_id_l,unique_id_r,clerical_match_score\n1,2,1.5")).toBe(
      "labels.csv line 2: clerical_match_score must be a number from 0 to 1, not '1.5'."
    )
  })

  it.skipIf(!existsSync(splinkLabels))("reads Splink's labelled pairs as they are (fake_1000_labels.csv)", () => {
    const text = readFileSync(splinkLabels, "utf8")
    const pairs = Effect.runSync(parseLabels(splinkLabels, text))
    const rows = text.trim().split("\n").slice(1)
    expect(pairs).toHaveLength(rows.length)
    expect(pairs.filter((pair) => pair.match)).toHaveLength(rows.filter((row) => Number(row.split(",").at(-1)) >= 0.5).length)
    expect(pairs[0]).toMatchObject({ patientId: "0", otherId: "1", match: true })
  })
})
