// A synthetic dm+d release in the NHSBSA XML format at real scale (scale 1.0: about 3,200 VTM,
// 24,400 VMP, 165,000 AMP, 37,000 VMPP, 184,000 AMPP, 98,000 GTIN), with every record kind and
// the bonus files, for the load and serving benchmarks (bench/dmd.ts). Deterministic for a seed.
//
//   bun bench/dmd-generator.ts [--scale 1.0] [--out /tmp/dmd-synth]
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs"
import { join } from "node:path"
import { withCheckDigit } from "../libs/snomed/src/Sctid"

export const releaseName = "nhsbsa_dmd_99.1.0_20990105000001"
export const bonusName = "nhsbsa_dmdbonus_99.1.0_20990105000001"
export const version = "99.1.0_20990105"

const full = { vtm: 3200, vmp: 24400, amp: 165000, vmpp: 37000, ampp: 184000, gtin: 98000, ingredient: 4000 }

/** A small deterministic generator (mulberry32). */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

type Fields = ReadonlyArray<readonly [string, string | number | undefined]>

/** Buffered writes of one XML file. */
class XmlFile {
  private readonly fd: number
  private parts: Array<string> = []
  private size = 0
  constructor(
    path: string,
    private readonly root: string,
    xsd: string
  ) {
    this.fd = openSync(path, "w")
    this.write(
      `<?xml version="1.0" encoding="utf-8" ?>\n<${root} xsi:noNamespaceSchemaLocation="${xsd}" xmlns=""\n    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n    <!-- Synthetic release for Ffynnon's benchmarks -->\n`
    )
  }
  write(text: string) {
    this.parts.push(text)
    this.size += text.length
    if (this.size > 1 << 20) this.flush()
  }
  /** One record: its fields in order, absent ones left out. */
  record(tag: string, fields: Fields) {
    let text = `        <${tag}>\n`
    for (const [name, value] of fields) if (value !== undefined) text += `            <${name}>${value}</${name}>\n`
    this.write(`${text}        </${tag}>\n`)
  }
  open(group: string) {
    this.write(`    <${group}>\n`)
  }
  close(group: string) {
    this.write(`    </${group}>\n`)
  }
  /** A group of records, one `tag` record per item. */
  group<T>(group: string, tag: string, items: Iterable<T>, fields: (item: T) => Fields) {
    this.open(group)
    for (const item of items) this.record(tag, fields(item))
    this.close(group)
  }
  private flush() {
    writeSync(this.fd, this.parts.join(""))
    this.parts = []
    this.size = 0
  }
  end() {
    this.write(`</${this.root}>\n`)
    this.flush()
    closeSync(this.fd)
  }
}

/** Combination packs: one pack in two hundred holds the two packs after it, as (parent, child) pairs. */
const combinationContents = <T>(packs: ReadonlyArray<T>): Array<readonly [T, T]> => {
  const pairs: Array<readonly [T, T]> = []
  for (let parent = 0; parent + 2 < packs.length; parent += 200) {
    pairs.push([packs[parent]!, packs[parent + 1]!], [packs[parent]!, packs[parent + 2]!])
  }
  return pairs
}

const syllables = [
  "par",
  "a",
  "ce",
  "ta",
  "mol",
  "amo",
  "xi",
  "cil",
  "lin",
  "mor",
  "phi",
  "ne",
  "lan",
  "so",
  "pra",
  "zole",
  "ator",
  "va",
  "sta",
  "tin",
  "met",
  "for",
  "min",
  "ram",
  "ipril",
  "cetiri",
  "zine",
  "ome",
  "fluo",
  "xe",
  "tine",
  "dox",
  "cy",
  "clo",
  "pine",
  "ben",
  "dro",
  "flu",
  "azide"
]
const forms = [
  ["385055001", "tablets", "tablet"],
  ["385049006", "capsules", "capsule"],
  ["385023001", "oral solution", "ml"],
  ["385057009", "soluble tablets", "tablet"],
  ["385219001", "solution for injection", "ml"],
  ["385101003", "cream", "gram"]
] as const
const units: Record<string, string> = { tablet: "428673006", capsule: "428641000", ml: "258773002", gram: "258682000", mg: "258684004" }
const suppliers = Array.from({ length: 400 }, (_, index) => ({
  code: String(2_000_000_000_000_000 + index),
  name: `Supplier ${index} Ltd`
}))

/** Writes the release under `out` (main and bonus folders); returns the counts written. */
export const generateDmd = (out: string, scale: number, seed = 42) => {
  const next = random(seed)
  const pick = <T>(items: ReadonlyArray<T>) => items[Math.floor(next() * items.length)]!
  const count = Object.fromEntries(Object.entries(full).map(([name, size]) => [name, Math.max(1, Math.round(size * scale))])) as typeof full
  const main = join(out, releaseName)
  const bonus = join(out, bonusName)
  mkdirSync(main, { recursive: true })
  mkdirSync(join(bonus, "HISTORIC_CODES"), { recursive: true })
  // Identifiers: SCTIDs in the dm+d namespace (1000001) with the concept partition and a valid
  // check digit, as real dm+d identifiers are (they resolve under http://snomed.info/sct), 18
  // digits (beyond 2^53), one range per class.
  const id = (classNumber: number, index: number) => withCheckDigit(`${classNumber + 1}${String(index).padStart(7, "0")}100000110`)
  const word = () => Array.from({ length: 2 + Math.floor(next() * 3) }, () => pick(syllables)).join("")
  const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

  const ingredients = Array.from({ length: count.ingredient }, (_, index) => ({ id: id(0, index), name: capital(word()) }))
  const vtms = Array.from({ length: count.vtm }, (_, index) => ({
    id: id(1, index),
    name: ingredients[index % ingredients.length]!.name,
    ingredient: index % ingredients.length
  }))
  const vmps = Array.from({ length: count.vmp }, (_, index) => {
    const vtm = vtms[index % vtms.length]!
    const form = pick(forms)
    const strength = pick([1, 2.5, 5, 10, 20, 25, 40, 50, 100, 200, 250, 500, 1000])
    return { id: id(2, index), vtm, form, strength, name: `${vtm.name} ${strength}mg ${form[1]}`, invalid: next() < 0.03 }
  })
  const vmpps = Array.from({ length: count.vmpp }, (_, index) => {
    const vmp = vmps[index % vmps.length]!
    const quantity = pick([7, 14, 28, 30, 56, 100, 150, 500])
    return { id: id(3, index), vmp, quantity, name: `${vmp.name} ${quantity} ${vmp.form[2]}` }
  })
  const vmppsOf = new Map<string, Array<(typeof vmpps)[number]>>()
  for (const vmpp of vmpps) vmppsOf.set(vmpp.vmp.id, [...(vmppsOf.get(vmpp.vmp.id) ?? []), vmpp])
  const amps = Array.from({ length: count.amp }, (_, index) => {
    const vmp = vmps[index % vmps.length]!
    const supplier = pick(suppliers)
    const brand = next() < 0.3 ? `${capital(word())} ${vmp.strength}mg ${vmp.form[1]}` : vmp.name
    return { id: id(4, index), vmp, supplier, name: brand, invalid: vmp.invalid || next() < 0.02 }
  })
  const ampps = Array.from({ length: count.ampp }, (_, index) => {
    const amp = amps[index % amps.length]!
    const vmpp = pick(vmppsOf.get(amp.vmp.id)!)
    return {
      id: id(5, index),
      amp,
      vmpp,
      name: `${amp.name} (${amp.supplier.name}) ${vmpp.quantity} ${amp.vmp.form[2]}`,
      invalid: amp.invalid
    }
  })

  const lookup = new XmlFile(join(main, "f_lookup2_3050199.xml"), "LOOKUP", "lookup_v2_3.xsd")
  const simple: Record<string, ReadonlyArray<readonly [string, string]>> = {
    COMBINATION_PACK_IND: [
      ["0001", "Combination pack"],
      ["0002", "Component only pack"]
    ],
    COMBINATION_PROD_IND: [
      ["0001", "Combination Product"],
      ["0002", "Component only product"]
    ],
    BASIS_OF_NAME: [["0001", "rINN"]],
    NAMECHANGE_REASON: [["0000", ""]],
    VIRTUAL_PRODUCT_PRES_STATUS: [["0001", "Valid as a prescribable product"]],
    CONTROL_DRUG_CATEGORY: [
      ["0000", "No Controlled Drug Status"],
      ["0005", "Schedule 5 (CD Inv POM)"]
    ],
    LICENSING_AUTHORITY: [["0001", "Medicines - MHRA"]],
    UNIT_OF_MEASURE: Object.entries(units).map(([name, code]) => [code, name] as const),
    FORM: forms.map(([code, name]) => [code, name] as const),
    ONT_FORM_ROUTE: [["0001", "tablet.oral"]],
    ROUTE: [["26643006", "Oral"]],
    DT_PAYMENT_CATEGORY: [["0001", "Part VIIIA Category A"]],
    SUPPLIER: suppliers.map(({ code, name }) => [code, name] as const),
    FLAVOUR: [["0001", "Orange"]],
    COLOUR: [["0001", "White"]],
    BASIS_OF_STRNTH: [["0001", "Based on Ingredient Substance"]],
    REIMBURSEMENT_STATUS: [["0001", "Allowed"]],
    SPEC_CONT: [["0001", "Special Container"]],
    DND: [["0001", "Discount not deducted"]],
    VIRTUAL_PRODUCT_NON_AVAIL: [["0001", "Actual Products not Available"]],
    DISCONTINUED_IND: [["0001", "Discontinued"]],
    DF_INDICATOR: [["0001", "Discrete"]],
    PRICE_BASIS: [["0001", "Indicative Price"]],
    LEGAL_CATEGORY: [
      ["0001", "Not applicable"],
      ["0004", "POM"]
    ],
    AVAILABILITY_RESTRICTION: [["0001", "None"]],
    LICENSING_AUTHORITY_CHANGE_REASON: [["0001", "Changed"]]
  }
  for (const [table, entries] of Object.entries(simple)) {
    lookup.group(table, "INFO", entries, ([code, description]) => [
      ["CD", code],
      ["DESC", description]
    ])
  }
  lookup.end()

  const ingredientFile = new XmlFile(join(main, "f_ingredient2_3050199.xml"), "INGREDIENT_SUBSTANCES", "ingredient_v2_3.xsd")
  for (const ingredient of ingredients)
    ingredientFile.record("ING", [
      ["ISID", ingredient.id],
      ["NM", ingredient.name]
    ])
  ingredientFile.end()

  const vtmFile = new XmlFile(join(main, "f_vtm2_3050199.xml"), "VIRTUAL_THERAPEUTIC_MOIETIES", "vtm_v2_3.xsd")
  for (const vtm of vtms)
    vtmFile.record("VTM", [
      ["VTMID", vtm.id],
      ["NM", vtm.name]
    ])
  vtmFile.end()

  const vmpFile = new XmlFile(join(main, "f_vmp2_3050199.xml"), "VIRTUAL_MED_PRODUCTS", "vmp_v2_3.xsd")
  const vmpGroup = (group: string, tag: string, fields: (vmp: (typeof vmps)[number]) => Fields) => vmpFile.group(group, tag, vmps, fields)
  vmpGroup("VMPS", "VMP", (vmp) => [
    ["VPID", vmp.id],
    ["VTMID", vmp.vtm.id],
    ["INVALID", vmp.invalid ? 1 : undefined],
    ["NM", vmp.name],
    ["BASISCD", "0001"],
    ["PRES_STATCD", "0001"],
    ["DF_INDCD", "0001"],
    ["UDFS", "1.0"],
    ["UDFS_UOMCD", units[vmp.form[2]]],
    ["UNIT_DOSE_UOMCD", units[vmp.form[2]]]
  ])
  vmpGroup("VIRTUAL_PRODUCT_INGREDIENT", "VPI", (vmp) => [
    ["VPID", vmp.id],
    ["ISID", ingredients[vmp.vtm.ingredient]!.id],
    ["BASIS_STRNTCD", "0001"],
    ["STRNT_NMRTR_VAL", vmp.strength],
    ["STRNT_NMRTR_UOMCD", units.mg]
  ])
  vmpGroup("ONT_DRUG_FORM", "ONT", (vmp) => [
    ["VPID", vmp.id],
    ["FORMCD", "0001"]
  ])
  vmpGroup("DRUG_FORM", "DFORM", (vmp) => [
    ["VPID", vmp.id],
    ["FORMCD", vmp.form[0]]
  ])
  vmpGroup("DRUG_ROUTE", "DROUTE", (vmp) => [
    ["VPID", vmp.id],
    ["ROUTECD", "26643006"]
  ])
  vmpGroup("CONTROL_DRUG_INFO", "CONTROL_INFO", (vmp) => [
    ["VPID", vmp.id],
    ["CATCD", next() < 0.05 ? "0005" : "0000"]
  ])
  vmpFile.end()

  const ampFile = new XmlFile(join(main, "f_amp2_3050199.xml"), "ACTUAL_MEDICINAL_PRODUCTS", "amp_v2_3.xsd")
  ampFile.group("AMPS", "AMP", amps, (amp) => [
    ["APID", amp.id],
    ["INVALID", amp.invalid ? 1 : undefined],
    ["VPID", amp.vmp.id],
    ["NM", amp.name],
    ["DESC", `${amp.name} (${amp.supplier.name})`],
    ["SUPPCD", amp.supplier.code],
    ["LIC_AUTHCD", "0001"],
    ["AVAIL_RESTRICTCD", "0001"]
  ])
  ampFile.group(
    "AP_INGREDIENT",
    "AP_ING",
    amps.filter((_, index) => index % 10 === 0),
    (amp) => [
      ["APID", amp.id],
      ["ISID", pick(ingredients).id],
      ["STRNTH", "1.0"],
      ["UOMCD", units.mg]
    ]
  )
  ampFile.group("LICENSED_ROUTE", "LIC_ROUTE", amps, (amp) => [
    ["APID", amp.id],
    ["ROUTECD", "26643006"]
  ])
  // Appliances: about one AMP in twenty.
  ampFile.group(
    "AP_INFORMATION",
    "AP_INFO",
    amps.filter((_, index) => index % 20 === 7),
    (amp) => [
      ["APID", amp.id],
      ["SZ_WEIGHT", "10cm x 10cm"],
      ["COLOURCD", "0001"],
      ["PROD_ORDER_NO", `PO${amp.id.slice(0, 6)}`]
    ]
  )
  ampFile.end()

  const vmppFile = new XmlFile(join(main, "f_vmpp2_3050199.xml"), "VIRTUAL_MED_PRODUCT_PACK", "vmpp_v2_3.xsd")
  vmppFile.group("VMPPS", "VMPP", vmpps, (vmpp) => [
    ["VPPID", vmpp.id],
    ["NM", vmpp.name],
    ["VPID", vmpp.vmp.id],
    ["QTYVAL", `${vmpp.quantity}.0`],
    ["QTY_UOMCD", units[vmpp.vmp.form[2]]]
  ])
  vmppFile.group(
    "DRUG_TARIFF_INFO",
    "DTINFO",
    vmpps.filter(() => next() < 0.7),
    (vmpp) => [
      ["VPPID", vmpp.id],
      ["PAY_CATCD", "0001"],
      ["PRICE", Math.floor(next() * 5000)],
      ["DT", "2099-01-01"]
    ]
  )
  vmppFile.group("COMB_CONTENT", "CCONTENT", combinationContents(vmpps), ([parent, child]) => [
    ["PRNTVPPID", parent.id],
    ["CHLDVPPID", child.id]
  ])
  vmppFile.end()

  const amppFile = new XmlFile(join(main, "f_ampp2_3050199.xml"), "ACTUAL_MEDICINAL_PROD_PACKS", "ampp_v2_3.xsd")
  const amppGroup = (group: string, tag: string, fields: (ampp: (typeof ampps)[number]) => Fields) =>
    amppFile.group(group, tag, ampps, fields)
  amppGroup("AMPPS", "AMPP", (ampp) => [
    ["APPID", ampp.id],
    ["INVALID", ampp.invalid ? 1 : undefined],
    ["NM", ampp.name],
    ["VPPID", ampp.vmpp.id],
    ["APID", ampp.amp.id],
    ["LEGAL_CATCD", "0004"],
    ["DISCCD", next() < 0.05 ? "0001" : undefined]
  ])
  amppFile.group(
    "APPLIANCE_PACK_INFO",
    "PACK_INFO",
    ampps.filter((_, index) => index % 20 === 7),
    (ampp) => [
      ["APPID", ampp.id],
      ["REIMB_STATCD", "0001"],
      ["REIMB_STATDT", "2020-01-01"],
      ["PACK_ORDER_NO", `PK${ampp.id.slice(0, 6)}`]
    ]
  )
  amppGroup("DRUG_PRODUCT_PRESCRIB_INFO", "PRESCRIB_INFO", (ampp) => [
    ["APPID", ampp.id],
    ["NURSE_F", next() < 0.2 ? "0001" : undefined]
  ])
  amppGroup("MEDICINAL_PRODUCT_PRICE", "PRICE_INFO", (ampp) => [
    ["APPID", ampp.id],
    ["PRICE", Math.floor(next() * 10000)],
    ["PRICE_BASISCD", "0001"]
  ])
  amppGroup("REIMBURSEMENT_INFO", "REIMB_INFO", (ampp) => [
    ["APPID", ampp.id],
    ["PX_CHRGS", 1],
    ["DISP_FEES", 1]
  ])
  amppFile.group("COMB_CONTENT", "CCONTENT", combinationContents(ampps), ([parent, child]) => [
    ["PRNTAPPID", parent.id],
    ["CHLDAPPID", child.id]
  ])
  amppFile.end()

  const gtinFile = new XmlFile(join(main, "f_gtin2_0050199.xml"), "GTIN_DETAILS", "gtin_v2_0.xsd")
  gtinFile.open("AMPPS")
  for (let index = 0; index < count.gtin; index++) {
    const ampp = ampps[index % ampps.length]!
    gtinFile.write(
      `        <AMPP>\n            <AMPPID>${ampp.id}</AMPPID>\n            <GTINDATA>\n                <GTIN>${String(5_000_000_000_000 + index)}</GTIN>\n                <STARTDT>2020-01-01</STARTDT>\n            </GTINDATA>\n        </AMPP>\n`
    )
  }
  gtinFile.close("AMPPS")
  gtinFile.end()

  const bnfFile = new XmlFile(join(bonus, "f_bnf1_0050199.xml"), "BNF_DETAILS", "bnf_v1_0.xsd")
  bnfFile.group("VMPS", "VMP", vmps.entries(), ([index, vmp]) => [
    ["VPID", vmp.id],
    ["BNF", `0${(index % 15) + 1}0${index % 9}0${index % 7}0X0AAAAAA`.slice(0, 15)],
    ["ATC", `N0${index % 7}AA0${index % 9}`]
  ])
  bnfFile.group(
    "AMPS",
    "AMP",
    [...amps.entries()].filter(([index]) => index % 10 === 3),
    ([index, amp]) => [
      ["APID", amp.id],
      ["BNF", `0${(index % 15) + 1}0${index % 9}0${index % 7}0X0AABABA`.slice(0, 15)]
    ]
  )
  bnfFile.end()
  const historyFile = new XmlFile(join(bonus, "HISTORIC_CODES", "f_history1_0050199.xml"), "HISTORY", "history_v1_0.xsd")
  historyFile.group("VMPS", "VMP", vmps.filter((_, index) => index % 20 === 0).entries(), ([index, vmp]) => [
    ["IDCURRENT", vmp.id],
    ["IDPREVIOUS", id(7, index)],
    ["STARTDT", "2010-01-01"],
    ["ENDDT", "2020-01-01"]
  ])
  historyFile.end()
  return { main, bonus, count }
}

if (import.meta.main) {
  const { parseArgs } = await import("node:util")
  const { values } = parseArgs({ args: Bun.argv.slice(2), options: { scale: { type: "string" }, out: { type: "string" } }, strict: true })
  const scale = Number(values.scale ?? "1")
  const started = performance.now()
  const written = generateDmd(values.out ?? "/tmp/dmd-synth", scale)
  console.log(`wrote ${written.main} and ${written.bonus} in ${((performance.now() - started) / 1000).toFixed(1)} s:`, written.count)
}
