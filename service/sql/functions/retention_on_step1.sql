-- retention_on_step1: Trigger retention_on_step1 (AFTER INSERT ON steps): a visit's first refill step.
CREATE OR REPLACE FUNCTION retention_on_step1() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE retention_visits r SET step1_date = NEW.planned_date, rebook_by = retention_rebook_by(NEW.planned_date)
  FROM sequences s
  WHERE s.practice_id = NEW.practice_id AND s.id = NEW.sequence_id AND s.kind = 'refill'
    AND r.practice_id = s.practice_id AND r.treatment_id = s.treatment_id AND r.family = s.family;
  RETURN NULL;
END $$;
