/**
 * Generates the Ffynnon sample SNOMED CT release: a small, team-authored RF2 Snapshot in the real
 * RF2 format (tab-separated, CRLF, UTF-8 without BOM, header row), plus `expected.json`, the ground
 * truth that tests compare the server against.
 *
 *   node_modules/.bin/bun data/sample/snomed/generate.ts      (from the repository root)
 *
 * Everything here is synthetic content written by the Ffynnon team. The only things taken from
 * SNOMED CT are identifiers the server's behaviour depends on (metadata: description types,
 * acceptability, modules, reference sets, attributes, top-level hierarchies) and a handful of
 * widely known clinical concept ids that appear in the FHIR specification's own examples. All
 * terms, including those for the real identifiers, are our own wording.
 *
 * Identifiers
 * - Invented concepts get long-format SCTIDs in the made-up namespace 1000230:
 *   `<n><1000230><10><check>`, where n is the item number written in the tables below. Our module
 *   is item 1: 11000230100.
 * - Every concept (real id or invented) has an item number n, from which the ids of its own
 *   descriptions (`<n*10+i><1000230><11><check>`) and relationships (`<n*100+k><1000230><12><check>`;
 *   concrete values use k >= 50) are minted, so adding a concept never renumbers the others.
 *   Item numbers must be unique.
 * - Check digits are Verhoeff, computed here.
 * - Reference set member ids are UUIDs (version 4 layout) derived from a SHA-256 of the member's
 *   identifying fields, so re-running produces byte-identical files.
 *
 * To extend: add a row to the right table with a fresh item number, then re-run. Welsh terms can
 * later be added as descriptions with languageCode `cy` and a Welsh language reference set.
 */
import { createHash } from "node:crypto"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

// ---------------------------------------------------------------------------------------------
// Release constants
// ---------------------------------------------------------------------------------------------

const RELEASE_DATE = "20260101"
const PACKAGE = `SnomedCT_FfynnonSample_PRODUCTION_${RELEASE_DATE}T120000Z`
const FILE_SUFFIX = `GB1000000_${RELEASE_DATE}`
const NAMESPACE = "1000230"
/** effectiveTime of content that has not changed in this release. */
const ET_BASE = "20250701"
/** effectiveTime of changes made in this release (inactivations, retired terms, new concepts). */
const ET_NEW = RELEASE_DATE

// Real SNOMED CT metadata identifiers.
const ROOT = "138875005"
const IS_A = "116680003"
const FSN = "900000000000003001"
const SYNONYM = "900000000000013009"
const DEFINITION = "900000000000550004"
const PREFERRED = "900000000000548007"
const ACCEPTABLE = "900000000000549004"
const PRIMITIVE = "900000000000074008"
const DEFINED = "900000000000073002"
const CORE = "900000000000207008"
const MODEL = "900000000000012004"
const UK = "999000011000000103"
const INFERRED = "900000000000011006"
const EXISTENTIAL = "900000000000451002"
const CASE_INSENSITIVE = "900000000000448009"
const CASE_SENSITIVE = "900000000000017005"
const GB_LANG = "900000000000508004"
const UK_LANG = "999001261000000100"
const OWL_AXIOM_REFSET = "733073007"
const ROLE_GROUP = "609096000"
const REPLACED_BY = "900000000000526001"
const SAME_AS = "900000000000527005"
const POSSIBLY_EQUIVALENT_TO = "900000000000523009"
const CONCEPT_INACTIVATION = "900000000000489007"
const DESCRIPTION_INACTIVATION = "900000000000490003"
const CONCEPT_NON_CURRENT = "900000000000495008"
const MODULE_DEPENDENCY = "900000000000534007"
const MRCM_DOMAIN_INT = "723561005"
const MANDATORY_RULE = "723597001"
const ALL_CONTENT = "723596005"
const UK_ICD10_MAP = "999002271000000101"
const MAP_CORRELATION_NOT_SPECIFIED = "447561005"
const MAP_PROPERLY_CLASSIFIED = "447637006"
const MAP_CANNOT_CLASSIFY = "447638001"
const MAP_CONTEXT_DEPENDENT = "447639009"
const OBJECT_ATTRIBUTE = "762705008"
const DATA_ATTRIBUTE = "762706009"

// Attributes used in the clinical content.
const FINDING_SITE = "363698007"
const MORPHOLOGY = "116676008"
const CAUSATIVE_AGENT = "246075003"
const METHOD = "260686004"
const PROCEDURE_SITE_DIRECT = "405813007"
const HAS_ACTIVE_INGREDIENT = "127489000"
const STRENGTH_NUMERATOR_UNIT = "732945000"
const STRENGTH_NUMERATOR_VALUE = "1142135004"

const INACTIVATION_REASONS = {
  duplicate: "900000000000482003",
  outdated: "900000000000483008",
  ambiguous: "900000000000484002",
  erroneous: "900000000000485001",
  movedElsewhere: "900000000000487009"
} as const
type Reason = keyof typeof INACTIVATION_REASONS

// ---------------------------------------------------------------------------------------------
// SCTIDs and UUIDs
// ---------------------------------------------------------------------------------------------

const at = <T>(xs: readonly T[], i: number): T => {
  const x = xs[i]
  if (x === undefined) throw new Error(`index ${i} out of range`)
  return x
}

/** Verhoeff multiplication table: the dihedral group D5. */
const VERHOEFF_D: number[][] = Array.from({ length: 10 }, (_, j) =>
  Array.from({ length: 10 }, (_, k) =>
    j < 5 && k < 5 ? (j + k) % 5 : j < 5 ? 5 + ((j + k) % 5) : k < 5 ? 5 + ((j - k + 5) % 5) : (j - k + 5) % 5))
/** Verhoeff permutation table: row i is the permutation (1 5 7 6 2 8 3 0 9 4) applied i times. */
const VERHOEFF_P: number[][] = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]
for (let i = 1; i < 8; i++) VERHOEFF_P.push(at(VERHOEFF_P, i - 1).map((x) => at([1, 5, 7, 6, 2, 8, 3, 0, 9, 4], x)))
const VERHOEFF_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]

/** The Verhoeff check digit for a string of digits. */
function verhoeffCheckDigit(digits: string): number {
  let c = 0
  const reversed = [...digits].reverse()
  reversed.forEach((ch, i) => {
    c = at(at(VERHOEFF_D, c), at(at(VERHOEFF_P, (i + 1) % 8), Number(ch)))
  })
  return at(VERHOEFF_INV, c)
}

for (const known of [ROOT, "22298006", "404684003", UK_LANG, UK_ICD10_MAP]) {
  if (verhoeffCheckDigit(known.slice(0, -1)) !== Number(known.slice(-1))) throw new Error(`Verhoeff self-test failed for ${known}`)
}

/** A long-format SCTID in our namespace: partition "10" concept, "11" description, "12" relationship. */
function sctid(item: number, partition: "10" | "11" | "12"): string {
  if (!Number.isInteger(item) || item < 1) throw new Error(`bad item ${item}`)
  const body = `${item}${NAMESPACE}${partition}`
  return `${body}${verhoeffCheckDigit(body)}`
}

/** A deterministic UUID (version 4 layout) from the member's identifying fields. */
function uuid(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("|")).digest("hex")
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

// ---------------------------------------------------------------------------------------------
// Content model
// ---------------------------------------------------------------------------------------------

/** [attribute, value concept] or [attribute, concrete number]. */
type Attribute = readonly [attribute: string, value: string | number]
type Group = readonly Attribute[]

interface Options {
  /** A real SNOMED CT identifier; without it the concept gets an id in our namespace. */
  id?: string
  /** The concept row's module; defaults to CORE for real ids and to our module otherwise. */
  module?: string
  /** Role groups (relationshipGroup 1, 2, ...). Without them a concept inherits its parents' groups. */
  groups?: Group[]
  /** Sufficiently defined (EquivalentClasses) rather than primitive. */
  defined?: boolean
  /** Every term of the concept is case sensitive (eponyms, organism names, acronyms). */
  cs?: boolean
  /** The synonym preferred in the UK clinical language reference set, if not the first synonym. */
  uk?: string
  /** A text definition. */
  def?: string
  /** Retired (inactive) synonyms with the reason. */
  retired?: Array<readonly [term: string, reason: Reason]>
  effectiveTime?: string
}

interface Concept extends Options {
  n: number
  key: string
  fsn: string
  /** Synonyms; the first is preferred in both language reference sets (unless `uk` says otherwise). */
  syn: string[]
  parents: string[]
}

interface InactiveConcept {
  n: number
  key: string
  fsn: string
  syn: string[]
  formerParents: string[]
  reason: Reason
  replacedBy?: string
  sameAs?: string
  possiblyEquivalentTo?: string[]
}

const concepts: Concept[] = []
const c = (n: number, key: string, fsn: string, syn: string[], parents: string[], o: Options = {}) => {
  concepts.push({ n, key, fsn, syn, parents, ...o })
}
/** A metadata concept with a real identifier (the key is the identifier). */
const m = (id: string, n: number, fsn: string, syn: string[], parents: string[], module = MODEL) =>
  c(n, id, fsn, syn, parents, { id, module })

const site = (v: string): Attribute => [FINDING_SITE, v]
const morph = (v: string): Attribute => [MORPHOLOGY, v]
const agent = (v: string): Attribute => [CAUSATIVE_AGENT, v]
const method = (v: string): Attribute => [METHOD, v]
const psite = (v: string): Attribute => [PROCEDURE_SITE_DIRECT, v]
const ingredient = (v: string): Attribute => [HAS_ACTIVE_INGREDIENT, v]
const unit = (v: string): Attribute => [STRENGTH_NUMERATOR_UNIT, v]
const strength = (v: number): Attribute => [STRENGTH_NUMERATOR_VALUE, v]
/** A single role group. */
const g = (...attrs: Attribute[]): Group[] => [attrs]

// ---------------------------------------------------------------------------------------------
// Our own metadata (module, reference sets)
// ---------------------------------------------------------------------------------------------

c(1, "module", "Ffynnon sample module (core metadata concept)", ["Ffynnon sample module"], ["900000000000443000"])
c(2, "chronicRegister", "Ffynnon demo chronic conditions register simple reference set (foundation metadata concept)",
  ["Ffynnon demo chronic conditions register simple reference set", "Chronic conditions register reference set"], ["446609009"])
c(3, "commonMedicines", "Ffynnon demo common medicines simple reference set (foundation metadata concept)",
  ["Ffynnon demo common medicines simple reference set", "Common medicines reference set"], ["446609009"])
c(4, "legacyMap", "Ffynnon demo legacy practice code simple map reference set (foundation metadata concept)",
  ["Ffynnon demo legacy practice code simple map reference set", "Legacy practice code map"], ["900000000000496009"])
c(5, "namespace", "Extension namespace 1000230 (namespace concept)", ["Extension namespace 1000230"], ["370136006"])
c(6, "loincScheme", "LOINC code identifier scheme (foundation metadata concept)", ["LOINC code identifier scheme", "LOINC"], ["900000000000453004"])

// ---------------------------------------------------------------------------------------------
// SNOMED CT metadata (real identifiers, our wording)
// ---------------------------------------------------------------------------------------------

m(ROOT, 10, "SNOMED CT Concept (SNOMED RT+CTV3)", ["SNOMED CT Concept"], [], CORE)
m("900000000000441003", 11, "SNOMED CT Model Component (metadata)", ["SNOMED CT Model Component"], [ROOT])
m("106237007", 12, "Linkage concept (linkage concept)", ["Linkage concept"], ["900000000000441003"])
m("246061005", 13, "Attribute (attribute)", ["Attribute"], ["106237007"])
m(IS_A, 14, "Is a (attribute)", ["Is a"], ["246061005"])
m("410662002", 15, "Concept model attribute (attribute)", ["Concept model attribute"], ["246061005"])
m(OBJECT_ATTRIBUTE, 16, "Concept model object attribute (attribute)", ["Concept model object attribute"], ["410662002"])
m(DATA_ATTRIBUTE, 17, "Concept model data attribute (attribute)", ["Concept model data attribute"], ["410662002"])
m(FINDING_SITE, 18, "Finding site (attribute)", ["Finding site"], [OBJECT_ATTRIBUTE])
m(MORPHOLOGY, 19, "Associated morphology (attribute)", ["Associated morphology"], [OBJECT_ATTRIBUTE])
m("47429007", 20, "Associated with (attribute)", ["Associated with"], [OBJECT_ATTRIBUTE])
m(CAUSATIVE_AGENT, 21, "Causative agent (attribute)", ["Causative agent"], ["47429007"])
m(METHOD, 22, "Method (attribute)", ["Method"], [OBJECT_ATTRIBUTE])
m("363704007", 23, "Procedure site (attribute)", ["Procedure site"], [OBJECT_ATTRIBUTE])
m(PROCEDURE_SITE_DIRECT, 24, "Procedure site - Direct (attribute)", ["Procedure site - Direct"], ["363704007"])
m("762951001", 25, "Has ingredient (attribute)", ["Has ingredient"], [OBJECT_ATTRIBUTE])
m(HAS_ACTIVE_INGREDIENT, 26, "Has active ingredient (attribute)", ["Has active ingredient"], ["762951001"])
m(ROLE_GROUP, 27, "Role group (attribute)", ["Role group"], [OBJECT_ATTRIBUTE])
m(STRENGTH_NUMERATOR_UNIT, 28, "Has presentation strength numerator unit (attribute)", ["Has presentation strength numerator unit"], [OBJECT_ATTRIBUTE])
m(STRENGTH_NUMERATOR_VALUE, 29, "Has presentation strength numerator value (attribute)", ["Has presentation strength numerator value"], [DATA_ATTRIBUTE])
m("900000000000442005", 30, "Core metadata concept (core metadata concept)", ["Core metadata concept"], ["900000000000441003"])
m("900000000000443000", 31, "Module (core metadata concept)", ["Module"], ["900000000000442005"])
m("900000000000445007", 32, "International Health Terminology Standards Development Organisation maintained module (core metadata concept)",
  ["IHTSDO maintained module"], ["900000000000443000"])
m(CORE, 33, "SNOMED CT core module (core metadata concept)", ["SNOMED CT core module"], ["900000000000445007"], CORE)
m(MODEL, 34, "SNOMED CT model component module (core metadata concept)", ["SNOMED CT model component module"], ["900000000000445007"])
m(UK, 35, "SNOMED CT United Kingdom clinical extension module (core metadata concept)", ["UK clinical extension module"], ["900000000000443000"], UK)
m("900000000000444006", 36, "Definition status (core metadata concept)", ["Definition status"], ["900000000000442005"])
m(PRIMITIVE, 37, "Primitive definition status (core metadata concept)", ["Primitive", "Not sufficiently defined"], ["900000000000444006"])
m(DEFINED, 38, "Defined definition status (core metadata concept)", ["Defined", "Sufficiently defined"], ["900000000000444006"])
m("900000000000446008", 39, "Description type (core metadata concept)", ["Description type"], ["900000000000442005"])
m(FSN, 40, "Fully specified name (core metadata concept)", ["Fully specified name"], ["900000000000446008"])
m(SYNONYM, 41, "Synonym (core metadata concept)", ["Synonym"], ["900000000000446008"])
m(DEFINITION, 42, "Definition (core metadata concept)", ["Definition"], ["900000000000446008"])
m("900000000000447004", 43, "Case significance (core metadata concept)", ["Case significance"], ["900000000000442005"])
m(CASE_INSENSITIVE, 44, "Entire term case insensitive (core metadata concept)", ["Entire term case insensitive"], ["900000000000447004"])
m(CASE_SENSITIVE, 45, "Entire term case sensitive (core metadata concept)", ["Entire term case sensitive"], ["900000000000447004"])
m("900000000000449001", 46, "Characteristic type (core metadata concept)", ["Characteristic type"], ["900000000000442005"])
m("900000000000006009", 47, "Defining relationship (core metadata concept)", ["Defining relationship"], ["900000000000449001"])
m(INFERRED, 48, "Inferred relationship (core metadata concept)", ["Inferred relationship"], ["900000000000006009"])
m("900000000000010007", 49, "Stated relationship (core metadata concept)", ["Stated relationship"], ["900000000000006009"])
m("900000000000227009", 50, "Additional relationship (core metadata concept)", ["Additional relationship"], ["900000000000449001"])
m("900000000000450001", 51, "Modifier (core metadata concept)", ["Modifier"], ["900000000000442005"])
m(EXISTENTIAL, 52, "Existential restriction modifier (core metadata concept)", ["Some"], ["900000000000450001"])
m("900000000000454005", 53, "Foundation metadata concept (foundation metadata concept)", ["Foundation metadata concept"], ["900000000000441003"])
m("900000000000455006", 54, "Reference set (foundation metadata concept)", ["Reference set"], ["900000000000454005"])
m("446609009", 55, "Simple type reference set (foundation metadata concept)", ["Simple type reference set"], ["900000000000455006"])
m("900000000000506000", 56, "Language type reference set (foundation metadata concept)", ["Language type reference set"], ["900000000000455006"])
m("900000000000507009", 57, "English language reference set (foundation metadata concept)", ["English language reference set"], ["900000000000506000"])
m(GB_LANG, 58, "Great Britain English language reference set (foundation metadata concept)", ["GB English"], ["900000000000507009"])
m(UK_LANG, 59, "UK clinical English language reference set (foundation metadata concept)",
  ["UK clinical English language reference set", "NHS realm clinical language reference set"], ["900000000000507009"], UK)
m("900000000000496009", 60, "Simple map type reference set (foundation metadata concept)", ["Simple map type reference set"], ["900000000000455006"])
m("609331003", 61, "Extended map type reference set (foundation metadata concept)", ["Extended map type reference set"], ["900000000000455006"])
m(UK_ICD10_MAP, 62, "UK ICD-10 complex map reference set (foundation metadata concept)", ["ICD-10 map (UK)"], ["609331003"], UK)
m("900000000000521006", 63, "Association type reference set (foundation metadata concept)", ["Association type reference set"], ["900000000000455006"])
m("900000000000522004", 64, "Historical association reference set (foundation metadata concept)", ["Historical association"], ["900000000000521006"])
m(REPLACED_BY, 65, "REPLACED BY association reference set (foundation metadata concept)", ["REPLACED BY"], ["900000000000522004"])
m(SAME_AS, 66, "SAME AS association reference set (foundation metadata concept)", ["SAME AS"], ["900000000000522004"])
m(POSSIBLY_EQUIVALENT_TO, 67, "POSSIBLY EQUIVALENT TO association reference set (foundation metadata concept)", ["POSSIBLY EQUIVALENT TO"], ["900000000000522004"])
m("900000000000480006", 68, "Attribute value type reference set (foundation metadata concept)", ["Attribute value type reference set"], ["900000000000455006"])
m(CONCEPT_INACTIVATION, 69, "Concept inactivation indicator reference set (foundation metadata concept)", ["Concept inactivation indicator"], ["900000000000480006"])
m(DESCRIPTION_INACTIVATION, 70, "Description inactivation indicator reference set (foundation metadata concept)", ["Description inactivation indicator"], ["900000000000480006"])
m("762676003", 71, "OWL expression type reference set (foundation metadata concept)", ["OWL expression type reference set"], ["900000000000455006"])
m(OWL_AXIOM_REFSET, 72, "OWL axiom reference set (foundation metadata concept)", ["OWL axiom reference set"], ["762676003"])
m(MODULE_DEPENDENCY, 73, "Module dependency reference set (foundation metadata concept)", ["Module dependency"], ["900000000000455006"])
m("723604009", 74, "MRCM attribute domain reference set (foundation metadata concept)", ["MRCM attribute domain reference set"], ["900000000000455006"])
m(MRCM_DOMAIN_INT, 75, "MRCM attribute domain international reference set (foundation metadata concept)", ["MRCM attribute domain international"], ["723604009"])
m("900000000000457003", 76, "Reference set attribute (foundation metadata concept)", ["Reference set attribute"], ["900000000000454005"])
m("723573005", 77, "Concept model rule strength (foundation metadata concept)", ["Concept model rule strength"], ["900000000000457003"])
m(MANDATORY_RULE, 78, "Mandatory concept model rule (foundation metadata concept)", ["Mandatory rule"], ["723573005"])
m("723574004", 79, "Content type (foundation metadata concept)", ["Content type"], ["900000000000457003"])
m(ALL_CONTENT, 80, "All SNOMED CT content (foundation metadata concept)", ["All content"], ["723574004"])
m("900000000000511003", 81, "Acceptability (foundation metadata concept)", ["Acceptability"], ["900000000000457003"])
m(PREFERRED, 82, "Preferred (foundation metadata concept)", ["Preferred"], ["900000000000511003"])
m(ACCEPTABLE, 83, "Acceptable (foundation metadata concept)", ["Acceptable"], ["900000000000511003"])
m("900000000000481005", 84, "Concept inactivation value (foundation metadata concept)", ["Concept inactivation value"], ["900000000000457003"])
m(INACTIVATION_REASONS.duplicate, 85, "Duplicate component (foundation metadata concept)", ["Duplicate"], ["900000000000481005"])
m(INACTIVATION_REASONS.outdated, 86, "Outdated component (foundation metadata concept)", ["Outdated"], ["900000000000481005"])
m(INACTIVATION_REASONS.ambiguous, 87, "Ambiguous component (foundation metadata concept)", ["Ambiguous"], ["900000000000481005"])
m(INACTIVATION_REASONS.erroneous, 88, "Erroneous component (foundation metadata concept)", ["Erroneous"], ["900000000000481005"])
m(INACTIVATION_REASONS.movedElsewhere, 89, "Component moved elsewhere (foundation metadata concept)", ["Moved elsewhere"], ["900000000000481005"])
m("900000000000493001", 90, "Description inactivation value (foundation metadata concept)", ["Description inactivation value"], ["900000000000457003"])
m(CONCEPT_NON_CURRENT, 91, "Concept non-current (foundation metadata concept)", ["Concept non-current"], ["900000000000493001"])
m("447247004", 92, "Map correlation value (foundation metadata concept)", ["Map correlation value"], ["900000000000457003"])
m(MAP_CORRELATION_NOT_SPECIFIED, 93, "Map correlation not specified (foundation metadata concept)", ["Correlation not specified"], ["447247004"])
m("447634004", 94, "ICD-10 map category value (foundation metadata concept)", ["ICD-10 map category value"], ["900000000000457003"])
m(MAP_PROPERLY_CLASSIFIED, 95, "Map source concept is properly classified (foundation metadata concept)", ["Properly classified"], ["447634004"])
m(MAP_CANNOT_CLASSIFY, 96, "Map source concept cannot be classified with available data (foundation metadata concept)", ["Cannot be classified with available data"], ["447634004"])
m(MAP_CONTEXT_DEPENDENT, 97, "Map of source concept is context dependent (foundation metadata concept)", ["Context dependent"], ["447634004"])
m("370136006", 98, "Namespace concept (namespace concept)", ["Namespace concept"], ["900000000000441003"])
m("900000000000453004", 99, "Identifier scheme (foundation metadata concept)", ["Identifier scheme"], ["900000000000454005"])

// ---------------------------------------------------------------------------------------------
// Top-level hierarchies (real identifiers, our wording)
// ---------------------------------------------------------------------------------------------

m("404684003", 100, "Clinical finding (finding)", ["Clinical finding"], [ROOT], CORE)
m("71388002", 101, "Procedure (procedure)", ["Procedure"], [ROOT], CORE)
m("123037004", 102, "Body structure (body structure)", ["Body structure"], [ROOT], CORE)
m("105590001", 103, "Substance (substance)", ["Substance"], [ROOT], CORE)
m("363787002", 104, "Observable entity (observable entity)", ["Observable entity"], [ROOT], CORE)
m("362981000", 105, "Qualifier value (qualifier value)", ["Qualifier value"], [ROOT], CORE)
m("373873005", 106, "Pharmaceutical / biologic product (product)", ["Pharmaceutical / biologic product", "Medicinal product or biological"], [ROOT], CORE)
m("410607006", 107, "Organism (organism)", ["Organism"], [ROOT], CORE)

// ---------------------------------------------------------------------------------------------
// Qualifier values
// ---------------------------------------------------------------------------------------------

c(110, "action", "Action (qualifier value)", ["Action"], ["362981000"])
c(111, "surgicalAction", "Surgical action (qualifier value)", ["Surgical action"], ["action"])
c(112, "excisionAction", "Excision - action (qualifier value)", ["Excision - action", "Removal - action"], ["surgicalAction"])
c(113, "incisionAction", "Incision - action (qualifier value)", ["Incision - action"], ["surgicalAction"])
c(114, "replacementAction", "Replacement - action (qualifier value)", ["Replacement - action"], ["surgicalAction"])
c(115, "repairAction", "Repair - action (qualifier value)", ["Repair - action"], ["surgicalAction"])
c(116, "bypassAction", "Surgical bypass - action (qualifier value)", ["Surgical bypass - action"], ["surgicalAction"])
c(117, "dilationAction", "Dilation - action (qualifier value)", ["Dilation - action"], ["surgicalAction"])
c(118, "evaluationAction", "Evaluation - action (qualifier value)", ["Evaluation - action"], ["action"])
c(119, "measurementAction", "Measurement - action (qualifier value)", ["Measurement - action"], ["evaluationAction"])
c(120, "imagingAction", "Imaging - action (qualifier value)", ["Imaging - action"], ["evaluationAction"])
c(121, "administrationAction", "Administration - action (qualifier value)", ["Administration - action"], ["action"])
c(122, "injectionAction", "Injection - action (qualifier value)", ["Injection - action"], ["administrationAction"])
c(123, "inspectionAction", "Inspection - action (qualifier value)", ["Inspection - action"], ["evaluationAction"])
c(124, "drainageAction", "Drainage - action (qualifier value)", ["Drainage - action"], ["surgicalAction"])
c(125, "unitOfMeasure", "Unit of measure (qualifier value)", ["Unit of measure", "Unit"], ["362981000"])
c(126, "unitOfMass", "Unit of mass (qualifier value)", ["Unit of mass"], ["unitOfMeasure"])
c(127, "milligram", "Milligram (qualifier value)", ["mg", "Milligram"], ["unitOfMass"], { cs: true })
c(128, "microgram", "Microgram (qualifier value)", ["microgram", "mcg"], ["unitOfMass"], { cs: true })
c(129, "gram", "Gram (qualifier value)", ["g", "Gram"], ["unitOfMass"], { cs: true })
c(130, "unitOfVolume", "Unit of volume (qualifier value)", ["Unit of volume"], ["unitOfMeasure"])
c(131, "millilitre", "Millilitre (qualifier value)", ["mL", "Millilitre"], ["unitOfVolume"], { cs: true })
c(132, "severity", "Severity (qualifier value)", ["Severity", "Severities"], ["362981000"])
c(133, "mild", "Mild (qualifier value)", ["Mild", "Slight"], ["severity"])
c(134, "moderate", "Moderate (qualifier value)", ["Moderate"], ["severity"])
c(135, "severe", "Severe (qualifier value)", ["Severe", "Serious"], ["severity"])
c(136, "side", "Side (qualifier value)", ["Side", "Laterality"], ["362981000"])
c(137, "left", "Left (qualifier value)", ["Left", "Left side"], ["side"])
c(138, "right", "Right (qualifier value)", ["Right", "Right side"], ["side"])
c(139, "bilateral", "Bilateral (qualifier value)", ["Bilateral", "Both sides"], ["side"])

// ---------------------------------------------------------------------------------------------
// Body structure
// ---------------------------------------------------------------------------------------------

c(200, "anatomicalOrAcquired", "Anatomical or acquired body structure (body structure)", ["Anatomical or acquired body structure"], ["123037004"])
c(201, "anatomicalStructure", "Anatomical structure (body structure)", ["Anatomical structure"], ["anatomicalOrAcquired"])
c(202, "bodyRegion", "Body region structure (body structure)", ["Body region structure", "Body region"], ["anatomicalStructure"])
c(203, "trunk", "Trunk structure (body structure)", ["Trunk structure", "Torso"], ["bodyRegion"])
c(204, "thorax", "Thoracic structure (body structure)", ["Thoracic structure", "Chest"], ["trunk"])
c(205, "abdomen", "Abdominal structure (body structure)", ["Abdominal structure", "Abdomen"], ["trunk"])
c(206, "pelvis", "Pelvic structure (body structure)", ["Pelvic structure", "Pelvis"], ["trunk"])
c(207, "head", "Head structure (body structure)", ["Head structure", "Head"], ["bodyRegion"])
c(208, "limb", "Limb structure (body structure)", ["Limb structure", "Limb"], ["bodyRegion"])
c(209, "lowerLimb", "Lower limb structure (body structure)", ["Lower limb structure", "Leg"], ["limb"])
c(210, "upperLimb", "Upper limb structure (body structure)", ["Upper limb structure", "Arm"], ["limb"])
c(211, "bodySystem", "Body system structure (body structure)", ["Body system structure"], ["anatomicalStructure"])
c(212, "cardiovascularSystem", "Cardiovascular system structure (body structure)", ["Cardiovascular system structure", "Circulatory system"], ["bodySystem"])
c(214, "thoracicViscus", "Thoracic viscus structure (body structure)", ["Thoracic viscus structure", "Thoracic organ"], ["thorax"])
c(213, "heart", "Heart structure (body structure)", ["Heart structure", "Heart"], ["cardiovascularSystem", "thoracicViscus"])
c(215, "cardiacChamber", "Cardiac chamber structure (body structure)", ["Cardiac chamber structure", "Chamber of heart"], ["heart"])
c(216, "leftVentricle", "Left ventricular structure (body structure)", ["Left ventricular structure", "Left ventricle"], ["cardiacChamber"])
c(218, "atrium", "Cardiac atrial structure (body structure)", ["Cardiac atrial structure", "Atrium of heart"], ["cardiacChamber"])
c(219, "anteriorLvWall", "Anterior wall of left ventricle structure (body structure)", ["Anterior wall of left ventricle"], ["leftVentricle"])
c(220, "inferiorLvWall", "Inferior wall of left ventricle structure (body structure)", ["Inferior wall of left ventricle"], ["leftVentricle"])
c(221, "bloodVessel", "Blood vessel structure (body structure)", ["Blood vessel structure", "Blood vessel"], ["cardiovascularSystem"])
c(222, "artery", "Arterial structure (body structure)", ["Arterial structure", "Artery"], ["bloodVessel"])
c(223, "coronaryArtery", "Coronary artery structure (body structure)", ["Coronary artery structure", "Coronary artery"], ["artery", "heart"])
c(224, "vein", "Venous structure (body structure)", ["Venous structure", "Vein"], ["bloodVessel"])
c(225, "lowerLimbVein", "Vein of lower limb structure (body structure)", ["Vein of lower limb", "Leg vein"], ["vein", "lowerLimb"])
c(226, "respiratorySystem", "Respiratory system structure (body structure)", ["Respiratory system structure", "Respiratory tract"], ["bodySystem"])
c(227, "lung", "Lung structure (body structure)", ["Lung structure", "Lung"], ["respiratorySystem", "thoracicViscus"])
c(228, "bronchus", "Bronchial structure (body structure)", ["Bronchial structure", "Bronchus"], ["respiratorySystem", "thoracicViscus"])
c(229, "upperRespiratoryTract", "Upper respiratory tract structure (body structure)", ["Upper respiratory tract structure", "Upper airway"], ["respiratorySystem"])
c(230, "digestiveSystem", "Digestive system structure (body structure)", ["Digestive system structure", "Gastrointestinal system"], ["bodySystem"])
c(231, "abdominalViscus", "Abdominal viscus structure (body structure)", ["Abdominal viscus structure", "Abdominal organ"], ["abdomen"])
c(232, "stomach", "Stomach structure (body structure)", ["Stomach structure", "Stomach"], ["digestiveSystem", "abdominalViscus"])
c(233, "intestine", "Intestinal structure (body structure)", ["Intestinal structure", "Bowel"], ["digestiveSystem", "abdominalViscus"])
c(234, "smallIntestine", "Small intestinal structure (body structure)", ["Small intestinal structure", "Small bowel"], ["intestine"])
c(235, "duodenum", "Duodenal structure (body structure)", ["Duodenal structure", "Duodenum"], ["smallIntestine"])
c(236, "largeIntestine", "Large intestinal structure (body structure)", ["Large intestinal structure", "Large bowel"], ["intestine"])
c(237, "colon", "Colon structure (body structure)", ["Colon structure", "Colon"], ["largeIntestine"])
c(238, "appendix", "Vermiform appendix structure (body structure)", ["Vermiform appendix structure", "Appendix"], ["largeIntestine"])
c(239, "liver", "Liver structure (body structure)", ["Liver structure", "Liver"], ["digestiveSystem", "abdominalViscus"])
c(240, "gallbladder", "Gallbladder structure (body structure)", ["Gallbladder structure", "Gallbladder"], ["digestiveSystem", "abdominalViscus"])
c(244, "endocrineSystem", "Endocrine system structure (body structure)", ["Endocrine system structure", "Endocrine gland"], ["bodySystem"])
c(241, "pancreas", "Pancreatic structure (body structure)", ["Pancreatic structure", "Pancreas"], ["digestiveSystem", "abdominalViscus", "endocrineSystem"])
c(242, "nervousSystem", "Nervous system structure (body structure)", ["Nervous system structure", "Nervous system"], ["bodySystem"])
c(243, "brain", "Brain structure (body structure)", ["Brain structure", "Brain"], ["nervousSystem", "head"])
c(245, "thyroid", "Thyroid gland structure (body structure)", ["Thyroid gland structure", "Thyroid"], ["endocrineSystem"])
c(246, "musculoskeletalSystem", "Musculoskeletal system structure (body structure)", ["Musculoskeletal system structure"], ["bodySystem"])
c(247, "bone", "Bone structure (body structure)", ["Bone structure", "Bone"], ["musculoskeletalSystem"])
c(248, "femur", "Femur structure (body structure)", ["Femur structure", "Thigh bone"], ["bone", "lowerLimb"])
c(249, "femoralNeck", "Neck of femur structure (body structure)", ["Neck of femur structure", "Femoral neck"], ["femur"])
c(250, "radius", "Radius structure (body structure)", ["Radius structure", "Radial bone"], ["bone", "upperLimb"])
c(251, "joint", "Joint structure (body structure)", ["Joint structure", "Joint"], ["musculoskeletalSystem"])
c(252, "knee", "Knee joint structure (body structure)", ["Knee joint structure", "Knee joint"], ["joint", "lowerLimb"])
c(253, "hip", "Hip joint structure (body structure)", ["Hip joint structure", "Hip joint"], ["joint", "lowerLimb"])
c(254, "integumentarySystem", "Integumentary system structure (body structure)", ["Integumentary system structure"], ["bodySystem"])
c(255, "skin", "Skin structure (body structure)", ["Skin structure", "Skin"], ["integumentarySystem"])
c(256, "lowerLimbSkin", "Skin of lower limb structure (body structure)", ["Skin of lower limb", "Skin of leg"], ["skin", "lowerLimb"])
c(257, "urinarySystem", "Urinary system structure (body structure)", ["Urinary system structure", "Urinary tract"], ["bodySystem"])
c(258, "kidney", "Kidney structure (body structure)", ["Kidney structure", "Kidney"], ["urinarySystem", "abdominalViscus"])
c(259, "bladder", "Urinary bladder structure (body structure)", ["Urinary bladder structure", "Bladder"], ["urinarySystem", "pelvis"])
c(260, "exocrineGland", "Exocrine gland structure (body structure)", ["Exocrine gland structure"], ["bodySystem"])
c(261, "lacrimalGland", "Lacrimal gland structure (body structure)", ["Lacrimal gland structure", "Tear gland"], ["exocrineGland", "head"])
c(262, "salivaryGland", "Salivary gland structure (body structure)", ["Salivary gland structure", "Salivary gland"], ["exocrineGland", "digestiveSystem"])
c(263, "eye", "Eye structure (body structure)", ["Eye structure", "Eye"], ["head"])
c(264, "retina", "Retinal structure (body structure)", ["Retinal structure", "Retina"], ["eye"])
c(265, "breast", "Breast structure (body structure)", ["Breast structure", "Breast"], ["thorax"])
c(266, "reproductiveSystem", "Reproductive system structure (body structure)", ["Reproductive system structure", "Genital system"], ["bodySystem"])
c(267, "prostate", "Prostate structure (body structure)", ["Prostate structure", "Prostate"], ["reproductiveSystem", "pelvis"])
c(268, "ear", "Ear structure (body structure)", ["Ear structure", "Ear"], ["head"])
c(269, "innerEar", "Inner ear structure (body structure)", ["Inner ear structure", "Labyrinth"], ["ear"])

c(270, "alteredStructure", "Morphologically altered structure (body structure)", ["Morphologically altered structure"], ["anatomicalOrAcquired"])
c(271, "abnormalMorphology", "Morphologically abnormal structure (morphologic abnormality)", ["Morphologically abnormal structure", "Morphologic abnormality"], ["alteredStructure"])
c(272, "inflammation", "Inflammation (morphologic abnormality)", ["Inflammation", "Inflammatory morphology"], ["abnormalMorphology"])
c(273, "acuteInflammation", "Acute inflammation (morphologic abnormality)", ["Acute inflammation"], ["inflammation"])
c(274, "chronicInflammation", "Chronic inflammation (morphologic abnormality)", ["Chronic inflammation"], ["inflammation"])
c(275, "abscess", "Abscess (morphologic abnormality)", ["Abscess", "Collection of pus"], ["acuteInflammation"])
c(276, "perforation", "Perforation (morphologic abnormality)", ["Perforation", "Rupture"], ["abnormalMorphology"])
c(277, "necrosis", "Necrosis (morphologic abnormality)", ["Necrosis", "Tissue death"], ["abnormalMorphology"])
c(278, "infarct", "Infarct (morphologic abnormality)", ["Infarct", "Infarction"], ["necrosis"])
c(279, "neoplasm", "Neoplasm (morphologic abnormality)", ["Neoplasm", "Tumour"], ["abnormalMorphology"])
c(280, "malignantNeoplasm", "Malignant neoplasm (morphologic abnormality)", ["Malignant neoplasm", "Cancer"], ["neoplasm"])
c(281, "benignNeoplasm", "Benign neoplasm (morphologic abnormality)", ["Benign neoplasm", "Benign tumour"], ["neoplasm"])
c(282, "traumaticAbnormality", "Traumatic abnormality (morphologic abnormality)", ["Traumatic abnormality", "Injury morphology"], ["abnormalMorphology"])
c(283, "fractureMorph", "Fracture (morphologic abnormality)", ["Fracture", "Broken bone"], ["traumaticAbnormality"])
c(284, "ulcer", "Ulcer (morphologic abnormality)", ["Ulcer"], ["abnormalMorphology"])
c(285, "haemorrhage", "Haemorrhage (morphologic abnormality)", ["Haemorrhage", "Bleeding"], ["abnormalMorphology"])
c(286, "obstruction", "Obstruction (morphologic abnormality)", ["Obstruction", "Blockage"], ["abnormalMorphology"])
c(287, "thrombus", "Thrombus (morphologic abnormality)", ["Thrombus", "Blood clot"], ["abnormalMorphology"])
c(288, "degeneration", "Degenerative abnormality (morphologic abnormality)", ["Degenerative abnormality", "Degeneration"], ["abnormalMorphology"])
c(289, "fibrosis", "Fibrosis (morphologic abnormality)", ["Fibrosis", "Scarring"], ["abnormalMorphology"])
c(290, "dilatation", "Dilatation (morphologic abnormality)", ["Dilatation", "Abnormal widening"], ["abnormalMorphology"])

// ---------------------------------------------------------------------------------------------
// Organisms
// ---------------------------------------------------------------------------------------------

c(800, "bacterium", "Bacterium (organism)", ["Bacterium", "Bacteria"], ["410607006"])
c(801, "streptococcus", "Genus Streptococcus (organism)", ["Streptococcus"], ["bacterium"], { cs: true })
c(802, "sPneumoniae", "Streptococcus pneumoniae (organism)", ["Streptococcus pneumoniae", "Pneumococcus"], ["streptococcus"], { cs: true })
c(803, "staphylococcus", "Genus Staphylococcus (organism)", ["Staphylococcus"], ["bacterium"], { cs: true })
c(804, "sAureus", "Staphylococcus aureus (organism)", ["Staphylococcus aureus", "S. aureus"], ["staphylococcus"], { cs: true })
c(805, "eColi", "Escherichia coli (organism)", ["Escherichia coli", "E. coli"], ["bacterium"], { cs: true })
c(806, "mTuberculosis", "Mycobacterium tuberculosis (organism)", ["Mycobacterium tuberculosis", "Tubercle bacillus"], ["bacterium"], { cs: true })
c(807, "virus", "Virus (organism)", ["Virus"], ["410607006"])
c(808, "influenzaVirus", "Influenza virus (organism)", ["Influenza virus", "Flu virus"], ["virus"])
c(809, "sarsCov2", "Severe acute respiratory syndrome coronavirus 2 (organism)", ["SARS-CoV-2", "Novel coronavirus 2019"], ["virus"],
  { cs: true, def: "The coronavirus responsible for the COVID-19 pandemic, first identified in 2019." })
c(810, "hepatitisBVirus", "Hepatitis B virus (organism)", ["Hepatitis B virus", "HBV"], ["virus"], { cs: true })
c(811, "hepatitisAVirus", "Hepatitis A virus (organism)", ["Hepatitis A virus", "HAV"], ["virus"], { cs: true })
c(812, "hepatitisCVirus", "Hepatitis C virus (organism)", ["Hepatitis C virus", "HCV"], ["virus"], { cs: true })
c(813, "measlesVirus", "Measles virus (organism)", ["Measles virus", "Morbillivirus of measles"], ["virus"])

// ---------------------------------------------------------------------------------------------
// Substances
// ---------------------------------------------------------------------------------------------

c(700, "drug", "Drug or medicament (substance)", ["Drug or medicament", "Medicine"], ["105590001"])
c(701, "analgesic", "Analgesic (substance)", ["Analgesic", "Painkiller"], ["drug"])
c(702, "paracetamol", "Paracetamol (substance)", ["Paracetamol", "Acetaminophen"], ["analgesic"],
  { def: "A non-opioid analgesic and antipyretic drug used for mild to moderate pain and fever." })
c(703, "nsaid", "Non-steroidal anti-inflammatory agent (substance)", ["Non-steroidal anti-inflammatory agent", "NSAID"], ["analgesic"])
c(704, "ibuprofen", "Ibuprofen (substance)", ["Ibuprofen"], ["nsaid"])
c(706, "opioid", "Opioid analgesic (substance)", ["Opioid analgesic", "Opioid"], ["analgesic"])
c(707, "codeine", "Codeine (substance)", ["Codeine"], ["opioid"])
c(708, "morphine", "Morphine (substance)", ["Morphine"], ["opioid"])
c(709, "antibacterial", "Antibacterial agent (substance)", ["Antibacterial agent", "Antibiotic"], ["drug"])
c(710, "penicillin", "Penicillin class antibacterial (substance)", ["Penicillin class antibacterial", "Penicillin"], ["antibacterial"])
c(711, "amoxicillin", "Amoxicillin (substance)", ["Amoxicillin"], ["penicillin"], { retired: [["Amoxycillin", "outdated"]] })
c(712, "flucloxacillin", "Flucloxacillin (substance)", ["Flucloxacillin"], ["penicillin"])
c(713, "phenoxymethylpenicillin", "Phenoxymethylpenicillin (substance)", ["Phenoxymethylpenicillin", "Penicillin V"], ["penicillin"])
c(714, "macrolide", "Macrolide antibacterial (substance)", ["Macrolide antibacterial", "Macrolide"], ["antibacterial"])
c(715, "clarithromycin", "Clarithromycin (substance)", ["Clarithromycin"], ["macrolide"])
c(721, "hormone", "Hormone (substance)", ["Hormone"], ["105590001"])
c(718, "hypoglycaemic", "Hypoglycaemic agent (substance)", ["Hypoglycaemic agent", "Antidiabetic drug"], ["drug"])
c(719, "metformin", "Metformin (substance)", ["Metformin"], ["hypoglycaemic"])
c(720, "insulin", "Insulin (substance)", ["Insulin"], ["hypoglycaemic", "hormone"])
c(722, "insulinGlargine", "Insulin glargine (substance)", ["Insulin glargine", "Long-acting insulin glargine"], ["insulin"])
c(724, "antihypertensive", "Antihypertensive agent (substance)", ["Antihypertensive agent", "Blood pressure lowering drug"], ["drug"])
c(725, "aceInhibitor", "Angiotensin-converting enzyme inhibitor (substance)", ["Angiotensin-converting enzyme inhibitor", "ACE inhibitor"], ["antihypertensive"], { cs: true })
c(726, "ramipril", "Ramipril (substance)", ["Ramipril"], ["aceInhibitor"])
c(728, "betaBlocker", "Beta-adrenoceptor blocking agent (substance)", ["Beta-adrenoceptor blocking agent", "Beta blocker"], ["antihypertensive"])
c(729, "bisoprolol", "Bisoprolol (substance)", ["Bisoprolol"], ["betaBlocker"])
c(731, "calciumChannelBlocker", "Calcium channel blocking agent (substance)", ["Calcium channel blocking agent", "Calcium channel blocker"], ["antihypertensive"])
c(732, "amlodipine", "Amlodipine (substance)", ["Amlodipine"], ["calciumChannelBlocker"])
c(733, "lipidLowering", "Lipid-lowering agent (substance)", ["Lipid-lowering agent", "Cholesterol lowering drug"], ["drug"])
c(734, "statin", "Statin (substance)", ["Statin", "HMG-CoA reductase inhibitor"], ["lipidLowering"])
c(735, "atorvastatin", "Atorvastatin (substance)", ["Atorvastatin"], ["statin"])
c(737, "bronchodilator", "Bronchodilator (substance)", ["Bronchodilator"], ["drug"])
c(738, "salbutamol", "Salbutamol (substance)", ["Salbutamol", "Albuterol"], ["bronchodilator"])
c(739, "corticosteroid", "Corticosteroid (substance)", ["Corticosteroid", "Steroid"], ["drug", "hormone"])
c(740, "prednisolone", "Prednisolone (substance)", ["Prednisolone"], ["corticosteroid"])
c(742, "anticoagulant", "Anticoagulant (substance)", ["Anticoagulant", "Blood thinner"], ["drug"])
c(743, "warfarin", "Warfarin (substance)", ["Warfarin"], ["anticoagulant"])
c(744, "apixaban", "Apixaban (substance)", ["Apixaban"], ["anticoagulant"], { effectiveTime: ET_NEW })

// ---------------------------------------------------------------------------------------------
// Products (with concrete strength values)
// ---------------------------------------------------------------------------------------------

c(850, "medicinalProduct", "Medicinal product (product)", ["Medicinal product"], ["373873005"])
const product = (n: number, key: string, name: string, parent: string, sub: string, value: number, u: string, extra: Options = {}) =>
  c(n, key, `${name} (product)`, [name], [parent], { groups: g(ingredient(sub), strength(value), unit(u)), defined: true, ...extra })
const productContaining = (n: number, key: string, sub: string, name: string) =>
  c(n, key, `Product containing ${name} (product)`, [`Product containing ${name}`, `${name[0]?.toUpperCase()}${name.slice(1)}-containing product`],
    ["medicinalProduct"], { groups: g(ingredient(sub)), defined: true })
productContaining(851, "containsParacetamol", "paracetamol", "paracetamol")
product(852, "paracetamol500Tab", "Paracetamol 500 mg oral tablet", "containsParacetamol", "paracetamol", 500, "milligram")
productContaining(853, "containsAmoxicillin", "amoxicillin", "amoxicillin")
product(854, "amoxicillin250Cap", "Amoxicillin 250 mg oral capsule", "containsAmoxicillin", "amoxicillin", 250, "milligram")
product(855, "amoxicillin500Cap", "Amoxicillin 500 mg oral capsule", "containsAmoxicillin", "amoxicillin", 500, "milligram")
productContaining(856, "containsMetformin", "metformin", "metformin")
product(857, "metformin500Tab", "Metformin 500 mg oral tablet", "containsMetformin", "metformin", 500, "milligram")
productContaining(858, "containsRamipril", "ramipril", "ramipril")
product(859, "ramipril2_5Cap", "Ramipril 2.5 mg oral capsule", "containsRamipril", "ramipril", 2.5, "milligram")
product(860, "ramipril5Cap", "Ramipril 5 mg oral capsule", "containsRamipril", "ramipril", 5, "milligram")
productContaining(861, "containsSalbutamol", "salbutamol", "salbutamol")
product(862, "salbutamol100Inh", "Salbutamol 100 microgram/dose pressurised inhalation", "containsSalbutamol", "salbutamol", 100, "microgram")
productContaining(863, "containsAtorvastatin", "atorvastatin", "atorvastatin")
product(864, "atorvastatin20Tab", "Atorvastatin 20 mg oral tablet", "containsAtorvastatin", "atorvastatin", 20, "milligram")
productContaining(865, "containsIbuprofen", "ibuprofen", "ibuprofen")
product(866, "ibuprofen400Tab", "Ibuprofen 400 mg oral tablet", "containsIbuprofen", "ibuprofen", 400, "milligram")
product(867, "paracetamol250Tab", "Paracetamol 250 mg oral tablet", "containsParacetamol", "paracetamol", 250, "milligram", { effectiveTime: ET_NEW })

// ---------------------------------------------------------------------------------------------
// Observable entities
// ---------------------------------------------------------------------------------------------

c(900, "vitalSign", "Vital sign (observable entity)", ["Vital sign", "Vital signs"], ["363787002"])
c(901, "bodyTemperature", "Body temperature (observable entity)", ["Body temperature", "Temperature"], ["vitalSign"])
c(902, "heartRate", "Heart rate (observable entity)", ["Heart rate", "Pulse rate"], ["vitalSign"])
c(903, "respiratoryRate", "Respiratory rate (observable entity)", ["Respiratory rate", "Breathing rate"], ["vitalSign"])
c(904, "bloodPressure", "Blood pressure (observable entity)", ["Blood pressure", "BP"], ["vitalSign"])
c(905, "systolicBp", "Systolic blood pressure (observable entity)", ["Systolic blood pressure", "Systolic BP"], ["bloodPressure"])
c(906, "diastolicBp", "Diastolic blood pressure (observable entity)", ["Diastolic blood pressure", "Diastolic BP"], ["bloodPressure"])
c(907, "anthropometric", "Anthropometric observable (observable entity)", ["Anthropometric observable", "Body measurement"], ["363787002"])
c(908, "bodyWeight", "Body weight (observable entity)", ["Body weight", "Weight"], ["anthropometric"])
c(909, "bodyHeight", "Body height (observable entity)", ["Body height", "Height"], ["anthropometric"])
c(910, "bmi", "Body mass index (observable entity)", ["Body mass index", "BMI"], ["anthropometric"],
  { def: "Body weight in kilograms divided by the square of body height in metres." })
c(911, "labObservable", "Laboratory test observable (observable entity)", ["Laboratory test observable"], ["363787002"])
c(912, "haemoglobinConcentration", "Haemoglobin concentration in blood (observable entity)", ["Haemoglobin concentration", "Hb level"], ["labObservable"])
c(913, "hba1cLevel", "Haemoglobin A1c level (observable entity)", ["HbA1c level", "Glycated haemoglobin level"], ["labObservable"], { cs: true })
c(914, "creatinineLevel", "Serum creatinine level (observable entity)", ["Serum creatinine level", "Creatinine"], ["labObservable"])
c(915, "egfr", "Estimated glomerular filtration rate (observable entity)", ["Estimated glomerular filtration rate", "eGFR"], ["labObservable"], { cs: true })
c(916, "cholesterolLevel", "Serum cholesterol level (observable entity)", ["Serum cholesterol level", "Cholesterol level"], ["labObservable"])

// ---------------------------------------------------------------------------------------------
// Clinical findings: disorders
// ---------------------------------------------------------------------------------------------

c(300, "disease", "Disease (disorder)", ["Disease", "Disorder", "Illness"], ["404684003"],
  { def: "A clinical finding representing a pathological process or state, as opposed to a single observation." })
c(301, "disorderOfBodySystem", "Disorder of body system (disorder)", ["Disorder of body system"], ["disease"], { groups: g(site("bodySystem")), defined: true })

// Cardiovascular
c(302, "cvsDisorder", "Disorder of cardiovascular system (disorder)", ["Disorder of cardiovascular system", "Circulatory disorder"], ["disorderOfBodySystem"],
  { groups: g(site("cardiovascularSystem")), defined: true })
c(303, "heartDisease", "Heart disease (disorder)", ["Heart disease", "Cardiac disorder"], ["cvsDisorder"], { groups: g(site("heart")), defined: true })
c(304, "ihd", "Ischaemic heart disease (disorder)", ["Ischaemic heart disease", "IHD", "Coronary heart disease"], ["heartDisease"],
  { groups: g(site("coronaryArtery")) })
c(305, "mi", "Myocardial infarction (disorder)", ["Myocardial infarction", "Heart attack", "Infarction of heart"], ["ihd"],
  {
    id: "22298006", groups: g(morph("infarct"), site("heart")), defined: true,
    def: "Death of an area of heart muscle caused by interruption of its blood supply.",
    retired: [["Cardiac infarction NOS", "outdated"]]
  })
c(306, "acuteMi", "Acute myocardial infarction (disorder)", ["Acute myocardial infarction", "AMI"], ["mi"])
c(307, "acuteAnteriorMi", "Acute myocardial infarction of anterior wall (disorder)", ["Acute anterior myocardial infarction", "Acute anterior MI"], ["acuteMi"],
  { groups: g(morph("infarct"), site("anteriorLvWall")), defined: true })
c(308, "acuteInferiorMi", "Acute myocardial infarction of inferior wall (disorder)", ["Acute inferior myocardial infarction", "Acute inferior MI"], ["acuteMi"],
  { groups: g(morph("infarct"), site("inferiorLvWall")), defined: true })
c(309, "oldMi", "Old myocardial infarction (disorder)", ["Old myocardial infarction", "Healed myocardial infarction"], ["mi"])
c(310, "angina", "Angina pectoris (disorder)", ["Angina", "Angina pectoris", "Cardiac chest pain"], ["ihd"])
c(311, "stableAngina", "Stable angina (disorder)", ["Stable angina", "Chronic stable angina"], ["angina"])
c(312, "unstableAngina", "Unstable angina (disorder)", ["Unstable angina", "Crescendo angina"], ["angina"])
c(313, "heartFailure", "Heart failure (disorder)", ["Heart failure", "Cardiac failure"], ["heartDisease"],
  { def: "A condition in which the heart cannot pump enough blood to meet the needs of the body." })
c(314, "lvFailure", "Left ventricular failure (disorder)", ["Left ventricular failure", "Left heart failure"], ["heartFailure"], { groups: g(site("leftVentricle")) })
c(315, "chf", "Congestive heart failure (disorder)", ["Congestive heart failure", "CCF"], ["heartFailure"])
c(316, "arrhythmia", "Cardiac arrhythmia (disorder)", ["Cardiac arrhythmia", "Irregular heart rhythm"], ["heartDisease"])
c(317, "af", "Atrial fibrillation (disorder)", ["Atrial fibrillation", "AF"], ["arrhythmia"],
  { groups: g(site("atrium")), def: "A supraventricular arrhythmia with uncoordinated atrial activation and an irregular ventricular response." })
c(318, "paroxysmalAf", "Paroxysmal atrial fibrillation (disorder)", ["Paroxysmal atrial fibrillation", "Paroxysmal AF"], ["af"])
c(319, "persistentAf", "Persistent atrial fibrillation (disorder)", ["Persistent atrial fibrillation"], ["af"])
c(321, "atrialFlutter", "Atrial flutter (disorder)", ["Atrial flutter"], ["arrhythmia"], { groups: g(site("atrium")) })
c(328, "vascularDisorder", "Disorder of blood vessel (disorder)", ["Disorder of blood vessel", "Vascular disease"], ["cvsDisorder"],
  { groups: g(site("bloodVessel")), defined: true })
c(322, "hypertension", "Hypertensive disorder (disorder)", ["Hypertensive disorder", "Hypertension", "High blood pressure"], ["vascularDisorder"],
  {
    id: "38341003", uk: "Hypertension", groups: g(site("artery")),
    def: "Persistently raised arterial blood pressure."
  })
c(323, "essentialHypertension", "Essential hypertension (disorder)", ["Essential hypertension", "Primary hypertension"], ["hypertension"])
c(324, "secondaryHypertension", "Secondary hypertension (disorder)", ["Secondary hypertension"], ["hypertension"])
c(325, "hhd", "Hypertensive heart disease (disorder)", ["Hypertensive heart disease"], ["hypertension", "heartDisease"])
c(326, "hhdWithHf", "Hypertensive heart disease with heart failure (disorder)", ["Hypertensive heart disease with heart failure"], ["hhd", "heartFailure"])
c(329, "venousThrombosis", "Venous thrombosis (disorder)", ["Venous thrombosis"], ["vascularDisorder"], { groups: g(morph("thrombus"), site("vein")), defined: true })
c(330, "dvtLeg", "Deep vein thrombosis of lower limb (disorder)", ["Deep vein thrombosis of leg", "DVT of leg"], ["venousThrombosis"],
  { groups: g(morph("thrombus"), site("lowerLimbVein")), defined: true })

// Respiratory
c(340, "respiratoryDisorder", "Disorder of respiratory system (disorder)", ["Disorder of respiratory system", "Respiratory disease"], ["disorderOfBodySystem"],
  { groups: g(site("respiratorySystem")), defined: true })
c(341, "lungDisorder", "Disorder of lung (disorder)", ["Disorder of lung", "Lung disease"], ["respiratoryDisorder"], { groups: g(site("lung")), defined: true })
c(343, "bronchusDisorder", "Disorder of bronchus (disorder)", ["Disorder of bronchus", "Bronchial disease"], ["respiratoryDisorder"], { groups: g(site("bronchus")), defined: true })
c(342, "asthma", "Asthma (disorder)", ["Asthma", "Bronchial asthma"], ["bronchusDisorder"],
  {
    id: "195967001",
    def: "A chronic inflammatory disorder of the airways with variable, reversible airflow obstruction and bronchial hyperresponsiveness.",
    retired: [["Asthmatic", "erroneous"]]
  })
c(344, "allergicAsthma", "Allergic asthma (disorder)", ["Allergic asthma", "Extrinsic asthma"], ["asthma"])
c(345, "nonAllergicAsthma", "Non-allergic asthma (disorder)", ["Non-allergic asthma", "Intrinsic asthma"], ["asthma"])
c(348, "severeAsthma", "Severe asthma (disorder)", ["Severe asthma", "Difficult asthma"], ["asthma"])
c(349, "asthmaExacerbation", "Acute exacerbation of asthma (disorder)", ["Acute exacerbation of asthma", "Asthma attack"], ["asthma"])
c(350, "copd", "Chronic obstructive lung disease (disorder)", ["Chronic obstructive lung disease", "Chronic obstructive pulmonary disease", "COPD"], ["lungDisorder"],
  {
    uk: "Chronic obstructive pulmonary disease",
    def: "A progressive lung disease with persistent airflow limitation, usually caused by smoking."
  })
c(351, "chronicBronchitis", "Chronic bronchitis (disorder)", ["Chronic bronchitis"], ["bronchusDisorder"], { groups: g(morph("chronicInflammation"), site("bronchus")) })
c(352, "emphysema", "Pulmonary emphysema (disorder)", ["Emphysema", "Pulmonary emphysema"], ["copd"])
c(520, "infectiousDisease", "Infectious disease (disorder)", ["Infectious disease", "Infection"], ["disease"])
c(521, "bacterialInfection", "Bacterial infectious disease (disorder)", ["Bacterial infectious disease", "Bacterial infection"], ["infectiousDisease"],
  { groups: g(agent("bacterium")), defined: true })
c(522, "viralDisease", "Viral disease (disorder)", ["Viral disease", "Viral infection"], ["infectiousDisease"], { groups: g(agent("virus")), defined: true })
c(356, "lrti", "Lower respiratory tract infection (disorder)", ["Lower respiratory tract infection", "Chest infection", "LRTI"], ["respiratoryDisorder", "infectiousDisease"])
c(353, "pneumonia", "Pneumonia (disorder)", ["Pneumonia", "Pneumonitis due to infection"], ["lungDisorder", "lrti"],
  {
    groups: g(morph("inflammation"), site("lung")),
    def: "Inflammation of the lung tissue, usually caused by infection, with consolidation of the air spaces."
  })
c(354, "bacterialPneumonia", "Bacterial pneumonia (disorder)", ["Bacterial pneumonia"], ["pneumonia", "bacterialInfection"])
c(355, "pneumococcalPneumonia", "Pneumonia caused by Streptococcus pneumoniae (disorder)", ["Pneumococcal pneumonia", "Pneumonia caused by Streptococcus pneumoniae"],
  ["bacterialPneumonia"], { groups: g(morph("inflammation"), site("lung"), agent("sPneumoniae")), defined: true, cs: true })
c(357, "viralPneumonia", "Viral pneumonia (disorder)", ["Viral pneumonia"], ["pneumonia", "viralDisease"])
c(358, "urti", "Upper respiratory tract infection (disorder)", ["Upper respiratory tract infection", "URTI", "Common cold"], ["respiratoryDisorder", "infectiousDisease"],
  { groups: g(site("upperRespiratoryTract")) })
c(359, "acuteBronchitis", "Acute bronchitis (disorder)", ["Acute bronchitis"], ["bronchusDisorder", "lrti"], { groups: g(morph("acuteInflammation"), site("bronchus")) })

// Digestive
c(370, "digestiveDisorder", "Disorder of digestive system (disorder)", ["Disorder of digestive system", "Gastrointestinal disorder"], ["disorderOfBodySystem"],
  { groups: g(site("digestiveSystem")), defined: true })
c(371, "appendixDisorder", "Disorder of appendix (disorder)", ["Disorder of appendix"], ["digestiveDisorder"], { groups: g(site("appendix")), defined: true })
c(372, "appendicitis", "Appendicitis (disorder)", ["Appendicitis", "Inflammation of appendix"], ["appendixDisorder"],
  {
    id: "74400008", groups: g(morph("inflammation"), site("appendix")), defined: true,
    def: "Inflammation of the vermiform appendix."
  })
c(373, "acuteAppendicitis", "Acute appendicitis (disorder)", ["Acute appendicitis"], ["appendicitis"],
  { groups: g(morph("acuteInflammation"), site("appendix")), defined: true })
c(374, "acuteAppendicitisPerforation", "Acute appendicitis with perforation (disorder)", ["Acute appendicitis with perforation", "Perforated appendicitis"],
  ["acuteAppendicitis"], { groups: [[morph("acuteInflammation"), site("appendix")], [morph("perforation"), site("appendix")]], defined: true })
c(375, "acuteAppendicitisNoPerforation", "Acute appendicitis without perforation (disorder)", ["Acute appendicitis without perforation", "Simple acute appendicitis"],
  ["acuteAppendicitis"])
c(376, "appendicealAbscess", "Acute appendicitis with appendicular abscess (disorder)", ["Appendix abscess", "Appendicular abscess"], ["acuteAppendicitis"],
  { groups: [[morph("acuteInflammation"), site("appendix")], [morph("abscess"), site("appendix")]], defined: true })
c(377, "chronicAppendicitis", "Chronic appendicitis (disorder)", ["Chronic appendicitis", "Grumbling appendix"], ["appendicitis"],
  { groups: g(morph("chronicInflammation"), site("appendix")), defined: true })
c(378, "stomachDisorder", "Disorder of stomach (disorder)", ["Disorder of stomach", "Gastric disorder"], ["digestiveDisorder"], { groups: g(site("stomach")), defined: true })
c(379, "gastritis", "Gastritis (disorder)", ["Gastritis", "Inflammation of stomach"], ["stomachDisorder"], { groups: g(morph("inflammation"), site("stomach")), defined: true })
c(380, "pepticUlcer", "Peptic ulcer (disorder)", ["Peptic ulcer", "Peptic ulcer disease"], ["digestiveDisorder"], { groups: g(morph("ulcer"), site("digestiveSystem")) })
c(381, "gastricUlcer", "Gastric ulcer (disorder)", ["Gastric ulcer", "Stomach ulcer"], ["pepticUlcer", "stomachDisorder"],
  { groups: g(morph("ulcer"), site("stomach")), defined: true })
c(383, "intestineDisorder", "Disorder of intestine (disorder)", ["Disorder of intestine", "Bowel disorder"], ["digestiveDisorder"], { groups: g(site("intestine")), defined: true })
c(382, "duodenalUlcer", "Duodenal ulcer (disorder)", ["Duodenal ulcer"], ["pepticUlcer", "intestineDisorder"], { groups: g(morph("ulcer"), site("duodenum")), defined: true })
c(384, "ibd", "Inflammatory bowel disease (disorder)", ["Inflammatory bowel disease", "IBD"], ["intestineDisorder"], { groups: g(morph("chronicInflammation"), site("intestine")) })
c(385, "crohns", "Crohn's disease (disorder)", ["Crohn's disease", "Regional enteritis"], ["ibd"], { cs: true })
c(386, "ulcerativeColitis", "Ulcerative colitis (disorder)", ["Ulcerative colitis"], ["ibd"], { groups: g(morph("ulcer"), site("colon")) })
c(387, "coeliac", "Coeliac disease (disorder)", ["Coeliac disease", "Gluten-sensitive enteropathy"], ["intestineDisorder"],
  {
    groups: g(site("smallIntestine")),
    def: "An immune-mediated enteropathy triggered by dietary gluten in genetically susceptible people."
  })
c(388, "liverDisorder", "Disorder of liver (disorder)", ["Disorder of liver", "Liver disease"], ["digestiveDisorder"], { groups: g(site("liver")), defined: true })
c(389, "hepatitis", "Hepatitis (disorder)", ["Hepatitis", "Inflammation of liver"], ["liverDisorder"], { groups: g(morph("inflammation"), site("liver")), defined: true })
c(390, "viralHepatitis", "Viral hepatitis (disorder)", ["Viral hepatitis"], ["hepatitis", "viralDisease"])
c(391, "hepatitisA", "Viral hepatitis A (disorder)", ["Hepatitis A", "Viral hepatitis A"], ["viralHepatitis"],
  { groups: g(morph("inflammation"), site("liver"), agent("hepatitisAVirus")), defined: true, cs: true })
c(392, "hepatitisB", "Viral hepatitis B (disorder)", ["Hepatitis B", "Viral hepatitis B"], ["viralHepatitis"],
  { groups: g(morph("inflammation"), site("liver"), agent("hepatitisBVirus")), defined: true, cs: true })
c(393, "hepatitisC", "Viral hepatitis C (disorder)", ["Hepatitis C", "Viral hepatitis C"], ["viralHepatitis"],
  { groups: g(morph("inflammation"), site("liver"), agent("hepatitisCVirus")), defined: true, cs: true })
c(394, "cirrhosis", "Cirrhosis of liver (disorder)", ["Cirrhosis of liver", "Liver cirrhosis"], ["liverDisorder"], { groups: g(morph("fibrosis"), site("liver")) })
c(396, "gallbladderDisorder", "Disorder of gallbladder (disorder)", ["Disorder of gallbladder"], ["digestiveDisorder"], { groups: g(site("gallbladder")), defined: true })
c(397, "cholecystitis", "Cholecystitis (disorder)", ["Cholecystitis", "Inflammation of gallbladder"], ["gallbladderDisorder"],
  { groups: g(morph("inflammation"), site("gallbladder")), defined: true })
c(398, "gallstones", "Cholelithiasis (disorder)", ["Gallstones", "Cholelithiasis"], ["gallbladderDisorder"])
c(400, "pancreasDisorder", "Disorder of pancreas (disorder)", ["Disorder of pancreas", "Pancreatic disease"], ["digestiveDisorder"], { groups: g(site("pancreas")), defined: true })
c(399, "acutePancreatitis", "Acute pancreatitis (disorder)", ["Acute pancreatitis"], ["pancreasDisorder"],
  { groups: g(morph("acuteInflammation"), site("pancreas")), defined: true })

// Endocrine and metabolic
c(410, "endocrineDisorder", "Disorder of endocrine system (disorder)", ["Disorder of endocrine system", "Endocrine disorder"], ["disorderOfBodySystem"],
  { groups: g(site("endocrineSystem")), defined: true })
c(411, "diabetes", "Diabetes mellitus (disorder)", ["Diabetes mellitus", "Diabetes", "DM"], ["endocrineDisorder"],
  { id: "73211009", groups: g(site("pancreas")), def: "A group of metabolic disorders characterised by chronic hyperglycaemia." })
c(412, "type1Diabetes", "Diabetes mellitus type 1 (disorder)", ["Type 1 diabetes mellitus", "Insulin dependent diabetes", "T1DM"], ["diabetes"])
c(413, "type2Diabetes", "Diabetes mellitus type 2 (disorder)", ["Diabetes mellitus type 2", "Type 2 diabetes mellitus", "T2DM"], ["diabetes"],
  {
    id: "44054006", uk: "Type 2 diabetes mellitus",
    def: "Diabetes mellitus due to insulin resistance with a relative deficiency of insulin secretion.",
    retired: [["Type II diabetes", "outdated"]]
  })
c(414, "diabeticComplication", "Disorder due to diabetes mellitus (disorder)", ["Disorder due to diabetes mellitus", "Diabetic complication"], ["diabetes"])
c(448, "eyeDisorder", "Disorder of eye (disorder)", ["Disorder of eye", "Eye disease"], ["disorderOfBodySystem"], { groups: g(site("eye")), defined: true })
c(451, "retinaDisorder", "Disorder of retina (disorder)", ["Disorder of retina", "Retinopathy"], ["eyeDisorder"], { groups: g(site("retina")), defined: true })
c(501, "urinaryDisorder", "Disorder of urinary system (disorder)", ["Disorder of urinary system", "Urinary tract disorder"], ["disorderOfBodySystem"],
  { groups: g(site("urinarySystem")), defined: true })
c(500, "kidneyDisorder", "Disorder of kidney (disorder)", ["Disorder of kidney", "Renal disease"], ["urinaryDisorder"], { groups: g(site("kidney")), defined: true })
c(430, "nervousDisorder", "Disorder of nervous system (disorder)", ["Disorder of nervous system", "Neurological disorder"], ["disorderOfBodySystem"],
  { groups: g(site("nervousSystem")), defined: true })
c(445, "peripheralNeuropathy", "Peripheral neuropathy (disorder)", ["Peripheral neuropathy", "Polyneuropathy"], ["nervousDisorder"])
c(415, "diabeticRetinopathy", "Retinopathy due to diabetes mellitus (disorder)", ["Diabetic retinopathy", "Retinopathy due to diabetes"], ["diabeticComplication", "retinaDisorder"])
c(416, "diabeticNephropathy", "Nephropathy due to diabetes mellitus (disorder)", ["Diabetic nephropathy", "Kidney disease due to diabetes"], ["diabeticComplication", "kidneyDisorder"])
c(417, "diabeticNeuropathy", "Neuropathy due to diabetes mellitus (disorder)", ["Diabetic neuropathy", "Diabetic polyneuropathy"], ["diabeticComplication", "peripheralNeuropathy"])
c(418, "t2dmNephropathy", "Nephropathy due to type 2 diabetes mellitus (disorder)", ["Diabetic nephropathy in type 2 diabetes", "Kidney disease due to type 2 diabetes mellitus"],
  ["diabeticNephropathy", "type2Diabetes"], { effectiveTime: ET_NEW })
c(419, "gestationalDiabetes", "Gestational diabetes mellitus (disorder)", ["Gestational diabetes", "Diabetes arising in pregnancy"], ["diabetes"])
c(420, "thyroidDisorder", "Disorder of thyroid gland (disorder)", ["Disorder of thyroid gland", "Thyroid disease"], ["endocrineDisorder"], { groups: g(site("thyroid")), defined: true })
c(421, "hypothyroidism", "Hypothyroidism (disorder)", ["Hypothyroidism", "Underactive thyroid"], ["thyroidDisorder"])
c(422, "hyperthyroidism", "Hyperthyroidism (disorder)", ["Hyperthyroidism", "Overactive thyroid", "Thyrotoxicosis"], ["thyroidDisorder"])
c(470, "autoimmune", "Autoimmune disease (disorder)", ["Autoimmune disease", "Autoimmune disorder"], ["disease"])
c(423, "graves", "Graves' disease (disorder)", ["Graves' disease", "Autoimmune hyperthyroidism"], ["hyperthyroidism", "autoimmune"], { cs: true })
c(425, "metabolicDisease", "Metabolic disease (disorder)", ["Metabolic disease", "Disorder of metabolism"], ["disease"])
c(424, "hyperlipidaemia", "Hyperlipidaemia (disorder)", ["Hyperlipidaemia", "Raised blood lipids"], ["metabolicDisease"])
c(426, "hypercholesterolaemia", "Hypercholesterolaemia (disorder)", ["Hypercholesterolaemia", "High cholesterol"], ["hyperlipidaemia"])
c(427, "obesity", "Obesity (disorder)", ["Obesity", "Excessive body fat"], ["metabolicDisease"])

// Nervous system
c(431, "brainDisorder", "Disorder of brain (disorder)", ["Disorder of brain", "Brain disease"], ["nervousDisorder"], { groups: g(site("brain")), defined: true })
c(432, "epilepsy", "Epilepsy (disorder)", ["Epilepsy", "Seizure disorder"], ["brainDisorder"])
c(434, "headacheDisorder", "Headache disorder (disorder)", ["Headache disorder"], ["nervousDisorder"])
c(433, "migraine", "Migraine (disorder)", ["Migraine", "Sick headache"], ["headacheDisorder", "brainDisorder"],
  { def: "A primary headache disorder with recurrent attacks of moderate to severe, often one-sided, throbbing headache." })
c(437, "cva", "Cerebrovascular accident (disorder)", ["Cerebrovascular accident", "Stroke", "CVA"], ["brainDisorder", "vascularDisorder"], { uk: "Stroke" })
c(438, "cerebralInfarction", "Cerebral infarction (disorder)", ["Cerebral infarction", "Ischaemic stroke"], ["cva"], { groups: g(morph("infarct"), site("brain")), defined: true })
c(439, "intracerebralHaemorrhage", "Intracerebral haemorrhage (disorder)", ["Intracerebral haemorrhage", "Haemorrhagic stroke"], ["cva"],
  { groups: g(morph("haemorrhage"), site("brain")), defined: true })
c(440, "dementia", "Dementia (disorder)", ["Dementia"], ["brainDisorder"])
c(441, "alzheimers", "Alzheimer's disease (disorder)", ["Alzheimer's disease", "Alzheimer's dementia"], ["dementia"], { cs: true })
c(443, "parkinsons", "Parkinson's disease (disorder)", ["Parkinson's disease", "Paralysis agitans"], ["brainDisorder"], { cs: true })
c(444, "ms", "Multiple sclerosis (disorder)", ["Multiple sclerosis", "MS"], ["brainDisorder", "autoimmune"])
c(447, "earDisorder", "Disorder of ear (disorder)", ["Disorder of ear", "Ear disease"], ["disorderOfBodySystem"], { groups: g(site("ear")), defined: true })
c(446, "menieres", "Ménière's disease (disorder)", ["Ménière's disease", "Endolymphatic hydrops"], ["earDisorder"], { groups: g(site("innerEar")), cs: true })
c(449, "cataract", "Cataract (disorder)", ["Cataract", "Clouding of lens"], ["eyeDisorder"])
c(450, "glaucoma", "Glaucoma (disorder)", ["Glaucoma"], ["eyeDisorder"])

// Musculoskeletal and injury
c(455, "mskDisorder", "Disorder of musculoskeletal system (disorder)", ["Disorder of musculoskeletal system", "Musculoskeletal disorder"], ["disorderOfBodySystem"],
  { groups: g(site("musculoskeletalSystem")), defined: true })
c(456, "arthropathy", "Arthropathy (disorder)", ["Arthropathy", "Joint disease"], ["mskDisorder"], { groups: g(site("joint")), defined: true })
c(457, "arthritis", "Arthritis (disorder)", ["Arthritis", "Inflammation of joint"], ["arthropathy"], { groups: g(morph("inflammation"), site("joint")), defined: true })
c(458, "osteoarthritis", "Osteoarthritis (disorder)", ["Osteoarthritis", "Degenerative joint disease"], ["arthropathy"], { groups: g(morph("degeneration"), site("joint")) })
c(459, "oaKnee", "Osteoarthritis of knee (disorder)", ["Osteoarthritis of knee", "Knee osteoarthritis"], ["osteoarthritis"],
  { groups: g(morph("degeneration"), site("knee")), defined: true })
c(460, "oaHip", "Osteoarthritis of hip (disorder)", ["Osteoarthritis of hip", "Hip osteoarthritis"], ["osteoarthritis"],
  { groups: g(morph("degeneration"), site("hip")), defined: true })
c(461, "rheumatoidArthritis", "Rheumatoid arthritis (disorder)", ["Rheumatoid arthritis", "RA"], ["arthritis", "autoimmune"])
c(462, "gout", "Gout (disorder)", ["Gout", "Gouty arthritis"], ["arthritis", "metabolicDisease"],
  { def: "An inflammatory arthritis caused by deposition of monosodium urate crystals in and around joints." })
c(463, "boneDisorder", "Disorder of bone (disorder)", ["Disorder of bone", "Bone disease"], ["mskDisorder"], { groups: g(site("bone")), defined: true })
c(464, "osteoporosis", "Osteoporosis (disorder)", ["Osteoporosis", "Thinning of bones"], ["boneDisorder"],
  { def: "A skeletal disorder of reduced bone mass and microarchitectural deterioration, with increased fracture risk." })
c(466, "injury", "Traumatic injury (disorder)", ["Traumatic injury", "Injury"], ["disease"], { groups: g(morph("traumaticAbnormality")) })
c(465, "fracture", "Fracture of bone (disorder)", ["Fracture of bone", "Broken bone"], ["boneDisorder", "injury"],
  { groups: g(morph("fractureMorph"), site("bone")), defined: true })
c(467, "femurFracture", "Fracture of femur (disorder)", ["Fracture of femur", "Broken thigh bone"], ["fracture"], { groups: g(morph("fractureMorph"), site("femur")), defined: true })
c(468, "nofFracture", "Fracture of neck of femur (disorder)", ["Fracture of neck of femur", "Fractured neck of femur", "Hip fracture"], ["femurFracture"],
  {
    uk: "Fractured neck of femur", groups: g(morph("fractureMorph"), site("femoralNeck")), defined: true,
    def: "A break in the femur between the head and the trochanters, typically after a fall in older people."
  })
c(469, "radiusFracture", "Fracture of radius (disorder)", ["Fracture of radius", "Broken radius"], ["fracture"], { groups: g(morph("fractureMorph"), site("radius")), defined: true })
c(474, "connectiveTissueDisease", "Connective tissue disease (disorder)", ["Connective tissue disease"], ["mskDisorder"])
c(472, "exocrineGlandDisorder", "Disorder of exocrine gland (disorder)", ["Disorder of exocrine gland"], ["disorderOfBodySystem"],
  { groups: g(site("exocrineGland")), defined: true })
c(471, "sjogren", "Sjögren's syndrome (disorder)", ["Sjögren's syndrome", "Sjögren syndrome", "Sicca syndrome"], ["autoimmune", "exocrineGlandDisorder"],
  {
    cs: true, groups: [[morph("chronicInflammation"), site("lacrimalGland")], [morph("chronicInflammation"), site("salivaryGland")]],
    def: "A chronic autoimmune disease in which the lacrimal and salivary glands are infiltrated by lymphocytes, causing dry eyes and dry mouth."
  })
c(473, "sle", "Systemic lupus erythematosus (disorder)", ["Systemic lupus erythematosus", "SLE", "Lupus"], ["autoimmune", "connectiveTissueDisease"])

// Skin
c(475, "skinDisorder", "Disorder of skin (disorder)", ["Disorder of skin", "Skin disease"], ["disorderOfBodySystem"], { groups: g(site("skin")), defined: true })
c(476, "dermatitis", "Dermatitis (disorder)", ["Dermatitis", "Inflammation of skin"], ["skinDisorder"], { groups: g(morph("inflammation"), site("skin")), defined: true })
c(477, "eczema", "Eczema (disorder)", ["Eczema"], ["dermatitis"])
c(478, "atopicEczema", "Atopic eczema (disorder)", ["Atopic eczema", "Atopic dermatitis"], ["eczema"])
c(479, "psoriasis", "Psoriasis (disorder)", ["Psoriasis"], ["skinDisorder"])
c(480, "cellulitis", "Cellulitis (disorder)", ["Cellulitis"], ["skinDisorder", "bacterialInfection"], { groups: g(morph("acuteInflammation"), site("skin")) })
c(481, "cellulitisLeg", "Cellulitis of lower limb (disorder)", ["Cellulitis of leg", "Cellulitis of lower limb"], ["cellulitis"],
  { groups: g(morph("acuteInflammation"), site("lowerLimbSkin")) })

// Mental health
c(485, "mentalDisorder", "Mental disorder (disorder)", ["Mental disorder", "Psychiatric disorder"], ["disease"])
c(487, "moodDisorder", "Mood disorder (disorder)", ["Mood disorder", "Affective disorder"], ["mentalDisorder"])
c(486, "depression", "Depressive disorder (disorder)", ["Depressive disorder", "Depression"], ["moodDisorder"])
c(489, "postnatalDepression", "Postnatal depression (disorder)", ["Postnatal depression", "Postpartum depression"], ["depression"])
c(494, "bipolar", "Bipolar affective disorder (disorder)", ["Bipolar affective disorder", "Manic depression"], ["moodDisorder"])
c(490, "anxiety", "Anxiety disorder (disorder)", ["Anxiety disorder"], ["mentalDisorder"])
c(491, "gad", "Generalised anxiety disorder (disorder)", ["Generalised anxiety disorder", "GAD"], ["anxiety"])
c(493, "schizophrenia", "Schizophrenia (disorder)", ["Schizophrenia"], ["mentalDisorder"])

// Renal and urinary
c(502, "ckd", "Chronic kidney disease (disorder)", ["Chronic kidney disease", "CKD", "Chronic renal failure"], ["kidneyDisorder"],
  { def: "Abnormal kidney structure or function present for more than three months." })
c(505, "ckd3", "Chronic kidney disease stage 3 (disorder)", ["Chronic kidney disease stage 3", "CKD stage 3"], ["ckd"])
c(506, "ckd4", "Chronic kidney disease stage 4 (disorder)", ["Chronic kidney disease stage 4", "CKD stage 4"], ["ckd"])
c(507, "ckd5", "Chronic kidney disease stage 5 (disorder)", ["Chronic kidney disease stage 5", "CKD stage 5", "End-stage renal disease"], ["ckd"])
c(508, "aki", "Acute kidney injury (disorder)", ["Acute kidney injury", "AKI", "Acute renal failure"], ["kidneyDisorder"])
c(509, "uti", "Urinary tract infection (disorder)", ["Urinary tract infection", "UTI"], ["urinaryDisorder", "infectiousDisease"])
c(511, "bladderDisorder", "Disorder of urinary bladder (disorder)", ["Disorder of urinary bladder", "Bladder disorder"], ["urinaryDisorder"], { groups: g(site("bladder")), defined: true })
c(510, "cystitis", "Cystitis (disorder)", ["Cystitis", "Inflammation of bladder"], ["bladderDisorder"], { groups: g(morph("inflammation"), site("bladder")), defined: true })

// Reproductive
c(512, "reproductiveDisorder", "Disorder of reproductive system (disorder)", ["Disorder of reproductive system"], ["disorderOfBodySystem"],
  { groups: g(site("reproductiveSystem")), defined: true })
c(513, "infertility", "Infertility (disorder)", ["Infertility", "Inability to conceive"], ["reproductiveDisorder"])

// Infections
c(523, "influenza", "Influenza (disorder)", ["Influenza", "Flu"], ["viralDisease", "respiratoryDisorder"], { groups: g(agent("influenzaVirus")) })
c(524, "covid19", "Disease caused by severe acute respiratory syndrome coronavirus 2 (disorder)", ["COVID-19", "Coronavirus disease 2019"],
  ["viralDisease", "respiratoryDisorder"], { groups: g(agent("sarsCov2")), defined: true, cs: true })
c(525, "measles", "Measles (disorder)", ["Measles", "Rubeola"], ["viralDisease"], { groups: g(agent("measlesVirus")), defined: true })
c(526, "tuberculosis", "Tuberculosis (disorder)", ["Tuberculosis", "TB"], ["bacterialInfection"], { groups: g(agent("mTuberculosis")), defined: true })
c(527, "pulmonaryTb", "Pulmonary tuberculosis (disorder)", ["Pulmonary tuberculosis", "Tuberculosis of lung"], ["tuberculosis", "lungDisorder"],
  { groups: g(agent("mTuberculosis"), site("lung")), defined: true })
c(528, "staphInfection", "Staphylococcal infection (disorder)", ["Staphylococcal infection"], ["bacterialInfection"], { groups: g(agent("staphylococcus")), defined: true })
c(529, "eColiInfection", "Infection caused by Escherichia coli (disorder)", ["Escherichia coli infection", "E. coli infection"], ["bacterialInfection"],
  { groups: g(agent("eColi")), defined: true, cs: true })
c(530, "sepsis", "Sepsis (disorder)", ["Sepsis", "Septicaemia"], ["infectiousDisease"])

// Neoplasms
c(535, "neoplasticDisease", "Neoplastic disease (disorder)", ["Neoplastic disease", "Tumour"], ["disease"], { groups: g(morph("neoplasm")), defined: true })
c(536, "cancer", "Malignant neoplastic disease (disorder)", ["Malignant neoplastic disease", "Cancer", "Malignancy"], ["neoplasticDisease"],
  { groups: g(morph("malignantNeoplasm")), defined: true })
c(537, "lungCancer", "Malignant neoplasm of lung (disorder)", ["Malignant neoplasm of lung", "Lung cancer"], ["cancer", "lungDisorder"],
  { groups: g(morph("malignantNeoplasm"), site("lung")), defined: true })
c(538, "breastCancer", "Malignant neoplasm of breast (disorder)", ["Malignant neoplasm of breast", "Breast cancer"], ["cancer"],
  { groups: g(morph("malignantNeoplasm"), site("breast")), defined: true })
c(539, "colonCancer", "Malignant neoplasm of colon (disorder)", ["Malignant neoplasm of colon", "Colon cancer", "Bowel cancer"], ["cancer", "intestineDisorder"],
  { groups: g(morph("malignantNeoplasm"), site("colon")), defined: true })
c(540, "prostateCancer", "Malignant neoplasm of prostate (disorder)", ["Malignant neoplasm of prostate", "Prostate cancer"], ["cancer", "reproductiveDisorder"],
  { groups: g(morph("malignantNeoplasm"), site("prostate")), defined: true })
c(541, "benignNeoplasticDisease", "Benign neoplastic disease (disorder)", ["Benign neoplastic disease", "Benign tumour"], ["neoplasticDisease"],
  { groups: g(morph("benignNeoplasm")), defined: true })

// ---------------------------------------------------------------------------------------------
// Clinical findings: signs, symptoms, other findings
// ---------------------------------------------------------------------------------------------

c(550, "generalFinding", "General finding of patient (finding)", ["General finding of patient", "General observation"], ["404684003"])
c(551, "fever", "Fever (finding)", ["Fever", "Pyrexia", "High temperature"], ["generalFinding"])
c(552, "pain", "Pain (finding)", ["Pain", "Ache"], ["404684003"])
c(553, "chestPain", "Chest pain (finding)", ["Chest pain", "Pain in chest"], ["pain"], { groups: g(site("thorax")) })
c(554, "abdominalPain", "Abdominal pain (finding)", ["Abdominal pain", "Tummy ache"], ["pain"], { groups: g(site("abdomen")) })
c(555, "rlqPain", "Right lower quadrant abdominal pain (finding)", ["Right iliac fossa pain", "Right lower quadrant pain"], ["abdominalPain"])
c(556, "headache", "Headache (finding)", ["Headache", "Pain in head"], ["pain"], { groups: g(site("head")) })
c(558, "respiratoryFinding", "Respiratory finding (finding)", ["Respiratory finding"], ["404684003"], { groups: g(site("respiratorySystem")) })
c(559, "cough", "Cough (finding)", ["Cough"], ["respiratoryFinding"])
c(560, "dryCough", "Dry cough (finding)", ["Dry cough", "Non-productive cough"], ["cough"])
c(561, "productiveCough", "Productive cough (finding)", ["Productive cough", "Chesty cough"], ["cough"])
c(562, "dyspnoea", "Dyspnoea (finding)", ["Dyspnoea", "Breathlessness", "Shortness of breath"], ["respiratoryFinding"], { uk: "Breathlessness" })
c(563, "sexFinding", "Finding of biological sex (finding)", ["Finding of biological sex", "Sex finding"], ["404684003"])
c(564, "male", "Male (finding)", ["Male"], ["sexFinding"], { id: "248153007" })
c(565, "female", "Female (finding)", ["Female"], ["sexFinding"], { id: "248152002" })
c(566, "cvsFinding", "Cardiovascular finding (finding)", ["Cardiovascular finding"], ["404684003"], { groups: g(site("cardiovascularSystem")) })
c(567, "palpitations", "Palpitations (finding)", ["Palpitations", "Awareness of heartbeat"], ["cvsFinding"])
c(568, "raisedBp", "Raised blood pressure reading (finding)", ["Raised blood pressure reading", "Elevated blood pressure"], ["cvsFinding"])
c(573, "digestiveFinding", "Digestive system finding (finding)", ["Digestive system finding", "Gastrointestinal finding"], ["404684003"],
  { groups: g(site("digestiveSystem")) })
c(572, "nausea", "Nausea (finding)", ["Nausea", "Feeling sick"], ["digestiveFinding"])
c(574, "vomiting", "Vomiting (finding)", ["Vomiting", "Being sick"], ["digestiveFinding"])
c(575, "diarrhoea", "Diarrhoea (finding)", ["Diarrhoea", "Loose stools"], ["digestiveFinding"])

// ---------------------------------------------------------------------------------------------
// Procedures
// ---------------------------------------------------------------------------------------------

c(600, "procedureByMethod", "Procedure by method (procedure)", ["Procedure by method"], ["71388002"])
c(601, "surgicalProcedure", "Surgical procedure (procedure)", ["Surgical procedure", "Operation"], ["procedureByMethod"], { groups: g(method("surgicalAction")), defined: true })
c(602, "excision", "Excision (procedure)", ["Excision", "Surgical removal"], ["surgicalProcedure"], { groups: g(method("excisionAction")), defined: true })
c(620, "laparoscopicProcedure", "Laparoscopic procedure (procedure)", ["Laparoscopic procedure", "Keyhole surgery"], ["surgicalProcedure"])
c(603, "procedureBySite", "Procedure by site (procedure)", ["Procedure by site"], ["71388002"])
c(604, "procedureOnBodySystem", "Procedure on body system (procedure)", ["Procedure on body system"], ["procedureBySite"],
  { groups: g(psite("bodySystem")), defined: true })
c(605, "digestiveProcedure", "Procedure on digestive system (procedure)", ["Procedure on digestive system", "Gastrointestinal procedure"], ["procedureOnBodySystem"],
  { groups: g(psite("digestiveSystem")), defined: true })
c(606, "appendixOperation", "Operation on appendix (procedure)", ["Operation on appendix"], ["digestiveProcedure", "surgicalProcedure"],
  { groups: g(method("surgicalAction"), psite("appendix")), defined: true })
c(607, "appendicectomy", "Appendicectomy (procedure)", ["Appendicectomy", "Appendectomy", "Excision of appendix"], ["appendixOperation", "excision"],
  {
    id: "80146002", groups: g(method("excisionAction"), psite("appendix")), defined: true,
    def: "Surgical removal of the vermiform appendix.",
    retired: [["Removal of appendix NOS", "outdated"]]
  })
c(608, "laparoscopicAppendicectomy", "Laparoscopic appendicectomy (procedure)", ["Laparoscopic appendicectomy", "Keyhole appendicectomy"],
  ["appendicectomy", "laparoscopicProcedure"])
c(609, "openAppendicectomy", "Open appendicectomy (procedure)", ["Open appendicectomy"], ["appendicectomy"])
c(610, "emergencyAppendicectomy", "Emergency appendicectomy (procedure)", ["Emergency appendicectomy"], ["appendicectomy"])
c(611, "drainageAppendixAbscess", "Drainage of appendix abscess (procedure)", ["Drainage of appendix abscess"], ["appendixOperation"],
  { groups: g(method("drainageAction"), psite("appendix")) })
c(612, "gallbladderOperation", "Operation on gallbladder (procedure)", ["Operation on gallbladder"], ["digestiveProcedure", "surgicalProcedure"],
  { groups: g(method("surgicalAction"), psite("gallbladder")), defined: true })
c(613, "cholecystectomy", "Cholecystectomy (procedure)", ["Cholecystectomy", "Removal of gallbladder"], ["gallbladderOperation", "excision"],
  { groups: g(method("excisionAction"), psite("gallbladder")), defined: true })
c(614, "lapCholecystectomy", "Laparoscopic cholecystectomy (procedure)", ["Laparoscopic cholecystectomy", "Keyhole gallbladder removal"],
  ["cholecystectomy", "laparoscopicProcedure"])
c(615, "cvsProcedure", "Procedure on cardiovascular system (procedure)", ["Procedure on cardiovascular system"], ["procedureOnBodySystem"],
  { groups: g(psite("cardiovascularSystem")), defined: true })
c(616, "heartProcedure", "Procedure on heart (procedure)", ["Procedure on heart", "Cardiac procedure"], ["cvsProcedure"], { groups: g(psite("heart")), defined: true })
c(617, "cabg", "Coronary artery bypass graft (procedure)", ["Coronary artery bypass graft", "CABG", "Heart bypass"], ["heartProcedure", "surgicalProcedure"],
  { groups: g(method("bypassAction"), psite("coronaryArtery")) })
c(618, "pci", "Percutaneous coronary intervention (procedure)", ["Percutaneous coronary intervention", "PCI"], ["heartProcedure"],
  { groups: g(method("dilationAction"), psite("coronaryArtery")) })
c(619, "coronaryStent", "Insertion of coronary artery stent (procedure)", ["Insertion of coronary artery stent", "Coronary stenting"], ["pci"])
c(621, "mskProcedure", "Procedure on musculoskeletal system (procedure)", ["Procedure on musculoskeletal system"], ["procedureOnBodySystem"],
  { groups: g(psite("musculoskeletalSystem")), defined: true })
c(622, "jointReplacement", "Joint replacement (procedure)", ["Joint replacement", "Arthroplasty"], ["mskProcedure", "surgicalProcedure"],
  { groups: g(method("replacementAction"), psite("joint")), defined: true })
c(623, "hipReplacement", "Total replacement of hip joint (procedure)", ["Total hip replacement", "THR"], ["jointReplacement"],
  { groups: g(method("replacementAction"), psite("hip")), defined: true })
c(624, "kneeReplacement", "Total replacement of knee joint (procedure)", ["Total knee replacement", "TKR"], ["jointReplacement"],
  { groups: g(method("replacementAction"), psite("knee")), defined: true })
c(626, "evaluation", "Evaluation procedure (procedure)", ["Evaluation procedure", "Investigation"], ["procedureByMethod"],
  { groups: g(method("evaluationAction")), defined: true })
c(627, "imaging", "Imaging (procedure)", ["Imaging", "Diagnostic imaging"], ["evaluation"], { groups: g(method("imagingAction")), defined: true })
c(628, "radiography", "Plain radiography (procedure)", ["Plain radiography", "X-ray"], ["imaging"])
c(629, "chestXray", "Plain X-ray of chest (procedure)", ["Plain chest X-ray", "Chest X-ray", "CXR"], ["radiography"],
  { uk: "Chest X-ray", groups: g(method("imagingAction"), psite("thorax")) })
c(630, "ct", "Computed tomography (procedure)", ["Computed tomography", "CT scan"], ["imaging"])
c(631, "ctHead", "Computed tomography of head (procedure)", ["CT of head", "CT head scan"], ["ct"], { groups: g(method("imagingAction"), psite("head")) })
c(632, "mri", "Magnetic resonance imaging (procedure)", ["Magnetic resonance imaging", "MRI scan"], ["imaging"])
c(633, "mriBrain", "Magnetic resonance imaging of brain (procedure)", ["MRI of brain", "Brain MRI"], ["mri"], { groups: g(method("imagingAction"), psite("brain")) })
c(634, "ultrasound", "Ultrasonography (procedure)", ["Ultrasonography", "Ultrasound scan"], ["imaging"])
c(635, "ultrasoundAbdomen", "Ultrasonography of abdomen (procedure)", ["Ultrasound scan of abdomen", "Abdominal ultrasound"], ["ultrasound"],
  { groups: g(method("imagingAction"), psite("abdomen")) })
c(636, "labProcedure", "Laboratory procedure (procedure)", ["Laboratory procedure", "Laboratory test"], ["evaluation"])
c(637, "haematologyTest", "Haematology test (procedure)", ["Haematology test"], ["labProcedure"])
c(638, "fbc", "Full blood count (procedure)", ["Full blood count", "FBC"], ["haematologyTest"])
c(639, "haemoglobinEstimation", "Haemoglobin estimation (procedure)", ["Haemoglobin estimation", "Hb test"], ["haematologyTest"])
c(640, "biochemistryTest", "Clinical biochemistry test (procedure)", ["Clinical biochemistry test", "Biochemistry test"], ["labProcedure"])
c(641, "creatinineTest", "Serum creatinine measurement (procedure)", ["Serum creatinine measurement", "Creatinine test"], ["biochemistryTest"],
  { groups: g(method("measurementAction")) })
c(642, "hba1cTest", "Haemoglobin A1c measurement (procedure)", ["HbA1c measurement", "Glycated haemoglobin measurement"], ["biochemistryTest"],
  {
    cs: true, groups: g(method("measurementAction")),
    def: "Measurement of the fraction of haemoglobin that is glycated, reflecting average blood glucose over about three months."
  })
c(643, "cholesterolTest", "Serum cholesterol measurement (procedure)", ["Serum cholesterol measurement", "Cholesterol test"], ["biochemistryTest"],
  { groups: g(method("measurementAction")) })
c(644, "microbiologyTest", "Microbiology procedure (procedure)", ["Microbiology procedure", "Microbiology test"], ["labProcedure"])
c(645, "urineCulture", "Urine culture (procedure)", ["Urine culture", "Urine MC&S"], ["microbiologyTest"], { cs: true })
c(646, "bpMeasurement", "Measurement of blood pressure (procedure)", ["Blood pressure measurement", "BP check"], ["evaluation"],
  { groups: g(method("measurementAction")), effectiveTime: ET_NEW })
c(647, "ecg", "Electrocardiography (procedure)", ["Electrocardiography", "ECG"], ["evaluation"], { groups: g(method("measurementAction"), psite("heart")) })
c(648, "spirometry", "Spirometry (procedure)", ["Spirometry", "Lung function test"], ["evaluation"], { groups: g(method("measurementAction"), psite("lung")) })
c(650, "therapeuticProcedure", "Therapeutic procedure (procedure)", ["Therapeutic procedure", "Treatment"], ["71388002"])
c(651, "administration", "Administration of substance (procedure)", ["Administration of substance"], ["therapeuticProcedure", "procedureByMethod"],
  { groups: g(method("administrationAction")), defined: true })
c(652, "vaccination", "Vaccination (procedure)", ["Vaccination", "Immunisation"], ["administration"], { groups: g(method("injectionAction")) })
c(653, "fluVaccination", "Influenza vaccination (procedure)", ["Influenza vaccination", "Flu jab"], ["vaccination"])
c(654, "covidVaccination", "Vaccination against COVID-19 (procedure)", ["COVID-19 vaccination", "Coronavirus vaccination"], ["vaccination"],
  { cs: true, effectiveTime: ET_NEW })
c(655, "pneumococcalVaccination", "Pneumococcal vaccination (procedure)", ["Pneumococcal vaccination"], ["vaccination"])
c(656, "insulinAdministration", "Administration of insulin (procedure)", ["Administration of insulin", "Insulin injection"], ["administration"],
  { groups: g(method("injectionAction")) })
c(658, "psychologicalTherapy", "Psychological therapy (procedure)", ["Psychological therapy", "Talking therapy"], ["therapeuticProcedure"])
c(659, "cbt", "Cognitive behavioural therapy (procedure)", ["Cognitive behavioural therapy", "CBT"], ["psychologicalTherapy"])

// ---------------------------------------------------------------------------------------------
// Inactive concepts (retired in this release), with reasons and historical associations
// ---------------------------------------------------------------------------------------------

const inactive: InactiveConcept[] = [
  { n: 950, key: "xHeartAttack", fsn: "Heart attack (disorder)", syn: ["Heart attack"], formerParents: ["ihd"], reason: "duplicate", sameAs: "mi" },
  { n: 951, key: "xAcuteAppendicitisNos", fsn: "Acute appendicitis NOS (disorder)", syn: ["Acute appendicitis NOS"], formerParents: ["appendicitis"],
    reason: "ambiguous", possiblyEquivalentTo: ["acuteAppendicitisPerforation", "acuteAppendicitisNoPerforation"] },
  { n: 952, key: "xNiddm", fsn: "Non-insulin dependent diabetes mellitus (disorder)", syn: ["Non-insulin dependent diabetes mellitus", "NIDDM"],
    formerParents: ["diabetes"], reason: "outdated", replacedBy: "type2Diabetes" },
  { n: 953, key: "xAppendicectomyDrainage", fsn: "Appendicectomy with drainage (procedure)", syn: ["Appendicectomy with drainage"],
    formerParents: ["appendixOperation"], reason: "erroneous", replacedBy: "appendicectomy" },
  { n: 954, key: "xAsthmaAttack", fsn: "Asthma attack NOS (disorder)", syn: ["Asthma attack NOS"], formerParents: ["asthma"],
    reason: "ambiguous", possiblyEquivalentTo: ["asthmaExacerbation", "severeAsthma"] },
  { n: 955, key: "xHypertensionNos", fsn: "Hypertension NOS (disorder)", syn: ["Hypertension NOS"], formerParents: ["hypertension"], reason: "duplicate", sameAs: "hypertension" },
  { n: 956, key: "xSenileDementia", fsn: "Senile dementia (disorder)", syn: ["Senile dementia"], formerParents: ["dementia"], reason: "outdated", replacedBy: "dementia" },
  { n: 957, key: "xCoad", fsn: "Chronic obstructive airways disease (disorder)", syn: ["Chronic obstructive airways disease", "COAD"],
    formerParents: ["lungDisorder"], reason: "duplicate", sameAs: "copd" },
  { n: 958, key: "xHipFractureNos", fsn: "Hip fracture NOS (disorder)", syn: ["Hip fracture NOS"], formerParents: ["fracture"],
    reason: "ambiguous", possiblyEquivalentTo: ["nofFracture", "femurFracture"] },
  { n: 959, key: "xCholesterolTest", fsn: "Cholesterol level test (procedure)", syn: ["Cholesterol level test"], formerParents: ["biochemistryTest"],
    reason: "duplicate", sameAs: "cholesterolTest" },
  { n: 960, key: "xVirusInfectionNos", fsn: "Virus infection NOS (disorder)", syn: ["Virus infection NOS"], formerParents: ["infectiousDisease"],
    reason: "outdated", replacedBy: "viralDisease" },
  { n: 961, key: "xPneumoniaUnspecified", fsn: "Pneumonia organism unspecified (disorder)", syn: ["Pneumonia organism unspecified"], formerParents: ["lungDisorder"],
    reason: "erroneous", replacedBy: "pneumonia" },
  { n: 962, key: "xInsulinZinc", fsn: "Insulin zinc suspension (substance)", syn: ["Insulin zinc suspension"], formerParents: ["insulin"], reason: "outdated" },
  { n: 963, key: "xLapRemovalAppendix", fsn: "Laparoscopic removal of appendix (procedure)", syn: ["Laparoscopic removal of appendix"],
    formerParents: ["appendicectomy"], reason: "duplicate", sameAs: "laparoscopicAppendicectomy" },
  { n: 964, key: "xPrimaryHypertensionNos", fsn: "Primary hypertension NOS (disorder)", syn: ["Primary hypertension NOS"], formerParents: ["hypertension"],
    reason: "duplicate", sameAs: "essentialHypertension" },
  { n: 965, key: "xStomachUlcerNos", fsn: "Stomach ulcer NOS (disorder)", syn: ["Stomach ulcer NOS"], formerParents: ["stomachDisorder"],
    reason: "ambiguous", possiblyEquivalentTo: ["gastricUlcer", "pepticUlcer"] },
  { n: 966, key: "xCoughing", fsn: "Coughing (finding)", syn: ["Coughing"], formerParents: ["respiratoryFinding"], reason: "duplicate", sameAs: "cough" },
  { n: 967, key: "xTemperatureOfBody", fsn: "Temperature of body (observable entity)", syn: ["Temperature of body"], formerParents: ["vitalSign"],
    reason: "duplicate", sameAs: "bodyTemperature" },
  { n: 968, key: "xLeftHeartFailure", fsn: "Left heart failure (disorder)", syn: ["Left heart failure NOS"], formerParents: ["heartFailure"],
    reason: "duplicate", sameAs: "lvFailure" },
  { n: 969, key: "xLocalTemplateItem", fsn: "Local practice template item (finding)", syn: ["Local practice template item"], formerParents: ["generalFinding"],
    reason: "movedElsewhere" },
  { n: 970, key: "xAmoxycillin", fsn: "Amoxycillin (substance)", syn: ["Amoxycillin"], formerParents: ["penicillin"], reason: "outdated", replacedBy: "amoxicillin" },
  { n: 971, key: "xLungTumourNos", fsn: "Malignant tumour of lung NOS (disorder)", syn: ["Malignant tumour of lung NOS"], formerParents: ["cancer"],
    reason: "duplicate", sameAs: "lungCancer" },
  { n: 972, key: "xDiabetesNos", fsn: "Diabetes NOS (disorder)", syn: ["Diabetes NOS"], formerParents: ["endocrineDisorder"],
    reason: "ambiguous", possiblyEquivalentTo: ["type1Diabetes", "type2Diabetes"] },
  { n: 973, key: "xChestInfectionNos", fsn: "Chest infection NOS (disorder)", syn: ["Chest infection NOS"], formerParents: ["respiratoryDisorder"],
    reason: "ambiguous", possiblyEquivalentTo: ["lrti", "pneumonia", "acuteBronchitis"] }
]

// ---------------------------------------------------------------------------------------------
// Reference set content
// ---------------------------------------------------------------------------------------------

/** Simple reference set members. Inactive concepts listed here get an inactive membership. */
const simpleRefsets: Record<string, string[]> = {
  chronicRegister: [
    "asthma", "copd", "diabetes", "type1Diabetes", "type2Diabetes", "hypertension", "essentialHypertension", "ckd", "ckd3", "ckd4", "ckd5",
    "af", "heartFailure", "ihd", "epilepsy", "dementia", "rheumatoidArthritis", "osteoporosis", "hypothyroidism", "schizophrenia", "bipolar",
    "depression", "cva", "xHypertensionNos", "xNiddm"
  ],
  commonMedicines: [
    "paracetamol500Tab", "paracetamol250Tab", "amoxicillin250Cap", "amoxicillin500Cap", "metformin500Tab", "ramipril2_5Cap", "ramipril5Cap",
    "salbutamol100Inh", "atorvastatin20Tab", "ibuprofen400Tab"
  ]
}

/** Simple map to a made-up legacy practice code scheme. */
const legacyCodes: Record<string, string> = {
  mi: "FL0101", acuteMi: "FL0102", angina: "FL0110", heartFailure: "FL0120", af: "FL0130", hypertension: "FL0140", essentialHypertension: "FL0141",
  cva: "FL0150", asthma: "FL0201", copd: "FL0210", pneumonia: "FL0220", lrti: "FL0221", urti: "FL0222", influenza: "FL0230", covid19: "FL0231",
  appendicitis: "FL0301", acuteAppendicitis: "FL0302", gastricUlcer: "FL0310", crohns: "FL0320", ulcerativeColitis: "FL0321", coeliac: "FL0330",
  diabetes: "FL0401", type1Diabetes: "FL0402", type2Diabetes: "FL0403", hypothyroidism: "FL0410", epilepsy: "FL0501", migraine: "FL0510",
  dementia: "FL0520", osteoarthritis: "FL0601", rheumatoidArthritis: "FL0610", gout: "FL0620", osteoporosis: "FL0630", nofFracture: "FL0640",
  depression: "FL0701", anxiety: "FL0710", ckd: "FL0801", uti: "FL0810", appendicectomy: "FL9001", lapCholecystectomy: "FL9010",
  hipReplacement: "FL9020", fluVaccination: "FL9101", xNiddm: "FL0499"
}

interface MapEntry {
  rule?: string
  target: string
  advice?: string
  category?: string
}
/** UK ICD-10 extended map: a target code (one group, one priority, TRUE) or groups of prioritised entries. */
const icd10: Record<string, string | MapEntry[][]> = {
  disease: "R69X",
  mi: "I219", acuteMi: "I219", acuteAnteriorMi: "I210", acuteInferiorMi: "I211", oldMi: "I252",
  angina: "I209", stableAngina: "I208", unstableAngina: "I200", ihd: "I259",
  heartFailure: "I509", lvFailure: "I501", chf: "I500", af: "I489", atrialFlutter: "I489",
  hypertension: "I10X", essentialHypertension: "I10X", secondaryHypertension: "I159", hhd: "I119", hhdWithHf: "I110",
  dvtLeg: "I802",   asthma: "J459", allergicAsthma: "J450", nonAllergicAsthma: "J451", asthmaExacerbation: "J459", copd: "J449", emphysema: "J439",
  pneumonia: "J189", pneumococcalPneumonia: "J13X", viralPneumonia: "J129", lrti: "J22X", urti: "J069", acuteBronchitis: "J209",
  appendicitis: "K37X", acuteAppendicitis: "K359", acuteAppendicitisPerforation: "K352", appendicealAbscess: "K353", chronicAppendicitis: "K36X",
  gastritis: "K297", gastricUlcer: "K259", duodenalUlcer: "K269", crohns: "K509", ulcerativeColitis: "K519", coeliac: "K900",
  cirrhosis: "K746", hepatitisB: "B169", hepatitisC: "B171", cholecystitis: "K819", gallstones: "K802", acutePancreatitis: "K859",
  diabetes: "E149", type1Diabetes: "E109", type2Diabetes: "E119", gestationalDiabetes: "O244",
  t2dmNephropathy: [[{ target: "E112", advice: "ALWAYS E112" }], [{ target: "N083", advice: "ALWAYS N083 | ASTERISK IN DAGGER ASTERISK PAIR" }]],
  alzheimers: [[{ target: "G309", advice: "ALWAYS G309" }], [{ target: "F009", advice: "ALWAYS F009 | ASTERISK IN DAGGER ASTERISK PAIR" }]],
  hypothyroidism: "E039", hyperthyroidism: "E059", graves: "E050", hypercholesterolaemia: "E780", obesity: "E669",
  epilepsy: "G409", migraine: "G439", cva: "I64X", cerebralInfarction: "I639",
  intracerebralHaemorrhage: "I619", dementia: "F03X", parkinsons: "G20X", ms: "G35X", menieres: "H810",
  cataract: "H269", glaucoma: "H409",
  oaKnee: "M179", oaHip: "M169", rheumatoidArthritis: "M069", gout: "M109", osteoporosis: "M819",
  femurFracture: "S7290", nofFracture: "S7200", radiusFracture: "S5280", sjogren: "M350", sle: "M329",
  eczema: "L309", atopicEczema: "L209", psoriasis: "L409", cellulitisLeg: "L031",
  depression: "F329", postnatalDepression: "F530", bipolar: "F319", gad: "F411", schizophrenia: "F209",
  ckd: "N189", ckd3: "N183", ckd4: "N184", ckd5: "N185", aki: "N179", uti: "N390", cystitis: "N309",
  infertility: [[
    { rule: "IFA 248153007", target: "N46X", advice: "IF MALE CHOOSE N46X | MAP OF SOURCE CONCEPT IS CONTEXT DEPENDENT", category: MAP_CONTEXT_DEPENDENT },
    { rule: "IFA 248152002", target: "N979", advice: "IF FEMALE CHOOSE N979 | MAP OF SOURCE CONCEPT IS CONTEXT DEPENDENT", category: MAP_CONTEXT_DEPENDENT },
    { rule: "OTHERWISE TRUE", target: "", advice: "OTHERWISE MAP SOURCE CONCEPT CANNOT BE CLASSIFIED WITH AVAILABLE DATA", category: MAP_CANNOT_CLASSIFY }
  ]],
  influenza: "J111", covid19: "U071", measles: "B059", tuberculosis: "A169", pulmonaryTb: "A162", sepsis: "A419",
  lungCancer: "C349", breastCancer: "C509", colonCancer: "C189", prostateCancer: "C61X",
  fever: "R509", cough: "R05X", chestPain: "R074", abdominalPain: "R104", headache: "R51X", dyspnoea: "R060",   nausea: "R11X", vomiting: "R11X", diarrhoea: "R197",
  pain: [[{ target: "#NC", advice: "MAP SOURCE CONCEPT CANNOT BE CLASSIFIED WITH AVAILABLE DATA", category: MAP_CANNOT_CLASSIFY }]],
  xNiddm: "E119"
}

/** MRCM attribute domains (one row per attribute). */
const mrcmDomains: Array<{ attribute: string; domain: string; grouped: boolean; cardinality: string; inGroup: string }> = [
  { attribute: FINDING_SITE, domain: "404684003", grouped: true, cardinality: "0..*", inGroup: "0..1" },
  { attribute: MORPHOLOGY, domain: "404684003", grouped: true, cardinality: "0..*", inGroup: "0..1" },
  { attribute: CAUSATIVE_AGENT, domain: "404684003", grouped: true, cardinality: "0..*", inGroup: "0..1" },
  { attribute: METHOD, domain: "71388002", grouped: true, cardinality: "0..*", inGroup: "1..1" },
  { attribute: PROCEDURE_SITE_DIRECT, domain: "71388002", grouped: true, cardinality: "0..*", inGroup: "0..1" },
  { attribute: HAS_ACTIVE_INGREDIENT, domain: "medicinalProduct", grouped: true, cardinality: "0..*", inGroup: "0..1" },
  { attribute: STRENGTH_NUMERATOR_UNIT, domain: "medicinalProduct", grouped: true, cardinality: "0..*", inGroup: "0..1" },
  { attribute: STRENGTH_NUMERATOR_VALUE, domain: "medicinalProduct", grouped: true, cardinality: "0..*", inGroup: "0..1" }
]

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

const OUR_MODULE = sctid(1, "10")
const conceptIdByKey = new Map<string, string>()
const itemNumbers = new Set<number>()

for (const x of [...concepts, ...inactive]) {
  if (itemNumbers.has(x.n)) throw new Error(`item number ${x.n} used twice (${x.key})`)
  itemNumbers.add(x.n)
  if (conceptIdByKey.has(x.key)) throw new Error(`key ${x.key} used twice`)
  const id = "id" in x && x.id !== undefined ? x.id : sctid(x.n, "10")
  conceptIdByKey.set(x.key, id)
}
const realIds = new Set(concepts.flatMap((x) => (x.id === undefined ? [] : [x.id])))
/** Resolves a key (or a real identifier) to an SCTID. */
function ref(key: string): string {
  const id = conceptIdByKey.get(key)
  if (id !== undefined) return id
  if (realIds.has(key)) return key
  throw new Error(`unknown concept reference ${key}`)
}

const moduleOf = (x: Concept): string => x.module ?? (x.id !== undefined ? CORE : OUR_MODULE)
const byKey = new Map(concepts.map((x) => [x.key, x]))

/** Effective role groups: the concept's own, or else the union of its parents' (inherited, as in the inferred view). */
const groupCache = new Map<string, Group[]>()
function effectiveGroups(x: Concept): Group[] {
  const cached = groupCache.get(x.key)
  if (cached) return cached
  let groups: Group[]
  if (x.groups) groups = x.groups
  else {
    const seen = new Set<string>()
    groups = []
    for (const p of x.parents) {
      const parent = byKey.get(p) ?? concepts.find((y) => y.id === p)
      if (!parent) throw new Error(`unknown parent ${p} of ${x.key}`)
      for (const group of effectiveGroups(parent)) {
        const sig = JSON.stringify(group.map(([a, v]) => [a, typeof v === "number" ? v : ref(v)]).sort())
        if (!seen.has(sig)) {
          seen.add(sig)
          groups.push(group)
        }
      }
    }
  }
  groupCache.set(x.key, groups)
  return groups
}

// ---------------------------------------------------------------------------------------------
// Row building
// ---------------------------------------------------------------------------------------------

type Row = string[]
const rows = {
  concept: [] as Row[],
  description: [] as Row[],
  textDefinition: [] as Row[],
  relationship: [] as Row[],
  concrete: [] as Row[],
  owl: [] as Row[],
  language: [] as Row[],
  simple: [] as Row[],
  association: [] as Row[],
  attributeValue: [] as Row[],
  simpleMap: [] as Row[],
  extendedMap: [] as Row[],
  mrcmDomain: [] as Row[],
  moduleDependency: [] as Row[],
  identifier: [] as Row[]
}

const decimal = (v: number): string => String(v)
const owlConcrete = (v: number): string => `"${decimal(v)}"^^xsd:decimal`

function owlAttribute([attribute, value]: Attribute): string {
  return typeof value === "number"
    ? `DataHasValue(:${attribute} ${owlConcrete(value)})`
    : `ObjectSomeValuesFrom(:${attribute} :${ref(value)})`
}
function owlGroup(group: Group): string {
  const parts = [...group].sort((a, b) => a[0].localeCompare(b[0])).map(owlAttribute)
  const inner = parts.length === 1 ? parts[0] : `ObjectIntersectionOf(${parts.join(" ")})`
  return `ObjectSomeValuesFrom(:${ROLE_GROUP} ${inner})`
}
function isDescendantOfAttribute(x: Concept, root: string): boolean {
  return x.parents.some((p) => {
    const id = ref(p)
    if (id === root) return true
    const parent = byKey.get(p) ?? concepts.find((y) => y.id === p)
    return parent !== undefined && isDescendantOfAttribute(parent, root)
  })
}
function owlExpression(x: Concept, id: string): string {
  const parents = x.parents.map(ref)
  if (isDescendantOfAttribute(x, OBJECT_ATTRIBUTE)) return `SubObjectPropertyOf(:${id} :${parents[0]})`
  if (isDescendantOfAttribute(x, DATA_ATTRIBUTE)) return `SubDataPropertyOf(:${id} :${parents[0]})`
  const parts = [...parents.map((p) => `:${p}`), ...effectiveGroups(x).map(owlGroup)]
  const body = parts.length === 1 ? parts[0] : `ObjectIntersectionOf(${parts.join(" ")})`
  return x.defined ? `EquivalentClasses(:${id} ${body})` : `SubClassOf(:${id} ${body})`
}

const member = (refsetId: string, referenced: string, ...extra: string[]) => uuid(refsetId, referenced, ...extra)

function addDescription(
  conceptId: string, n: number, index: number, term: string, type: string, cs: boolean, active: boolean,
  et: string, pref: { gb: boolean; uk: boolean }
): string {
  const id = sctid(n * 10 + index, "11")
  const row = [id, et, active ? "1" : "0", OUR_MODULE, conceptId, "en", type, term, cs ? CASE_SENSITIVE : CASE_INSENSITIVE]
  ;(type === DEFINITION ? rows.textDefinition : rows.description).push(row)
  for (const [refset, preferred] of [[GB_LANG, pref.gb], [UK_LANG, pref.uk]] as const) {
    rows.language.push([member(refset, id), et, active ? "1" : "0", OUR_MODULE, refset, id, preferred ? PREFERRED : ACCEPTABLE])
  }
  return id
}

interface ConceptSummary {
  id: string
  key: string
  active: boolean
  fsn: string
  preferred: { [GB_LANG]: string; [UK_LANG]: string }
  parents: string[]
  module: string
  definitionStatus: string
}
const summaries = new Map<string, ConceptSummary>()

for (const x of concepts) {
  const id = ref(x.key)
  const et = x.effectiveTime ?? ET_BASE
  const module = moduleOf(x)
  if (x.defined && effectiveGroups(x).length === 0) throw new Error(`${x.key} is defined but has no attributes`)
  if (!/ \([a-zA-Z0-9 /+-]+\)$/.test(x.fsn)) throw new Error(`${x.key}: FSN without semantic tag: ${x.fsn}`)
  if (x.syn.length < 1 || x.syn.length > 4) throw new Error(`${x.key}: needs 1-4 synonyms`)
  if (new Set(x.syn).size !== x.syn.length) throw new Error(`${x.key}: duplicate synonym`)
  if ((x.retired ?? []).length > 4) throw new Error(`${x.key}: at most 4 retired synonyms`)
  const ukPreferred = x.uk ?? x.syn[0]
  if (!x.syn.includes(ukPreferred ?? "")) throw new Error(`${x.key}: UK preferred term is not one of its synonyms`)
  rows.concept.push([id, et, "1", module, x.defined ? DEFINED : PRIMITIVE])
  const cs = x.cs === true
  addDescription(id, x.n, 0, x.fsn, FSN, cs, true, et, { gb: true, uk: true })
  x.syn.forEach((term, i) => addDescription(id, x.n, i + 1, term, SYNONYM, cs, true, et, { gb: i === 0, uk: term === ukPreferred }))
  ;(x.retired ?? []).forEach(([term, reason], i) => {
    const descId = addDescription(id, x.n, 5 + i, term, SYNONYM, cs, false, ET_NEW, { gb: false, uk: false })
    rows.attributeValue.push([member(DESCRIPTION_INACTIVATION, descId), ET_NEW, "1", OUR_MODULE, DESCRIPTION_INACTIVATION, descId, INACTIVATION_REASONS[reason]])
  })
  if (x.def) addDescription(id, x.n, 9, x.def, DEFINITION, false, true, et, { gb: true, uk: true })

  // Inferred relationships: is-a, then attributes in role groups.
  let k = 0
  for (const p of x.parents) {
    rows.relationship.push([sctid(x.n * 100 + k++, "12"), et, "1", OUR_MODULE, id, ref(p), "0", IS_A, INFERRED, EXISTENTIAL])
  }
  let concreteK = 50
  effectiveGroups(x).forEach((group, gi) => {
    for (const [attribute, value] of group) {
      if (typeof value === "number") {
        rows.concrete.push([sctid(x.n * 100 + concreteK++, "12"), et, "1", OUR_MODULE, id, `#${decimal(value)}`, String(gi + 1), attribute, INFERRED, EXISTENTIAL])
      } else {
        rows.relationship.push([sctid(x.n * 100 + k++, "12"), et, "1", OUR_MODULE, id, ref(value), String(gi + 1), attribute, INFERRED, EXISTENTIAL])
      }
    }
  })
  if (x.parents.length > 0) {
    rows.owl.push([member(OWL_AXIOM_REFSET, id), et, "1", OUR_MODULE, OWL_AXIOM_REFSET, id, owlExpression(x, id)])
  }
  summaries.set(id, {
    id, key: x.key, active: true, fsn: x.fsn, preferred: { [GB_LANG]: x.syn[0] ?? "", [UK_LANG]: ukPreferred ?? "" },
    parents: x.parents.map(ref), module, definitionStatus: x.defined ? DEFINED : PRIMITIVE
  })
}

for (const x of inactive) {
  const id = ref(x.key)
  rows.concept.push([id, ET_NEW, "0", OUR_MODULE, PRIMITIVE])
  const descIds = [addDescription(id, x.n, 0, x.fsn, FSN, false, true, ET_BASE, { gb: true, uk: true })]
  x.syn.forEach((term, i) => descIds.push(addDescription(id, x.n, i + 1, term, SYNONYM, false, true, ET_BASE, { gb: i === 0, uk: i === 0 })))
  for (const descId of descIds) {
    rows.attributeValue.push([member(DESCRIPTION_INACTIVATION, descId), ET_NEW, "1", OUR_MODULE, DESCRIPTION_INACTIVATION, descId, CONCEPT_NON_CURRENT])
  }
  x.formerParents.forEach((p, k) => {
    rows.relationship.push([sctid(x.n * 100 + k, "12"), ET_NEW, "0", OUR_MODULE, id, ref(p), "0", IS_A, INFERRED, EXISTENTIAL])
  })
  const formerAxiom = x.formerParents.length === 1
    ? `SubClassOf(:${id} :${ref(x.formerParents[0] ?? "")})`
    : `SubClassOf(:${id} ObjectIntersectionOf(${x.formerParents.map((p) => `:${ref(p)}`).join(" ")}))`
  rows.owl.push([member(OWL_AXIOM_REFSET, id), ET_NEW, "0", OUR_MODULE, OWL_AXIOM_REFSET, id, formerAxiom])
  rows.attributeValue.push([member(CONCEPT_INACTIVATION, id), ET_NEW, "1", OUR_MODULE, CONCEPT_INACTIVATION, id, INACTIVATION_REASONS[x.reason]])
  const targets: Array<[string, string]> = [
    ...(x.replacedBy ? [[REPLACED_BY, x.replacedBy] as [string, string]] : []),
    ...(x.sameAs ? [[SAME_AS, x.sameAs] as [string, string]] : []),
    ...(x.possiblyEquivalentTo ?? []).map((t): [string, string] => [POSSIBLY_EQUIVALENT_TO, t])
  ]
  for (const [refset, target] of targets) {
    const targetId = ref(target)
    if (!summaries.has(targetId)) throw new Error(`${x.key}: association target ${target} is not an active concept`)
    rows.association.push([member(refset, id, targetId), ET_NEW, "1", OUR_MODULE, refset, id, targetId])
  }
  summaries.set(id, {
    id, key: x.key, active: false, fsn: x.fsn, preferred: { [GB_LANG]: x.syn[0] ?? "", [UK_LANG]: x.syn[0] ?? "" },
    parents: [], module: OUR_MODULE, definitionStatus: PRIMITIVE
  })
}

const isActive = (key: string) => summaries.get(ref(key))?.active === true

for (const [refsetKey, members] of Object.entries(simpleRefsets)) {
  const refsetId = ref(refsetKey)
  for (const key of members) {
    const id = ref(key)
    const active = isActive(key)
    rows.simple.push([member(refsetId, id), active ? ET_BASE : ET_NEW, active ? "1" : "0", OUR_MODULE, refsetId, id])
  }
}

const legacyMapId = ref("legacyMap")
for (const [key, target] of Object.entries(legacyCodes)) {
  const id = ref(key)
  const active = isActive(key)
  rows.simpleMap.push([member(legacyMapId, id, target), active ? ET_BASE : ET_NEW, active ? "1" : "0", OUR_MODULE, legacyMapId, id, target])
}

const maleRule = (): string => `IFA 248153007 | ${summaries.get("248153007")?.fsn} |`
const femaleRule = (): string => `IFA 248152002 | ${summaries.get("248152002")?.fsn} |`
for (const [key, spec] of Object.entries(icd10)) {
  const id = ref(key)
  const active = isActive(key)
  const groups: MapEntry[][] = typeof spec === "string" ? [[{ target: spec }]] : spec
  groups.forEach((entries, gi) => {
    entries.forEach((e, pi) => {
      const rule = e.rule === "IFA 248153007" ? maleRule() : e.rule === "IFA 248152002" ? femaleRule() : (e.rule ?? "TRUE")
      const advice = e.advice ?? `ALWAYS ${e.target}`
      const category = e.category ?? MAP_PROPERLY_CLASSIFIED
      const cols = [String(gi + 1), String(pi + 1), rule, advice, e.target, MAP_CORRELATION_NOT_SPECIFIED, category]
      rows.extendedMap.push([member(UK_ICD10_MAP, id, String(gi + 1), String(pi + 1)), active ? ET_BASE : ET_NEW, active ? "1" : "0", OUR_MODULE, UK_ICD10_MAP, id, ...cols])
    })
  })
}

for (const d of mrcmDomains) {
  const domain = ref(d.domain)
  rows.mrcmDomain.push([member(MRCM_DOMAIN_INT, d.attribute, domain), ET_BASE, "1", OUR_MODULE, MRCM_DOMAIN_INT, d.attribute, domain,
    d.grouped ? "1" : "0", d.cardinality, d.inGroup, MANDATORY_RULE, ALL_CONTENT])
}

// Alternate identifiers (ECL `LOINC#8310-5`): the LOINC codes of the FHIR specification's vital
// signs examples for our observables, and one code no longer in use.
const loincCodes: Array<[code: string, key: string, active: boolean]> = [
  ["8310-5", "bodyTemperature", true],
  ["8867-4", "heartRate", true],
  ["9279-1", "respiratoryRate", true],
  ["85354-9", "bloodPressure", true],
  ["8480-6", "systolicBp", true],
  ["8462-4", "diastolicBp", true],
  ["29463-7", "bodyWeight", true],
  ["8302-2", "bodyHeight", true],
  ["39156-5", "bmi", true],
  ["3141-9", "bodyWeight", false]
]
for (const [code, key, active] of loincCodes) {
  rows.identifier.push([code, active ? ET_BASE : ET_NEW, active ? "1" : "0", OUR_MODULE, ref("loincScheme"), ref(key)])
}

const INT_VERSION = "20250801"
const UK_VERSION = "20251001"
const dependencies: Array<[module: string, dependsOn: string, source: string, target: string]> = [
  [OUR_MODULE, CORE, RELEASE_DATE, INT_VERSION],
  [OUR_MODULE, MODEL, RELEASE_DATE, INT_VERSION],
  [OUR_MODULE, UK, RELEASE_DATE, UK_VERSION],
  [UK, CORE, UK_VERSION, INT_VERSION],
  [UK, MODEL, UK_VERSION, INT_VERSION],
  [CORE, MODEL, INT_VERSION, INT_VERSION]
]
for (const [module, dependsOn, source, target] of dependencies) {
  rows.moduleDependency.push([member(MODULE_DEPENDENCY, module, dependsOn), source, "1", module, MODULE_DEPENDENCY, dependsOn, source, target])
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

const REFSET_HEAD = ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId"]
const RELATIONSHIP_HEAD = ["id", "effectiveTime", "active", "moduleId", "sourceId", "destinationId", "relationshipGroup", "typeId", "characteristicTypeId", "modifierId"]
const DESCRIPTION_HEAD = ["id", "effectiveTime", "active", "moduleId", "conceptId", "languageCode", "typeId", "term", "caseSignificanceId"]

const files: Array<{ path: string; header: string[]; rows: Row[] }> = [
  { path: `Terminology/sct2_Concept_Snapshot_${FILE_SUFFIX}.txt`, header: ["id", "effectiveTime", "active", "moduleId", "definitionStatusId"], rows: rows.concept },
  { path: `Terminology/sct2_Description_Snapshot-en_${FILE_SUFFIX}.txt`, header: DESCRIPTION_HEAD, rows: rows.description },
  { path: `Terminology/sct2_TextDefinition_Snapshot-en_${FILE_SUFFIX}.txt`, header: DESCRIPTION_HEAD, rows: rows.textDefinition },
  { path: `Terminology/sct2_Relationship_Snapshot_${FILE_SUFFIX}.txt`, header: RELATIONSHIP_HEAD, rows: rows.relationship },
  {
    path: `Terminology/sct2_RelationshipConcreteValues_Snapshot_${FILE_SUFFIX}.txt`,
    header: ["id", "effectiveTime", "active", "moduleId", "sourceId", "value", "relationshipGroup", "typeId", "characteristicTypeId", "modifierId"],
    rows: rows.concrete
  },
  {
    path: `Terminology/sct2_Identifier_Snapshot_${FILE_SUFFIX}.txt`,
    header: ["alternateIdentifier", "effectiveTime", "active", "moduleId", "identifierSchemeId", "referencedComponentId"],
    rows: rows.identifier
  },
  { path: `Terminology/sct2_sRefset_OWLExpressionSnapshot_${FILE_SUFFIX}.txt`, header: [...REFSET_HEAD, "owlExpression"], rows: rows.owl },
  { path: `Refset/Language/der2_cRefset_LanguageSnapshot-en_${FILE_SUFFIX}.txt`, header: [...REFSET_HEAD, "acceptabilityId"], rows: rows.language },
  { path: `Refset/Content/der2_Refset_SimpleSnapshot_${FILE_SUFFIX}.txt`, header: REFSET_HEAD, rows: rows.simple },
  { path: `Refset/Content/der2_cRefset_AssociationSnapshot_${FILE_SUFFIX}.txt`, header: [...REFSET_HEAD, "targetComponentId"], rows: rows.association },
  { path: `Refset/Content/der2_cRefset_AttributeValueSnapshot_${FILE_SUFFIX}.txt`, header: [...REFSET_HEAD, "valueId"], rows: rows.attributeValue },
  { path: `Refset/Map/der2_sRefset_SimpleMapSnapshot_${FILE_SUFFIX}.txt`, header: [...REFSET_HEAD, "mapTarget"], rows: rows.simpleMap },
  {
    path: `Refset/Map/der2_iisssciRefset_ExtendedMapSnapshot_${FILE_SUFFIX}.txt`,
    header: [...REFSET_HEAD, "mapGroup", "mapPriority", "mapRule", "mapAdvice", "mapTarget", "correlationId", "mapCategoryId"],
    rows: rows.extendedMap
  },
  {
    path: `Refset/Metadata/der2_cissccRefset_MRCMAttributeDomainSnapshot_${FILE_SUFFIX}.txt`,
    header: [...REFSET_HEAD, "domainId", "grouped", "attributeCardinality", "attributeInGroupCardinality", "ruleStrengthId", "contentTypeId"],
    rows: rows.mrcmDomain
  },
  {
    path: `Refset/Metadata/der2_ssRefset_ModuleDependencySnapshot_${FILE_SUFFIX}.txt`,
    header: [...REFSET_HEAD, "sourceEffectiveTime", "targetEffectiveTime"],
    rows: rows.moduleDependency
  }
]

const here = dirname(fileURLToPath(import.meta.url))
const packageDir = join(here, PACKAGE)
const snapshotDir = join(packageDir, "Snapshot")
rmSync(packageDir, { recursive: true, force: true })

const rowCounts: Record<string, number> = {}
for (const f of files) {
  for (const r of f.rows) {
    if (r.length !== f.header.length) throw new Error(`${f.path}: row has ${r.length} columns, header has ${f.header.length}: ${r.join(" | ")}`)
    for (const cell of r) if (/[\t\r\n]/.test(cell)) throw new Error(`${f.path}: cell contains a tab or newline: ${cell}`)
  }
  const ids = new Set(f.rows.map((r) => r[0]))
  if (ids.size !== f.rows.length) throw new Error(`${f.path}: duplicate ids`)
  const out = join(snapshotDir, f.path)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, [f.header, ...f.rows].map((r) => `${r.join("\t")}\r\n`).join(""), "utf8")
  rowCounts[`Snapshot/${f.path}`] = f.rows.length
}

const readme = [
  "Ffynnon sample SNOMED CT release (synthetic)",
  "",
  `Release package ${PACKAGE}, Snapshot only, effective time ${RELEASE_DATE}.`,
  "",
  "This package is written by the Ffynnon team to test and demonstrate the Ffynnon terminology server.",
  "It uses the SNOMED CT RF2 file formats, but its terms, hierarchy and maps are our own synthetic content:",
  "it is not SNOMED CT and is not clinically reviewed. Do not use it for patient care.",
  "",
  "Apart from the metadata identifiers the RF2 format depends on (modules, description types, reference sets,",
  "attributes, top-level hierarchies) and a few concept identifiers that appear in the FHIR specification's",
  "examples, every identifier is in the made-up namespace 1000230. All terms are our own wording.",
  "",
  "Files are UTF-8 (no byte order mark), tab separated, with CRLF line endings and a header row.",
  "",
  "Regenerate with: bun data/sample/snomed/generate.ts (from the repository root).",
  ""
].join("\r\n")
writeFileSync(join(packageDir, "Readme.txt"), readme, "utf8")

// ---------------------------------------------------------------------------------------------
// expected.json: ground truth computed from the data above
// ---------------------------------------------------------------------------------------------

const children = new Map<string, string[]>()
for (const s of summaries.values()) {
  if (!s.active) continue
  for (const p of s.parents) children.set(p, [...(children.get(p) ?? []), s.id])
}
function descendants(id: string): Set<string> {
  const out = new Set<string>()
  const stack = [...(children.get(id) ?? [])]
  while (stack.length > 0) {
    const next = stack.pop() as string
    if (out.has(next)) continue
    out.add(next)
    stack.push(...(children.get(next) ?? []))
  }
  return out
}
function subsumption(a: string, b: string): "equivalent" | "subsumes" | "subsumed-by" | "not-subsumed" {
  if (a === b) return "equivalent"
  if (descendants(a).has(b)) return "subsumes"
  if (descendants(b).has(a)) return "subsumed-by"
  return "not-subsumed"
}
const summary = (key: string): ConceptSummary => {
  const s = summaries.get(ref(key))
  if (!s) throw new Error(`no summary for ${key}`)
  return s
}

const lookupKeys = [
  "mi", "appendicitis", "appendicectomy", "asthma", "hypertension", "type2Diabetes", "diabetes", "copd", "cva", "dyspnoea", "chestXray",
  "nofFracture", "sjogren", "amoxicillin250Cap", "xNiddm"
]
const descendantKeys = ["mi", "appendicitis", "diabetes", "asthma", "hypertension", "appendicectomy", "cvsDisorder", "404684003", "71388002", "123037004"]
const subsumptionPairs: Array<[string, string]> = [
  ["diabetes", "type2Diabetes"],
  ["type2Diabetes", "diabetes"],
  ["mi", "mi"],
  ["mi", "asthma"],
  ["404684003", "t2dmNephropathy"],
  ["hhdWithHf", "hypertension"],
  ["heartFailure", "hhdWithHf"],
  ["appendicitis", "appendicectomy"],
  ["appendicectomy", "laparoscopicAppendicectomy"],
  ["excision", "laparoscopicAppendicectomy"],
  ["pancreas", "endocrineSystem"],
  ["diabeticRetinopathy", "eyeDisorder"],
  [ROOT, PREFERRED],
  ["acuteAppendicitis", "chronicAppendicitis"]
]
const mapKeys = ["mi", "t2dmNephropathy", "infertility", "appendicitis"]
const associationKeys = ["xHeartAttack", "xAcuteAppendicitisNos", "xNiddm", "xInsulinZinc"]

const activeIds = [...summaries.values()].filter((s) => s.active).map((s) => s.id)
const expected = {
  description: "Ground truth for the Ffynnon sample SNOMED CT release, computed by generate.ts from its own data. Regenerate, do not edit.",
  release: {
    folder: `data/sample/snomed/${PACKAGE}`,
    effectiveTime: RELEASE_DATE,
    system: "http://snomed.info/sct",
    moduleId: OUR_MODULE,
    version: `http://snomed.info/sct/${OUR_MODULE}/version/${RELEASE_DATE}`,
    namespace: NAMESPACE,
    languageRefsets: { "en-GB": GB_LANG, "en-GB-x-uk-clinical": UK_LANG },
    moduleDependencies: dependencies.map(([moduleId, dependsOn, sourceEffectiveTime, targetEffectiveTime]) => ({ moduleId, dependsOn, sourceEffectiveTime, targetEffectiveTime }))
  },
  counts: {
    concepts: summaries.size,
    activeConcepts: activeIds.length,
    inactiveConcepts: summaries.size - activeIds.length,
    activeDescendantsOfRoot: descendants(ROOT).size,
    descriptions: rows.description.length,
    activeDescriptions: rows.description.filter((r) => r[2] === "1").length,
    textDefinitions: rows.textDefinition.length,
    activeIsARelationships: rows.relationship.filter((r) => r[2] === "1" && r[7] === IS_A).length,
    rows: rowCounts
  },
  concepts: lookupKeys.map((key) => {
    const s = summary(key)
    return {
      code: s.id,
      active: s.active,
      moduleId: s.module,
      definitionStatusId: s.definitionStatus,
      fsn: s.fsn,
      preferredTerm: s.preferred,
      parents: s.parents
    }
  }),
  descendants: descendantKeys.map((key) => {
    const s = summary(key)
    return { code: s.id, display: s.preferred[GB_LANG], activeDescendants: descendants(s.id).size }
  }),
  subsumption: subsumptionPairs.map(([a, b]) => {
    const codeA = ref(a)
    const codeB = ref(b)
    return { codeA, displayA: summary(a).preferred[GB_LANG], codeB, displayB: summary(b).preferred[GB_LANG], outcome: subsumption(codeA, codeB) }
  }),
  maps: mapKeys.map((key) => {
    const id = ref(key)
    const icd = rows.extendedMap.filter((r) => r[5] === id)
    const simple = rows.simpleMap.filter((r) => r[5] === id)
    return {
      code: id,
      display: summary(key).preferred[GB_LANG],
      icd10: icd.map((r) => ({
        refsetId: r[4], mapGroup: Number(r[6]), mapPriority: Number(r[7]), mapRule: r[8], mapAdvice: r[9], mapTarget: r[10],
        correlationId: r[11], mapCategoryId: r[12]
      })),
      simpleMap: simple.map((r) => ({ refsetId: r[4], mapTarget: r[6] }))
    }
  }),
  inactive: associationKeys.map((key) => {
    const id = ref(key)
    const reason = rows.attributeValue.find((r) => r[4] === CONCEPT_INACTIVATION && r[5] === id)
    return {
      code: id,
      display: summary(key).preferred[GB_LANG],
      inactivationReason: reason?.[6],
      associations: rows.association.filter((r) => r[5] === id).map((r) => ({ refsetId: r[4], targetComponentId: r[6] }))
    }
  }),
  refsets: Object.entries(simpleRefsets).map(([key, members]) => ({
    refsetId: ref(key),
    display: summary(key).preferred[GB_LANG],
    activeMembers: members.filter(isActive).length
  }))
}
writeFileSync(join(here, "expected.json"), `${JSON.stringify(expected, null, 2)}\n`, "utf8")

console.log(`wrote ${PACKAGE}`)
for (const [path, n] of Object.entries(rowCounts)) console.log(`  ${String(n).padStart(5)}  ${path}`)
console.log(`  concepts ${summaries.size} (${activeIds.length} active), expected.json written`)
