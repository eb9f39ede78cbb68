-- 0027_retention_pending: what links a client's visits (the next visit of the family, the first booking
-- after each, whether a reminder's booking brought it) is recomputed off the request path. A write that
-- changes it marks the client here, in its own transaction; the analytics upkeep job relinks the marked
-- clients set-based within about a second, and a figure read first relinks its practice's marked clients,
-- so figures equal the rebuild's whenever they are read.
-- A mark is one writing transaction's (marked_by): writers never wait for each other or for the job, and a
-- mark becomes visible to the job with the writes it stands for, at their commit.
CREATE TABLE retention_pending (
  practice_id uuid NOT NULL,
  client_id   uuid NOT NULL,
  marked_by   xid8 NOT NULL DEFAULT pg_current_xact_id(),
  marked_at   timestamptz NOT NULL DEFAULT clock_timestamp(),  -- from here to the relink: the lag
  PRIMARY KEY (practice_id, client_id, marked_by)
);
CREATE INDEX retention_pending_age ON retention_pending (marked_at);
-- The per-client relink the triggers called is a statement of the upkeep job now (set-based, its plan kept).
DROP FUNCTION retention_relink(uuid, uuid);
