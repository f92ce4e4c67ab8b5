-- The dm+d release store: one table per record kind of the NHSBSA release files (see
-- libs/dmd/src/release/spec.ts and docs/dmd.md), columns named after the XML elements, lowercased.
-- Releases live side by side, keyed by release_id (no foreign key: a check per row would cost a third of the load);
-- a load writes all its rows in one transaction.
-- The 26 lookup tables of f_lookup, one table: `type` is the lookup's element name (FORM, ROUTE, SUPPLIER, …).
create table dmd_lookup (
  release_id bigint not null,
  type text not null,
  cd text not null,
  cddt date,
  cdprev text,
  invalid boolean not null default false,
  "desc" text,
  primary key (release_id, type, cd)
);
--> statement-breakpoint
-- ING records of f_ingredient.
create table dmd_ingredient (
  release_id bigint not null,
  isid bigint not null,
  isiddt date,
  isidprev bigint,
  invalid boolean not null default false,
  nm text not null,
  primary key (release_id, isid)
);
--> statement-breakpoint
-- VTM records of f_vtm.
create table dmd_vtm (
  release_id bigint not null,
  vtmid bigint not null,
  invalid boolean not null default false,
  nm text not null,
  abbrevnm text,
  vtmidprev bigint,
  vtmiddt date,
  primary key (release_id, vtmid)
);
--> statement-breakpoint
-- VMPS/VMP records of f_vmp.
create table dmd_vmp (
  release_id bigint not null,
  vpid bigint not null,
  vpiddt date,
  vpidprev bigint,
  vtmid bigint,
  invalid boolean not null default false,
  nm text not null,
  abbrevnm text,
  basiscd text not null,
  nmdt date,
  nmprev text,
  basis_prevcd text,
  nmchangecd text,
  combprodcd text,
  pres_statcd text not null,
  sug_f boolean not null default false,
  glu_f boolean not null default false,
  pres_f boolean not null default false,
  cfc_f boolean not null default false,
  non_availcd text,
  non_availdt date,
  df_indcd text,
  udfs numeric,
  udfs_uomcd text,
  unit_dose_uomcd text,
  primary key (release_id, vpid)
);
--> statement-breakpoint
create index dmd_vmp_vtmid_idx on dmd_vmp (release_id, vtmid);
--> statement-breakpoint
-- VIRTUAL_PRODUCT_INGREDIENT/VPI records of f_vmp.
create table dmd_vpi (
  release_id bigint not null,
  vpid bigint not null,
  isid bigint not null,
  basis_strntcd text,
  bs_subid bigint,
  strnt_nmrtr_val numeric,
  strnt_nmrtr_uomcd text,
  strnt_dnmtr_val numeric,
  strnt_dnmtr_uomcd text,
  primary key (release_id, vpid, isid)
);
--> statement-breakpoint
create index dmd_vpi_isid_idx on dmd_vpi (release_id, isid);
--> statement-breakpoint
-- ONT_DRUG_FORM/ONT records of f_vmp.
create table dmd_ont_drug_form (
  release_id bigint not null,
  vpid bigint not null,
  formcd text not null
);
--> statement-breakpoint
create index dmd_ont_drug_form_vpid_idx on dmd_ont_drug_form (release_id, vpid);
--> statement-breakpoint
-- DRUG_FORM/DFORM records of f_vmp.
create table dmd_drug_form (
  release_id bigint not null,
  vpid bigint not null,
  formcd text not null
);
--> statement-breakpoint
create index dmd_drug_form_vpid_idx on dmd_drug_form (release_id, vpid);
--> statement-breakpoint
-- DRUG_ROUTE/DROUTE records of f_vmp.
create table dmd_drug_route (
  release_id bigint not null,
  vpid bigint not null,
  routecd text not null
);
--> statement-breakpoint
create index dmd_drug_route_vpid_idx on dmd_drug_route (release_id, vpid);
--> statement-breakpoint
-- CONTROL_DRUG_INFO/CONTROL_INFO records of f_vmp.
create table dmd_control_info (
  release_id bigint not null,
  vpid bigint not null,
  catcd text not null,
  catdt date,
  cat_prevcd text,
  primary key (release_id, vpid)
);
--> statement-breakpoint
-- AMPS/AMP records of f_amp.
create table dmd_amp (
  release_id bigint not null,
  apid bigint not null,
  invalid boolean not null default false,
  vpid bigint not null,
  nm text not null,
  abbrevnm text,
  "desc" text not null,
  nmdt date,
  nm_prev text,
  suppcd text not null,
  lic_authcd text not null,
  lic_auth_prevcd text,
  lic_authchangecd text,
  lic_authchangedt date,
  combprodcd text,
  flavourcd text,
  ema boolean not null default false,
  parallel_import boolean not null default false,
  avail_restrictcd text not null,
  primary key (release_id, apid)
);
--> statement-breakpoint
create index dmd_amp_vpid_idx on dmd_amp (release_id, vpid);
--> statement-breakpoint
-- AP_INGREDIENT/AP_ING records of f_amp.
create table dmd_ap_ingredient (
  release_id bigint not null,
  apid bigint not null,
  isid bigint not null,
  strnth numeric,
  uomcd text
);
--> statement-breakpoint
create index dmd_ap_ingredient_apid_idx on dmd_ap_ingredient (release_id, apid);
--> statement-breakpoint
create index dmd_ap_ingredient_isid_idx on dmd_ap_ingredient (release_id, isid);
--> statement-breakpoint
-- LICENSED_ROUTE/LIC_ROUTE records of f_amp.
create table dmd_licensed_route (
  release_id bigint not null,
  apid bigint not null,
  routecd text not null
);
--> statement-breakpoint
create index dmd_licensed_route_apid_idx on dmd_licensed_route (release_id, apid);
--> statement-breakpoint
-- AP_INFORMATION/AP_INFO records of f_amp.
create table dmd_ap_info (
  release_id bigint not null,
  apid bigint not null,
  sz_weight text,
  colourcd text,
  prod_order_no text,
  primary key (release_id, apid)
);
--> statement-breakpoint
-- VMPPS/VMPP records of f_vmpp.
create table dmd_vmpp (
  release_id bigint not null,
  vppid bigint not null,
  invalid boolean not null default false,
  nm text not null,
  abbrevnm text,
  vpid bigint not null,
  qtyval numeric not null,
  qty_uomcd text not null,
  combpackcd text,
  primary key (release_id, vppid)
);
--> statement-breakpoint
create index dmd_vmpp_vpid_idx on dmd_vmpp (release_id, vpid);
--> statement-breakpoint
-- DRUG_TARIFF_INFO/DTINFO records of f_vmpp.
create table dmd_dtinfo (
  release_id bigint not null,
  vppid bigint not null,
  pay_catcd text not null,
  price integer,
  dt date,
  prevprice integer,
  primary key (release_id, vppid)
);
--> statement-breakpoint
-- COMB_CONTENT/CCONTENT records of f_vmpp.
create table dmd_vmpp_comb_content (
  release_id bigint not null,
  prntvppid bigint not null,
  chldvppid bigint not null
);
--> statement-breakpoint
create index dmd_vmpp_comb_content_prntvppid_idx on dmd_vmpp_comb_content (release_id, prntvppid);
--> statement-breakpoint
-- AMPPS/AMPP records of f_ampp.
create table dmd_ampp (
  release_id bigint not null,
  appid bigint not null,
  invalid boolean not null default false,
  nm text not null,
  abbrevnm text,
  vppid bigint not null,
  apid bigint not null,
  combpackcd text,
  legal_catcd text not null,
  subp text,
  disccd text,
  discdt date,
  primary key (release_id, appid)
);
--> statement-breakpoint
create index dmd_ampp_apid_idx on dmd_ampp (release_id, apid);
--> statement-breakpoint
create index dmd_ampp_vppid_idx on dmd_ampp (release_id, vppid);
--> statement-breakpoint
-- APPLIANCE_PACK_INFO/PACK_INFO records of f_ampp.
create table dmd_pack_info (
  release_id bigint not null,
  appid bigint not null,
  reimb_statcd text not null,
  reimb_statdt date,
  reimb_statprevcd text,
  pack_order_no text,
  primary key (release_id, appid)
);
--> statement-breakpoint
-- DRUG_PRODUCT_PRESCRIB_INFO/PRESCRIB_INFO records of f_ampp.
create table dmd_prescrib_info (
  release_id bigint not null,
  appid bigint not null,
  sched_2 boolean not null default false,
  acbs boolean not null default false,
  padm boolean not null default false,
  fp10_mda boolean not null default false,
  sched_1 boolean not null default false,
  hosp boolean not null default false,
  nurse_f boolean not null default false,
  enurse_f boolean not null default false,
  dent_f boolean not null default false,
  primary key (release_id, appid)
);
--> statement-breakpoint
-- MEDICINAL_PRODUCT_PRICE/PRICE_INFO records of f_ampp.
create table dmd_price_info (
  release_id bigint not null,
  appid bigint not null,
  price integer,
  pricedt date,
  price_prev integer,
  price_basiscd text not null,
  primary key (release_id, appid)
);
--> statement-breakpoint
-- REIMBURSEMENT_INFO/REIMB_INFO records of f_ampp.
create table dmd_reimb_info (
  release_id bigint not null,
  appid bigint not null,
  px_chrgs integer,
  disp_fees integer,
  bb boolean not null default false,
  ltd_stab boolean not null default false,
  cal_pack boolean not null default false,
  spec_contcd text,
  dnd text,
  fp34d boolean not null default false,
  primary key (release_id, appid)
);
--> statement-breakpoint
-- COMB_CONTENT/CCONTENT records of f_ampp.
create table dmd_ampp_comb_content (
  release_id bigint not null,
  prntappid bigint not null,
  chldappid bigint not null
);
--> statement-breakpoint
create index dmd_ampp_comb_content_prntappid_idx on dmd_ampp_comb_content (release_id, prntappid);
--> statement-breakpoint
-- GTINs of AMPPs, with the dates they were valid.
create table dmd_gtin (
  release_id bigint not null,
  amppid bigint not null,
  gtin text not null,
  startdt date not null,
  enddt date
);
--> statement-breakpoint
create index dmd_gtin_amppid_idx on dmd_gtin (release_id, amppid);
--> statement-breakpoint
create index dmd_gtin_gtin_idx on dmd_gtin (release_id, gtin);
--> statement-breakpoint
-- BNF, ATC and DDD of VMPs, from the bonus BNF file.
create table dmd_bnf_vmp (
  release_id bigint not null,
  vpid bigint not null,
  bnf text,
  atc text,
  ddd numeric,
  ddd_uomcd text,
  primary key (release_id, vpid)
);
--> statement-breakpoint
create index dmd_bnf_vmp_bnf_idx on dmd_bnf_vmp (release_id, bnf);
--> statement-breakpoint
-- BNF codes of AMPs, from the bonus BNF file.
create table dmd_bnf_amp (
  release_id bigint not null,
  apid bigint not null,
  bnf text,
  primary key (release_id, apid)
);
--> statement-breakpoint
create index dmd_bnf_amp_bnf_idx on dmd_bnf_amp (release_id, bnf);
--> statement-breakpoint
-- HISTORIC_CODES (bonus): `class` is the record's element name (VTM, VMP, AMP, ING, …).
create table dmd_history (
  release_id bigint not null,
  class text not null,
  idcurrent bigint not null,
  idprevious bigint not null,
  startdt date not null,
  enddt date
);
--> statement-breakpoint
create index dmd_history_idcurrent_idx on dmd_history (release_id, idcurrent);
--> statement-breakpoint
create index dmd_history_idprevious_idx on dmd_history (release_id, idprevious);
--> statement-breakpoint
-- VTM_ING records of f_vtm_ing (bonus).
create table dmd_vtm_ingredient (
  release_id bigint not null,
  vtmid bigint not null,
  isid bigint not null
);
--> statement-breakpoint
create index dmd_vtm_ingredient_vtmid_idx on dmd_vtm_ingredient (release_id, vtmid);
