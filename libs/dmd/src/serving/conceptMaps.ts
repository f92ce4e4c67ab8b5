/**
 * The concept maps NHS England's terminology server publishes with dm+d (built by CSIRO's dm+d
 * transform), answered from a release's index for `ConceptMap/$translate`:
 *
 * - `https://dmd.nhs.uk/conceptmap/gtin`: an AMPP to its GTINs (`https://www.gs1.org/gtin`),
 *   current and ended, each with `mapping_status` (`active`, `retired`), `start` and `end` as
 *   products; read in reverse, a GTIN to its AMPP.
 * - `https://dmd.nhs.uk/conceptmap/history`: a previous code to its current one, from the bonus
 *   HISTORIC_CODES file (with the dates the previous code was in use; a row with the same code on
 *   both sides gives the current code's start) and the `VTMIDPREV`, `VPIDPREV` and `ISIDPREV`
 *   fields; in reverse, a current code to its previous ones.
 *
 * The maps' version is the release's, and every mapping is `relatedto`, as there.
 */
import type { Coding, OtherElement, ReleaseConceptMap, TranslationMatch } from "@ffynnon/terminology"
import { dmdSystem } from "../store/load"
import type { CodeChange, DmdIndex, GtinUse } from "./DmdIndex"

export const gtinMapUrl = `${dmdSystem}/conceptmap/gtin`
export const historyMapUrl = `${dmdSystem}/conceptmap/history`
export const gtinSystem = "https://www.gs1.org/gtin"

const dates = (start: string | null, end: string | null): Array<OtherElement> => [
  ...(start === null ? [] : [{ property: "start", value: start }]),
  ...(end === null ? [] : [{ property: "end", value: end }])
]

/** The GTIN and history maps of one release. */
export const dmdConceptMaps = (index: DmdIndex): ReadonlyArray<ReleaseConceptMap> => {
  const { version } = index
  const dmdCoding = (code: string): Coding => {
    const display = index.nameOf(code)
    return { system: dmdSystem, version, code, ...(display === undefined ? {} : { display }) }
  }
  const gtinMatch = (ampp: string, use: GtinUse): TranslationMatch => ({
    equivalence: "relatedto",
    source: dmdCoding(ampp),
    target: { system: gtinSystem, code: use.gtin },
    products: [{ property: "mapping_status", value: use.end === null ? "active" : "retired" }, ...dates(use.start, use.end)],
    map: `${gtinMapUrl}|${version}`
  })
  const historyMatch = (change: CodeChange): TranslationMatch => ({
    equivalence: "relatedto",
    source: dmdCoding(change.previous),
    target: dmdCoding(change.current),
    products: dates(change.start, change.end),
    map: `${historyMapUrl}|${version}`
  })
  return [
    {
      url: gtinMapUrl,
      version,
      source: dmdSystem,
      target: gtinSystem,
      translate: (code, reverse) =>
        reverse
          ? index.gtinHolders(code).map(({ ampp, use }) => gtinMatch(ampp, use))
          : index.gtinsOf(code).map((use) => gtinMatch(code, use))
    },
    {
      url: historyMapUrl,
      version,
      source: dmdSystem,
      target: dmdSystem,
      translate: (code, reverse) => (reverse ? index.changesTo(code) : index.changesFrom(code)).map(historyMatch)
    }
  ]
}
