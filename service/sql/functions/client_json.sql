-- client_json: The API representation of a client, with its consents and external ids.
CREATE OR REPLACE FUNCTION client_json(c clients) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', c.id, 'practice_id', c.practice_id, 'first_name', c.first_name,
    'last_name', c.last_name, 'phone', c.phone, 'email', c.email, 'time_zone', c.time_zone,
    'channel_preference', c.channel_preference,
    'consents', jsonb_build_object('sms', c.consent_sms, 'email', c.consent_email,
                                   'photo', c.consent_photo),
    'external_ids', coalesce((SELECT jsonb_agg(jsonb_build_object('system', e.system, 'id', e.external_id)
                                               ORDER BY e.system, e.external_id)
                                FROM client_external_ids e
                               WHERE e.practice_id = c.practice_id AND e.client_id = c.id), '[]'),
    'away_periods', c.away_periods,
    'created_at', c.created_at, 'updated_at', c.updated_at)
$$;
