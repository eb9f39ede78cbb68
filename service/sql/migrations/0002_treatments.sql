-- 0002_treatments: injectors, the cadence library, templates, treatments,
-- planned reminder sequences and their steps (the outbox), client flags.

-- Phrases that talk about how a client looks; templates using them are refused.
CREATE FUNCTION default_appearance_phrases() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['wrinkle', 'lines are back', 'lines coming back', 'fine lines', 'frown lines', 'crow''s feet',
    'look older', 'looking older', 'look tired', 'looking tired', 'tired-looking', 'tired looking',
    'sagging', 'droopy', 'aging', 'ageing', 'flaws', 'imperfection', 'fix your face', 'your face']
$$;

ALTER TABLE practices
  ADD COLUMN send_time time NOT NULL DEFAULT '10:00',
  ADD COLUMN appearance_phrases text[] NOT NULL DEFAULT default_appearance_phrases(),
  ADD CONSTRAINT practices_send_time CHECK (send_time >= quiet_start AND send_time < quiet_end);

CREATE OR REPLACE FUNCTION practice_json(p practices) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'name', p.name, 'time_zone', p.time_zone, 'address', p.address,
    'parking_text', p.parking_text, 'check_in_text', p.check_in_text,
    'contact_text', p.contact_text, 'booking_url', p.booking_url,
    'sms_from', p.sms_from, 'email_from', p.email_from, 'report_email', p.report_email,
    'quiet_hours', jsonb_build_object('start', to_char(p.quiet_start, 'HH24:MI'),
                                      'end', to_char(p.quiet_end, 'HH24:MI')),
    'send_time', to_char(p.send_time, 'HH24:MI'),
    'appearance_phrases', to_jsonb(p.appearance_phrases),
    'sender_mode', p.sender_mode, 'paused', p.paused,
    'created_at', p.created_at, 'updated_at', p.updated_at)
$$;

CREATE TABLE injectors (
  practice_id uuid NOT NULL REFERENCES practices(id),
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  email       text,
  phone       text,
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id)
);
CREATE INDEX injectors_page ON injectors (practice_id, created_at, id);

CREATE FUNCTION injector_json(i injectors) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', i.id, 'name', i.name, 'email', i.email, 'phone', i.phone,
                            'active', i.active, 'created_at', i.created_at, 'updated_at', i.updated_at)
$$;

-- The cadence library. Offsets are {"days": n} or {"months": n} from the
-- treatment's local date; step channels are sms, email, preferred (the
-- client's preference) or alternate (the channel the client has not ignored).
CREATE TABLE treatment_types (
  practice_id      uuid NOT NULL REFERENCES practices(id),
  code             text NOT NULL,
  name             text NOT NULL,
  family           text NOT NULL,
  typical_duration text NOT NULL,
  window_days      int NOT NULL CHECK (window_days > 0),
  series           boolean NOT NULL DEFAULT false,
  steps            jsonb NOT NULL,
  lapse            jsonb NOT NULL,
  nurture          jsonb NOT NULL,
  aftercare        jsonb NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, code)
);

-- Names a PMS uses for a type ("Botox Cosmetic 20u"), matched case-insensitively.
CREATE TABLE treatment_aliases (
  practice_id uuid NOT NULL,
  alias_key   text NOT NULL,  -- lower(alias)
  alias       text NOT NULL,
  code        text NOT NULL,
  PRIMARY KEY (practice_id, alias_key),
  FOREIGN KEY (practice_id, code) REFERENCES treatment_types(practice_id, code) ON DELETE CASCADE
);

CREATE FUNCTION treatment_type_json(t treatment_types) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'code', t.code, 'name', t.name, 'family', t.family, 'typical_duration', t.typical_duration,
    'window_days', t.window_days, 'series', t.series, 'steps', t.steps, 'lapse', t.lapse,
    'nurture', t.nurture, 'aftercare', t.aftercare,
    'aliases', coalesce((SELECT jsonb_agg(a.alias ORDER BY a.alias_key) FROM treatment_aliases a
                          WHERE a.practice_id = t.practice_id AND a.code = t.code), '[]'),
    'updated_at', t.updated_at)
$$;

-- Message templates by type ('default' for all), step, channel and optionally injector.
CREATE TABLE templates (
  practice_id    uuid NOT NULL REFERENCES practices(id),
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  treatment_type text NOT NULL,
  step           text NOT NULL,
  channel        text NOT NULL CHECK (channel IN ('sms', 'email')),
  injector_id    uuid,
  subject        text,
  body           text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id),
  UNIQUE NULLS NOT DISTINCT (practice_id, treatment_type, step, channel, injector_id),
  FOREIGN KEY (practice_id, injector_id) REFERENCES injectors(practice_id, id)
);

CREATE TABLE treatments (
  practice_id  uuid NOT NULL REFERENCES practices(id),
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  client_id    uuid NOT NULL,
  injector_id  uuid,
  performed_at timestamptz NOT NULL,
  source       text NOT NULL DEFAULT 'api',
  external_id  text,
  request_hash text NOT NULL,
  notes        text,
  refunded_at  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, source, external_id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients(practice_id, id),
  FOREIGN KEY (practice_id, injector_id) REFERENCES injectors(practice_id, id)
);
CREATE INDEX treatments_client ON treatments (practice_id, client_id, performed_at);
CREATE INDEX treatments_performed ON treatments (practice_id, performed_at, id);

CREATE TABLE treatment_items (
  practice_id     uuid NOT NULL,
  treatment_id    uuid NOT NULL,
  item_no         int NOT NULL,
  type_code       text NOT NULL,
  family          text NOT NULL,
  given_name      text NOT NULL,
  areas           text[] NOT NULL DEFAULT '{}',
  units           numeric,
  volume_ml       numeric,
  product         text,
  lot_number      text,
  dilution        text,
  notes           text,
  price_cents     bigint NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
  points_eligible boolean NOT NULL DEFAULT true,
  series_complete boolean NOT NULL DEFAULT false,
  PRIMARY KEY (practice_id, treatment_id, item_no),
  FOREIGN KEY (practice_id, treatment_id) REFERENCES treatments(practice_id, id) ON DELETE CASCADE
);

CREATE FUNCTION treatment_json(t treatments) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', t.id, 'client_id', t.client_id, 'injector_id', t.injector_id,
    'performed_at', t.performed_at, 'source', t.source, 'external_id', t.external_id,
    'notes', t.notes, 'refunded_at', t.refunded_at, 'created_at', t.created_at,
    'items', coalesce((SELECT jsonb_agg(jsonb_build_object(
        'type', i.type_code, 'family', i.family, 'given_name', i.given_name, 'areas', to_jsonb(i.areas),
        'units', i.units, 'volume_ml', i.volume_ml, 'product', i.product, 'lot_number', i.lot_number,
        'dilution', i.dilution, 'notes', i.notes, 'price_cents', i.price_cents,
        'points_eligible', i.points_eligible, 'series_complete', i.series_complete) ORDER BY i.item_no)
      FROM treatment_items i WHERE i.practice_id = t.practice_id AND i.treatment_id = t.id), '[]'))
$$;

-- A planned series of messages for one client: a refill cycle, aftercare, a
-- reactivation nurture, or a booking's confirmations.
CREATE TABLE sequences (
  practice_id  uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  client_id    uuid NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('refill', 'aftercare', 'nurture', 'confirmation')),
  family       text,
  type_code    text,
  treatment_id uuid,
  state        text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'ended')),
  end_reason   text,
  started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  ended_at     timestamptz,
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients(practice_id, id)
);
CREATE INDEX sequences_client ON sequences (practice_id, client_id, started_at);
-- At most one open refill (and one aftercare) cycle per client and family.
CREATE UNIQUE INDEX sequences_one_open ON sequences (practice_id, client_id, kind, family)
  WHERE state = 'active' AND kind IN ('refill', 'aftercare', 'nurture');

-- The steps of sequences: the outbox the dispatcher claims from.
CREATE TABLE steps (
  practice_id  uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  sequence_id  uuid NOT NULL,
  client_id    uuid NOT NULL,
  step_no      int NOT NULL,
  step_key     text NOT NULL,   -- refill_1.., aftercare_1.., lapse, nurture_1..
  channel      text,            -- sms, email, preferred, alternate; null for the lapse checkpoint
  incentive    boolean NOT NULL DEFAULT false,
  promotional  boolean NOT NULL,
  planned_date date NOT NULL,   -- in the client's zone
  due_at       timestamptz NOT NULL,
  state        text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'paused', 'claimed', 'sending',
                 'sent', 'failed', 'dead', 'unknown', 'cancelled', 'suppressed', 'deferred', 'skipped', 'done')),
  reason       text,
  attempts     int NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, sequence_id) REFERENCES sequences(practice_id, id)
);
CREATE INDEX steps_sequence ON steps (practice_id, sequence_id, step_no);
CREATE INDEX steps_client ON steps (practice_id, client_id) WHERE state IN ('planned', 'paused', 'deferred');
CREATE INDEX steps_due ON steps (due_at) WHERE state IN ('planned', 'deferred');

CREATE TABLE client_flags (
  practice_id     uuid NOT NULL,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  client_id       uuid NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('dissatisfied', 'complication')),
  note            text,
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  resolved_at     timestamptz,
  resolution_note text,
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients(practice_id, id)
);
CREATE INDEX client_flags_open ON client_flags (practice_id, client_id) WHERE resolved_at IS NULL;

CREATE FUNCTION flag_json(f client_flags) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', f.id, 'client_id', f.client_id, 'kind', f.kind, 'note', f.note,
                            'created_at', f.created_at, 'resolved_at', f.resolved_at,
                            'resolution_note', f.resolution_note)
$$;

-- The instant a local date and time of day is in a zone (DST-correct: a time
-- that does not exist on a spring-forward day moves an hour later).
CREATE FUNCTION local_instant(d date, t time, tz text) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
  SELECT (d + t) AT TIME ZONE tz
$$;
