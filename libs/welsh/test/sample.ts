/** The sample Welsh translation package and list (`data/sample/welsh/`), and changed copies for error tests. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const sampleRoot = join(import.meta.dirname, "..", "..", "..", "data", "sample", "welsh")
export const welshPackage = join(sampleRoot, "SnomedCT_FfynnonWelsh_PRODUCTION_20260101T120000Z")
export const welshPackageUri = "http://snomed.info/sct/90001000230102/version/20260101"
export const welshList = join(sampleRoot, "ffynnon-welsh-terms.csv")
export const welshDescriptions = join(welshPackage, "Snapshot", "Terminology", "sct2_Description_Snapshot-cy_GB1000230_20260101.txt")

/** A copy of the translation package, changed by `change`; removed by the returned function. */
export const changedPackage = (change: (folder: string) => void) => {
  const folder = mkdtempSync(join(tmpdir(), "ffynnon-welsh-"))
  cpSync(welshPackage, folder, { recursive: true })
  change(folder)
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) }
}

/** A list file with this content (bytes as given), in a temporary folder. */
export const listFile = (name: string, content: string | Buffer) => {
  const folder = mkdtempSync(join(tmpdir(), "ffynnon-welsh-list-"))
  const path = join(folder, name)
  writeFileSync(path, content)
  return { path, remove: () => rmSync(folder, { recursive: true, force: true }) }
}
