-- One row once every live patient record has its matching keys (docs/matching.md). Records stored
-- before 0009 get theirs when a matcher first starts, and every write since keeps them, so later
-- starts skip looking for records without keys: a scan of the whole index (21 s at 3.1 M records).
-- A database without patients has nothing to look for.
create table match_keys_complete (
  complete boolean primary key default true check (complete),
  completed_at timestamptz not null default now()
);
--> statement-breakpoint
insert into match_keys_complete (complete) select true where not exists (select 1 from patient);
