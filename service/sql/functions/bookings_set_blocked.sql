-- bookings_set_blocked: Trigger bookings_blocked (BEFORE INSERT OR UPDATE OF starts_at, duration_minutes, injector_id ON
-- bookings): the time range a booking blocks, its injector's buffers included.
CREATE OR REPLACE FUNCTION bookings_set_blocked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.blocked := tstzrange(NEW.starts_at, NEW.starts_at + make_interval(mins => NEW.duration_minutes +
    coalesce((SELECT buffer_minutes FROM injectors WHERE practice_id = NEW.practice_id AND id = NEW.injector_id), 0)));
  RETURN NEW;
END $$;
