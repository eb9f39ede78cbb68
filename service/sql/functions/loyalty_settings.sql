-- A stored program wins key by key; settings added in later versions take their defaults.
-- PL/pgSQL keeps the plan for the session (a SQL function with a subquery is planned at every call).
CREATE OR REPLACE FUNCTION loyalty_settings(p uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN loyalty_default_settings() || coalesce((SELECT settings FROM loyalty_programs WHERE practice_id = p), '{}');
END $$;
