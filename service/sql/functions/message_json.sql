-- message_json: The API representation of a message and its delivery.
CREATE OR REPLACE FUNCTION message_json(m messages) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', m.id, 'client_id', m.client_id, 'channel', m.channel, 'provider', m.provider,
    'to', m.to_address, 'from', m.from_address, 'subject', m.subject, 'body', m.body,
    'state', m.state, 'next_attempt_at', m.next_attempt_at, 'delivery', m.delivery, 'provider_id', m.provider_id, 'attempts', m.attempts,
    'last_error', m.last_error, 'created_at', m.created_at, 'sent_at', m.sent_at, 'sent_by', m.sent_by,
    'steps', coalesce((SELECT jsonb_agg(s.id ORDER BY s.step_no) FROM steps s
                        WHERE s.practice_id = m.practice_id AND s.message_id = m.id), '[]'))
$$;
