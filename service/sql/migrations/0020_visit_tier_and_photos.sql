-- 0020_visit_tier_and_photos: the loyalty tier a client had at each visit, so
-- retention figures group and filter by it (group_by=tier, tier=...); and the
-- private before/after photo link in messages, for clients who consented to
-- photos, from a per-practice URL with the client's external id.

-- The tier the visit earned its points at (the client's visits and spend in the 12 months up to and
-- including it); NULL for visits recorded before tiers were kept ("none" in the analytics).
ALTER TABLE treatments ADD COLUMN tier text;
ALTER TABLE retention_visits ADD COLUMN tier text;

CREATE OR REPLACE FUNCTION treatment_json(t treatments) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', t.id, 'client_id', t.client_id, 'injector_id', t.injector_id,
    'performed_at', t.performed_at, 'source', t.source, 'external_id', t.external_id,
    'notes', t.notes, 'behaviours', to_jsonb(t.behaviours), 'refunded_at', t.refunded_at, 'created_at', t.created_at,
    'tier', t.tier,
    'items', coalesce((SELECT jsonb_agg(jsonb_build_object(
        'type', i.type_code, 'family', i.family, 'given_name', i.given_name, 'areas', to_jsonb(i.areas),
        'units', i.units, 'volume_ml', i.volume_ml, 'product', i.product, 'lot_number', i.lot_number,
        'dilution', i.dilution, 'notes', i.notes, 'price_cents', i.price_cents,
        'points_eligible', i.points_eligible, 'series_complete', i.series_complete) ORDER BY i.item_no)
      FROM treatment_items i WHERE i.practice_id = t.practice_id AND i.treatment_id = t.id), '[]'))
$$;

-- The photo link: photo_url holds {external_id}, replaced by the client's id in photo_id_system (or, when
-- that is null, its first by system name); a client without one, or without photo consent, gets none.
ALTER TABLE practices ADD COLUMN photo_url text CHECK (photo_url LIKE '%{external_id}%');
ALTER TABLE practices ADD COLUMN photo_id_system text;

CREATE OR REPLACE FUNCTION practice_json(p practices) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'name', p.name, 'time_zone', p.time_zone, 'address', p.address,
    'parking_text', p.parking_text, 'check_in_text', p.check_in_text,
    'contact_text', p.contact_text, 'booking_url', p.booking_url, 'intake_url', p.intake_url,
    'photo_url', p.photo_url, 'photo_id_system', p.photo_id_system,
    'sms_from', p.sms_from, 'email_from', p.email_from, 'report_email', p.report_email,
    'report_alarm_percent', p.report_alarm_percent,
    'quiet_hours', jsonb_build_object('start', to_char(p.quiet_start, 'HH24:MI'),
                                      'end', to_char(p.quiet_end, 'HH24:MI')),
    'send_time', to_char(p.send_time, 'HH24:MI'),
    'appearance_phrases', to_jsonb(p.appearance_phrases),
    'incentive_text', p.incentive_text,
    'sender_mode', p.sender_mode, 'paused', p.paused,
    'created_at', p.created_at, 'updated_at', p.updated_at)
$$;

-- The rebuild keeps the tier too. Builds practice p's rows from scratch, set-based: for the data that
-- existed before migration 0016
-- and for bulk loads made with triggers off (the benchmark's generator).
CREATE OR REPLACE FUNCTION retention_rebuild(p uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  z text := (SELECT time_zone FROM practices WHERE id = p);
BEGIN
  DELETE FROM retention_visits WHERE practice_id = p;
  INSERT INTO retention_visits (practice_id, treatment_id, family, client_id, type_code, injector_id, performed_at,
    visit_date, on_time_by, revenue_cents, eligible_cents, primary_row, refunded, tier)
  SELECT p, t.id, i.family, t.client_id, (array_agg(i.type_code ORDER BY i.item_no))[1], t.injector_id,
    t.performed_at, (t.performed_at AT TIME ZONE z)::date,
    (t.performed_at AT TIME ZONE z)::date + coalesce((array_agg(tt.window_days ORDER BY i.item_no))[1], 84) + 14,
    sum(i.price_cents), coalesce(sum(i.price_cents) FILTER (WHERE i.points_eligible), 0), min(i.item_no) = 1,
    t.refunded_at IS NOT NULL, t.tier
  FROM treatments t JOIN treatment_items i ON i.practice_id = t.practice_id AND i.treatment_id = t.id
  LEFT JOIN treatment_types tt ON tt.practice_id = p AND tt.code = i.type_code
  WHERE t.practice_id = p GROUP BY t.practice_id, t.id, i.family;

  UPDATE retention_visits r SET visit_eligible = true
  FROM treatment_items i WHERE i.practice_id = p AND i.points_eligible AND r.practice_id = p
    AND r.treatment_id = i.treatment_id AND NOT r.visit_eligible;

  UPDATE retention_visits r SET step1_date = st.planned_date, rebook_by = st.planned_date + 90
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
          AND b.created_at <= m.sent_at + interval '5 days'
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


-- Retention figures, now also by tier (g = 'tier') and for one tier (tr).
DROP FUNCTION retention_figures(uuid, date, date, text, uuid, text);
CREATE FUNCTION retention_figures(p uuid, d0 date, d1 date, t text, inj uuid, g text, tr text DEFAULT NULL)
RETURNS TABLE (grp text, figures jsonb) LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $f$
DECLARE
  closed date := least(d1, (SELECT (now() AT TIME ZONE time_zone)::date - 1 FROM practices WHERE id = p));
BEGIN
  -- EXECUTE plans with this call's values ($1 p, $2 d0, $3 d1, $4 t, $5 inj, $6 g, $7 closed, $8 tr): a generic
  -- plan misjudges how many of a large practice's rows fall in the period and sorts where it should hash.
  RETURN QUERY EXECUTE $q$
  WITH rows_ AS (  -- the rows, with each of their dates that falls in the period (null outside)
    SELECT r.*,
      CASE $6 WHEN 'type' THEN r.type_code WHEN 'tier' THEN coalesce(r.tier, 'none') END AS typ,
      CASE WHEN r.visit_date BETWEEN $2 AND $3 THEN r.visit_date END AS v_d,
      CASE WHEN r.rebook_by BETWEEN $2 AND $7 THEN r.rebook_by END AS rb_d,
      CASE WHEN r.on_time_by BETWEEN $2 AND $7 AND r.step1_date IS NOT NULL THEN r.on_time_by END AS ot_d,
      CASE WHEN r.s1_sent_on BETWEEN $2 AND $3 THEN r.s1_sent_on END AS s1_d,
      CASE WHEN r.s2_sent_on BETWEEN $2 AND $3 THEN r.s2_sent_on END AS s2_d,
      CASE WHEN r.s3_sent_on BETWEEN $2 AND $3 THEN r.s3_sent_on END AS s3_d
    FROM retention_visits r
    WHERE r.practice_id = $1 AND NOT r.refunded AND ($4 IS NULL OR r.type_code = $4)
      AND ($5 IS NULL OR r.injector_id = $5) AND ($8 IS NULL OR coalesce(r.tier, 'none') = $8)),
  grouped AS (
    SELECT typ,
      CASE WHEN $6 = 'month' THEN date_trunc('month', v_d)::date ELSE v_d - v_d + $2 END AS k_visit,
      CASE WHEN $6 = 'month' THEN date_trunc('month', rb_d)::date ELSE rb_d - rb_d + $2 END AS k_rebook,
      CASE WHEN $6 = 'month' THEN date_trunc('month', ot_d)::date ELSE ot_d - ot_d + $2 END AS k_on_time,
      CASE WHEN $6 = 'month' THEN date_trunc('month', s1_d)::date ELSE s1_d - s1_d + $2 END AS k_s1,
      CASE WHEN $6 = 'month' THEN date_trunc('month', s2_d)::date ELSE s2_d - s2_d + $2 END AS k_s2,
      CASE WHEN $6 = 'month' THEN date_trunc('month', s3_d)::date ELSE s3_d - s3_d + $2 END AS k_s3,
      CASE WHEN rb_d IS NOT NULL AND rebooked_on <= rebook_by THEN rebooked_on - visit_date END AS days,
      count(*) AS n,
      count(*) FILTER (WHERE step1_date IS NOT NULL) AS n_cycle,
      count(*) FILTER (WHERE returned_on <= on_time_by) AS n_on_time,
      count(*) FILTER (WHERE responded_step = 1) AS n_resp1,
      count(*) FILTER (WHERE s2_incentive) AS n_inc,
      count(*) FILTER (WHERE s2_incentive AND responded_step = 2) AS n_inc_resp2,
      count(*) FILTER (WHERE NOT s2_incentive AND responded_step = 2) AS n_plain_resp2,
      count(*) FILTER (WHERE responded_step = 3) AS n_resp3,
      count(*) FILTER (WHERE is_return AND reminder_booked) AS n_rem,
      count(*) FILTER (WHERE is_return AND NOT reminder_booked) AS n_org,
      coalesce(sum(revenue_cents) FILTER (WHERE is_return AND reminder_booked), 0) AS rev_rem,
      coalesce(sum(revenue_cents) FILTER (WHERE is_return AND NOT reminder_booked), 0) AS rev_org,
      coalesce(sum(revenue_cents) FILTER (WHERE NOT is_return), 0) AS rev_first
    FROM rows_
    WHERE v_d IS NOT NULL OR rb_d IS NOT NULL OR ot_d IS NOT NULL OR s1_d IS NOT NULL OR s2_d IS NOT NULL
      OR s3_d IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8),
  ev AS (  -- each group once for each of its dates in the period, under that date's key
    SELECT CASE WHEN $6 IN ('type', 'tier') THEN gr.typ WHEN $6 = 'month' THEN to_char(x.k, 'YYYY-MM')
      ELSE 'all' END AS key,
      x.kind, gr.*
    FROM grouped gr CROSS JOIN LATERAL (VALUES (1, gr.k_visit), (2, gr.k_rebook), (3, gr.k_on_time),
      (4, gr.k_s1), (5, gr.k_s2), (6, gr.k_s3)) AS x(kind, k)
    WHERE x.k IS NOT NULL),
  a AS (
    SELECT grouping(key) = 1 AS total, key,
      coalesce(sum(n_cycle) FILTER (WHERE kind = 1), 0) AS cohort_size,
      coalesce(sum(n) FILTER (WHERE kind = 2), 0) AS rebook_due,
      coalesce(sum(n) FILTER (WHERE kind = 2 AND days IS NOT NULL), 0) AS rebooked_90d,
      sum(n * days) FILTER (WHERE kind = 2) AS days_sum,
      coalesce(sum(n) FILTER (WHERE kind = 3), 0) AS on_time_due,
      coalesce(sum(n_on_time) FILTER (WHERE kind = 3), 0) AS on_time_returns,
      coalesce(sum(n) FILTER (WHERE kind = 4), 0) AS s1, coalesce(sum(n_resp1) FILTER (WHERE kind = 4), 0) AS s1b,
      coalesce(sum(n_inc) FILTER (WHERE kind = 5), 0) AS s2i,
      coalesce(sum(n_inc_resp2) FILTER (WHERE kind = 5), 0) AS s2ib,
      coalesce(sum(n - n_inc) FILTER (WHERE kind = 5), 0) AS s2p,
      coalesce(sum(n_plain_resp2) FILTER (WHERE kind = 5), 0) AS s2pb,
      coalesce(sum(n) FILTER (WHERE kind = 6), 0) AS s3, coalesce(sum(n_resp3) FILTER (WHERE kind = 6), 0) AS s3b,
      coalesce(sum(n_rem) FILTER (WHERE kind = 1), 0) AS rebook_rem,
      coalesce(sum(n_org) FILTER (WHERE kind = 1), 0) AS rebook_org,
      coalesce(sum(rev_rem) FILTER (WHERE kind = 1), 0) AS rev_rem,
      coalesce(sum(rev_org) FILTER (WHERE kind = 1), 0) AS rev_org,
      coalesce(sum(rev_first) FILTER (WHERE kind = 1), 0) AS rev_first
    FROM ev GROUP BY ROLLUP (key)),
  hist AS (  -- days to rebook: how many rebooked after each number of days, per key and in all
    SELECT key, days, sum(n) AS n FROM ev WHERE kind = 2 AND days IS NOT NULL GROUP BY key, days
    UNION ALL
    SELECT NULL, days, sum(n) FROM ev WHERE kind = 2 AND days IS NOT NULL GROUP BY days),
  med AS (  -- the median as percentile_cont(0.5): the middle value, or the mean of the two middle ones
    SELECT key, (min(days) FILTER (WHERE cum >= div(total + 1, 2)) + min(days) FILTER (WHERE cum >= div(total, 2) + 1))
      / 2.0 AS median
    FROM (SELECT key, days, sum(n) OVER (PARTITION BY key ORDER BY days) AS cum,
            sum(n) OVER (PARTITION BY key) AS total FROM hist) h
    GROUP BY key),
  lapsed AS (  -- distinct clients, from their own small index
    SELECT grouping(key) = 1 AS total, key, count(DISTINCT client_id) AS n
    FROM (SELECT DISTINCT
            CASE $6 WHEN 'type' THEN type_code WHEN 'tier' THEN coalesce(tier, 'none')
              WHEN 'month' THEN to_char(lapsed_on, 'YYYY-MM') ELSE 'all' END AS key,
            client_id
          FROM retention_visits WHERE practice_id = $1 AND lapsed_on BETWEEN $2 AND $3 AND NOT refunded
            AND ($4 IS NULL OR type_code = $4) AND ($5 IS NULL OR injector_id = $5)
            AND ($8 IS NULL OR coalesce(tier, 'none') = $8)) l
    GROUP BY ROLLUP (key)),
  back AS (
    SELECT grouping(key) = 1 AS total, key, count(DISTINCT client_id) AS n
    FROM (SELECT DISTINCT
            CASE $6 WHEN 'type' THEN type_code WHEN 'tier' THEN coalesce(tier, 'none')
              WHEN 'month' THEN to_char(visit_date, 'YYYY-MM') ELSE 'all' END AS key,
            client_id
          FROM retention_visits WHERE practice_id = $1 AND reactivated AND visit_date BETWEEN $2 AND $3
            AND NOT refunded AND ($4 IS NULL OR type_code = $4) AND ($5 IS NULL OR injector_id = $5)
            AND ($8 IS NULL OR coalesce(tier, 'none') = $8)) b
    GROUP BY ROLLUP (key)),
  keys AS (
    SELECT total, key FROM a UNION SELECT total, key FROM lapsed UNION SELECT total, key FROM back)
  SELECT CASE WHEN k.total THEN 'all' ELSE k.key END, jsonb_build_object(
    'group', CASE WHEN k.total THEN 'all' ELSE k.key END,
    'cohort_size', coalesce(a.cohort_size, 0),
    'rebook_due', coalesce(a.rebook_due, 0), 'rebooked_90d', coalesce(a.rebooked_90d, 0),
    'rebook_rate_90d', round(a.rebooked_90d / nullif(a.rebook_due, 0), 4),
    'on_time_due', coalesce(a.on_time_due, 0), 'on_time_returns', coalesce(a.on_time_returns, 0),
    'on_time_return_rate', round(a.on_time_returns / nullif(a.on_time_due, 0), 4),
    'avg_days_to_rebook', round(a.days_sum / nullif(a.rebooked_90d, 0), 1),
    'median_days_to_rebook', round(m.median, 1),
    'step1_sent', coalesce(a.s1, 0), 'step1_bookings', coalesce(a.s1b, 0),
    'step1_response_rate', round(a.s1b / nullif(a.s1, 0), 4),
    'step2_incentive_sent', coalesce(a.s2i, 0), 'step2_incentive_bookings', coalesce(a.s2ib, 0),
    'step2_incentive_response_rate', round(a.s2ib / nullif(a.s2i, 0), 4),
    'step2_plain_sent', coalesce(a.s2p, 0), 'step2_plain_bookings', coalesce(a.s2pb, 0),
    'step2_plain_response_rate', round(a.s2pb / nullif(a.s2p, 0), 4),
    'step3_sent', coalesce(a.s3, 0), 'step3_bookings', coalesce(a.s3b, 0),
    'step3_response_rate', round(a.s3b / nullif(a.s3, 0), 4),
    'rebookings_reminder', coalesce(a.rebook_rem, 0), 'rebookings_organic', coalesce(a.rebook_org, 0),
    'revenue_reminder_cents', coalesce(a.rev_rem, 0), 'revenue_organic_cents', coalesce(a.rev_org, 0),
    'revenue_first_visit_cents', coalesce(a.rev_first, 0),
    'lapsed_clients', coalesce(l.n, 0), 'reactivated_clients', coalesce(b.n, 0))
  FROM keys k
  LEFT JOIN a ON a.total = k.total AND a.key IS NOT DISTINCT FROM k.key
  LEFT JOIN med m ON m.key IS NOT DISTINCT FROM CASE WHEN k.total THEN NULL ELSE k.key END
  LEFT JOIN lapsed l ON l.total = k.total AND l.key IS NOT DISTINCT FROM k.key
  LEFT JOIN back b ON b.total = k.total AND b.key IS NOT DISTINCT FROM k.key
  WHERE k.total OR $6 IS NOT NULL
  ORDER BY k.total, k.key
  $q$ USING p, d0, d1, t, inj, g, closed, tr;
END $f$;
