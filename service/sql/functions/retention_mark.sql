-- retention_mark: client c of practice p has visits to relink (see migration 0027). The row stays locked
-- until the writer commits: the upkeep job skips it until then, and a job that claimed it first makes the
-- writer wait and mark again, so no write is relinked from a snapshot that misses it.
CREATE OR REPLACE FUNCTION retention_mark(p uuid, c uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO retention_pending AS q (practice_id, client_id) VALUES (p, c)
  ON CONFLICT (practice_id, client_id) DO UPDATE SET marked_at = q.marked_at
$$;
