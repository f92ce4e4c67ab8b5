// A synthetic Welsh translation package for a generated release, in the RF2 form of a national
// translation: its own module and language reference set concepts, Welsh preferred terms (and
// for a third of them an acceptable synonym) for a share of the release's active concepts, the
// Welsh language reference set, and a module dependency on the release's edition module.
//
//   bun bench/snomed-generator/translation.ts --release <release folder> --out <dir> [--share 0.3]
//
// The terms are strings of real Welsh words chosen from the concept id, not translations.
import { createReadStream, mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { parseArgs } from "node:util"
import { fmix32, makeSctid, memberUuid } from "./ids.ts"
import { RELEASE_DATE } from "./metadata.ts"

const namespace = 1000230
const module = makeSctid(8001, "concept", namespace)
const languageRefset = makeSctid(8002, "concept", namespace)
export const translationFolder = `SnomedCT_SyntheticWelsh_PRODUCTION_${RELEASE_DATE}T120000Z`

const words = [
  "clefyd",
  "poen",
  "llid",
  "gwaed",
  "calon",
  "pen",
  "cefn",
  "coes",
  "braich",
  "llygad",
  "clust",
  "trwyn",
  "ceg",
  "stumog",
  "afu",
  "aren",
  "ysgyfaint",
  "croen",
  "asgwrn",
  "cymal",
  "cyhyr",
  "nerf",
  "ymennydd",
  "twymyn",
  "peswch",
  "haint",
  "briw",
  "torri",
  "chwydd",
  "cronig",
  "acíwt",
  "difrifol",
  "ysgafn",
  "chwith",
  "dde",
  "uchaf",
  "isaf",
  "mewnol",
  "allanol",
  "plentyn",
  "oedolyn",
  "triniaeth",
  "archwiliad",
  "llawdriniaeth",
  "meddyginiaeth",
  "dos",
  "tabled",
  "hylif",
  "pigiad",
  "prawf",
  "canlyniad",
  "gwasgedd",
  "siwgr",
  "strôc",
  "iselder",
  "gorbryder",
  "anadlu",
  "cysgu",
  "bwyta",
  "yfed",
  "cerdded",
  "ŵyl",
  "ŷd",
  "dŵr"
]

/** Two to four words, chosen from the concept id. */
const welshTerm = (conceptId: string, salt: number) => {
  let hash = fmix32(Number(BigInt(conceptId) % 4294967291n) ^ salt)
  const count = 2 + (hash % 3)
  const chosen: Array<string> = []
  for (let i = 0; i < count; i++) {
    hash = fmix32(hash + i)
    chosen.push(words[hash % words.length]!)
  }
  const term = chosen.join(" ")
  return term.charAt(0).toUpperCase() + term.slice(1)
}

const header = {
  concept: "id\teffectiveTime\tactive\tmoduleId\tdefinitionStatusId",
  description: "id\teffectiveTime\tactive\tmoduleId\tconceptId\tlanguageCode\ttypeId\tterm\tcaseSignificanceId",
  relationship: "id\teffectiveTime\tactive\tmoduleId\tsourceId\tdestinationId\trelationshipGroup\ttypeId\tcharacteristicTypeId\tmodifierId",
  language: "id\teffectiveTime\tactive\tmoduleId\trefsetId\treferencedComponentId\tacceptabilityId",
  dependency: "id\teffectiveTime\tactive\tmoduleId\trefsetId\treferencedComponentId\tsourceEffectiveTime\ttargetEffectiveTime"
}
const synonym = "900000000000013009"
const fullySpecifiedName = "900000000000003001"
const caseInsensitive = "900000000000448009"
const preferred = "900000000000548007"
const acceptable = "900000000000549004"

/** The release's edition module (the one no other depends on) and its version, from its module dependency file. */
async function editionOf(releaseFolder: string, files: ReadonlyArray<string>) {
  const sources = new Map<string, string>()
  const targets = new Set<string>()
  for await (const line of lines(
    join(
      releaseFolder,
      files.find((file) => file.includes("ModuleDependency"))!
    )
  )) {
    const fields = line.split("\t")
    if (fields[2] !== "1") continue
    sources.set(fields[3]!, fields[6]!)
    targets.add(fields[5]!)
  }
  const [edition] = [...sources].filter(([source]) => !targets.has(source))
  return { module: edition![0], version: edition![1] }
}

async function* lines(path: string) {
  let first = true
  for await (const line of createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity })) {
    if (!first && line.length > 0) yield line
    first = false
  }
}

/** Writes the package below `out`; returns its folder and how many concepts it translates. */
export async function writeTranslation(releaseFolder: string, out: string, share: number) {
  const files = readdirSync(releaseFolder, { recursive: true, encoding: "utf8" })
  const conceptFile = files.find((file) => /sct2_Concept_\w*Snapshot/.test(file))!
  const edition = await editionOf(releaseFolder, files)
  const folder = join(out, translationFolder)
  const date = RELEASE_DATE
  const descriptions: Array<string> = [header.description]
  const members: Array<string> = [header.language]
  let item = 0
  const describe = (conceptId: string, language: string, type: string, term: string, acceptability: string) => {
    const id = makeSctid(++item, "description", namespace)
    descriptions.push([id, date, "1", module, conceptId, language, type, term, caseInsensitive].join("\t"))
    if (language === "cy") members.push([memberUuid(0x5743, item), date, "1", module, languageRefset, id, acceptability].join("\t"))
    return id
  }
  const english: Array<string> = [header.language]
  for (const [conceptId, name] of [
    [module, "Synthetic Welsh translation module (core metadata concept)"],
    [languageRefset, "Synthetic Welsh language reference set (foundation metadata concept)"]
  ] as const) {
    const id = describe(conceptId, "en", fullySpecifiedName, name, preferred)
    english.push([memberUuid(0x454e, item), date, "1", module, "900000000000508004", id, preferred].join("\t"))
    describe(conceptId, "cy", synonym, welshTerm(conceptId, 7), preferred)
  }
  let translated = 0
  for await (const line of lines(join(releaseFolder, conceptFile))) {
    const [conceptId, , active] = line.split("\t")
    if (active !== "1" || fmix32(Number(BigInt(conceptId!) % 4294967291n)) / 2 ** 32 >= share) continue
    translated++
    describe(conceptId!, "cy", synonym, welshTerm(conceptId!, 1), preferred)
    if (translated % 3 === 0) describe(conceptId!, "cy", synonym, welshTerm(conceptId!, 2), acceptable)
  }
  const write = (path: string, rows: ReadonlyArray<string>) => {
    mkdirSync(join(folder, path, ".."), { recursive: true })
    writeFileSync(join(folder, path), rows.join("\r\n") + "\r\n")
  }
  const suffix = `GB${namespace}_${date}.txt`
  write(`Snapshot/Terminology/sct2_Concept_Snapshot_${suffix}`, [
    header.concept,
    `${module}\t${date}\t1\t${module}\t900000000000074008`,
    `${languageRefset}\t${date}\t1\t${module}\t900000000000074008`
  ])
  write(`Snapshot/Terminology/sct2_Relationship_Snapshot_${suffix}`, [
    header.relationship,
    [
      makeSctid(1, "relationship", namespace),
      date,
      "1",
      module,
      module,
      "900000000000443000",
      "0",
      "116680003",
      "900000000000011006",
      "900000000000451002"
    ].join("\t"),
    [
      makeSctid(2, "relationship", namespace),
      date,
      "1",
      module,
      languageRefset,
      "900000000000506000",
      "0",
      "116680003",
      "900000000000011006",
      "900000000000451002"
    ].join("\t")
  ])
  const [englishHeader, ...englishRows] = descriptions.filter((row, index) => index === 0 || row.split("\t")[5] === "en")
  write(`Snapshot/Terminology/sct2_Description_Snapshot-en_${suffix}`, [englishHeader!, ...englishRows])
  write(
    `Snapshot/Terminology/sct2_Description_Snapshot-cy_${suffix}`,
    descriptions.filter((row, index) => index === 0 || row.split("\t")[5] === "cy")
  )
  write(`Snapshot/Refset/Language/der2_cRefset_LanguageSnapshot-en_${suffix}`, english)
  write(`Snapshot/Refset/Language/der2_cRefset_LanguageSnapshot-cy_${suffix}`, members)
  write(`Snapshot/Refset/Metadata/der2_ssRefset_ModuleDependencySnapshot_${suffix}`, [
    header.dependency,
    [memberUuid(0x4d44, 1), date, "1", module, "900000000000534007", edition.module, date, edition.version].join("\t")
  ])
  return { folder, translated, descriptions: descriptions.length - 1, uri: `http://snomed.info/sct/${module}/version/${date}` }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { release: { type: "string" }, out: { type: "string" }, share: { type: "string", default: "0.3" } },
    strict: true
  })
  if (values.release === undefined || values.out === undefined) {
    process.stderr.write("usage: bun bench/snomed-generator/translation.ts --release <release folder> --out <dir> [--share 0.3]\n")
    process.exit(2)
  }
  const written = await writeTranslation(values.release, values.out, Number(values.share))
  process.stderr.write(`wrote ${written.folder}: ${written.translated} concepts translated, ${written.descriptions} descriptions\n`)
}
