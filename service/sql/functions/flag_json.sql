-- flag_json: The API representation of a client flag (dissatisfied, complication).
CREATE OR REPLACE FUNCTION flag_json(f client_flags) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', f.id, 'client_id', f.client_id, 'kind', f.kind, 'note', f.note,
                            'created_at', f.created_at, 'resolved_at', f.resolved_at,
                            'resolution_note', f.resolution_note)
$$;
