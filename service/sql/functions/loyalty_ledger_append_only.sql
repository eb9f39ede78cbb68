-- Entries never change or disappear; only what is left of an award goes down.
CREATE OR REPLACE FUNCTION loyalty_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.points <> OLD.points OR NEW.kind <> OLD.kind OR NEW.client_id <> OLD.client_id
     OR NEW.remaining > OLD.remaining THEN
    RAISE EXCEPTION 'loyalty_ledger is append-only';
  END IF;
  RETURN NEW;
END $$;
