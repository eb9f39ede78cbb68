-- inbound_json: The API representation of an inbound message (a patient's reply).
CREATE OR REPLACE FUNCTION inbound_json(i inbound_messages) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'direction', 'in', 'id', i.id, 'conversation_id', i.conversation_id, 'client_id', i.client_id,
    'channel', i.channel, 'from', i.from_address, 'to', i.to_address, 'body', i.body, 'at', i.received_at,
    'answers_message_id', i.answers_id, 'reading', i.reading, 'keyword', i.keyword, 'evidence', i.evidence,
    'read_at', i.read_at)
$$;
