-- Expires what is left of awards past their date (one client, or all when c is null), oldest first.
CREATE OR REPLACE FUNCTION loyalty_expire(c uuid) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  a record;
  n int := 0;
BEGIN
  FOR a IN SELECT practice_id, id, client_id, remaining FROM loyalty_ledger
           WHERE remaining > 0 AND expires_at <= now() AND (c IS NULL OR client_id = c)
           ORDER BY practice_id, client_id, id FOR UPDATE SKIP LOCKED LOOP
    UPDATE loyalty_ledger SET remaining = 0 WHERE practice_id = a.practice_id AND id = a.id;
    INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, reason)
    VALUES (a.practice_id, a.client_id, 'expire', -a.remaining, 'points of entry ' || a.id || ' expired');
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
