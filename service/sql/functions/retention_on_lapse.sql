-- retention_on_lapse: Trigger retention_on_lapse (AFTER UPDATE OF state ON steps): a lapse checkpoint that fires marks
-- the visit lapsed.
CREATE OR REPLACE FUNCTION retention_on_lapse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE retention_visits r SET lapsed_on = (now() AT TIME ZONE p.time_zone)::date
  FROM sequences s, practices p
  WHERE s.practice_id = NEW.practice_id AND s.id = NEW.sequence_id AND p.id = NEW.practice_id
    AND r.practice_id = s.practice_id AND r.treatment_id = s.treatment_id AND r.family = s.family;
  RETURN NULL;
END $$;
