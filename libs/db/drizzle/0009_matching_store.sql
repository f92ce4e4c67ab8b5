-- Patient matching (docs/matching.md). `patient_match_key` holds the matching library's keys of
-- every live patient record, one row a key, written with the record in the same transaction:
-- `<rule>:<key>` for each blocking rule (so `$match` finds candidates by index lookups, exactly as
-- the library's in-memory blocking does) and `tf:<comparison>:<value>` for the values whose
-- frequency in the index adjusts a score. Merged records have none. Keys are ordered byte by byte
-- (collation C) whatever the database's collation, so a prefix such as `tf:` is one index range.
create table patient_match_key (
  key text collate "C" not null,
  patient_id text not null references patient (id) on delete cascade,
  primary key (key, patient_id)
);
--> statement-breakpoint
create index patient_match_key_patient_idx on patient_match_key (patient_id);
--> statement-breakpoint
-- Trained matching models (the library's `MatchModel` JSON), one row a version; `$match` scores
-- with the active one, or the shipped model when none is active.
create table match_model (
  version text primary key,
  model jsonb not null,
  stored timestamptz not null,
  active boolean not null default false
);
--> statement-breakpoint
-- At most one active model.
create unique index match_model_active_idx on match_model (active) where active;
--> statement-breakpoint
-- The likely duplicate pairs `ffynnon match dedupe` found, for data stewards: one row a pair scored
-- at or above the run's threshold, with the cluster the pair joins (records linked directly or
-- through others), or, for a pair held for review, why (`review`) and no cluster. Each run is kept.
create table match_duplicate (
  run text not null,
  cluster integer,
  patient_id text not null references patient (id) on delete cascade,
  other_id text not null references patient (id) on delete cascade,
  probability double precision not null,
  weight double precision not null,
  review text,
  primary key (run, patient_id, other_id)
);
--> statement-breakpoint
create index match_duplicate_patient_idx on match_duplicate (patient_id);
--> statement-breakpoint
create index match_duplicate_other_idx on match_duplicate (other_id);
