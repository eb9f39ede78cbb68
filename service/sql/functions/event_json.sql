-- event_json: an event as the API, the stream and webhook endpoints carry it.
CREATE OR REPLACE FUNCTION event_json(e events) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', e.seq::text, 'type', e.type, 'practice_id', e.practice_id,
                            'created_at', e.created_at, 'data', e.data)
$$;
