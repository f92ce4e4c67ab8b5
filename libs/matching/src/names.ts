/**
 * Name equivalences from the curated table `data/names.json` (Welsh–English forenames, English pet
 * forms, Welsh patronymic surnames), each pair with its source. Lookups are by folded name and
 * pair-wise only: equivalence is deliberately not transitive.
 */
import table from "../data/names.json"
import { fold } from "./normalise"

/** One pair of the table: `name` may be written `equivalent` for the same person. */
export interface NameEquivalence {
  readonly name: string
  readonly equivalent: string
  readonly kind: string
  /** The reference the pair comes from, spelt out. */
  readonly source: string
}

/** The pairs of one column of the table, looked up by folded name in either order. */
export class NameEquivalences {
  private readonly byName = new Map<string, Map<string, NameEquivalence>>()

  constructor(readonly entries: ReadonlyArray<NameEquivalence>) {
    for (const entry of entries) {
      this.add(fold(entry.name), fold(entry.equivalent), entry)
      this.add(fold(entry.equivalent), fold(entry.name), entry)
    }
  }

  private add(from: string, to: string, entry: NameEquivalence) {
    let targets = this.byName.get(from)
    if (targets === undefined) this.byName.set(from, (targets = new Map()))
    targets.set(to, entry)
  }

  /** The table's entry making the two folded names equivalent, if there is one. */
  lookup(a: string, b: string): NameEquivalence | undefined {
    return this.byName.get(a)?.get(b)
  }
}

const sources: Record<string, string> = table.sources
const entries = (rows: ReadonlyArray<ReadonlyArray<string>>): Array<NameEquivalence> =>
  rows.map(([name = "", equivalent = "", kind = "", source = ""]) => ({ name, equivalent, kind, source: sources[source] ?? source }))

/** Welsh–English forenames and English pet forms (Dafydd/David, Siôn/John, William/Bill). */
export const forenameEquivalences = new NameEquivalences(entries(table.forenames))
/** Welsh patronymic surnames and Welsh spellings (Powell/ap Hywel, Price/Prys, Evans/Ifans). */
export const surnameEquivalences = new NameEquivalences(entries(table.surnames))
