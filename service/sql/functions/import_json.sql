-- import_json: The API representation of a CSV import, its counts and first refusals.
CREATE OR REPLACE FUNCTION import_json(i imports) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', i.id, 'state', i.state, 'rows_received', i.rows_received,
    'rows_processed', i.rows_processed, 'treatments_created', i.treatments_created, 'duplicates', i.duplicates,
    'refused', i.refused, 'error', i.error, 'created_at', i.created_at, 'started_at', i.started_at,
    'finished_at', i.finished_at,
    'refusals', coalesce((SELECT jsonb_agg(jsonb_build_object('line', r.line, 'field', r.field, 'reason', r.reason)
                          ORDER BY r.line) FROM import_refusals r WHERE r.import_id = i.id), '[]'))
$$;
