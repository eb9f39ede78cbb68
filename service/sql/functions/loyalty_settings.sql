-- A stored program wins key by key; settings added in later versions take their defaults.
CREATE OR REPLACE FUNCTION loyalty_settings(p uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT loyalty_default_settings() || coalesce((SELECT settings FROM loyalty_programs WHERE practice_id = p), '{}')
$$;
