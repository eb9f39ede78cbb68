/* reports.c: the weekly report: made in one statement from the same SQL
 * functions as the analytics endpoints, kept once per practice and week, and
 * emailed by a background thread with its own connection and provider session. */
#include "reports.h"
#include "reports_sql.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "log.h"
#include "paging.h"
#include "retention.h"
#include "validate.h"

bool reports_make(db_conn *c, const char *practice_id, const char *week_start, json_t **out, bool *created,
                  cad_error *err) {
  if (week_start) {
    bool ok = false;
    const char *wp[] = {practice_id, week_start};
    if (!valid_date(week_start) || (db_exists(c, &RP_WEEK_OK, 2, wp, &ok, err) && !ok))
      return FAIL_VALUE(err, "week_start", "'week_start' must be a Monday (YYYY-MM-DD) whose week has ended");
    if (!ok)
      return false;
  }
  const char *p[] = {practice_id, week_start, "false", "true"};
  db_result *r = db_exec(c, &RP_MAKE, 4, p, err);
  if (!r)
    return false;
  *created = db_rows(r) == 1 && strcmp(db_text(r, 0, 1), "t") == 0;
  return db_one_json(r, "practice", out, err);
}

bool reports_list(db_conn *c, const char *practice_id, const char *cursor, int limit, json_t **out,
                  cad_error *err) {
  page_cursor cur;
  if (!paging_cursor(c, &RP_CURSOR_OK, practice_id, cursor, &cur, err))
    return false;
  char lim[12];
  const char *p[] = {practice_id, cur.micros, cur.uuid, paging_limit(limit, lim)};
  db_result *r = db_exec(c, &RP_LIST, 4, p, err);
  if (!r)
    return false;
  *out = paging_page(r, limit);
  return true;
}

bool reports_get(db_conn *c, const char *practice_id, const char *report_id, json_t **out, cad_error *err) {
  if (!valid_uuid(report_id))
    return FAIL_NOT_FOUND(err, "report");
  const char *p[] = {practice_id, report_id};
  return db_one_json(db_exec(c, &RP_GET, 2, p, err), "report", out, err);
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
  db_result *due = db_exec(c, &RP_DUE, 0, NULL, &err);
  for (int i = 0; due && i < db_rows(due); i++) {
    const char *p[] = {db_text(due, i, 0), NULL, "true", "false"};
    db_result *r = retention_catch_up(c, p[0], &err) ? db_exec(c, &RP_MAKE, 4, p, &err) : NULL;
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
  db_result *r = db_exec(c, &RP_WAITING, 0, NULL, err);
  if (!r)
    return false;
  bool ok = true;
  int queued = 0;
  for (int i = 0; ok && i < db_rows(r); i++) {
    const char *practice = db_text(r, i, 0), *report_id = db_text(r, i, 1), *from = db_named(r, i, "email_from");
    if (!from) {
      const char *p[] = {practice, report_id, "the practice has no email_from to send from"};
      ok = db_run(c, &RP_NOT_SENT, 3, p, err);
      continue;
    }
    json_t *report = json_loads(db_named(r, i, "report"), 0, NULL);
    char subject[200];
    char *text = reports_email_text(report, db_named(r, i, "name"), subject, sizeof subject);
    const char *p[] = {practice, report_id, providers_name(reporter.providers, "email"),
                       db_named(r, i, "report_email"), from, subject, text};
    ok = db_run(c, &RP_QUEUE, 7, p, err);
    queued += ok;
    free(text);
    json_decref(report);
  }
  db_free(r);
  return ok && (queued == 0 || db_run(c, &RP_NOTIFY, 0, NULL, err)); /* wake the dispatcher */
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
