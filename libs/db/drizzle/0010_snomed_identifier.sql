-- RF2 Identifier files (sct2_Identifier_*): codes of other schemes (LOINC 54486-6) for SNOMED CT
-- components, which ECL's alternate identifiers (LOINC#54486-6) resolve. Partitioned by release
-- like the other snomed_* tables; a component is identified by its scheme and code.
create table snomed_identifier (
  release_id bigint not null,
  alternate_identifier text not null,
  effective_time date not null,
  active boolean not null,
  module_id bigint not null,
  identifier_scheme_id bigint not null,
  referenced_component_id bigint not null
) partition by list (release_id);
