-- retention_figures: The retention figures of practice p for the local dates d0..d1, filtered by type t, injector inj
-- and tier tr, grouped by g (type, month, tier or nothing): one pass over retention_visits
-- (README, Retention analytics, defines each figure).
CREATE OR REPLACE FUNCTION retention_figures(p uuid, d0 date, d1 date, t text, inj uuid, g text, tr text DEFAULT NULL)
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
