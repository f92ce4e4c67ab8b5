-- The demographics index (docs/demographics.md). Patients are written by the API one version at
-- a time, not loaded as releases: `patient` holds each record's current version, `patient_version`
-- every version ever written (vread, _history), and `patient_key` the normalised search keys of
-- the current version, rewritten with it in the same transaction.
create table patient (
  id text primary key,
  version_id integer not null,
  last_updated timestamptz not null,
  resource jsonb not null,
  nhs_number text,
  gender text,
  -- A birth date may be partial (1960, 1960-04): the first and last day it can be.
  birth_date_low date,
  birth_date_high date,
  -- The surviving record once this one is merged into it; a merged record no longer holds its NHS number.
  replaced_by text references patient (id)
);
--> statement-breakpoint
-- Two live records may never share an NHS number.
create unique index patient_nhs_number_idx on patient (nhs_number) where replaced_by is null;
--> statement-breakpoint
create index patient_birth_date_idx on patient (birth_date_low, birth_date_high);
--> statement-breakpoint
create table patient_version (
  patient_id text not null references patient (id),
  version_id integer not null,
  last_updated timestamptz not null,
  resource jsonb not null,
  primary key (patient_id, version_id)
);
--> statement-breakpoint
-- One row per searchable value: key is family, given, name-text, identifier (system in `system`),
-- postcode (upper case, no spaces) or gp (ODS code). Names and addresses of every period are kept,
-- so a search finds a patient by a former surname or postcode too. Strings are lower case without accents.
create table patient_key (
  patient_id text not null references patient (id),
  key text not null,
  system text,
  value text not null
);
--> statement-breakpoint
create index patient_key_value_idx on patient_key (key, value text_pattern_ops);
--> statement-breakpoint
create index patient_key_patient_idx on patient_key (patient_id);
--> statement-breakpoint
-- The audit trail: append-only, each row chained to the one before by a SHA-256 hash over the
-- previous hash and the event's JSON text (kept as text: jsonb would reorder its keys), so
-- `ffynnon audit verify` finds any row changed, removed or inserted after the fact.
create table audit_event (
  seq bigint primary key generated always as identity,
  recorded timestamptz not null,
  event text not null,
  -- References of the records the event touched (`Patient/<id>`), for "who looked at my record".
  entities text[] not null,
  previous_hash text not null,
  hash text not null
);
--> statement-breakpoint
create index audit_event_entities_idx on audit_event using gin (entities);
--> statement-breakpoint
create function audit_event_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only';
end
$$;
--> statement-breakpoint
create trigger audit_event_no_change before update or delete on audit_event for each row execute function audit_event_append_only();
--> statement-breakpoint
create trigger audit_event_no_truncate before truncate on audit_event for each statement execute function audit_event_append_only();
