/**
 * Writes the sample Welsh translation package (`SnomedCT_FfynnonWelsh_…`): a SNOMED CT RF2
 * Snapshot extension, in the made-up namespace 1000230, holding Welsh (`cy`) descriptions of
 * concepts of the sample release (`../snomed/`) and the Welsh language reference set, plus the
 * extension's own module and refset concepts. The Welsh is the team's own wording.
 *
 *   node_modules/.bin/bun data/sample/welsh/generate.ts      (from the repository root)
 */
import { createHash } from "node:crypto"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { hasValidCheckDigit } from "../../../libs/snomed/src/Sctid"

const date = "20260101"
const root = join(import.meta.dirname, "SnomedCT_FfynnonWelsh_PRODUCTION_20260101T120000Z", "Snapshot")
const suffix = `GB1000230_${date}.txt`

/** A long-format SCTID in our namespace: partition "10" concept, "11" description, "12" relationship. */
const sctid = (n: number, partition: "10" | "11" | "12") => {
  const stem = `${n}1000230${partition}`
  for (let check = 0; check < 10; check++) if (hasValidCheckDigit(`${stem}${check}`)) return `${stem}${check}`
  throw new Error(`no check digit for ${stem}`)
}
/** A stable UUID for a refset row, so that regenerating changes nothing. */
const uuid = (key: string) => {
  const hex = createHash("sha256").update(key).digest("hex")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const SAMPLE_MODULE = "11000230100"
const WELSH_MODULE = sctid(9000, "10")
const WELSH_REFSET = sctid(9001, "10")
const GB_REFSET = "900000000000508004"
const UK_CLINICAL_REFSET = "999001261000000100"
const FSN = "900000000000003001"
const SYNONYM = "900000000000013009"
const INSENSITIVE = "900000000000448009"
const PREFERRED = "900000000000548007"
const ACCEPTABLE = "900000000000549004"

/** Concepts of the sample release and their Welsh terms: the preferred term first, then acceptable synonyms. */
const translations: ReadonlyArray<readonly [concept: string, english: string, welsh: ReadonlyArray<string>]> = [
  ["404684003", "Clinical finding", ["Canfyddiad clinigol"]],
  ["73211009", "Diabetes mellitus", ["Clefyd siwgr", "Diabetes"]],
  ["4121000230100", "Type 1 diabetes mellitus", ["Diabetes math 1", "Clefyd siwgr math 1"]],
  ["44054006", "Type 2 diabetes mellitus", ["Diabetes math 2", "Clefyd siwgr math 2"]],
  ["195967001", "Asthma", ["Asthma", "Y fogfa"]],
  ["22298006", "Myocardial infarction", ["Trawiad ar y galon", "Cnawdnychiant myocardaidd"]],
  ["38341003", "Hypertension", ["Pwysedd gwaed uchel", "Gorbwysedd"]],
  ["4371000230103", "Stroke", ["Strôc"]],
  ["4861000230100", "Depression", ["Iselder", "Iselder ysbryd"]],
  ["5591000230105", "Cough", ["Peswch"]],
  ["5511000230104", "Fever", ["Twymyn", "Tymheredd uchel"]],
  ["5561000230102", "Headache", ["Cur pen", "Pen tost"]],
  ["5531000230109", "Chest pain", ["Poen yn y frest"]],
  ["3531000230108", "Pneumonia", ["Niwmonia"]],
  ["3031000230100", "Heart disease", ["Clefyd y galon"]],
  ["3131000230101", "Heart failure", ["Methiant y galon"]],
  ["3101000230109", "Angina", ["Angina"]],
  ["3501000230100", "Chronic obstructive pulmonary disease", ["Clefyd rhwystrol cronig yr ysgyfaint"]],
  ["3411000230102", "Disorder of lung", ["Anhwylder yr ysgyfaint"]],
  ["4331000230100", "Migraine", ["Meigryn"]],
  ["74400008", "Appendicitis", ["Llid y pendics"]],
  ["3581000230107", "Common cold", ["Annwyd"]],
  ["2831000230102", "Fracture", ["Toriad", "Asgwrn wedi torri"]],
  ["4271000230105", "Obesity", ["Gordewdra"]],
  ["4321000230102", "Epilepsy", ["Epilepsi"]],
  ["2801000230105", "Cancer", ["Canser"]],
  ["2631000230103", "Eye", ["Llygad"]],
  ["2581000230100", "Kidney", ["Aren"]]
]

/** The extension's own concepts, described in English (as extensions are) and in Welsh. */
const ownConcepts = [
  {
    id: WELSH_MODULE,
    parent: "900000000000443000",
    fsn: "Ffynnon Welsh translation module (core metadata concept)",
    english: "Ffynnon Welsh translation module",
    welsh: "Modiwl cyfieithu Cymraeg Ffynnon"
  },
  {
    id: WELSH_REFSET,
    parent: "900000000000506000",
    fsn: "Ffynnon Welsh language reference set (foundation metadata concept)",
    english: "Ffynnon Welsh language reference set",
    welsh: "Set gyfeirio iaith Gymraeg Ffynnon"
  }
]

const files: Record<string, Array<ReadonlyArray<string>>> = {
  [`Terminology/sct2_Concept_Snapshot_${suffix}`]: [["id", "effectiveTime", "active", "moduleId", "definitionStatusId"]],
  [`Terminology/sct2_Relationship_Snapshot_${suffix}`]: [
    ["id", "effectiveTime", "active", "moduleId", "sourceId", "destinationId", "relationshipGroup", "typeId", "characteristicTypeId", "modifierId"]
  ],
  [`Terminology/sct2_Description_Snapshot-en_${suffix}`]: [],
  [`Terminology/sct2_Description_Snapshot-cy_${suffix}`]: [],
  [`Refset/Language/der2_cRefset_LanguageSnapshot-en_${suffix}`]: [],
  [`Refset/Language/der2_cRefset_LanguageSnapshot-cy_${suffix}`]: [],
  [`Refset/Metadata/der2_ssRefset_ModuleDependencySnapshot_${suffix}`]: [
    ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId", "sourceEffectiveTime", "targetEffectiveTime"],
    [uuid("dependency"), date, "1", WELSH_MODULE, "900000000000534007", SAMPLE_MODULE, date, date]
  ]
}
const descriptionHeader = ["id", "effectiveTime", "active", "moduleId", "conceptId", "languageCode", "typeId", "term", "caseSignificanceId"]
const languageHeader = ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId", "acceptabilityId"]
const table = (name: string) => files[Object.keys(files).find((path) => path.includes(name))!]!
table("Description_Snapshot-en").push(descriptionHeader)
table("Description_Snapshot-cy").push(descriptionHeader)
table("LanguageSnapshot-en").push(languageHeader)
table("LanguageSnapshot-cy").push(languageHeader)

let next = 9000
const describe = (concept: string, language: "en" | "cy", type: string, term: string, refsets: ReadonlyArray<readonly [string, string]>) => {
  const id = sctid(next++, "11")
  table(`Description_Snapshot-${language}`).push([id, date, "1", WELSH_MODULE, concept, language, type, term, INSENSITIVE])
  for (const [refset, acceptability] of refsets) {
    table(`LanguageSnapshot-${language}`).push([uuid(`${refset}:${id}`), date, "1", WELSH_MODULE, refset, id, acceptability])
  }
}

ownConcepts.forEach((concept, position) => {
  table("Concept_Snapshot").push([concept.id, date, "1", WELSH_MODULE, "900000000000074008"])
  table("Relationship_Snapshot").push([sctid(9000 + position, "12"), date, "1", WELSH_MODULE, concept.id, concept.parent, "0", "116680003", "900000000000011006", "900000000000451002"])
  const english: ReadonlyArray<readonly [string, string]> = [[GB_REFSET, PREFERRED], [UK_CLINICAL_REFSET, PREFERRED]]
  describe(concept.id, "en", FSN, concept.fsn, english)
  describe(concept.id, "en", SYNONYM, concept.english, english)
  describe(concept.id, "cy", SYNONYM, concept.welsh, [[WELSH_REFSET, PREFERRED]])
})
for (const [concept, , [preferred, ...synonyms]] of translations) {
  describe(concept, "cy", SYNONYM, preferred!, [[WELSH_REFSET, PREFERRED]])
  for (const synonym of synonyms) describe(concept, "cy", SYNONYM, synonym, [[WELSH_REFSET, ACCEPTABLE]])
}

rmSync(join(root, ".."), { recursive: true, force: true })
for (const [path, rows] of Object.entries(files)) {
  mkdirSync(join(root, path, ".."), { recursive: true })
  writeFileSync(join(root, path), rows.map((row) => `${row.join("\t")}\r\n`).join(""))
}
console.log(`wrote ${join(root, "..")}`)
