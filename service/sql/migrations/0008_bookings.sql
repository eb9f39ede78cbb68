-- 0008_bookings: appointments; a booking ends the open refill steps of the
-- families it books and records which reminder (if any) brought it.
CREATE TABLE bookings (
  practice_id      uuid NOT NULL REFERENCES practices(id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  client_id        uuid NOT NULL,
  injector_id      uuid,
  starts_at        timestamptz NOT NULL,
  duration_minutes int NOT NULL CHECK (duration_minutes BETWEEN 5 AND 600),
  families         text[] NOT NULL DEFAULT '{}',   -- empty: every family
  source           text NOT NULL CHECK (source IN ('reminder', 'organic', 'pms', 'link')),
  external_id      text,
  state            text NOT NULL DEFAULT 'booked' CHECK (state IN ('booked', 'cancelled', 'completed', 'no_show')),
  cancel_reason    text,
  caused_by_step   uuid,                           -- the step sent in the 7 days before the booking
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, source, external_id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients(practice_id, id),
  FOREIGN KEY (practice_id, injector_id) REFERENCES injectors(practice_id, id)
);
CREATE INDEX bookings_client ON bookings (practice_id, client_id, starts_at);
CREATE INDEX bookings_page ON bookings (practice_id, starts_at, id);
ALTER TABLE steps ADD COLUMN booking_id uuid;  -- the booking that ended the step

CREATE FUNCTION booking_json(b bookings) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', b.id, 'client_id', b.client_id, 'injector_id', b.injector_id,
    'starts_at', b.starts_at, 'duration_minutes', b.duration_minutes, 'families', to_jsonb(b.families),
    'source', b.source, 'external_id', b.external_id, 'state', b.state, 'cancel_reason', b.cancel_reason,
    'caused_by_step', b.caused_by_step, 'created_at', b.created_at, 'updated_at', b.updated_at)
$$;
