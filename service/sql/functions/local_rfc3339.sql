-- ts as RFC 3339 in zone tz ("2026-12-01T09:00:00-05:00").
CREATE OR REPLACE FUNCTION local_rfc3339(ts timestamptz, tz text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(ts AT TIME ZONE tz, 'YYYY-MM-DD"T"HH24:MI:SS') ||
    CASE WHEN o < 0 THEN '-' ELSE '+' END || to_char(make_interval(secs => abs(o)), 'HH24:MI')
  FROM (SELECT extract(epoch FROM (ts AT TIME ZONE tz) - (ts AT TIME ZONE 'UTC'))::int AS o) s
$$;
