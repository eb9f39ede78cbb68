-- The loyalty program's figures for practice p: members by tier (loyalty_tier_of, over the window of
-- loyalty_window_start, as the points engine computes them), lifetime value (every visit not refunded),
-- active members (a visit in the last 180 days) and dormant ones, the points outstanding and their value,
-- and, for the local dates d0..d1, perks granted and used and visits with the two-week safety check.
CREATE OR REPLACE FUNCTION loyalty_figures(p uuid, d0 date, d1 date) RETURNS jsonb LANGUAGE sql STABLE
SET jit = off SET work_mem = '64MB' AS $$
  WITH s AS (SELECT loyalty_settings(p) AS v, (SELECT time_zone FROM practices WHERE id = p) AS z),
  tiers AS (SELECT (x.o - 1)::int AS i, x.t->>'name' AS name
            FROM s, jsonb_array_elements(s.v->'tiers') WITH ORDINALITY x(t, o)),
  clients_ AS (  -- per client: lifetime value, last visit, and the 12 months the tier counts
    SELECT client_id, sum(revenue_cents) AS value, max(performed_at) AS last_visit,
      count(*) FILTER (WHERE primary_row AND visit_eligible AND performed_at > loyalty_window_start(now())) AS visits,
      coalesce(sum(eligible_cents) FILTER (WHERE performed_at > loyalty_window_start(now())), 0) AS spend
    FROM retention_visits WHERE practice_id = p AND NOT refunded GROUP BY client_id),
  m AS (
    SELECT a.balance, a.debt, coalesce(c.value, 0) AS value,
      coalesce(c.last_visit > now() - interval '180 days', false) AS active,
      loyalty_tier_of(th.min_visits, th.min_spend, coalesce(c.visits, 0), coalesce(c.spend, 0)::bigint) AS tier
    FROM s CROSS JOIN LATERAL loyalty_tier_thresholds(s.v) th, loyalty_accounts a
    LEFT JOIN clients_ c ON c.client_id = a.client_id WHERE a.practice_id = p),
  by_tier AS (SELECT tier, count(*) AS members, count(*) FILTER (WHERE active) AS active, round(avg(value)) AS ltv
              FROM m GROUP BY tier),
  totals AS (SELECT count(*) AS members, count(*) FILTER (WHERE active) AS active,
               coalesce(sum(balance), 0) AS balance, coalesce(sum(debt), 0) AS debt FROM m),
  period AS (SELECT local_instant(d0, '00:00', s.z) AS t0, local_instant(d1 + 1, '00:00', s.z) AS t1 FROM s),
  perk_rows AS (SELECT k.source,
                  count(*) FILTER (WHERE k.granted_at >= period.t0 AND k.granted_at < period.t1) AS granted,
                  count(*) FILTER (WHERE k.used_at >= period.t0 AND k.used_at < period.t1) AS used
                FROM perks k, period WHERE k.practice_id = p
                  AND ((k.granted_at >= period.t0 AND k.granted_at < period.t1)
                       OR (k.used_at >= period.t0 AND k.used_at < period.t1))
                GROUP BY k.source),
  visits AS (SELECT count(*) AS n, count(*) FILTER (WHERE 'safety_check' = ANY(t.behaviours)) AS checked
             FROM treatments t, period WHERE t.practice_id = p AND t.refunded_at IS NULL
               AND t.performed_at >= period.t0 AND t.performed_at < period.t1)
  SELECT jsonb_build_object(
    'from', d0, 'to', d1,
    'members', totals.members, 'active_members', totals.active, 'dormant_members', totals.members - totals.active,
    'tiers', (SELECT coalesce(jsonb_agg(jsonb_build_object('tier', t.name, 'members', coalesce(b.members, 0),
                'active_members', coalesce(b.active, 0), 'average_lifetime_value_cents', b.ltv) ORDER BY t.i), '[]')
              FROM tiers t LEFT JOIN by_tier b ON b.tier = t.i),
    'points_outstanding', totals.balance,
    'points_liability_cents', round(totals.balance * (SELECT (v->>'point_value_cents')::numeric FROM s)),
    'points_debt', totals.debt,
    'perks', (SELECT coalesce(jsonb_agg(jsonb_build_object('source', source, 'granted', granted, 'used', used)
               ORDER BY source), '[]') FROM perk_rows),
    'perks_granted', (SELECT coalesce(sum(granted), 0) FROM perk_rows),
    'perks_used', (SELECT coalesce(sum(used), 0) FROM perk_rows),
    'visits', visits.n, 'safety_check_visits', visits.checked,
    'safety_check_rate', round(visits.checked::numeric / nullif(visits.n, 0), 4))
  FROM totals, visits
$$;
