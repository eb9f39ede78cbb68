-- retention_on_reactivation: Trigger retention_on_reactivation (AFTER INSERT ON reactivations): marks the lapsed client's
-- return.
CREATE OR REPLACE FUNCTION retention_on_reactivation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE retention_visits SET reactivated = true WHERE practice_id = NEW.practice_id AND treatment_id = NEW.treatment_id;
  RETURN NULL;
END $$;
