-- 0005_webhooks: events received from practice-management systems, for idempotency.
CREATE TABLE webhook_events (
  practice_id uuid NOT NULL REFERENCES practices(id),
  vendor      text NOT NULL,
  event_id    text NOT NULL,
  event_type  text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, vendor, event_id)
);
