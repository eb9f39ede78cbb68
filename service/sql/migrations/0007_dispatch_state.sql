-- 0007_dispatch_state: facts the dispatcher needs per step, kept where the
-- step's own row lookups find them instead of searching the message history.
ALTER TABLE clients ADD COLUMN sms_notice_at timestamptz;  -- the first SMS (with the opt-out notice) was sent
ALTER TABLE sequences ADD COLUMN last_channel text;       -- channel of the sequence's latest message
UPDATE clients c SET sms_notice_at = (SELECT min(m.sent_at) FROM messages m WHERE m.practice_id = c.practice_id
  AND m.client_id = c.id AND m.channel = 'sms' AND m.state IN ('sending', 'sent', 'unknown'));
UPDATE sequences q SET last_channel = (SELECT m.channel FROM steps s JOIN messages m ON m.practice_id = s.practice_id
  AND m.id = s.message_id WHERE s.practice_id = q.practice_id AND s.sequence_id = q.id ORDER BY s.step_no DESC LIMIT 1);
