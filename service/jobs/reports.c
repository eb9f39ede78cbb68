/* reports.c: the weekly report: made in one statement from the same SQL
 * functions as the analytics endpoints, kept once per practice and week, and
 * emailed by a background thread with its own connection and provider session. */
#include "reports.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job.h"
#include "log.h"
#include "paging.h"
#include "validate.h"

/* $2 the week's Monday (NULL: last week), $3 email it (the thread), $4 replace a stored one (on request). */
static const db_stmt MAKE = {
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
static const db_stmt WEEK_OK = {
    "rp_week_ok",
    "SELECT 1 FROM practices p WHERE p.id = $1 AND extract(isodow FROM $2::date) = 1 "
    "  AND $2::date + 7 <= (now() AT TIME ZONE p.time_zone)::date"};
static const db_stmt GET = {"rp_get",
                            "SELECT report_json(r) FROM analytics_reports r WHERE r.practice_id = $1 AND r.id = $2"};
static const db_stmt CURSOR_OK = {
    "rp_cursor_ok",
    "SELECT 1 FROM analytics_reports WHERE practice_id = $1 AND id = $2 "
    "  AND week_start = ('epoch'::timestamp + $3::bigint * interval '1 microsecond')::date"};
static const db_stmt LIST = {
    "rp_list",
    "SELECT report_json(r), (extract(epoch FROM r.week_start::timestamp) * 1000000)::bigint || '.' || r.id "
    "FROM analytics_reports r WHERE r.practice_id = $1 "
    "  AND ($2::bigint IS NULL OR (r.week_start, r.id) < "
    "       (('epoch'::timestamp + $2::bigint * interval '1 microsecond')::date, $3::uuid)) "
    "ORDER BY r.week_start DESC, r.id DESC LIMIT $4"};
/* Practices whose last week is reported from Monday 06:00 local, if they existed before that week ended. */
static const db_stmt DUE = {
    "rp_due",
    "SELECT p.id FROM practices p, LATERAL (SELECT date_trunc('week', now() AT TIME ZONE p.time_zone) AS monday) w "
    "WHERE now() AT TIME ZONE p.time_zone >= w.monday + interval '6 hours' "
    "  AND p.created_at < local_instant(w.monday::date, '00:00', p.time_zone) "
    "  AND NOT EXISTS (SELECT 1 FROM analytics_reports r WHERE r.practice_id = p.id "
    "                  AND r.week_start = w.monday::date - 7) "
    "ORDER BY p.id"};
/* Reports waiting for their email, taken by one replica (the lock) and handed to the message outbox. */
static const db_stmt WAITING = {
    "rp_waiting",
    "SELECT r.practice_id, r.id, report_json(r)::text AS report, p.report_email, p.email_from, p.name "
    "FROM analytics_reports r JOIN practices p ON p.id = r.practice_id "
    "WHERE r.email_state = 'pending' AND r.message_id IS NULL ORDER BY r.created_at LIMIT 20 "
    "FOR UPDATE OF r SKIP LOCKED"};
/* The email as an outbox message of the report; from here its state is the message's. */
static const db_stmt QUEUE = {
    "rp_queue",
    "WITH m AS (INSERT INTO messages (practice_id, report_id, channel, provider, to_address, from_address, "
    "    subject, body) VALUES ($1, $2, 'email', $3, $4, $5, $6, $7) RETURNING id) "
    "UPDATE analytics_reports SET message_id = (SELECT id FROM m) WHERE practice_id = $1 AND id = $2"};
static const db_stmt NOT_SENT = {
    "rp_not_sent",
    "UPDATE analytics_reports SET email_state = 'failed', email_error = $3 WHERE practice_id = $1 AND id = $2"};
static const db_stmt NOTIFY = {"rp_notify", "SELECT pg_notify('cadence_due', '')"};

bool reports_make(db_conn *c, const char *practice_id, const char *week_start, json_t **out, bool *created,
                  cad_error *err) {
  if (week_start) {
    bool ok = false;
    const char *wp[] = {practice_id, week_start};
    if (!valid_date(week_start) || (db_exists(c, &WEEK_OK, 2, wp, &ok, err) && !ok))
      return FAIL_VALUE(err, "week_start", "'week_start' must be a Monday (YYYY-MM-DD) whose week has ended");
    if (!ok)
      return false;
  }
  const char *p[] = {practice_id, week_start, "false", "true"};
  db_result *r = db_exec(c, &MAKE, 4, p, err);
  if (!r)
    return false;
  *created = db_rows(r) == 1 && strcmp(db_text(r, 0, 1), "t") == 0;
  return db_one_json(r, "practice", out, err);
}

bool reports_list(db_conn *c, const char *practice_id, const char *cursor, int limit, json_t **out,
                  cad_error *err) {
  page_cursor cur;
  if (!paging_cursor(c, &CURSOR_OK, practice_id, cursor, &cur, err))
    return false;
  char lim[12];
  const char *p[] = {practice_id, cur.micros, cur.uuid, paging_limit(limit, lim)};
  db_result *r = db_exec(c, &LIST, 4, p, err);
  if (!r)
    return false;
  *out = paging_page(r, limit);
  return true;
}

bool reports_get(db_conn *c, const char *practice_id, const char *report_id, json_t **out, cad_error *err) {
  if (!valid_uuid(report_id))
    return FAIL_NOT_FOUND(err, "report");
  const char *p[] = {practice_id, report_id};
  return db_one_json(db_exec(c, &GET, 2, p, err), "report", out, err);
}

/* ------------------------------------------------------------------ email */

typedef enum { RATE, COUNT, DAYS, CENTS } figure_kind;
static const struct {
  const char *label, *key;
  figure_kind kind;
} LINES[] = {
    {"On-time return rate", "on_time_return_rate", RATE},
    {"  returns due", "on_time_due", COUNT},
    {"90-day rebook rate", "rebook_rate_90d", RATE},
    {"Average days to rebook", "avg_days_to_rebook", DAYS},
    {"Median days to rebook", "median_days_to_rebook", DAYS},
    {"Visits starting a refill cycle", "cohort_size", COUNT},
    {"Step 1 response rate", "step1_response_rate", RATE},
    {"Step 2 response (incentive)", "step2_incentive_response_rate", RATE},
    {"Step 2 response (no incentive)", "step2_plain_response_rate", RATE},
    {"Step 3 response rate", "step3_response_rate", RATE},
    {"Rebookings from reminders", "rebookings_reminder", COUNT},
    {"Rebookings, organic", "rebookings_organic", COUNT},
    {"Revenue from reminders", "revenue_reminder_cents", CENTS},
    {"Revenue, organic rebookings", "revenue_organic_cents", CENTS},
    {"Lapsed clients", "lapsed_clients", COUNT},
    {"Reactivated clients", "reactivated_clients", COUNT},
};

static void format_value(char *buf, size_t n, json_t *v, figure_kind kind, bool change) {
  if (!json_is_number(v)) {
    snprintf(buf, n, "-");
    return;
  }
  double x = json_number_value(v);
  const char *sign = change && x > 0 ? "+" : "";
  switch (kind) {
  case RATE:
    snprintf(buf, n, change ? "%s%.1f pts" : "%s%.1f%%", sign, x * 100);
    break;
  case COUNT:
    snprintf(buf, n, "%s%.0f", sign, x);
    break;
  case DAYS:
    snprintf(buf, n, "%s%.1f", sign, x);
    break;
  case CENTS:
    snprintf(buf, n, "%s$%.2f", sign, x / 100);
    break;
  }
}

char *reports_email_text(const json_t *report, const char *practice_name, char *subject, size_t subject_len) {
  const char *from = json_string_value(json_object_get(json_object_get(report, "week"), "from"));
  const char *to = json_string_value(json_object_get(json_object_get(report, "week"), "to"));
  const char *alarm = json_string_value(json_object_get(report, "alarm"));
  snprintf(subject, subject_len, "%sWeekly retention report, %s to %s", alarm ? "ALARM: " : "", from ? from : "",
           to ? to : "");
  size_t cap = 4096, len = 0;
  char *text = malloc(cap);
  len += (size_t)snprintf(text + len, cap - len, "%s%s%s", alarm ? "ALARM: " : "", alarm ? alarm : "",
                          alarm ? "\n\n" : "");
  len += (size_t)snprintf(text + len, cap - len, "%s: the week of %s to %s\n\n%-34s %12s %12s %12s\n",
                          practice_name ? practice_name : "Your practice", from ? from : "", to ? to : "", "",
                          "this week", "week before", "change");
  json_t *cur = json_object_get(report, "figures"), *prev = json_object_get(report, "previous"),
         *chg = json_object_get(report, "changes");
  for (size_t i = 0; i < sizeof LINES / sizeof LINES[0] && len < cap; i++) {
    char a[32], b[32], d[32];
    format_value(a, sizeof a, json_object_get(cur, LINES[i].key), LINES[i].kind, false);
    format_value(b, sizeof b, json_object_get(prev, LINES[i].key), LINES[i].kind, false);
    format_value(d, sizeof d, json_object_get(chg, LINES[i].key), LINES[i].kind, true);
    len += (size_t)snprintf(text + len, cap - len, "%-34s %12s %12s %12s\n", LINES[i].label, a, b, d);
  }
  if (len < cap)
    snprintf(text + len, cap - len, "\nDefinitions of every figure: the README's \"Retention analytics\".\n");
  return text;
}

/* ------------------------------------------------------------------ job */

static struct {
  job *job;
  const provider_config *providers;
} reporter;

static void make_due(db_conn *c) {
  cad_error err;
  db_result *due = db_exec(c, &DUE, 0, NULL, &err);
  for (int i = 0; due && i < db_rows(due); i++) {
    const char *p[] = {db_text(due, i, 0), NULL, "true", "false"};
    db_result *r = db_exec(c, &MAKE, 4, p, &err);
    if (r && db_rows(r) == 1)
      log_json("info", "weekly report made", json_pack("{s:s}", "practice_id", db_text(due, i, 0)));
    else if (!r)
      log_json("error", "weekly report failed", json_pack("{s:s,s:s}", "practice_id", db_text(due, i, 0),
                                                          "error", err.message));
    db_free(r);
  }
  db_free(due);
}

/* Each waiting report's email is written and queued in the outbox, in one transaction with its claim. */
static bool queue_waiting(db_conn *c, void *ctx, cad_error *err) {
  (void)ctx;
  db_result *r = db_exec(c, &WAITING, 0, NULL, err);
  if (!r)
    return false;
  bool ok = true;
  int queued = 0;
  for (int i = 0; ok && i < db_rows(r); i++) {
    const char *practice = db_text(r, i, 0), *report_id = db_text(r, i, 1), *from = db_named(r, i, "email_from");
    if (!from) {
      const char *p[] = {practice, report_id, "the practice has no email_from to send from"};
      ok = db_run(c, &NOT_SENT, 3, p, err);
      continue;
    }
    json_t *report = json_loads(db_named(r, i, "report"), 0, NULL);
    char subject[200];
    char *text = reports_email_text(report, db_named(r, i, "name"), subject, sizeof subject);
    const char *p[] = {practice, report_id, providers_name(reporter.providers, "email"),
                       db_named(r, i, "report_email"), from, subject, text};
    ok = db_run(c, &QUEUE, 7, p, err);
    queued += ok;
    free(text);
    json_decref(report);
  }
  db_free(r);
  return ok && (queued == 0 || db_run(c, &NOTIFY, 0, NULL, err)); /* wake the dispatcher */
}

/* Reports due are made, then those waiting are queued for the dispatcher to email. */
static bool report_tick(db_conn *c, void *ctx, const atomic_int *stop) {
  (void)ctx;
  (void)stop;
  make_due(c);
  cad_error err;
  if (!db_tx(c, queue_waiting, NULL, &err))
    log_json("error", "weekly report email not queued", json_pack("{s:s}", "error", err.message));
  return false;
}

void reports_start(const char *database_url, const provider_config *providers, int interval_s) {
  reporter.providers = providers;
  /* Room for a large practice's report (the API's statement timeout is shorter). */
  reporter.job = job_start("reports", database_url, 120000, interval_s, report_tick, NULL);
}

void reports_stop(void) {
  job_stop(reporter.job);
  reporter.job = NULL;
}
