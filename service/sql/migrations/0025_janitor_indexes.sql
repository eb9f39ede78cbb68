-- 0025_janitor_indexes: the janitor (service/jobs/janitor.c) deletes PMS delivery ids after 30 days and
-- idempotency keys after 24 hours, by age.
CREATE INDEX webhook_events_received ON webhook_events (received_at);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
