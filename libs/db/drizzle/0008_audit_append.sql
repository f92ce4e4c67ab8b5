-- Appends audit events to the chain in one statement, so an audited read pays one round trip for
-- its audit instead of five (begin, lock, read the last hash, insert, commit). Each event's hash
-- is sha256(previous hash || event text) over UTF-8, as `ffynnon audit verify` checks; the
-- advisory lock orders appends so the chain has no forks. `events` is a JSON array of
-- {"event": <the AuditEvent's JSON text>, "entities": [<references such as "Patient/<id>">]}.
create function audit_event_append(at timestamptz, events jsonb) returns void language plpgsql as $$
declare
  previous text;
  next_hash text;
  item jsonb;
begin
  perform pg_advisory_xact_lock(7465726100);
  -- A statement after the lock sees the rows committed before it was granted.
  select hash into previous from audit_event order by seq desc limit 1;
  previous := coalesce(previous, repeat('0', 64));
  for item in select value from jsonb_array_elements(events) loop
    next_hash := encode(sha256(convert_to(previous || (item ->> 'event'), 'UTF8')), 'hex');
    insert into audit_event (recorded, event, entities, previous_hash, hash)
    values (at, item ->> 'event', array(select jsonb_array_elements_text(item -> 'entities')), previous, next_hash);
    previous := next_hash;
  end loop;
end
$$;
