-- 0001_foundation: practices, API keys, clients, idempotency.
-- Every table of practice data carries practice_id and its keys lead with it,
-- so the schema can be sharded by practice later without a rewrite.

CREATE TABLE practices (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name           text NOT NULL,
  time_zone      text NOT NULL,
  address        text,
  parking_text   text,
  check_in_text  text,
  contact_text   text,
  booking_url    text,
  sms_from       text,
  email_from     text,
  report_email   text,
  quiet_start    time NOT NULL DEFAULT '09:00',
  quiet_end      time NOT NULL DEFAULT '20:00',
  sender_mode    text NOT NULL DEFAULT 'practice' CHECK (sender_mode IN ('practice', 'injector')),
  webhook_secret text NOT NULL,
  paused         boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  -- the legal window for messages is 08:00-21:00; ours sits inside it
  CHECK (quiet_start >= '08:00' AND quiet_end <= '21:00' AND quiet_start < quiet_end)
);

CREATE TABLE api_keys (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid REFERENCES practices(id),
  role        text NOT NULL CHECK (role IN ('admin', 'staff', 'integration')),
  name        text NOT NULL DEFAULT '',
  secret_hash text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  CHECK ((role = 'admin') = (practice_id IS NULL))
);
CREATE INDEX api_keys_practice ON api_keys (practice_id);

CREATE TABLE clients (
  practice_id        uuid NOT NULL REFERENCES practices(id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  first_name         text NOT NULL,
  last_name          text NOT NULL DEFAULT '',
  phone              text,
  email              text,
  time_zone          text,
  channel_preference text NOT NULL DEFAULT 'any' CHECK (channel_preference IN ('any', 'sms', 'email')),
  consent_sms        boolean NOT NULL DEFAULT false,
  consent_email      boolean NOT NULL DEFAULT false,
  consent_photo      boolean NOT NULL DEFAULT false,
  away_periods       jsonb NOT NULL DEFAULT '[]',
  created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id)
);
CREATE INDEX clients_page ON clients (practice_id, created_at, id);
CREATE INDEX clients_phone ON clients (practice_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX clients_email ON clients (practice_id, lower(email)) WHERE email IS NOT NULL;

-- A client's ids in other systems (PMS), unique per practice and system.
CREATE TABLE client_external_ids (
  practice_id uuid NOT NULL,
  system      text NOT NULL,
  external_id text NOT NULL,
  client_id   uuid NOT NULL,
  PRIMARY KEY (practice_id, system, external_id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients(practice_id, id) ON DELETE CASCADE
);
CREATE INDEX client_external_ids_client ON client_external_ids (practice_id, client_id);

-- Idempotency-Key records; practice_id is the nil UUID for admin keys.
CREATE TABLE idempotency_keys (
  practice_id  uuid NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  status       int,
  body         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, key)
);

-- The JSON representations, defined once next to the tables they render.
CREATE FUNCTION practice_json(p practices) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'name', p.name, 'time_zone', p.time_zone, 'address', p.address,
    'parking_text', p.parking_text, 'check_in_text', p.check_in_text,
    'contact_text', p.contact_text, 'booking_url', p.booking_url,
    'sms_from', p.sms_from, 'email_from', p.email_from, 'report_email', p.report_email,
    'quiet_hours', jsonb_build_object('start', to_char(p.quiet_start, 'HH24:MI'),
                                      'end', to_char(p.quiet_end, 'HH24:MI')),
    'sender_mode', p.sender_mode, 'paused', p.paused,
    'created_at', p.created_at, 'updated_at', p.updated_at)
$$;

CREATE FUNCTION api_key_json(k api_keys) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', k.id, 'practice_id', k.practice_id, 'role', k.role,
                            'name', k.name, 'created_at', k.created_at, 'revoked_at', k.revoked_at)
$$;

CREATE FUNCTION client_json(c clients) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', c.id, 'practice_id', c.practice_id, 'first_name', c.first_name,
    'last_name', c.last_name, 'phone', c.phone, 'email', c.email, 'time_zone', c.time_zone,
    'channel_preference', c.channel_preference,
    'consents', jsonb_build_object('sms', c.consent_sms, 'email', c.consent_email,
                                   'photo', c.consent_photo),
    'external_ids', coalesce((SELECT jsonb_agg(jsonb_build_object('system', e.system, 'id', e.external_id)
                                               ORDER BY e.system, e.external_id)
                                FROM client_external_ids e
                               WHERE e.practice_id = c.practice_id AND e.client_id = c.id), '[]'),
    'away_periods', c.away_periods,
    'created_at', c.created_at, 'updated_at', c.updated_at)
$$;
