/** The real-format dm+d fixtures in `../shared/fixtures/dmd` (or `$FFYNNON_SHARED_DIR/fixtures/dmd`), read in place. */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const root = join(import.meta.dirname, "..", "..", "..")
export const fixtures = join(resolve(root, process.env.FFYNNON_SHARED_DIR ?? "../shared"), "fixtures", "dmd")
export const hasFixtures = existsSync(fixtures)
if (!hasFixtures) console.warn(`${fixtures} is absent: the dm+d tests on real release files are skipped (set FFYNNON_SHARED_DIR).`)

export const openprescribing1 = join(fixtures, "openprescribing-dmd-1")
export const openprescribing2 = join(fixtures, "openprescribing-dmd-2")
export const wardle = join(fixtures, "wardle-dmd-2021-08-26")
export const opencodelists = (name: string) => join(fixtures, "opencodelists", name)

/** The team-written sample release (`data/sample/dmd`). */
export const sampleFolder = join(root, "data", "sample", "dmd", "nhsbsa_dmd_12.1.0_20261207000001")
export const sampleBonus = join(root, "data", "sample", "dmd", "nhsbsa_dmdbonus_12.1.0_20261207000001")

/** A copy of `folder` changed by `change`, in a folder named `name`; removed by the returned function. */
export const changedCopy = (folder: string, change: (copy: string) => void, name = "nhsbsa_dmd_9.9.0_20990101000001") => {
  const parent = mkdtempSync(join(tmpdir(), "ffynnon-dmd-"))
  const copy = join(parent, name)
  cpSync(folder, copy, { recursive: true })
  change(copy)
  return { folder: copy, remove: () => rmSync(parent, { recursive: true, force: true }) }
}
