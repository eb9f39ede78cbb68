-- Open start times, every p_step minutes, of the active injectors (one when
-- p_injector is set) on the practice's local days p_from..p_to: inside working
-- hours, not on a day off, not on the client's away dates (when p_client is
-- set), in the future, and free of every booking including both buffers, i.e.
-- exactly the times POST /v1/bookings accepts without overriding.
CREATE OR REPLACE FUNCTION open_slots(p_practice uuid, p_injector uuid, p_from date, p_to date, p_minutes int,
                           p_step int, p_client uuid)
RETURNS TABLE (injector_id uuid, starts_at timestamptz) LANGUAGE sql STABLE AS $$
  WITH pr AS (SELECT time_zone AS tz FROM practices WHERE id = p_practice),
  away AS (SELECT (a->>'from')::date AS f, (a->>'to')::date AS t
           FROM clients c CROSS JOIN LATERAL jsonb_array_elements(c.away_periods) a
           WHERE c.practice_id = p_practice AND c.id = p_client),
  win AS (
    SELECT i.id, i.buffer_minutes, local_instant(d::date, h.starts, pr.tz) AS ws,
           local_instant(d::date, h.ends, pr.tz) AS we
    FROM pr
    CROSS JOIN generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') d
    JOIN injectors i ON i.practice_id = p_practice AND i.active AND (p_injector IS NULL OR i.id = p_injector)
    JOIN injector_hours h ON h.practice_id = p_practice AND h.injector_id = i.id
                         AND h.weekday = extract(isodow FROM d)
    WHERE NOT EXISTS (SELECT 1 FROM injector_days_off o WHERE o.practice_id = p_practice
                        AND o.injector_id = i.id AND o.day = d::date)
      AND NOT EXISTS (SELECT 1 FROM away WHERE d::date BETWEEN away.f AND away.t))
  SELECT win.id, s
  FROM win CROSS JOIN LATERAL generate_series(win.ws, win.we - make_interval(mins => p_minutes),
                                              make_interval(mins => p_step)) s
  WHERE s > now()
    AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.practice_id = p_practice AND b.injector_id = win.id
                      AND b.state = 'booked'
                      AND b.blocked && tstzrange(s, s + make_interval(mins => p_minutes + win.buffer_minutes)))
  ORDER BY s, win.id
$$;
