-- 0030_stranger_replies: staff may answer a sender who is not a client; the message names the conversation
-- it answers in place of a client. A message is for exactly one of a client, a report, or a stranger's
-- conversation.
ALTER TABLE messages ADD COLUMN conversation_id uuid,
  DROP CONSTRAINT messages_for_client_or_report,
  ADD CONSTRAINT messages_for_one CHECK (num_nonnulls(client_id, report_id, conversation_id) = 1),
  ADD CONSTRAINT messages_conversation FOREIGN KEY (practice_id, conversation_id)
    REFERENCES conversations (practice_id, id);
CREATE INDEX messages_stranger ON messages (practice_id, conversation_id, created_at)
  WHERE conversation_id IS NOT NULL;
