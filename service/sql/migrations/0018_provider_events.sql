-- 0018_provider_events: provider webhooks deduplicated by the provider's own ids. Twilio signs no
-- timestamp, so a replayed request verifies forever, and SendGrid's timestamp window admits replays
-- inside it: an inbound SMS is applied once per MessageSid, a status callback once per
-- (MessageSid, status), a SendGrid event once per sg_event_id. Rows older than 30 days are pruned.
CREATE TABLE provider_events (
  practice_id uuid NOT NULL REFERENCES practices(id),
  provider    text NOT NULL CHECK (provider IN ('twilio', 'sendgrid')),
  event_key   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, provider, event_key)
);
CREATE INDEX provider_events_received ON provider_events (received_at);
