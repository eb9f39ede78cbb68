-- retention_on_step1: Trigger retention_on_step1 (AFTER INSERT ON steps): a visit's first refill step.
-- The visit's row is found by its key through the sequence: joined in one UPDATE, a plan kept for the
-- trigger could scan the practice's rows.
CREATE OR REPLACE FUNCTION retention_on_step1() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t uuid;
  f text;
BEGIN
  SELECT s.treatment_id, s.family INTO t, f FROM sequences s
  WHERE s.practice_id = NEW.practice_id AND s.id = NEW.sequence_id AND s.kind = 'refill';
  IF FOUND THEN
    UPDATE retention_visits SET step1_date = NEW.planned_date, rebook_by = retention_rebook_by(NEW.planned_date)
    WHERE practice_id = NEW.practice_id AND treatment_id = t AND family = f;
  END IF;
  RETURN NULL;
END $$;
