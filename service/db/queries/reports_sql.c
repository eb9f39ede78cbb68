/* reports_sql.c: the SQL statements of service/jobs/reports.c. */
#include "reports_sql.h"

/* $2 the week's Monday (NULL: last week), $3 email it (the thread), $4 replace a stored one (on request). */
const db_stmt RP_MAKE = {
    "rp_make",
    "WITH p AS (SELECT id, time_zone, report_alarm_percent, report_email FROM practices WHERE id = $1), "
    "  w AS (SELECT coalesce($2::date, date_trunc('week', now() AT TIME ZONE p.time_zone)::date - 7) AS d FROM p), "
    "  cur AS (SELECT f.figures - 'group' AS f FROM w, retention_figures($1, w.d, w.d + 6, NULL, NULL, NULL) f), "
    "  prev AS (SELECT f.figures - 'group' AS f FROM w, retention_figures($1, w.d - 7, w.d - 1, NULL, NULL, NULL) f), "
    "  b AS (SELECT w.d, p.report_email, jsonb_build_object( "
    "      'week', jsonb_build_object('from', w.d, 'to', w.d + 6), "
    "      'previous_week', jsonb_build_object('from', w.d - 7, 'to', w.d - 1), "
    "      'alarm_threshold_percent', p.report_alarm_percent, "
    "      'alarm', CASE WHEN (cur.f->>'on_time_return_rate')::numeric * 100 < p.report_alarm_percent "
    "        THEN format('On-time return rate %s%% is under the alarm threshold of %s%%', "
    "                    round((cur.f->>'on_time_return_rate')::numeric * 100, 1), p.report_alarm_percent) END, "
    "      'figures', cur.f, 'previous', prev.f, "
    "      'changes', (SELECT coalesce(jsonb_object_agg(k, round((cur.f->>k)::numeric - (prev.f->>k)::numeric, 4)), "
    "                    '{}') FROM jsonb_object_keys(cur.f) k "
    "                  WHERE jsonb_typeof(cur.f->k) = 'number' AND jsonb_typeof(prev.f->k) = 'number'), "
    "      'loyalty', loyalty_figures($1, w.d, w.d + 6)) AS body "
    "    FROM p, w, cur, prev) "
    "INSERT INTO analytics_reports AS r (practice_id, week_start, body, email_state) "
    "SELECT $1, b.d, b.body, "
    "  CASE WHEN $3::boolean AND b.report_email IS NOT NULL THEN 'pending' ELSE 'none' END FROM b "
    "ON CONFLICT (practice_id, week_start) DO UPDATE SET body = excluded.body, "
    "  created_at = clock_timestamp() WHERE $4::boolean "
    "RETURNING report_json(r), xmax = 0"};
/* A Monday whose week has ended in the practice's zone. */
const db_stmt RP_WEEK_OK = {"rp_week_ok",
                            "SELECT 1 FROM practices p WHERE p.id = $1 AND extract(isodow FROM $2::date) = 1 "
                            "  AND $2::date + 7 <= (now() AT TIME ZONE p.time_zone)::date"};
const db_stmt RP_GET = {"rp_get",
                        "SELECT report_json(r) FROM analytics_reports r WHERE r.practice_id = $1 AND r.id = $2"};
const db_stmt RP_CURSOR_OK = {"rp_cursor_ok",
                              "SELECT 1 FROM analytics_reports WHERE practice_id = $1 AND id = $2 "
                              "  AND week_start = ('epoch'::timestamp + $3::bigint * interval '1 microsecond')::date"};
const db_stmt RP_LIST = {
    "rp_list", "SELECT report_json(r), (extract(epoch FROM r.week_start::timestamp) * 1000000)::bigint || '.' || r.id "
               "FROM analytics_reports r WHERE r.practice_id = $1 "
               "  AND ($2::bigint IS NULL OR (r.week_start, r.id) < "
               "       (('epoch'::timestamp + $2::bigint * interval '1 microsecond')::date, $3::uuid)) "
               "ORDER BY r.week_start DESC, r.id DESC LIMIT $4"};
/* Practices whose last week is reported from Monday 06:00 local, if they existed before that week ended. */
const db_stmt RP_DUE = {
    "rp_due",
    "SELECT p.id FROM practices p, LATERAL (SELECT date_trunc('week', now() AT TIME ZONE p.time_zone) AS monday) w "
    "WHERE now() AT TIME ZONE p.time_zone >= w.monday + interval '6 hours' "
    "  AND p.created_at < local_instant(w.monday::date, '00:00', p.time_zone) "
    "  AND NOT EXISTS (SELECT 1 FROM analytics_reports r WHERE r.practice_id = p.id "
    "                  AND r.week_start = w.monday::date - 7) "
    "ORDER BY p.id"};
/* Reports waiting for their email, taken by one replica (the lock) and handed to the message outbox. */
const db_stmt RP_WAITING = {
    "rp_waiting", "SELECT r.practice_id, r.id, report_json(r)::text AS report, p.report_email, p.email_from, p.name "
                  "FROM analytics_reports r JOIN practices p ON p.id = r.practice_id "
                  "WHERE r.email_state = 'pending' AND r.message_id IS NULL ORDER BY r.created_at LIMIT 20 "
                  "FOR UPDATE OF r SKIP LOCKED"};
/* The email as an outbox message of the report; from here its state is the message's. */
const db_stmt RP_QUEUE = {
    "rp_queue", "WITH m AS (INSERT INTO messages (practice_id, report_id, channel, provider, to_address, from_address, "
                "    subject, body) VALUES ($1, $2, 'email', $3, $4, $5, $6, $7) RETURNING id) "
                "UPDATE analytics_reports SET message_id = (SELECT id FROM m) WHERE practice_id = $1 AND id = $2"};
const db_stmt RP_NOT_SENT = {
    "rp_not_sent",
    "UPDATE analytics_reports SET email_state = 'failed', email_error = $3 WHERE practice_id = $1 AND id = $2"};
const db_stmt RP_NOTIFY = {"rp_notify", "SELECT pg_notify('cadence_due', '')"};
