-- retention_mark: client c of practice p has visits to relink (see migration 0027), once per transaction.
-- The job sees the mark when it sees the writes: a relink that claims it reads them in a later snapshot.
-- PL/pgSQL keeps the statement's plan for the session (a SQL function's is made anew at each call).
CREATE OR REPLACE FUNCTION retention_mark(p uuid, c uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO retention_pending (practice_id, client_id) VALUES (p, c) ON CONFLICT DO NOTHING;
END $$;
