/**
 * The dm+d release files and what each holds, after the NHSBSA "Technical specification of data
 * files" (R2 v3.1, Appendix A and B) and the XSDs shipped with each release. Every record kind of
 * every file maps to one store table (`dmd_<name>`), its columns the record's elements lowercased.
 * The store migration (`libs/db/drizzle/0003_dmd_store.sql`) creates the same tables.
 */

/**
 * How an element's text is read and stored: `id` a SNOMED CT identifier (`bigint`, kept as a
 * string here); `code` a lookup code kept as written (`0001`); `flag` `1`/`0001` for yes (absent
 * is no); `pence` an integer price; `date` `yyyy-mm-dd`.
 */
export type FieldType = "id" | "code" | "text" | "date" | "flag" | "int" | "pence" | "decimal"

export interface RecordSpec {
  /** The store table: `dmd_<name>`. */
  readonly name: string
  /** Element names from below the file's root to the record element; `*` matches any (the lookup file's table names). */
  readonly path: ReadonlyArray<string>
  readonly fields: Readonly<Record<string, FieldType>>
  /** Elements every record must have (minOccurs 1 in the XSD). */
  readonly required: ReadonlyArray<string>
  /** The fields that identify a record: no two records of a release may share them. */
  readonly key?: ReadonlyArray<string>
  /** For records whose path has `*`: the column that records the matched element's name. */
  readonly groupColumn?: string
  /** An element inside the record whose children are fields too, one row per occurrence (GTIN's GTINDATA). */
  readonly nested?: string
}

export interface FileSpec {
  /** The `f_<type>` prefix of the file's name, before its version digit: `f_vmp2_3010419.xml` is `vmp`. */
  readonly type: string
  readonly bonus: boolean
  readonly records: ReadonlyArray<RecordSpec>
}

const flags = (...names: Array<string>): Record<string, FieldType> => Object.fromEntries(names.map((name) => [name, "flag"]))

/** In referential order: a file's references point only at files before it (and lookups). */
export const fileSpecs: ReadonlyArray<FileSpec> = [
  {
    type: "lookup",
    bonus: false,
    records: [
      {
        name: "lookup",
        path: ["*", "INFO"],
        groupColumn: "TYPE",
        fields: { TYPE: "text", CD: "code", CDDT: "date", CDPREV: "code", INVALID: "flag", DESC: "text" },
        // Real releases have empty descriptions (NAMECHANGE_REASON 0000).
        required: ["CD"],
        key: ["TYPE", "CD"]
      }
    ]
  },
  {
    type: "ingredient",
    bonus: false,
    records: [
      {
        name: "ingredient",
        path: ["ING"],
        fields: { ISID: "id", ISIDDT: "date", ISIDPREV: "id", INVALID: "flag", NM: "text" },
        required: ["ISID", "NM"],
        key: ["ISID"]
      }
    ]
  },
  {
    type: "vtm",
    bonus: false,
    records: [
      {
        name: "vtm",
        path: ["VTM"],
        fields: { VTMID: "id", INVALID: "flag", NM: "text", ABBREVNM: "text", VTMIDPREV: "id", VTMIDDT: "date" },
        required: ["VTMID", "NM"],
        key: ["VTMID"]
      }
    ]
  },
  {
    type: "vmp",
    bonus: false,
    records: [
      {
        name: "vmp",
        path: ["VMPS", "VMP"],
        fields: {
          VPID: "id",
          VPIDDT: "date",
          VPIDPREV: "id",
          VTMID: "id",
          INVALID: "flag",
          NM: "text",
          ABBREVNM: "text",
          BASISCD: "code",
          NMDT: "date",
          NMPREV: "text",
          BASIS_PREVCD: "code",
          NMCHANGECD: "code",
          COMBPRODCD: "code",
          PRES_STATCD: "code",
          ...flags("SUG_F", "GLU_F", "PRES_F", "CFC_F"),
          NON_AVAILCD: "code",
          NON_AVAILDT: "date",
          DF_INDCD: "code",
          UDFS: "decimal",
          UDFS_UOMCD: "code",
          UNIT_DOSE_UOMCD: "code"
        },
        required: ["VPID", "NM", "BASISCD", "PRES_STATCD"],
        key: ["VPID"]
      },
      {
        name: "vpi",
        path: ["VIRTUAL_PRODUCT_INGREDIENT", "VPI"],
        fields: {
          VPID: "id",
          ISID: "id",
          BASIS_STRNTCD: "code",
          BS_SUBID: "id",
          STRNT_NMRTR_VAL: "decimal",
          STRNT_NMRTR_UOMCD: "code",
          STRNT_DNMTR_VAL: "decimal",
          STRNT_DNMTR_UOMCD: "code"
        },
        required: ["VPID", "ISID"],
        key: ["VPID", "ISID"]
      },
      { name: "ont_drug_form", path: ["ONT_DRUG_FORM", "ONT"], fields: { VPID: "id", FORMCD: "code" }, required: ["VPID", "FORMCD"] },
      { name: "drug_form", path: ["DRUG_FORM", "DFORM"], fields: { VPID: "id", FORMCD: "code" }, required: ["VPID", "FORMCD"] },
      { name: "drug_route", path: ["DRUG_ROUTE", "DROUTE"], fields: { VPID: "id", ROUTECD: "code" }, required: ["VPID", "ROUTECD"] },
      {
        name: "control_info",
        path: ["CONTROL_DRUG_INFO", "CONTROL_INFO"],
        fields: { VPID: "id", CATCD: "code", CATDT: "date", CAT_PREVCD: "code" },
        required: ["VPID", "CATCD"],
        key: ["VPID"]
      }
    ]
  },
  {
    type: "amp",
    bonus: false,
    records: [
      {
        name: "amp",
        path: ["AMPS", "AMP"],
        fields: {
          APID: "id",
          INVALID: "flag",
          VPID: "id",
          NM: "text",
          ABBREVNM: "text",
          DESC: "text",
          NMDT: "date",
          NM_PREV: "text",
          SUPPCD: "code",
          LIC_AUTHCD: "code",
          LIC_AUTH_PREVCD: "code",
          LIC_AUTHCHANGECD: "code",
          LIC_AUTHCHANGEDT: "date",
          COMBPRODCD: "code",
          FLAVOURCD: "code",
          ...flags("EMA", "PARALLEL_IMPORT"),
          AVAIL_RESTRICTCD: "code"
        },
        required: ["APID", "VPID", "NM", "DESC", "SUPPCD", "LIC_AUTHCD", "AVAIL_RESTRICTCD"],
        key: ["APID"]
      },
      {
        name: "ap_ingredient",
        path: ["AP_INGREDIENT", "AP_ING"],
        fields: { APID: "id", ISID: "id", STRNTH: "decimal", UOMCD: "code" },
        required: ["APID", "ISID"]
      },
      {
        name: "licensed_route",
        path: ["LICENSED_ROUTE", "LIC_ROUTE"],
        fields: { APID: "id", ROUTECD: "code" },
        required: ["APID", "ROUTECD"]
      },
      {
        name: "ap_info",
        path: ["AP_INFORMATION", "AP_INFO"],
        fields: { APID: "id", SZ_WEIGHT: "text", COLOURCD: "code", PROD_ORDER_NO: "text" },
        required: ["APID"],
        key: ["APID"]
      }
    ]
  },
  {
    type: "vmpp",
    bonus: false,
    records: [
      {
        name: "vmpp",
        path: ["VMPPS", "VMPP"],
        fields: {
          VPPID: "id",
          INVALID: "flag",
          NM: "text",
          ABBREVNM: "text",
          VPID: "id",
          QTYVAL: "decimal",
          QTY_UOMCD: "code",
          COMBPACKCD: "code"
        },
        required: ["VPPID", "NM", "VPID", "QTYVAL", "QTY_UOMCD"],
        key: ["VPPID"]
      },
      {
        name: "dtinfo",
        path: ["DRUG_TARIFF_INFO", "DTINFO"],
        fields: { VPPID: "id", PAY_CATCD: "code", PRICE: "pence", DT: "date", PREVPRICE: "pence" },
        required: ["VPPID", "PAY_CATCD"],
        key: ["VPPID"]
      },
      {
        name: "vmpp_comb_content",
        path: ["COMB_CONTENT", "CCONTENT"],
        fields: { PRNTVPPID: "id", CHLDVPPID: "id" },
        required: ["PRNTVPPID", "CHLDVPPID"]
      }
    ]
  },
  {
    type: "ampp",
    bonus: false,
    records: [
      {
        name: "ampp",
        path: ["AMPPS", "AMPP"],
        fields: {
          APPID: "id",
          INVALID: "flag",
          NM: "text",
          ABBREVNM: "text",
          VPPID: "id",
          APID: "id",
          COMBPACKCD: "code",
          LEGAL_CATCD: "code",
          SUBP: "text",
          DISCCD: "code",
          DISCDT: "date"
        },
        required: ["APPID", "NM", "VPPID", "APID", "LEGAL_CATCD"],
        key: ["APPID"]
      },
      {
        name: "pack_info",
        path: ["APPLIANCE_PACK_INFO", "PACK_INFO"],
        fields: { APPID: "id", REIMB_STATCD: "code", REIMB_STATDT: "date", REIMB_STATPREVCD: "code", PACK_ORDER_NO: "text" },
        required: ["APPID", "REIMB_STATCD"],
        key: ["APPID"]
      },
      {
        name: "prescrib_info",
        path: ["DRUG_PRODUCT_PRESCRIB_INFO", "PRESCRIB_INFO"],
        fields: { APPID: "id", ...flags("SCHED_2", "ACBS", "PADM", "FP10_MDA", "SCHED_1", "HOSP", "NURSE_F", "ENURSE_F", "DENT_F") },
        required: ["APPID"],
        key: ["APPID"]
      },
      {
        name: "price_info",
        path: ["MEDICINAL_PRODUCT_PRICE", "PRICE_INFO"],
        fields: { APPID: "id", PRICE: "pence", PRICEDT: "date", PRICE_PREV: "pence", PRICE_BASISCD: "code" },
        required: ["APPID", "PRICE_BASISCD"],
        key: ["APPID"]
      },
      {
        name: "reimb_info",
        path: ["REIMBURSEMENT_INFO", "REIMB_INFO"],
        fields: {
          APPID: "id",
          PX_CHRGS: "int",
          DISP_FEES: "int",
          ...flags("BB", "LTD_STAB", "CAL_PACK"),
          SPEC_CONTCD: "code",
          DND: "code",
          FP34D: "flag"
        },
        required: ["APPID"],
        key: ["APPID"]
      },
      {
        name: "ampp_comb_content",
        path: ["COMB_CONTENT", "CCONTENT"],
        fields: { PRNTAPPID: "id", CHLDAPPID: "id" },
        required: ["PRNTAPPID", "CHLDAPPID"]
      }
    ]
  },
  {
    type: "gtin",
    bonus: false,
    records: [
      {
        name: "gtin",
        path: ["AMPPS", "AMPP"],
        nested: "GTINDATA",
        fields: { AMPPID: "id", GTIN: "text", STARTDT: "date", ENDDT: "date" },
        required: ["AMPPID", "GTIN", "STARTDT"]
      }
    ]
  },
  {
    type: "bnf",
    bonus: true,
    records: [
      {
        name: "bnf_vmp",
        path: ["VMPS", "VMP"],
        fields: { VPID: "id", BNF: "text", ATC: "text", DDD: "decimal", DDD_UOMCD: "code" },
        required: ["VPID"],
        key: ["VPID"]
      },
      { name: "bnf_amp", path: ["AMPS", "AMP"], fields: { APID: "id", BNF: "text" }, required: ["APID"], key: ["APID"] }
    ]
  },
  {
    type: "history",
    bonus: true,
    records: [
      {
        name: "history",
        path: ["*", "*"],
        groupColumn: "CLASS",
        fields: { CLASS: "text", IDCURRENT: "id", IDPREVIOUS: "id", STARTDT: "date", ENDDT: "date" },
        required: ["IDCURRENT", "IDPREVIOUS", "STARTDT"]
      }
    ]
  },
  {
    type: "vtm_ing",
    bonus: true,
    records: [{ name: "vtm_ingredient", path: ["VTM_ING"], fields: { VTMID: "id", ISID: "id" }, required: ["VTMID", "ISID"] }]
  }
]

export const mainTypes = fileSpecs.filter((spec) => !spec.bonus).map((spec) => spec.type)
export const bonusTypes = fileSpecs.filter((spec) => spec.bonus).map((spec) => spec.type)

/** A column's name in the store. */
export const columnName = (field: string) => field.toLowerCase()
export const tableName = (record: RecordSpec) => `dmd_${record.name}`

/**
 * References checked after a load, child before parent: a record naming a product or ingredient
 * the release does not have stops the load (bonus files' references only warn: the BNF and
 * history files cover products beyond a release cut).
 */
export interface ReferenceSpec {
  readonly from: string
  readonly column: string
  readonly to: string
  readonly toColumn: string
  /** Reported, not fatal: a basis-of-strength substance missing from a cut of a release does not make its products wrong. */
  readonly warnOnly?: boolean
}

export const references: ReadonlyArray<ReferenceSpec> = [
  { from: "vmp", column: "VTMID", to: "vtm", toColumn: "VTMID" },
  { from: "vpi", column: "VPID", to: "vmp", toColumn: "VPID" },
  { from: "vpi", column: "ISID", to: "ingredient", toColumn: "ISID" },
  { from: "vpi", column: "BS_SUBID", to: "ingredient", toColumn: "ISID", warnOnly: true },
  { from: "ont_drug_form", column: "VPID", to: "vmp", toColumn: "VPID" },
  { from: "drug_form", column: "VPID", to: "vmp", toColumn: "VPID" },
  { from: "drug_route", column: "VPID", to: "vmp", toColumn: "VPID" },
  { from: "control_info", column: "VPID", to: "vmp", toColumn: "VPID" },
  { from: "amp", column: "VPID", to: "vmp", toColumn: "VPID" },
  { from: "ap_ingredient", column: "APID", to: "amp", toColumn: "APID" },
  { from: "ap_ingredient", column: "ISID", to: "ingredient", toColumn: "ISID" },
  { from: "licensed_route", column: "APID", to: "amp", toColumn: "APID" },
  { from: "ap_info", column: "APID", to: "amp", toColumn: "APID" },
  { from: "vmpp", column: "VPID", to: "vmp", toColumn: "VPID" },
  { from: "dtinfo", column: "VPPID", to: "vmpp", toColumn: "VPPID" },
  { from: "vmpp_comb_content", column: "PRNTVPPID", to: "vmpp", toColumn: "VPPID" },
  { from: "vmpp_comb_content", column: "CHLDVPPID", to: "vmpp", toColumn: "VPPID" },
  { from: "ampp", column: "VPPID", to: "vmpp", toColumn: "VPPID" },
  { from: "ampp", column: "APID", to: "amp", toColumn: "APID" },
  { from: "pack_info", column: "APPID", to: "ampp", toColumn: "APPID" },
  { from: "prescrib_info", column: "APPID", to: "ampp", toColumn: "APPID" },
  { from: "price_info", column: "APPID", to: "ampp", toColumn: "APPID" },
  { from: "reimb_info", column: "APPID", to: "ampp", toColumn: "APPID" },
  { from: "ampp_comb_content", column: "PRNTAPPID", to: "ampp", toColumn: "APPID" },
  { from: "ampp_comb_content", column: "CHLDAPPID", to: "ampp", toColumn: "APPID" },
  { from: "gtin", column: "AMPPID", to: "ampp", toColumn: "APPID" },
  { from: "bnf_vmp", column: "VPID", to: "vmp", toColumn: "VPID" },
  { from: "bnf_amp", column: "APID", to: "amp", toColumn: "APID" },
  { from: "vtm_ingredient", column: "VTMID", to: "vtm", toColumn: "VTMID" },
  { from: "vtm_ingredient", column: "ISID", to: "ingredient", toColumn: "ISID" }
]

export const recordSpecs = fileSpecs.flatMap((file) => file.records.map((record) => ({ file, record })))

/**
 * The lookup table (`f_lookup`) that gives each coded property its description, by the property's
 * name as served (`ONTFORMCD` is the ontology form's `FORMCD`, as NHS England's server names it).
 * All 26 tables are named here.
 */
export const lookupTables: Readonly<Record<string, string>> = {
  BASISCD: "BASIS_OF_NAME",
  BASIS_PREVCD: "BASIS_OF_NAME",
  NMCHANGECD: "NAMECHANGE_REASON",
  COMBPRODCD: "COMBINATION_PROD_IND",
  PRES_STATCD: "VIRTUAL_PRODUCT_PRES_STATUS",
  NON_AVAILCD: "VIRTUAL_PRODUCT_NON_AVAIL",
  DF_INDCD: "DF_INDICATOR",
  UDFS_UOMCD: "UNIT_OF_MEASURE",
  UNIT_DOSE_UOMCD: "UNIT_OF_MEASURE",
  STRNT_NMRTR_UOMCD: "UNIT_OF_MEASURE",
  STRNT_DNMTR_UOMCD: "UNIT_OF_MEASURE",
  UOMCD: "UNIT_OF_MEASURE",
  QTY_UOMCD: "UNIT_OF_MEASURE",
  DDD_UOMCD: "UNIT_OF_MEASURE",
  BASIS_STRNTCD: "BASIS_OF_STRNTH",
  FORMCD: "FORM",
  ONTFORMCD: "ONT_FORM_ROUTE",
  ROUTECD: "ROUTE",
  CATCD: "CONTROL_DRUG_CATEGORY",
  CAT_PREVCD: "CONTROL_DRUG_CATEGORY",
  SUPPCD: "SUPPLIER",
  LIC_AUTHCD: "LICENSING_AUTHORITY",
  LIC_AUTH_PREVCD: "LICENSING_AUTHORITY",
  LIC_AUTHCHANGECD: "LICENSING_AUTHORITY_CHANGE_REASON",
  FLAVOURCD: "FLAVOUR",
  AVAIL_RESTRICTCD: "AVAILABILITY_RESTRICTION",
  COLOURCD: "COLOUR",
  COMBPACKCD: "COMBINATION_PACK_IND",
  PAY_CATCD: "DT_PAYMENT_CATEGORY",
  LEGAL_CATCD: "LEGAL_CATEGORY",
  DISCCD: "DISCONTINUED_IND",
  REIMB_STATCD: "REIMBURSEMENT_STATUS",
  REIMB_STATPREVCD: "REIMBURSEMENT_STATUS",
  PRICE_BASISCD: "PRICE_BASIS",
  SPEC_CONTCD: "SPEC_CONT",
  DND: "DND"
}
