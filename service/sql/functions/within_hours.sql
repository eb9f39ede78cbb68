-- Whether injector may work from start for minutes: inside one working interval
-- of that local day and not a day off. An injector without hours is unscheduled
-- (always true), and so is a booking without an injector.
CREATE OR REPLACE FUNCTION within_hours(p_practice uuid, p_injector uuid, p_start timestamptz, p_minutes int)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT p_injector IS NULL
    OR NOT EXISTS (SELECT 1 FROM injector_hours WHERE practice_id = p_practice AND injector_id = p_injector)
    OR EXISTS (
      SELECT 1 FROM practices p
      CROSS JOIN LATERAL (SELECT (p_start AT TIME ZONE p.time_zone)::date AS day) l
      JOIN injector_hours h ON h.practice_id = p.id AND h.injector_id = p_injector
                           AND h.weekday = extract(isodow FROM l.day)
      WHERE p.id = p_practice
        AND p_start >= local_instant(l.day, h.starts, p.time_zone)
        AND p_start + make_interval(mins => p_minutes) <= local_instant(l.day, h.ends, p.time_zone)
        AND NOT EXISTS (SELECT 1 FROM injector_days_off o WHERE o.practice_id = p_practice
                          AND o.injector_id = p_injector AND o.day = l.day))
$$;
