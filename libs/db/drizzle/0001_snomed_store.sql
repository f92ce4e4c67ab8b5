-- The SNOMED CT release store. Columns follow the RF2 files' own columns, in their order.
-- Each table is partitioned by release: a load writes, indexes and attaches one partition per
-- table (named <table>_<release id>) inside its transaction, so readers never see a release
-- half loaded and releases live side by side.
create table snomed_concept (
  release_id bigint not null,
  id bigint not null,
  effective_time date not null,
  active boolean not null,
  module_id bigint not null,
  definition_status_id bigint not null
) partition by list (release_id);
--> statement-breakpoint
-- Descriptions and text definitions (their type_id tells them apart).
create table snomed_description (
  release_id bigint not null,
  id bigint not null,
  effective_time date not null,
  active boolean not null,
  module_id bigint not null,
  concept_id bigint not null,
  language_code text not null,
  type_id bigint not null,
  term text not null,
  case_significance_id bigint not null
) partition by list (release_id);
--> statement-breakpoint
-- Inferred and stated relationships (characteristic_type_id tells them apart).
create table snomed_relationship (
  release_id bigint not null,
  id bigint not null,
  effective_time date not null,
  active boolean not null,
  module_id bigint not null,
  source_id bigint not null,
  destination_id bigint not null,
  relationship_group integer not null,
  type_id bigint not null,
  characteristic_type_id bigint not null,
  modifier_id bigint not null
) partition by list (release_id);
--> statement-breakpoint
create table snomed_concrete_value (
  release_id bigint not null,
  id bigint not null,
  effective_time date not null,
  active boolean not null,
  module_id bigint not null,
  source_id bigint not null,
  value text not null,
  relationship_group integer not null,
  type_id bigint not null,
  characteristic_type_id bigint not null,
  modifier_id bigint not null
) partition by list (release_id);
--> statement-breakpoint
-- Members of every reference set. The columns after referencedComponentId are kept in order in
-- `fields`; snomed_refset_columns names them for each reference set.
create table snomed_refset_member (
  release_id bigint not null,
  id uuid not null,
  effective_time date not null,
  active boolean not null,
  module_id bigint not null,
  refset_id bigint not null,
  referenced_component_id bigint not null,
  fields text[] not null
) partition by list (release_id);
--> statement-breakpoint
create table snomed_refset_columns (
  release_id bigint not null references release (id),
  refset_id bigint not null,
  pattern text not null,
  columns text[] not null,
  file_name text not null,
  primary key (release_id, refset_id)
);
