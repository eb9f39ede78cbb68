-- Takes pts from the client's awards, oldest first, as one entry of kind k (negative points). The
-- caller has locked the account row and checked the balance; the CHECK on balance is the last guard.
CREATE OR REPLACE FUNCTION loyalty_spend(p uuid, c uuid, pts int, k text, why text, t uuid, ticket bigint, ikey text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  left_ int := pts;
  a record;
  spend_id bigint;
BEGIN
  INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, reason, treatment_id, ticket_cents, idempotency_key)
  VALUES (p, c, k, -pts, why, t, ticket, ikey) RETURNING id INTO spend_id;
  FOR a IN SELECT id, remaining FROM loyalty_ledger WHERE practice_id = p AND client_id = c AND remaining > 0
           ORDER BY id FOR UPDATE LOOP
    EXIT WHEN left_ = 0;
    UPDATE loyalty_ledger SET remaining = remaining - least(a.remaining, left_) WHERE practice_id = p AND id = a.id;
    left_ := left_ - least(a.remaining, left_);
  END LOOP;
  RETURN spend_id;
END $$;
