// The fixed part of the synthetic release: real SNOMED CT metadata identifiers (where a loader
// or server behaves differently depending on them), the 19 top-level hierarchies, and the
// concept model attributes. All terms here are written for this generator; only ids are real.
import { type Rng } from "./random.ts"

export const RELEASE_DATE = "20260101"
export const RELEASE_FOLDER = `SnomedCT_MonolithRF2_PRODUCTION_${RELEASE_DATE}T000001Z`

/** Release dates a component can carry: half-yearly to 2021, monthly after, and this release. */
export const RELEASE_TIMES: readonly string[] = (() => {
  const out: string[] = []
  for (let y = 2002; y <= 2021; y++) out.push(`${y}0131`, `${y}0731`)
  for (let y = 2022; y <= 2025; y++) for (let m = 1; m <= 12; m++) out.push(`${y}${String(m).padStart(2, "0")}01`)
  out.push(RELEASE_DATE)
  return out
})()
const FROM_2010 = RELEASE_TIMES.indexOf("20100131")

/** Effective time of a component: a third date from the first release, the rest spread out. */
export function effectiveTime(rng: Rng, changedLater = false): string {
  if (!changedLater && rng.chance(0.35)) return "20020131"
  const from = changedLater ? FROM_2010 : 0
  return RELEASE_TIMES[from + rng.int(RELEASE_TIMES.length - from)]!
}

/** SNOMED CT ids the generator refers to by name. */
export const Sct = {
  root: "138875005",
  isA: "116680003",
  roleGroup: "609096000",
  // description types, acceptability, case significance
  fsn: "900000000000003001",
  synonym: "900000000000013009",
  definition: "900000000000550004",
  preferred: "900000000000548007",
  acceptable: "900000000000549004",
  caseInsensitive: "900000000000448009",
  caseSensitive: "900000000000017005",
  initialCaseInsensitive: "900000000000020002",
  // definition status, characteristic type, modifier
  primitive: "900000000000074008",
  defined: "900000000000073002",
  inferred: "900000000000011006",
  existential: "900000000000451002",
  // modules
  coreModule: "900000000000207008",
  modelModule: "900000000000012004",
  ukClinicalModule: "999000011000000103",
  ukDrugModule: "999000011000001104",
  // reference sets
  gbLanguage: "900000000000508004",
  ukLanguage: "999001261000000100",
  replacedBy: "900000000000526001",
  sameAs: "900000000000527005",
  possiblyEquivalentTo: "900000000000523009",
  wasA: "900000000000528000",
  conceptInactivationIndicator: "900000000000489007",
  descriptionInactivationIndicator: "900000000000490003",
  owlAxiom: "733073007",
  owlOntology: "762103008",
  owlOntologyNamespace: "734147008",
  moduleDependency: "900000000000534007",
  icd10Map: "999002271000000101",
  ctv3Map: "900000000000497000",
  icdoMap: "446608001",
  // inactivation values
  duplicate: "900000000000482003",
  outdated: "900000000000483008",
  ambiguous: "900000000000484002",
  erroneous: "900000000000485001",
  limited: "900000000000486000",
  movedElsewhere: "900000000000487009",
  classificationDerived: "1186917008",
  conceptNonCurrent: "900000000000495008",
  // map correlation and categories
  mapCorrelationNotSpecified: "447561005",
  mapProperlyClassified: "447637006",
  mapCannotBeClassified: "447638001",
  mapContextDependent: "447639009",
  // concepts used in ICD-10 map rules
  male: "248153007",
  female: "248152002",
  ageAtOnset: "445518008",
  // concrete domain attributes
  presentationNumeratorValue: "1142135004",
  presentationDenominatorValue: "1142136003",
  countOfBase: "1142139005"
} as const

/** Modules, by a one-letter code used in the tables below. */
export const MODULES = {
  c: Sct.coreModule,
  m: Sct.modelModule,
  u: Sct.ukClinicalModule,
  d: Sct.ukDrugModule
} as const
export type ModuleCode = keyof typeof MODULES
/** Module codes by their index in Model.module. */
export const MODULE_CODES: readonly ModuleCode[] = ["c", "m", "u", "d"]
/** SCTID namespace of content authored in each module (0 = short format). */
export const MODULE_NAMESPACE: Record<ModuleCode, number> = { c: 0, m: 0, u: 1000000, d: 1000001 }

// ---------------------------------------------------------------- hierarchies

export type HierarchyKey =
  | "body"
  | "finding"
  | "environment"
  | "event"
  | "observable"
  | "organism"
  | "product"
  | "force"
  | "object"
  | "procedure"
  | "qualifier"
  | "record"
  | "situation"
  | "model"
  | "social"
  | "special"
  | "specimen"
  | "staging"
  | "substance"

/** One attribute a concept of a hierarchy may have, with the hierarchy its values come from. */
export interface AttributeSlot {
  readonly type: string
  readonly range: HierarchyKey
  /** Chance that a role group (or, ungrouped, the concept) has this attribute. */
  readonly p: number
}

export interface Hierarchy {
  readonly key: HierarchyKey
  readonly id: string
  readonly term: string
  /** Semantic tags of its concepts, the first also the top concept's; later ones rarer. */
  readonly tags: readonly string[]
  /** Share of the synthetic concepts. */
  readonly share: number
  /** Mean depth below the root of its concepts (the top concept is at depth 1). */
  readonly meanDepth: number
  /** Chance that a synthetic concept belongs to the UK clinical or UK drug module. */
  readonly ukShare: number
  readonly ukModule: ModuleCode
  /** Weights of 0, 1, 2, 3 … role groups. */
  readonly groupWeights: readonly number[]
  readonly grouped: readonly AttributeSlot[]
  readonly ungrouped: readonly AttributeSlot[]
}

const h = (
  key: HierarchyKey,
  id: string,
  term: string,
  tags: readonly string[],
  share: number,
  meanDepth: number,
  more: Partial<Pick<Hierarchy, "ukShare" | "ukModule" | "groupWeights" | "grouped" | "ungrouped">> = {}
): Hierarchy => ({
  key,
  id,
  term,
  tags,
  share,
  meanDepth,
  ukShare: more.ukShare ?? 0.18,
  ukModule: more.ukModule ?? "u",
  groupWeights: more.groupWeights ?? [1],
  grouped: more.grouped ?? [],
  ungrouped: more.ungrouped ?? []
})

/** The 19 top-level hierarchies under the root, in a fixed order (their index is used in the model). */
export const HIERARCHIES: readonly Hierarchy[] = [
  h("body", "123037004", "Body structure", ["body structure", "morphologic abnormality", "cell structure", "cell"], 0.06, 10, {
    ungrouped: [{ type: "272741003", range: "qualifier", p: 0.3 }]
  }),
  h("finding", "404684003", "Clinical finding", ["finding", "disorder", "disorder", "disorder"], 0.3, 10.5, {
    groupWeights: [0.05, 0.45, 0.35, 0.15],
    grouped: [
      { type: "363698007", range: "body", p: 1 },
      { type: "116676008", range: "body", p: 0.8 },
      { type: "246075003", range: "organism", p: 0.25 },
      { type: "370135005", range: "qualifier", p: 0.15 },
      { type: "363714003", range: "observable", p: 0.1 },
      { type: "363713009", range: "qualifier", p: 0.1 }
    ],
    ungrouped: [
      { type: "263502005", range: "qualifier", p: 0.2 },
      { type: "42752001", range: "finding", p: 0.1 }
    ]
  }),
  h("environment", "308916002", "Environment or geographical location", ["environment", "geographic location"], 0.005, 5),
  h("event", "272379006", "Event", ["event"], 0.01, 6, {
    groupWeights: [0.5, 0.5],
    grouped: [{ type: "47429007", range: "finding", p: 1 }]
  }),
  h("observable", "363787002", "Observable entity", ["observable entity"], 0.03, 7, {
    groupWeights: [0.3, 0.6, 0.1],
    grouped: [
      { type: "246093002", range: "substance", p: 1 },
      { type: "370130000", range: "qualifier", p: 0.8 }
    ]
  }),
  h("organism", "410607006", "Organism", ["organism"], 0.05, 12),
  h(
    "product",
    "373873005",
    "Pharmaceutical / biologic product",
    ["product", "medicinal product", "clinical drug", "medicinal product form"],
    0.2,
    7,
    {
      ukShare: 0.7,
      ukModule: "d",
      groupWeights: [0.1, 0.6, 0.25, 0.05],
      grouped: [
        { type: "762949000", range: "substance", p: 1 },
        { type: "732943007", range: "substance", p: 0.6 },
        { type: "127489000", range: "substance", p: 0.2 }
      ],
      ungrouped: [
        { type: "411116001", range: "object", p: 0.8 },
        { type: "763032000", range: "qualifier", p: 0.4 }
      ]
    }
  ),
  h("force", "78621006", "Physical force", ["physical force"], 0.001, 4),
  h("object", "260787004", "Physical object", ["physical object", "dose form"], 0.04, 7),
  h("procedure", "71388002", "Procedure", ["procedure", "procedure", "regime/therapy"], 0.14, 9.5, {
    groupWeights: [0.05, 0.5, 0.3, 0.15],
    grouped: [
      { type: "260686004", range: "qualifier", p: 1 },
      { type: "405813007", range: "body", p: 0.75 },
      { type: "424226004", range: "object", p: 0.2 },
      { type: "363701004", range: "substance", p: 0.2 }
    ]
  }),
  h("qualifier", "362981000", "Qualifier value", ["qualifier value"], 0.025, 5),
  h("record", "419891008", "Record artifact", ["record artifact"], 0.005, 4),
  h("situation", "243796009", "Situation with explicit context", ["situation"], 0.01, 7, {
    groupWeights: [0, 0.9, 0.1],
    grouped: [
      { type: "246090004", range: "finding", p: 1 },
      { type: "408729009", range: "qualifier", p: 0.95 },
      { type: "408731000", range: "qualifier", p: 0.95 },
      { type: "408732007", range: "social", p: 0.95 }
    ]
  }),
  h("model", "900000000000441003", "SNOMED CT Model Component", ["foundation metadata concept", "core metadata concept"], 0.02, 5, {
    ukShare: 0.5
  }),
  h("social", "48176007", "Social context", ["social concept", "occupation", "person", "ethnic group"], 0.01, 5),
  h("special", "370115009", "Special concept", ["navigational concept", "special concept"], 0.002, 4),
  h("specimen", "123038009", "Specimen", ["specimen"], 0.005, 5, {
    ungrouped: [
      { type: "118169006", range: "body", p: 0.6 },
      { type: "370133003", range: "substance", p: 0.3 }
    ]
  }),
  h("staging", "254291000", "Staging and scales", ["assessment scale", "staging scale", "tumor staging"], 0.005, 4),
  h("substance", "105590001", "Substance", ["substance"], 0.07, 7, {
    ungrouped: [{ type: "738774007", range: "substance", p: 0.3 }]
  })
]

export const HIERARCHY_INDEX: Record<HierarchyKey, number> = Object.fromEntries(HIERARCHIES.map((x, i) => [x.key, i])) as Record<
  HierarchyKey,
  number
>

/** Concrete-value attributes of products (the strength of some medicinal products). */
export const CONCRETE_SLOTS = [
  {
    type: Sct.presentationNumeratorValue,
    grouped: true,
    values: ["#250", "#500", "#5", "#10", "#20", "#100", "#0.5", "#1.25", "#2.5", "#40"]
  },
  { type: Sct.presentationDenominatorValue, grouped: true, values: ["#1"] },
  { type: Sct.countOfBase, grouped: false, values: ["#1", "#1", "#1", "#2", "#3"] }
] as const

// ---------------------------------------------------------------- fixed concepts

/**
 * A concept every release has: [id, parent id, term, semantic tag, module code].
 * An empty id is allocated from the module's namespace (for the UK simple refsets).
 */
export type FixedConcept = readonly [id: string, parent: string, term: string, tag: string, module: ModuleCode]

const attr = (id: string, parent: string, term: string): FixedConcept => [id, parent, term, "attribute", "c"]
const meta = (id: string, parent: string, term: string, tag = "core metadata concept"): FixedConcept => [id, parent, term, tag, "m"]
const found = (id: string, parent: string, term: string): FixedConcept => [id, parent, term, "foundation metadata concept", "m"]

const CORE_META = "900000000000442005"
const FOUNDATION = "900000000000454005"
const REFSET = "900000000000455006"
const OBJECT_ATTRIBUTE = "762705008"
const DATA_ATTRIBUTE = "762706009"

/** Names of the UK simple reference sets (ids allocated), with the hierarchy of their members. */
export const UK_SIMPLE_REFSETS: readonly (readonly [term: string, members: HierarchyKey])[] = [
  ["Primary care diagnoses simple reference set", "finding"],
  ["Emergency department diagnoses simple reference set", "finding"],
  ["Renal care findings simple reference set", "finding"],
  ["Maternity findings simple reference set", "finding"],
  ["Mental health conditions simple reference set", "finding"],
  ["Paediatric problems simple reference set", "finding"],
  ["Long term conditions simple reference set", "finding"],
  ["Outpatient procedures simple reference set", "procedure"],
  ["Surgical procedures simple reference set", "procedure"],
  ["Diagnostic imaging procedures simple reference set", "procedure"],
  ["Nursing interventions simple reference set", "procedure"],
  ["Medicinal products for primary care simple reference set", "product"],
  ["Controlled drugs simple reference set", "product"],
  ["Hospital formulary products simple reference set", "product"],
  ["Allergens simple reference set", "substance"],
  ["Pathology organisms simple reference set", "organism"],
  ["Anatomical sites simple reference set", "body"],
  ["Clinical observations simple reference set", "observable"],
  ["Specimen types simple reference set", "specimen"],
  ["Medical devices simple reference set", "object"]
]

export const FIXED_CONCEPTS: readonly FixedConcept[] = [
  [Sct.root, "", "SNOMED CT top concept", "SNOMED RT+CTV3", "c"],
  ...HIERARCHIES.map((x): FixedConcept => [x.id, Sct.root, x.term, x.tags[0]!, "c"]),
  // core metadata
  meta(CORE_META, "900000000000441003", "Core metadata concept"),
  meta("900000000000443000", CORE_META, "Module"),
  meta("900000000000445007", "900000000000443000", "Module maintained by SNOMED International"),
  meta(Sct.coreModule, "900000000000445007", "SNOMED CT core module"),
  meta(Sct.modelModule, "900000000000445007", "SNOMED CT model component module"),
  [Sct.ukClinicalModule, "900000000000443000", "SNOMED CT United Kingdom clinical extension module", "core metadata concept", "u"],
  [Sct.ukDrugModule, "900000000000443000", "SNOMED CT United Kingdom drug extension module", "core metadata concept", "d"],
  meta("900000000000444006", CORE_META, "Definition status"),
  meta(Sct.primitive, "900000000000444006", "Primitive"),
  meta(Sct.defined, "900000000000444006", "Defined"),
  meta("900000000000446008", CORE_META, "Description type"),
  meta(Sct.fsn, "900000000000446008", "Fully specified name"),
  meta(Sct.synonym, "900000000000446008", "Synonym"),
  meta(Sct.definition, "900000000000446008", "Definition"),
  meta("900000000000447004", CORE_META, "Case significance"),
  meta(Sct.caseInsensitive, "900000000000447004", "Entire term case insensitive"),
  meta(Sct.caseSensitive, "900000000000447004", "Entire term case sensitive"),
  meta(Sct.initialCaseInsensitive, "900000000000447004", "Only initial character case insensitive"),
  meta("900000000000449001", CORE_META, "Characteristic type"),
  meta("900000000000006009", "900000000000449001", "Defining relationship"),
  meta(Sct.inferred, "900000000000006009", "Inferred relationship"),
  meta("900000000000010007", "900000000000006009", "Stated relationship"),
  meta("900000000000227009", "900000000000449001", "Additional relationship"),
  meta("900000000000450001", CORE_META, "Modifier"),
  meta(Sct.existential, "900000000000450001", "Existential restriction modifier"),
  meta("900000000000511003", CORE_META, "Acceptability"),
  meta(Sct.preferred, "900000000000511003", "Preferred"),
  meta(Sct.acceptable, "900000000000511003", "Acceptable"),
  // foundation metadata: reference sets and their values
  found(FOUNDATION, "900000000000441003", "Foundation metadata concept"),
  found(REFSET, FOUNDATION, "Reference set"),
  found("446609009", REFSET, "Simple type reference set"),
  ...UK_SIMPLE_REFSETS.map(([term]): FixedConcept => ["", "446609009", term, "foundation metadata concept", "u"]),
  found("900000000000496009", REFSET, "Simple map type reference set"),
  found(Sct.ctv3Map, "900000000000496009", "Clinical Terms Version 3 simple map reference set"),
  found(Sct.icdoMap, "900000000000496009", "ICD-O simple map reference set"),
  found("609331003", REFSET, "Extended map type reference set"),
  [Sct.icd10Map, "609331003", "United Kingdom ICD-10 classification extended map reference set", "foundation metadata concept", "u"],
  found("900000000000521006", REFSET, "Association type reference set"),
  found(Sct.replacedBy, "900000000000521006", "REPLACED BY association reference set"),
  found(Sct.sameAs, "900000000000521006", "SAME AS association reference set"),
  found(Sct.possiblyEquivalentTo, "900000000000521006", "POSSIBLY EQUIVALENT TO association reference set"),
  found(Sct.wasA, "900000000000521006", "WAS A association reference set"),
  found("900000000000480006", REFSET, "Attribute value type reference set"),
  found(Sct.conceptInactivationIndicator, "900000000000480006", "Concept inactivation indicator reference set"),
  found(Sct.descriptionInactivationIndicator, "900000000000480006", "Description inactivation indicator reference set"),
  found("900000000000506000", REFSET, "Language type reference set"),
  found(Sct.gbLanguage, "900000000000506000", "Great Britain English language reference set"),
  [Sct.ukLanguage, "900000000000506000", "United Kingdom clinical English language reference set", "foundation metadata concept", "u"],
  found(Sct.moduleDependency, REFSET, "Module dependency reference set"),
  found("762676003", REFSET, "OWL expression type reference set"),
  found(Sct.owlAxiom, "762676003", "OWL axiom reference set"),
  found(Sct.owlOntology, "762676003", "OWL ontology reference set"),
  found(Sct.owlOntologyNamespace, FOUNDATION, "OWL ontology namespace"),
  found("900000000000481005", FOUNDATION, "Concept inactivation value"),
  found(Sct.duplicate, "900000000000481005", "Duplicate component"),
  found(Sct.outdated, "900000000000481005", "Outdated component"),
  found(Sct.ambiguous, "900000000000481005", "Ambiguous component"),
  found(Sct.erroneous, "900000000000481005", "Erroneous component"),
  found(Sct.limited, "900000000000481005", "Limited component"),
  found(Sct.movedElsewhere, "900000000000481005", "Component moved elsewhere"),
  found(Sct.classificationDerived, "900000000000481005", "Classification derived component"),
  found("900000000000493001", FOUNDATION, "Description inactivation value"),
  found(Sct.conceptNonCurrent, "900000000000493001", "Concept non-current"),
  found(Sct.mapCorrelationNotSpecified, FOUNDATION, "Source code to target map code correlation not specified"),
  found(Sct.mapProperlyClassified, FOUNDATION, "Map source concept is properly classified"),
  found(Sct.mapCannotBeClassified, FOUNDATION, "Map source concept cannot be classified with available data"),
  found(Sct.mapContextDependent, FOUNDATION, "Map of source concept is context dependent"),
  // concept model attributes
  attr("106237007", "900000000000441003", "Linkage concept"),
  attr("410662002", "106237007", "Concept model attribute"),
  attr(OBJECT_ATTRIBUTE, "410662002", "Concept model object attribute"),
  attr(DATA_ATTRIBUTE, "410662002", "Concept model data attribute"),
  attr(Sct.isA, OBJECT_ATTRIBUTE, "Is a"),
  attr(Sct.roleGroup, "410662002", "Role group"),
  ...[
    ["363698007", "Finding site"],
    ["116676008", "Associated morphology"],
    ["246075003", "Causative agent"],
    ["370135005", "Pathological process"],
    ["363714003", "Interprets"],
    ["363713009", "Has interpretation"],
    ["263502005", "Clinical course"],
    ["42752001", "Due to"],
    ["47429007", "Associated with"],
    ["246093002", "Component"],
    ["370130000", "Property"],
    ["762949000", "Has precise active ingredient"],
    ["732943007", "Has basis of strength substance"],
    ["127489000", "Has active ingredient"],
    ["411116001", "Has manufactured dose form"],
    ["763032000", "Has unit of presentation"],
    ["260686004", "Method"],
    ["405813007", "Procedure site - direct"],
    ["424226004", "Using device"],
    ["363701004", "Direct substance"],
    ["272741003", "Laterality"],
    ["246090004", "Associated finding"],
    ["408729009", "Finding context"],
    ["408731000", "Temporal context"],
    ["408732007", "Subject relationship context"],
    ["118169006", "Specimen source topography"],
    ["370133003", "Specimen substance"],
    ["738774007", "Is modification of"]
  ].map(([id, term]) => attr(id!, OBJECT_ATTRIBUTE, term!)),
  attr(Sct.presentationNumeratorValue, DATA_ATTRIBUTE, "Has presentation strength numerator value"),
  attr(Sct.presentationDenominatorValue, DATA_ATTRIBUTE, "Has presentation strength denominator value"),
  attr(Sct.countOfBase, DATA_ATTRIBUTE, "Count of base of active ingredient"),
  // concepts the ICD-10 map rules mention
  [Sct.male, "404684003", "Male", "finding", "c"],
  [Sct.female, "404684003", "Female", "finding", "c"],
  [Sct.ageAtOnset, "363787002", "Age at onset of clinical finding", "observable entity", "c"]
]
