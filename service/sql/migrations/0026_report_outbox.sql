-- 0026_report_outbox: the weekly report email goes through the message outbox like any other message
-- (the sender's rate limit, retries with backoff, 'unknown' after a crash mid-send, delivery events).
-- A message is for a client or for a report; the report keeps the message that carries it.
ALTER TABLE messages ALTER COLUMN client_id DROP NOT NULL,
  ADD COLUMN report_id uuid,
  ADD CONSTRAINT messages_for_client_or_report CHECK ((client_id IS NULL) <> (report_id IS NULL));
ALTER TABLE analytics_reports ADD COLUMN message_id uuid,
  ADD CONSTRAINT analytics_reports_message FOREIGN KEY (practice_id, message_id) REFERENCES messages (practice_id, id);
-- email_state now says only what happened before the outbox took the email: none, pending (waiting to be
-- queued), failed (never queued). An email the old thread was sending is not resent in case it went.
UPDATE analytics_reports SET email_state = 'failed',
  email_error = 'the sender stopped while sending; not resent in case it went' WHERE email_state = 'sending';
CREATE INDEX analytics_reports_waiting ON analytics_reports (created_at)
  WHERE email_state = 'pending' AND message_id IS NULL;
