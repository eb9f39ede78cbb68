-- 0004_dispatch: messages sent for steps, the suppression list, claim leases.

-- The soft incentive step 2 offers ({{incentive}}), per practice.
CREATE FUNCTION default_incentive_text() RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT 'Book this week and a complimentary add-on is yours.'
$$;
ALTER TABLE practices ADD COLUMN incentive_text text NOT NULL DEFAULT default_incentive_text();

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
    'incentive_text', p.incentive_text,
    'sender_mode', p.sender_mode, 'paused', p.paused,
    'created_at', p.created_at, 'updated_at', p.updated_at)
$$;

ALTER TABLE clients ADD COLUMN lapsed_at timestamptz;

-- One message to one address: a step's, or several steps' of one client due
-- the same local day on one channel ("one voice").
CREATE TABLE messages (
  practice_id    uuid NOT NULL,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  client_id      uuid NOT NULL,
  channel        text NOT NULL CHECK (channel IN ('sms', 'email')),
  provider       text NOT NULL,
  to_address     text NOT NULL,
  from_address   text,
  subject        text,
  body           text NOT NULL,
  -- queued -> claimed -> sending -> sent | failed (retried at next_attempt_at) | dead | unknown
  state          text NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'claimed', 'sending', 'sent', 'failed', 'dead', 'unknown')),
  next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  lease_until    timestamptz,
  delivery       text,          -- provider's delivery status (queued, delivered, undelivered, bounce, ...)
  provider_id    text,          -- Twilio sid or SendGrid X-Message-Id
  attempts       int NOT NULL DEFAULT 0,
  last_error     text,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  sent_at        timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id)
);
CREATE INDEX messages_client ON messages (practice_id, client_id, created_at);
CREATE INDEX messages_page ON messages (practice_id, created_at, id);
CREATE INDEX messages_provider_id ON messages (provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX messages_id ON messages (id);  -- unsubscribe links carry only the message id
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE state IN ('queued', 'failed');
CREATE INDEX messages_leased ON messages (lease_until) WHERE state IN ('claimed', 'sending');

-- A step handed to a message is 'queued'; its delivery is the message's state.
ALTER TABLE steps ADD COLUMN message_id uuid;
ALTER TABLE steps DROP CONSTRAINT steps_state_check;
ALTER TABLE steps ADD CONSTRAINT steps_state_check CHECK (state IN ('planned', 'paused', 'deferred', 'queued',
  'cancelled', 'suppressed', 'skipped', 'done'));

-- Addresses that must receive nothing more on a channel, with the audit trail.
CREATE TABLE suppressions (
  practice_id uuid NOT NULL,
  channel     text NOT NULL CHECK (channel IN ('sms', 'email')),
  address     text NOT NULL,   -- E.164 number or lower-case email
  active      boolean NOT NULL DEFAULT true,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, channel, address)
);
CREATE TABLE suppression_events (
  practice_id uuid NOT NULL,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  channel     text NOT NULL,
  address     text NOT NULL,
  action      text NOT NULL CHECK (action IN ('suppress', 'lift')),
  source      text NOT NULL,   -- sms_keyword, email_event, staff, provider_error
  evidence    text,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id)
);
CREATE INDEX suppression_events_address ON suppression_events (practice_id, channel, address, created_at);

CREATE FUNCTION message_json(m messages) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', m.id, 'client_id', m.client_id, 'channel', m.channel, 'provider', m.provider,
    'to', m.to_address, 'from', m.from_address, 'subject', m.subject, 'body', m.body,
    'state', m.state, 'next_attempt_at', m.next_attempt_at, 'delivery', m.delivery, 'provider_id', m.provider_id, 'attempts', m.attempts,
    'last_error', m.last_error, 'created_at', m.created_at, 'sent_at', m.sent_at,
    'steps', coalesce((SELECT jsonb_agg(s.id ORDER BY s.step_no) FROM steps s
                        WHERE s.practice_id = m.practice_id AND s.message_id = m.id), '[]'))
$$;
