/* loyalty_sql.c: the SQL statements of service/domain/loyalty.c. */
#include "loyalty_sql.h"

const db_stmt LOY_SETTINGS = {"loy_settings", "SELECT loyalty_settings($1)::text"};
const db_stmt LOY_DEFAULTS = {"loy_defaults", "SELECT loyalty_default_settings()::text"};
const db_stmt LOY_TYPE_NAMED = {"loy_type_named", "SELECT treatment_type_named($1, $2)"};
const db_stmt LOY_PUT = {
    "loy_put", "INSERT INTO loyalty_programs (practice_id, settings) VALUES ($1, $2::jsonb) "
               "ON CONFLICT (practice_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = clock_timestamp() "
               "RETURNING settings"};
/* Locks the account (made if new) so spends of one client happen one at a time. */
/* The client's row first, then the account: every writer of a client (a visit, a booking, a refund, a
 * redemption) locks the client row before anything else of the client's, so two of them never wait
 * for each other in a cycle (a refund holding the account while a visit held the client deadlocked:
 * the ledger's balance update checks its key against the client row). */
const db_stmt LOY_LOCK = {"loy_lock", "WITH c AS (SELECT 1 FROM clients WHERE practice_id = $1 AND id = $2 FOR UPDATE) "
                                      "INSERT INTO loyalty_accounts AS a (practice_id, client_id) SELECT $1, $2 FROM c "
                                      "ON CONFLICT (practice_id, client_id) DO UPDATE SET balance = a.balance "
                                      "RETURNING a.balance, a.debt, (a.xmax = 0)::int"};
/* Everything a visit's points depend on, as of the visit. */
const db_stmt LOY_EARN_CONTEXT = {
    "loy_earn_context",
    "WITH tr AS (SELECT performed_at, behaviours FROM treatments WHERE practice_id = $1 AND id = $3), "
    "  s AS (SELECT loyalty_settings($1) AS v), "
    "  win AS (SELECT t.id, (SELECT coalesce(sum(i.price_cents), 0) FROM treatment_items i "
    "            WHERE i.practice_id = t.practice_id AND i.treatment_id = t.id AND i.points_eligible) AS spend "
    "          FROM treatments t, tr WHERE t.practice_id = $1 AND t.client_id = $2 AND t.refunded_at IS NULL "
    "            AND t.performed_at > loyalty_window_start(tr.performed_at) AND t.performed_at <= tr.performed_at "
    "            AND EXISTS (SELECT 1 FROM treatment_items i WHERE i.practice_id = t.practice_id "
    "                        AND i.treatment_id = t.id AND i.points_eligible)) "
    "SELECT s.v::text AS settings, "
    "  (SELECT coalesce(sum(price_cents), 0) FROM treatment_items WHERE practice_id = $1 AND treatment_id = $3 "
    "     AND points_eligible) AS eligible_cents, "
    "  (SELECT coalesce(sum((s.v->'flat_points'->>type_code)::int), 0) FROM treatment_items "
    "     WHERE practice_id = $1 AND treatment_id = $3 AND points_eligible) AS flat_points, "
    "  (SELECT count(*) FROM win) AS visits_12m, (SELECT coalesce(sum(spend), 0) FROM win) AS spend_12m, "
    "  (SELECT loyalty_tier_of(th.min_visits, th.min_spend, (SELECT count(*) FROM win), "
    "     (SELECT coalesce(sum(spend), 0) FROM win)::bigint) FROM loyalty_tier_thresholds(s.v) th) AS tier, "
    "  (SELECT count(*) FROM treatments WHERE practice_id = $1 AND client_id = $2 AND refunded_at IS NULL) AS visit_no, "
    "  a.referral_visits_left, a.referral_multiplier, "
    "  (SELECT coalesce(sum(points), 0) FROM loyalty_ledger WHERE practice_id = $1 AND client_id = $2 "
    "     AND kind = 'earn' AND created_at > now() - interval '1 year') AS earned_year, "
    "  (SELECT r.id FROM referrals r WHERE r.practice_id = $1 AND r.referred_id = $2 AND r.converted_at IS NULL) "
    "    AS referral_id, "
    "  (SELECT r.referrer_id FROM referrals r WHERE r.practice_id = $1 AND r.referred_id = $2 "
    "     AND r.converted_at IS NULL) AS referrer_id, "
    "  (tr.performed_at + make_interval(months => (s.v->>'expiry_months')::int))::text AS expires_at, "
    "  (SELECT coalesce(exp(sum(ln((s.v->'behaviour_multipliers'->>b)::numeric))), 1) FROM unnest(tr.behaviours) b) "
    "    AS behaviour_multiplier, "
    "  (SELECT c.last_lapsed_at::text FROM clients c WHERE c.practice_id = $1 AND c.id = $2 "
    "     AND c.last_lapsed_at > coalesce((SELECT max(o.performed_at) FROM treatments o WHERE o.practice_id = $1 "
    "       AND o.client_id = $2 AND o.id <> $3 AND o.refunded_at IS NULL AND o.performed_at < tr.performed_at), "
    "       '-infinity') "
    "     AND NOT EXISTS (SELECT 1 FROM reactivations x WHERE x.practice_id = $1 AND x.client_id = $2 "
    "       AND x.lapsed_at = c.last_lapsed_at)) AS lapsed_at, "
    "  tr.performed_at::text AS performed_at "
    "FROM tr, s LEFT JOIN loyalty_accounts a ON a.practice_id = $1 AND a.client_id = $2"};
const db_stmt LOY_VISIT_TIER = {
    "loy_visit_tier", "WITH t AS (UPDATE treatments SET tier = $3 WHERE practice_id = $1 AND id = $2 RETURNING id) "
                      "UPDATE retention_visits SET tier = $3 WHERE practice_id = $1 AND treatment_id = $2"};
/* An award: points that can be spent until they expire. */
const db_stmt LOY_AWARD = {
    "loy_award",
    "INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, remaining, expires_at, reason, treatment_id, "
    "  idempotency_key) VALUES ($1, $2, $3, $4::int, $4::int, $5::timestamptz, $6, $7, $8) "
    "ON CONFLICT (practice_id, idempotency_key) DO NOTHING RETURNING id"};
const db_stmt LOY_ADJUST_AWARD = {
    "loy_adjust_award",
    "INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, remaining, expires_at, reason) "
    "VALUES ($1, $2, 'adjust', $3::int, $3::int, now() + make_interval(months => $4::int), $5) RETURNING id"};
const db_stmt LOY_SPEND = {"loy_spend", "SELECT loyalty_spend($1, $2, $3::int, $4, $5, $6, $7::bigint, $8)"};
const db_stmt LOY_ADD_DEBT = {
    "loy_add_debt", "UPDATE loyalty_accounts SET debt = debt + $3::int WHERE practice_id = $1 AND client_id = $2"};
const db_stmt LOY_PAY_DEBT = {
    "loy_pay_debt", "UPDATE loyalty_accounts SET debt = debt - $3::int WHERE practice_id = $1 AND client_id = $2"};
const db_stmt LOY_REFERRAL_USED = {"loy_referral_used",
                                   "UPDATE loyalty_accounts SET referral_visits_left = referral_visits_left - 1 "
                                   "WHERE practice_id = $1 AND client_id = $2 AND referral_visits_left > 0"};
const db_stmt LOY_CONVERT = {
    "loy_convert",
    "WITH r AS (UPDATE referrals SET converted_at = clock_timestamp() WHERE practice_id = $1 AND id = $2 "
    "    RETURNING referrer_id) "
    "INSERT INTO loyalty_accounts (practice_id, client_id, referral_visits_left, referral_multiplier) "
    "SELECT $1, referrer_id, $3::int, $4::numeric FROM r "
    "ON CONFLICT (practice_id, client_id) DO UPDATE SET referral_visits_left = EXCLUDED.referral_visits_left, "
    "  referral_multiplier = EXCLUDED.referral_multiplier"};
const db_stmt LOY_PERK = {"loy_perk",
                          "INSERT INTO perks (practice_id, client_id, name, source, treatment_id, expires_at) "
                          "VALUES ($1, $2, $3, $4, $5, clock_timestamp() + $6::int * interval '1 day')"};
const db_stmt LOY_REACTIVATION = {
    "loy_reactivation", "INSERT INTO reactivations (practice_id, treatment_id, client_id, lapsed_at, returned_at) "
                        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"};
const db_stmt LOY_REFUND = {"loy_refund",
                            "UPDATE treatments SET refunded_at = clock_timestamp() WHERE practice_id = $1 AND id = $2 "
                            "RETURNING client_id, refunded_at IS NOT NULL"};
const db_stmt LOY_REFUND_STATE = {
    "loy_refund_state", "SELECT client_id, refunded_at IS NOT NULL FROM treatments WHERE practice_id = $1 AND id = $2 "
                        "FOR UPDATE"};
/* The visit's awards: what they gave and what is left; what is left is taken back here. */
const db_stmt LOY_TAKE_BACK = {
    "loy_take_back",
    "WITH a AS (SELECT id, points, remaining FROM loyalty_ledger WHERE practice_id = $1 AND treatment_id = $2 "
    "    AND points > 0 FOR UPDATE), "
    "  z AS (UPDATE loyalty_ledger l SET remaining = 0 FROM a WHERE l.practice_id = $1 AND l.id = a.id "
    "    AND a.remaining > 0) "
    "SELECT coalesce(sum(points), 0), coalesce(sum(remaining), 0) FROM a"};
const db_stmt LOY_REVERSE_LEFT = {
    "loy_reverse_left", "INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, reason, treatment_id) "
                        "VALUES ($1, $2, 'reverse', -$3::int, 'treatment refunded: its unspent points', $4)"};
const db_stmt LOY_SUMMARY = {
    "loy_summary",
    "WITH s AS (SELECT loyalty_settings($1) AS v), "
    "  win AS (SELECT t.id, (SELECT coalesce(sum(i.price_cents), 0) FROM treatment_items i "
    "            WHERE i.practice_id = t.practice_id AND i.treatment_id = t.id AND i.points_eligible) AS spend "
    "          FROM treatments t WHERE t.practice_id = $1 AND t.client_id = $2 AND t.refunded_at IS NULL "
    "            AND t.performed_at > loyalty_window_start(now()) "
    "            AND EXISTS (SELECT 1 FROM treatment_items i WHERE i.practice_id = t.practice_id "
    "                        AND i.treatment_id = t.id AND i.points_eligible)) "
    "SELECT s.v::text, coalesce(a.balance, 0), coalesce(a.debt, 0), (SELECT count(*) FROM win), "
    "  (SELECT coalesce(sum(spend), 0) FROM win), "
    "  (SELECT count(*) FROM treatments WHERE practice_id = $1 AND client_id = $2 AND refunded_at IS NULL), "
    "  coalesce(a.referral_visits_left, 0), coalesce(a.referral_multiplier, 1), "
    "  coalesce((SELECT jsonb_agg(perk_json(p) ORDER BY p.granted_at) "
    "    FROM perks p WHERE p.practice_id = $1 AND p.client_id = $2), '[]')::text, "
    "  (SELECT min(expires_at)::text FROM loyalty_ledger WHERE practice_id = $1 AND client_id = $2 "
    "     AND remaining > 0), "
    "  (SELECT loyalty_tier_of(th.min_visits, th.min_spend, (SELECT count(*) FROM win), "
    "     (SELECT coalesce(sum(spend), 0) FROM win)::bigint) FROM loyalty_tier_thresholds(s.v) th) "
    "FROM s LEFT JOIN loyalty_accounts a ON a.practice_id = $1 AND a.client_id = $2"};
const db_stmt LOY_LEDGER = {
    "loy_ledger",
    "SELECT coalesce(jsonb_agg(ledger_entry_json(x.l) ORDER BY (x.l).id DESC), '[]')::text, min((x.l).id), count(*) "
    "FROM (SELECT l FROM loyalty_ledger l WHERE l.practice_id = $1 AND l.client_id = $2 "
    "      AND ($3::bigint IS NULL OR l.id < $3::bigint) ORDER BY l.id DESC LIMIT $4) x"};
const db_stmt LOY_ENTRY = {
    "loy_entry", "SELECT ledger_entry_json(l) || jsonb_build_object('balance', (SELECT balance FROM loyalty_accounts a "
                 "  WHERE a.practice_id = l.practice_id AND a.client_id = l.client_id)) "
                 "FROM loyalty_ledger l WHERE l.practice_id = $1 AND l.id = $2::bigint"};
const db_stmt LOY_TIER_OF = {
    "loy_tier_of",
    "SELECT loyalty_tier_of(th.min_visits, th.min_spend, $2::bigint, $3::bigint) FROM loyalty_tier_thresholds($1::jsonb) th"};
const db_stmt LOY_USE_PERK = {
    "loy_use_perk",
    "UPDATE perks p SET used_at = clock_timestamp() WHERE practice_id = $1 AND client_id = $2 AND id = $3 "
    "  AND used_at IS NULL AND (expires_at IS NULL OR expires_at > now()) "
    "RETURNING perk_json(p)"};
const db_stmt LOY_PERK_STATE = {
    "loy_perk_state",
    "SELECT used_at IS NOT NULL, expires_at <= now() FROM perks WHERE practice_id = $1 AND client_id = $2 AND id = $3"};
const db_stmt LOY_REFER = {
    "loy_refer", "INSERT INTO referrals AS r (practice_id, referrer_id, referred_id) VALUES ($1, $2, $3) "
                 "RETURNING jsonb_build_object('id', r.id, 'referrer_id', r.referrer_id, 'referred_id', r.referred_id, "
                 "  'converted_at', r.converted_at, 'created_at', r.created_at)"};
const db_stmt LOY_FIRST_VISIT = {"loy_first_visit",
                                 "SELECT 1 FROM treatments WHERE practice_id = $1 AND client_id = $2 LIMIT 1"};
const db_stmt LOY_EXPIRE_ALL = {"loy_expire_all", "SELECT loyalty_expire(NULL)"};
const db_stmt LOY_EXPIRE_CLIENT = {"loy_expire_client", "SELECT loyalty_expire($1)"};
