-- The instant a local date and time of day is in a zone (DST-correct: a time
-- that does not exist on a spring-forward day moves an hour later).
CREATE OR REPLACE FUNCTION local_instant(d date, t time, tz text) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
  SELECT (d + t) AT TIME ZONE tz
$$;
