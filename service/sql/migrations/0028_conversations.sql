-- 0028_conversations: every inbound SMS is kept, with the client it came from (or none: a sender no
-- client of the practice has), the message it answers, how it was read (a keyword, a revocation in free
-- text and its evidence, a slot choice, or a message for staff) and whether staff read it. One
-- conversation per client (or per unknown sender) carries what the front desk's list needs.
CREATE TABLE conversations (
  practice_id      uuid NOT NULL REFERENCES practices(id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  client_id        uuid,
  channel          text NOT NULL CHECK (channel IN ('sms', 'email')),
  address          text NOT NULL,   -- the sender's number (the latest one the client wrote from)
  last_inbound_at  timestamptz NOT NULL,
  unread           int NOT NULL DEFAULT 0 CHECK (unread >= 0),
  needs_reply      boolean NOT NULL DEFAULT false,  -- a reply a person should answer, not yet answered
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id)
);
CREATE UNIQUE INDEX conversations_client ON conversations (practice_id, client_id) WHERE client_id IS NOT NULL;
CREATE UNIQUE INDEX conversations_unknown ON conversations (practice_id, channel, address) WHERE client_id IS NULL;
CREATE INDEX conversations_latest ON conversations (practice_id, last_inbound_at, id);

CREATE TABLE inbound_messages (
  practice_id     uuid NOT NULL,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  conversation_id uuid NOT NULL,
  client_id       uuid,
  channel         text NOT NULL CHECK (channel IN ('sms', 'email')),
  from_address    text NOT NULL,
  to_address      text NOT NULL,
  body            text NOT NULL,
  provider_id     text NOT NULL,   -- Twilio's MessageSid: a replay is the same message
  answers_id      uuid,            -- our latest message to that address before it, if any
  reading         text NOT NULL CHECK (reading IN ('message', 'stop', 'start', 'help', 'choice')),
  keyword         boolean NOT NULL DEFAULT false,
  evidence        text,            -- the words that decided the reading (the audit trail)
  received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  read_at         timestamptz,
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, channel, provider_id),
  FOREIGN KEY (practice_id, conversation_id) REFERENCES conversations (practice_id, id),
  FOREIGN KEY (practice_id, answers_id) REFERENCES messages (practice_id, id)
);
CREATE INDEX inbound_conversation ON inbound_messages (practice_id, conversation_id, received_at);

-- A staff member's reply goes through the outbox like any message; sent_by names who wrote it.
ALTER TABLE messages ADD COLUMN sent_by text;
CREATE INDEX messages_to_address ON messages (practice_id, to_address, created_at);
-- How long a client's reply holds their promotional steps (0: not at all).
ALTER TABLE practices ADD COLUMN reply_hold_days int NOT NULL DEFAULT 3 CHECK (reply_hold_days BETWEEN 0 AND 30);

-- Step 1's open times by SMS are numbered; the offer is kept so that a reply "2" books the second slot
-- with the treating injector while the offer lasts (the booking link's lifetime). A reply to a slot that
-- was taken meanwhile is answered with a new offer.
CREATE TABLE slot_offers (
  practice_id  uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  client_id    uuid NOT NULL,
  step_id      uuid,            -- the step whose message made the offer (the booking's cause)
  injector_id  uuid NOT NULL,
  type_code    text,
  slots        timestamptz[] NOT NULL,
  offered_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at   timestamptz NOT NULL,
  booking_id   uuid,            -- the booking a reply made from it
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id)
);
CREATE INDEX slot_offers_client ON slot_offers (practice_id, client_id, offered_at);
ALTER TABLE bookings DROP CONSTRAINT bookings_source_check,
  ADD CONSTRAINT bookings_source_check CHECK (source IN ('reminder', 'organic', 'pms', 'link', 'sms'));
