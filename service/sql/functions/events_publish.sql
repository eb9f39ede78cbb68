-- events_publish: numbers the committed events not yet published, in the order they were written, queues
-- one delivery per endpoint that takes each, and wakes the listeners (the SSE streams) of every replica.
-- One publisher at a time (the advisory lock, held to commit): a number handed out is larger than every
-- number committed before it, so a reader that has seen N never later finds a smaller one.
CREATE OR REPLACE FUNCTION events_publish() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  n int;
BEGIN
  PERFORM pg_advisory_xact_lock(7311051401);
  WITH todo AS (SELECT practice_id, id FROM events WHERE seq IS NULL ORDER BY created_at, id LIMIT 1000),
    numbered AS (SELECT practice_id, id, nextval('event_seq') AS seq FROM todo),
    published AS (UPDATE events e SET seq = n.seq FROM numbered n
                  WHERE e.practice_id = n.practice_id AND e.id = n.id RETURNING e.practice_id, e.id, e.type),
    queued AS (INSERT INTO webhook_deliveries (practice_id, endpoint_id, event_id)
               SELECT p.practice_id, w.id, p.id FROM published p JOIN webhook_endpoints w
                 ON w.practice_id = p.practice_id AND (w.event_types = '{}' OR p.type = ANY (w.event_types))
               RETURNING 1)
  SELECT count(*) INTO n FROM published;
  IF n > 0 THEN
    PERFORM pg_notify('cadence_events', '');
  END IF;
  RETURN n;
END $$;
