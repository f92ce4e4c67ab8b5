/** Where the real ICD fixtures are (`../shared/fixtures/icd`, read in place), and whether they are here. */
import { existsSync } from "node:fs"
import { join } from "node:path"

const shared = join(process.env.FFYNNON_SHARED_DIR ?? join(import.meta.dirname, "..", "..", "..", "..", "shared"), "fixtures", "icd")

export const icd11Zip = join(shared, "icd11-who-2024-01", "SimpleTabulation-ICD-11-MMS-en-2024-01.zip")
export const hasIcd11 = existsSync(icd11Zip)
if (!hasIcd11) console.warn(`${icd11Zip} is absent: the tests on the whole ICD-11 MMS release are skipped.`)

export const claml = (name: string) => join(shared, "opencodelists", name)
export const hasClaml = existsSync(claml("icd10_gastric_ulcer.xml"))
if (!hasClaml) console.warn("../shared/fixtures/icd/opencodelists is absent: the tests on WHO ICD-10 ClaML are skipped.")

export const icd10cmTabular = join(shared, "hapi", "icd10cm_tabular_2021.xml")
