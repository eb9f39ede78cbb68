-- 0010_schedules: injectors' working hours, days off and buffer; open slots;
-- no double booking (an exclusion constraint, so concurrent requests cannot
-- both win); the secret that signs booking links.
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE injectors ADD COLUMN buffer_minutes int NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240);

-- Working intervals per ISO weekday (1 = Monday), local time of the practice.
CREATE TABLE injector_hours (
  practice_id uuid NOT NULL,
  injector_id uuid NOT NULL,
  weekday     smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  starts      time NOT NULL,
  ends        time NOT NULL CHECK (ends > starts),
  FOREIGN KEY (practice_id, injector_id) REFERENCES injectors(practice_id, id) ON DELETE CASCADE
);
CREATE INDEX injector_hours_of ON injector_hours (practice_id, injector_id, weekday);

CREATE TABLE injector_days_off (
  practice_id uuid NOT NULL,
  injector_id uuid NOT NULL,
  day         date NOT NULL,
  reason      text,
  PRIMARY KEY (practice_id, injector_id, day),
  FOREIGN KEY (practice_id, injector_id) REFERENCES injectors(practice_id, id) ON DELETE CASCADE
);

-- The time a booking takes from its injector: the visit and the buffer after it.
-- Kept by a trigger because timestamptz + interval is not immutable, so it
-- cannot be a generated column, and the constraint below needs it stored.
ALTER TABLE bookings ADD COLUMN blocked tstzrange;
CREATE FUNCTION bookings_set_blocked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.blocked := tstzrange(NEW.starts_at, NEW.starts_at + make_interval(mins => NEW.duration_minutes +
    coalesce((SELECT buffer_minutes FROM injectors WHERE practice_id = NEW.practice_id AND id = NEW.injector_id), 0)));
  RETURN NEW;
END $$;
CREATE TRIGGER bookings_blocked BEFORE INSERT OR UPDATE OF starts_at, duration_minutes, injector_id ON bookings
  FOR EACH ROW EXECUTE FUNCTION bookings_set_blocked();
UPDATE bookings SET starts_at = starts_at;
ALTER TABLE bookings ALTER COLUMN blocked SET NOT NULL;
ALTER TABLE bookings ADD CONSTRAINT bookings_no_double_booking
  EXCLUDE USING gist (practice_id WITH =, injector_id WITH =, blocked WITH &&)
  WHERE (state = 'booked' AND injector_id IS NOT NULL);

-- ts as RFC 3339 in zone tz ("2026-12-01T09:00:00-05:00").
CREATE FUNCTION local_rfc3339(ts timestamptz, tz text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(ts AT TIME ZONE tz, 'YYYY-MM-DD"T"HH24:MI:SS') ||
    CASE WHEN o < 0 THEN '-' ELSE '+' END || to_char(make_interval(secs => abs(o)), 'HH24:MI')
  FROM (SELECT extract(epoch FROM (ts AT TIME ZONE tz) - (ts AT TIME ZONE 'UTC'))::int AS o) s
$$;

-- Whether injector may work from start for minutes: inside one working interval
-- of that local day and not a day off. An injector without hours is unscheduled
-- (always true), and so is a booking without an injector.
CREATE FUNCTION within_hours(p_practice uuid, p_injector uuid, p_start timestamptz, p_minutes int)
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

-- Open start times, every p_step minutes, of the active injectors (one when
-- p_injector is set) on the practice's local days p_from..p_to: inside working
-- hours, not on a day off, not on the client's away dates (when p_client is
-- set), in the future, and free of every booking including both buffers, i.e.
-- exactly the times POST /v1/bookings accepts without overriding.
CREATE FUNCTION open_slots(p_practice uuid, p_injector uuid, p_from date, p_to date, p_minutes int,
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

-- Secrets the service makes for itself on first start (shared by every replica).
CREATE TABLE service_secrets (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
