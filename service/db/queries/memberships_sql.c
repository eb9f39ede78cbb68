/* memberships_sql.c: the SQL statements of service/domain/memberships.c. */
#include "memberships_sql.h"

const db_stmt MS_PLAN_INSERT = {
    "ms_plan_insert",
    "INSERT INTO membership_plans AS p (practice_id, name, monthly_fee_cents, monthly_credit_cents, rollover_months, "
    "  member_discount_percent, vip_perk) SELECT $1, j->>'name', (j->>'monthly_fee_cents')::int, "
    "  (j->>'monthly_credit_cents')::int, (j->>'rollover_months')::int, "
    "  coalesce((j->>'member_discount_percent')::int, 0), j->>'vip_perk' FROM (SELECT $2::jsonb AS j) s "
    "RETURNING membership_plan_json(p)"};
const db_stmt MS_PLAN_LIST = {
    "ms_plan_list", "SELECT coalesce(jsonb_agg(membership_plan_json(p) ORDER BY p.name), '[]') FROM membership_plans p "
                    "WHERE p.practice_id = $1"};
const db_stmt MS_JOIN = {
    "ms_join",
    "INSERT INTO memberships (practice_id, client_id, plan_id, next_bank_on) "
    "SELECT $1, $2, p.id, current_date FROM membership_plans p WHERE p.practice_id = $1 AND p.id = $3 RETURNING id"};
const db_stmt MS_MONTHLY_ONE = {"ms_monthly_one", "SELECT membership_monthly($1)"};
const db_stmt MS_MONTHLY_ALL = {"ms_monthly_all", "SELECT membership_monthly(NULL)"};
const db_stmt MS_GET = {"ms_get", "SELECT membership_json(ms) FROM memberships ms WHERE practice_id = $1 AND id = $2"};
const db_stmt MS_ACTIVE = {
    "ms_active",
    "SELECT id FROM memberships WHERE practice_id = $1 AND client_id = $2 AND state = 'active' FOR UPDATE"};
const db_stmt MS_PAYMENT = {
    "ms_payment", "INSERT INTO membership_payments (practice_id, membership_id, amount_cents, paid_at, reference) "
                  "VALUES ($1, $2, $3::int, coalesce($4::timestamptz, clock_timestamp()), $5)"};
const db_stmt MS_CANCEL = {
    "ms_cancel", "UPDATE memberships SET state = 'cancelled', cancelled_at = clock_timestamp(), cancel_reason = $3 "
                 "WHERE practice_id = $1 AND id = $2"};
const db_stmt MS_CREDIT = {
    "ms_credit",
    "SELECT coalesce(sum(remaining), 0) FROM membership_credits WHERE practice_id = $1 AND membership_id = $2"};
/* Spends $3 cents from the banks oldest first, as one 'use' entry. */
const db_stmt MS_USE = {
    "ms_use",
    "WITH locked AS (SELECT id, remaining FROM membership_credits WHERE practice_id = $1 AND membership_id = $2 "
    "    AND remaining > 0 ORDER BY id FOR UPDATE), "
    "  banks AS (SELECT id, remaining, sum(remaining) OVER (ORDER BY id) - remaining AS before FROM locked), "
    "  taken AS (UPDATE membership_credits c SET remaining = c.remaining - least(b.remaining, $3::int - b.before) "
    "    FROM banks b WHERE c.practice_id = $1 AND c.id = b.id AND b.before < $3::int RETURNING 1) "
    "INSERT INTO membership_credits (practice_id, membership_id, kind, cents, reason) "
    "SELECT $1, $2, 'use', -$3::int, 'credit used at checkout' FROM (SELECT count(*) FROM taken) t"};
const db_stmt MS_LATEST = {
    "ms_latest",
    "SELECT membership_json(ms), (SELECT count(*) FROM treatments t WHERE t.practice_id = $1 AND t.client_id = $2 "
    "  AND t.refunded_at IS NULL) >= 2 AND NOT EXISTS (SELECT 1 FROM memberships a WHERE a.practice_id = $1 "
    "  AND a.client_id = $2 AND a.state = 'active') AND EXISTS (SELECT 1 FROM membership_plans p "
    "  WHERE p.practice_id = $1) "
    "FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * FROM memberships m WHERE m.practice_id = $1 AND m.client_id = $2 "
    "  ORDER BY m.state = 'active' DESC, m.started_at DESC LIMIT 1) ms ON true"};
