-- retention_rebuild: Builds practice p's rows of retention_visits from scratch, set-based: for data that existed
-- before migration 0016, and for bulk loads made with triggers off (the benchmark's generator).
CREATE OR REPLACE FUNCTION retention_rebuild(p uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  z text := (SELECT time_zone FROM practices WHERE id = p);
BEGIN
  DELETE FROM retention_visits WHERE practice_id = p;
  INSERT INTO retention_visits (practice_id, treatment_id, family, client_id, type_code, injector_id, performed_at,
    visit_date, on_time_by, revenue_cents, eligible_cents, primary_row, refunded, tier)
  SELECT p, t.id, i.family, t.client_id, (array_agg(i.type_code ORDER BY i.item_no))[1], t.injector_id,
    t.performed_at, (t.performed_at AT TIME ZONE z)::date,
    retention_on_time_by((t.performed_at AT TIME ZONE z)::date, (array_agg(tt.window_days ORDER BY i.item_no))[1]),
    sum(i.price_cents), coalesce(sum(i.price_cents) FILTER (WHERE i.points_eligible), 0), min(i.item_no) = 1,
    t.refunded_at IS NOT NULL, t.tier
  FROM treatments t JOIN treatment_items i ON i.practice_id = t.practice_id AND i.treatment_id = t.id
  LEFT JOIN treatment_types tt ON tt.practice_id = p AND tt.code = i.type_code
  WHERE t.practice_id = p GROUP BY t.practice_id, t.id, i.family;

  UPDATE retention_visits r SET visit_eligible = true
  FROM treatment_items i WHERE i.practice_id = p AND i.points_eligible AND r.practice_id = p
    AND r.treatment_id = i.treatment_id AND NOT r.visit_eligible;

  UPDATE retention_visits r SET step1_date = st.planned_date, rebook_by = retention_rebook_by(st.planned_date)
  FROM sequences s JOIN steps st ON st.practice_id = s.practice_id AND st.sequence_id = s.id AND st.step_key = 'refill_1'
  WHERE s.practice_id = p AND s.kind = 'refill' AND r.practice_id = p AND r.treatment_id = s.treatment_id
    AND r.family = s.family;

  UPDATE retention_visits r SET s1_sent_on = x.s1, s2_sent_on = x.s2, s2_incentive = x.inc, s3_sent_on = x.s3,
    lapsed_on = x.lapse
  FROM (SELECT s.treatment_id, s.family,
          min((m.sent_at AT TIME ZONE z)::date) FILTER (WHERE st.step_key = 'refill_1' AND m.state = 'sent') AS s1,
          min((m.sent_at AT TIME ZONE z)::date) FILTER (WHERE st.step_key = 'refill_2' AND m.state = 'sent') AS s2,
          coalesce(bool_or(st.incentive) FILTER (WHERE st.step_key = 'refill_2' AND m.state = 'sent'), false) AS inc,
          min((m.sent_at AT TIME ZONE z)::date) FILTER (WHERE st.step_key = 'refill_3' AND m.state = 'sent') AS s3,
          min((st.updated_at AT TIME ZONE z)::date) FILTER (WHERE st.step_key = 'lapse' AND st.state = 'done') AS lapse
        FROM sequences s JOIN steps st ON st.practice_id = s.practice_id AND st.sequence_id = s.id
        LEFT JOIN messages m ON m.practice_id = st.practice_id AND m.id = st.message_id
        WHERE s.practice_id = p AND s.kind = 'refill' GROUP BY s.treatment_id, s.family) x
  WHERE r.practice_id = p AND r.treatment_id = x.treatment_id AND r.family = x.family;

  UPDATE retention_visits r SET responded_step = x.step_no
  FROM (SELECT DISTINCT ON (s.treatment_id, s.family) s.treatment_id, s.family, right(st.step_key, 1)::smallint AS step_no
        FROM bookings b JOIN steps st ON st.practice_id = b.practice_id AND st.id = b.caused_by_step
        JOIN sequences s ON s.practice_id = st.practice_id AND s.id = st.sequence_id
        JOIN messages m ON m.practice_id = st.practice_id AND m.id = st.message_id
        WHERE b.practice_id = p AND s.kind = 'refill' AND st.step_key IN ('refill_1', 'refill_2', 'refill_3')
          AND b.created_at <= m.sent_at + retention_response_window()
        ORDER BY s.treatment_id, s.family, b.created_at) x
  WHERE r.practice_id = p AND r.treatment_id = x.treatment_id AND r.family = x.family;

  UPDATE retention_visits r SET reactivated = true FROM reactivations x
  WHERE x.practice_id = p AND r.practice_id = p AND r.treatment_id = x.treatment_id;

  -- The links, as retention_relink computes them, for every client at once.
  WITH v AS (SELECT r.treatment_id, r.family, r.client_id, r.performed_at,
               lead(r.performed_at) OVER w AS next_visit, lag(r.performed_at) OVER w AS prev_visit
             FROM retention_visits r WHERE r.practice_id = p AND NOT r.refunded
             WINDOW w AS (PARTITION BY r.client_id, r.family ORDER BY r.performed_at, r.treatment_id)),
  x AS (SELECT v.*,
          (SELECT min(b.created_at) FROM bookings b WHERE b.practice_id = p AND b.client_id = v.client_id
             AND b.state <> 'cancelled' AND b.created_at > v.performed_at
             AND (cardinality(b.families) = 0 OR v.family = ANY(b.families))) AS next_booking,
          EXISTS (SELECT 1 FROM bookings b WHERE b.practice_id = p AND b.client_id = v.client_id
             AND b.state <> 'cancelled' AND b.caused_by_step IS NOT NULL
             AND (cardinality(b.families) = 0 OR v.family = ANY(b.families))
             AND (b.starts_at AT TIME ZONE z)::date = (v.performed_at AT TIME ZONE z)::date) AS by_reminder
        FROM v)
  UPDATE retention_visits r SET is_return = x.prev_visit IS NOT NULL,
    returned_on = (x.next_visit AT TIME ZONE z)::date,
    rebooked_on = (least(x.next_visit, x.next_booking) AT TIME ZONE z)::date,
    reminder_booked = x.by_reminder
  FROM x WHERE r.practice_id = p AND r.treatment_id = x.treatment_id AND r.family = x.family;
END $$;
