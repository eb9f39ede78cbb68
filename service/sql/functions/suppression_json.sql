-- suppression_json: The API representation of a suppression and its history.
CREATE OR REPLACE FUNCTION suppression_json(s suppressions) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', s.id, 'channel', s.channel, 'address', s.address, 'active', s.active, 'updated_at', s.updated_at,
    'events', coalesce((SELECT jsonb_agg(jsonb_build_object('action', e.action, 'source', e.source,
                                                            'evidence', e.evidence, 'at', e.created_at)
                                         ORDER BY e.created_at)
                          FROM suppression_events e
                         WHERE e.practice_id = s.practice_id AND e.channel = s.channel AND e.address = s.address), '[]'))
$$;
