-- WHO's ICD-10 ↔ ICD-11 mapping tables (`ffynnon load icd-map`): one row per line of each table,
-- as released, in the release that loaded them. A row whose ICD-11 side is a grouping without a
-- code has '' as that code (WHO gives its linearization URI instead).
create table icd_map (
  release_id bigint not null references release(id) on delete cascade,
  -- The table, as WHO's file names it: 10To11MapToOneCategory, 11To10MapToOneCategory, …
  map text not null,
  -- The line of WHO's file, for messages and the table's own order.
  line integer not null,
  source_code text not null,
  source_kind text,
  source_title text not null,
  -- ICD-11 side: the linearization URI (the ICD-10 side has none).
  source_uri text,
  target_code text not null,
  target_kind text,
  target_title text not null,
  target_uri text,
  primary key (release_id, map, line)
);
