-- api_key_json: The API representation of an API key (never its secret or hash).
CREATE OR REPLACE FUNCTION api_key_json(k api_keys) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', k.id, 'practice_id', k.practice_id, 'role', k.role,
                            'name', k.name, 'created_at', k.created_at, 'revoked_at', k.revoked_at)
$$;
