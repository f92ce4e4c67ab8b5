-- What matching reads of each live patient record (docs/matching.md): the record as the matching
-- library's `Person` (JSON, without its id), written with the record's keys in the same
-- transaction. `$match` reads its candidates here, a row of a few hundred bytes, rather than
-- parsing each candidate's whole resource; only the records it answers are read whole. Merged
-- records have none.
create table patient_match_record (
  patient_id text primary key references patient (id) on delete cascade,
  version_id integer not null,
  person text not null
);
--> statement-breakpoint
-- Which parts of the matching data every live record has: 'keys' (`patient_match_key`) and
-- 'records' (`patient_match_record`). Records stored before a part existed get theirs when a
-- matcher starts; once a part is complete, later starts skip looking (a scan of the whole index).
-- A database without patients has nothing to look for.
create table match_data_complete (
  part text primary key check (part in ('keys', 'records')),
  completed_at timestamptz not null default now()
);
--> statement-breakpoint
insert into match_data_complete (part, completed_at) select 'keys', completed_at from match_keys_complete;
--> statement-breakpoint
insert into match_data_complete (part) select part from (values ('keys'), ('records')) as parts (part)
  where not exists (select 1 from patient) on conflict do nothing;
--> statement-breakpoint
drop table match_keys_complete;
