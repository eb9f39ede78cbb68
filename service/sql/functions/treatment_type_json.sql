-- treatment_type_json: The API representation of a treatment type with its aliases.
CREATE OR REPLACE FUNCTION treatment_type_json(t treatment_types) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'code', t.code, 'name', t.name, 'family', t.family, 'typical_duration', t.typical_duration,
    'window_days', t.window_days, 'series', t.series, 'steps', t.steps, 'lapse', t.lapse,
    'nurture', t.nurture, 'aftercare', t.aftercare,
    'aliases', coalesce((SELECT jsonb_agg(a.alias ORDER BY a.alias_key) FROM treatment_aliases a
                          WHERE a.practice_id = t.practice_id AND a.code = t.code), '[]'),
    'updated_at', t.updated_at)
$$;
