-- 0029_events: what the front desk must hear about at once (a reply, a booking by SMS or link, an
-- opt-out, a message in doubt, a flag) becomes an event, written by a trigger in the transaction that did
-- it, so no path forgets one. Events carry ids, not PHI: the API serves the details to staff.
-- An event is numbered (seq) when it is published, by one publisher at a time (events_publish, under an
-- advisory lock), never at insert: numbers taken at insert commit out of order, and a reader resuming
-- after number N would miss a smaller one committed later. Published numbers only ever grow, so
-- Last-Event-ID and the JSON page's cursor are exact.
CREATE SEQUENCE event_seq;
CREATE TABLE events (
  practice_id uuid NOT NULL REFERENCES practices(id),
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  seq         bigint,             -- the public id, set when published
  type        text NOT NULL CHECK (type IN ('reply.received', 'booking.created', 'client.opted_out',
                                            'message.unknown', 'flag.raised')),
  data        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id)
);
CREATE UNIQUE INDEX events_published ON events (practice_id, seq) WHERE seq IS NOT NULL;
CREATE INDEX events_unpublished ON events (created_at) WHERE seq IS NULL;
CREATE INDEX events_age ON events (created_at);  -- the janitor prunes events after 30 days

-- Endpoints a practice registers; each published event of a type it takes is queued for each.
CREATE TABLE webhook_endpoints (
  practice_id  uuid NOT NULL REFERENCES practices(id),
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  url          text NOT NULL,
  event_types  text[] NOT NULL DEFAULT '{}',   -- empty: every type
  description  text,
  secret       text,                           -- sealed (see sealing.h), bound to the endpoint
  secret_key   text,                           -- the id of the key it is sealed under
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id)
);
-- One delivery per (endpoint, event): retried with backoff until the endpoint answers 2xx or the attempts
-- run out ('failed'). lease_until guards a delivery in flight; a crash leaves it to be retried after it.
CREATE TABLE webhook_deliveries (
  practice_id    uuid NOT NULL,
  endpoint_id    uuid NOT NULL,
  event_id       uuid NOT NULL,
  state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts       int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_status    int,                          -- the endpoint's HTTP status, or null (no answer)
  last_error     text,
  delivered_at   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, endpoint_id, event_id),
  FOREIGN KEY (practice_id, endpoint_id) REFERENCES webhook_endpoints (practice_id, id) ON DELETE CASCADE,
  FOREIGN KEY (practice_id, event_id) REFERENCES events (practice_id, id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (practice_id, endpoint_id, created_at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (practice_id, event_id);

-- The triggers' function lives in service/sql/functions/events_record.sql, applied after the migrations;
-- this stand-in lets the triggers be created first.
CREATE FUNCTION events_record() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER events_on_inbound AFTER INSERT ON inbound_messages FOR EACH ROW EXECUTE FUNCTION events_record();
CREATE TRIGGER events_on_booking AFTER INSERT ON bookings
  FOR EACH ROW WHEN (NEW.source IN ('sms', 'link')) EXECUTE FUNCTION events_record();
CREATE TRIGGER events_on_opt_out AFTER INSERT ON suppression_events
  FOR EACH ROW WHEN (NEW.action = 'suppress') EXECUTE FUNCTION events_record();
CREATE TRIGGER events_on_unknown AFTER UPDATE OF state ON messages
  FOR EACH ROW WHEN (NEW.state = 'unknown' AND OLD.state IS DISTINCT FROM 'unknown') EXECUTE FUNCTION events_record();
CREATE TRIGGER events_on_flag AFTER INSERT ON client_flags FOR EACH ROW EXECUTE FUNCTION events_record();
