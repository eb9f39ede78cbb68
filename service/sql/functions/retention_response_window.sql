-- retention_response_window: how long after a reminder's message a booking it brought counts as the
-- reminder's response (the triggers and the rebuild).
CREATE OR REPLACE FUNCTION retention_response_window() RETURNS interval LANGUAGE sql IMMUTABLE AS $$
  SELECT interval '5 days'
$$;
