-- retention_on_refund: Trigger retention_on_refund (AFTER UPDATE OF refunded_at ON treatments): a refunded visit counts
-- nowhere.
CREATE OR REPLACE FUNCTION retention_on_refund() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A refunded visit counts nowhere and links to nothing (relink skips it; the others relink around it).
  UPDATE retention_visits SET refunded = NEW.refunded_at IS NOT NULL, is_return = false, returned_on = NULL,
    rebooked_on = NULL, reminder_booked = false
  WHERE practice_id = NEW.practice_id AND treatment_id = NEW.id;
  PERFORM retention_mark(NEW.practice_id, NEW.client_id);
  RETURN NULL;
END $$;
