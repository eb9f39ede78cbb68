-- loyalty_ledger_post: Trigger loyalty_ledger_post (AFTER INSERT ON loyalty_ledger): keeps the account's balance the sum
-- of its entries.
CREATE OR REPLACE FUNCTION loyalty_ledger_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Not INSERT .. ON CONFLICT: its would-be row (a negative balance for a spend) fails the CHECK first.
  UPDATE loyalty_accounts SET balance = balance + NEW.points
  WHERE practice_id = NEW.practice_id AND client_id = NEW.client_id;
  IF NOT FOUND THEN
    INSERT INTO loyalty_accounts (practice_id, client_id, balance) VALUES (NEW.practice_id, NEW.client_id, NEW.points);
  END IF;
  RETURN NEW;
END $$;
