-- 0006_suppression_list: a stable id per suppression for the paged list, and its JSON.
ALTER TABLE suppressions ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX suppressions_id ON suppressions (practice_id, id);
CREATE INDEX suppressions_page ON suppressions (practice_id, updated_at, id);

CREATE FUNCTION suppression_json(s suppressions) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', s.id, 'channel', s.channel, 'address', s.address, 'active', s.active, 'updated_at', s.updated_at,
    'events', coalesce((SELECT jsonb_agg(jsonb_build_object('action', e.action, 'source', e.source,
                                                            'evidence', e.evidence, 'at', e.created_at)
                                         ORDER BY e.created_at)
                          FROM suppression_events e
                         WHERE e.practice_id = s.practice_id AND e.channel = s.channel AND e.address = s.address), '[]'))
$$;
