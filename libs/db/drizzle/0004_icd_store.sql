-- The ICD-10 and ICD-11 release store: one row per class of the classification (chapter, block,
-- category) in the classification's order, and the rubrics beside them (inclusions, exclusions,
-- notes). Rows belong to their release and go with it; the previous release keeps serving until
-- a new one commits.
create table icd_class (
  release_id bigint not null references release(id) on delete cascade,
  -- Position in the classification's own order (the order of the tabulation or ClaML file).
  position integer not null,
  -- The code; for ICD-11 blocks their BlockId and for ICD-11 chapters their number (01 … 26, V, X).
  code text not null,
  kind text not null check (kind in ('chapter', 'block', 'category')),
  parent_code text,
  title text not null,
  -- Edition-specific facts, null where the edition does not state them.
  -- ICD-10: dagger or asterisk; UK edition: the TRUD usage and validity columns.
  usage text check (usage in ('dagger', 'asterisk')),
  sex text check (sex in ('male', 'female')),
  min_age text,
  max_age text,
  -- ICD-11: the leaf and residual flags, the Foundation and linearization URIs.
  is_leaf boolean,
  is_residual boolean,
  foundation_uri text,
  linearization_uri text,
  primary key (release_id, code)
);
--> statement-breakpoint
create index icd_class_parent_idx on icd_class (release_id, parent_code);
--> statement-breakpoint
-- Texts besides the title: inclusion and exclusion terms, notes, coding hints, definitions.
create table icd_rubric (
  release_id bigint not null,
  code text not null,
  position integer not null,
  kind text not null,
  text text not null,
  primary key (release_id, code, position),
  foreign key (release_id, code) references icd_class (release_id, code) on delete cascade
);
