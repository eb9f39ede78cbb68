-- Recomputes what links the visits of client c: the next visit of the family, the first booking after
-- each visit, and whether a reminder's booking brought the visit. A client has a handful of rows.
-- Locks come in one order everywhere (the client's rows by key) so that a booking's relink and the
-- dispatcher's sent-message update of the same client never deadlock.
CREATE OR REPLACE FUNCTION retention_relink(p uuid, c uuid) RETURNS void LANGUAGE sql AS $$
  SELECT 1 FROM retention_visits WHERE practice_id = p AND client_id = c ORDER BY treatment_id, family FOR UPDATE;
  WITH tz AS (SELECT time_zone AS z FROM practices WHERE id = p),
  v AS (SELECT r.treatment_id, r.family, r.performed_at,
          lead(r.performed_at) OVER w AS next_visit, lag(r.performed_at) OVER w AS prev_visit
        FROM retention_visits r WHERE r.practice_id = p AND r.client_id = c AND NOT r.refunded
        WINDOW w AS (PARTITION BY r.family ORDER BY r.performed_at, r.treatment_id)),
  b AS (SELECT b.created_at, b.starts_at, b.families, b.caused_by_step IS NOT NULL AS by_reminder
        FROM bookings b WHERE b.practice_id = p AND b.client_id = c AND b.state <> 'cancelled'),
  x AS (SELECT v.*,
          (SELECT min(b.created_at) FROM b WHERE b.created_at > v.performed_at
             AND (cardinality(b.families) = 0 OR v.family = ANY(b.families))) AS next_booking,
          EXISTS (SELECT 1 FROM b, tz WHERE b.by_reminder
             AND (cardinality(b.families) = 0 OR v.family = ANY(b.families))
             AND (b.starts_at AT TIME ZONE tz.z)::date = (v.performed_at AT TIME ZONE tz.z)::date) AS by_reminder
        FROM v)
  UPDATE retention_visits r SET is_return = x.prev_visit IS NOT NULL,
    returned_on = (x.next_visit AT TIME ZONE tz.z)::date,
    rebooked_on = (least(x.next_visit, x.next_booking) AT TIME ZONE tz.z)::date,
    reminder_booked = x.by_reminder
  FROM x, tz
  WHERE r.practice_id = p AND r.treatment_id = x.treatment_id AND r.family = x.family
    AND (r.is_return, r.returned_on, r.rebooked_on, r.reminder_booked) IS DISTINCT FROM
        (x.prev_visit IS NOT NULL, (x.next_visit AT TIME ZONE tz.z)::date,
         (least(x.next_visit, x.next_booking) AT TIME ZONE tz.z)::date, x.by_reminder)
$$;
