/* analytics.c: retention and loyalty figures. The arithmetic lives in two SQL
 * functions (migration 0016) so that the endpoint, the weekly report and the
 * tests all read the same definitions; this module checks the parameters and
 * shapes the reply. */
#include "analytics.h"
#include "analytics_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retention.h"
#include "validate.h"

bool analytics_slot_begin(db_conn *c, const char *practice_id, int per_practice, cad_error *err) {
  char n[12];
  snprintf(n, sizeof n, "%d", per_practice);
  const char *p[] = {practice_id, n};
  bool got = false;
  /* Read your writes: the practice's visits written so far are relinked before the figures are read. */
  if (!retention_catch_up(c, practice_id, err) || !db_exec_simple(c, "BEGIN", err))
    return false;
  bool ran = db_exists(c, &AN_SLOT, 2, p, &got, err);
  if (ran && got)
    return true;
  cad_error ignored;
  db_exec_simple(c, "ROLLBACK", &ignored);
  if (!ran)
    return false;
  cad_fail(err, "analytics_busy", NULL,
           "this practice already has %d analytics requests running; retry in a few seconds", per_practice);
  err->retry_after_s = 3;
  return false;
}

void analytics_slot_end(db_conn *c, bool ok) {
  cad_error ignored;
  if (!ok || !db_exec_simple(c, "COMMIT", &ignored))
    db_exec_simple(c, "ROLLBACK", &ignored);
}

static bool bad_query(cad_error *err, const char *field, const char *why) {
  return cad_fail(err, "invalid_query", field, "'%s' %s", field, why);
}

static bool check_dates(const char *from, const char *to, cad_error *err) {
  if (from && !valid_date(from))
    return bad_query(err, "from", "must be a date (YYYY-MM-DD)");
  if (to && !valid_date(to))
    return bad_query(err, "to", "must be a date (YYYY-MM-DD)");
  if (from && to && strcmp(from, to) > 0)
    return bad_query(err, "from", "must not be after 'to'");
  return true;
}

/* Runs one of the period statements; 400 when the defaulted period is empty (from after today). */
static db_result *period_exec(db_conn *c, const db_stmt *stmt, int n, const char *const *p, cad_error *err) {
  db_result *r = db_exec(c, stmt, n, p, err);
  if (r && db_rows(r) != 1) {
    db_free(r);
    cad_fail(err, "not_found", NULL, "practice not found");
    return NULL;
  }
  if (r && strcmp(db_text(r, 0, 0), db_text(r, 0, 1)) > 0) {
    db_free(r);
    bad_query(err, "from", "must not be after 'to' (today when not given)");
    return NULL;
  }
  return r;
}

bool analytics_retention(db_conn *c, const char *practice_id, const analytics_query *q, json_t **out,
                         cad_error *err) {
  if (!check_dates(q->from, q->to, err))
    return false;
  if (q->group_by && strcmp(q->group_by, "type") != 0 && strcmp(q->group_by, "month") != 0 &&
      strcmp(q->group_by, "tier") != 0)
    return bad_query(err, "group_by", "must be 'type', 'month' or 'tier'");
  if (q->tier && (!*q->tier || strlen(q->tier) > 60))
    return bad_query(err, "tier", "must be a tier name of the loyalty program (or 'none')");
  if (q->treatment_type && (!*q->treatment_type || strlen(q->treatment_type) > 64))
    return bad_query(err, "treatment_type", "must be a treatment type code");
  if (q->injector_id && !valid_uuid(q->injector_id))
    return bad_query(err, "injector_id", "must be an injector id (a UUID)");
  bool found = true;
  char type[48] = "";
  if (q->treatment_type) { /* any spelling of a code or alias names the type */
    const char *tp[] = {practice_id, q->treatment_type};
    db_result *t = db_exec(c, &AN_TYPE_NAMED, 2, tp, err);
    if (!t)
      return false;
    snprintf(type, sizeof type, "%s", db_null(t, 0, 0) ? "" : db_text(t, 0, 0));
    db_free(t);
    if (!*type)
      return cad_fail(err, "not_found", "treatment_type", "no such treatment type");
  }
  const char *type_code = *type ? type : NULL;
  const char *ip[] = {practice_id, q->injector_id};
  if (q->injector_id && (!db_exists(c, &AN_INJECTOR_EXISTS, 2, ip, &found, err) || !found))
    return found ? false : cad_fail(err, "not_found", "injector_id", "no such injector");
  const char *p[] = {practice_id, q->from, q->to, type_code, q->injector_id, q->group_by, q->tier};
  db_result *r = period_exec(c, &AN_RETENTION, 7, p, err);
  if (!r)
    return false;
  json_t *rows = db_json(r, 0, 2);
  *out = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:o}", "from", db_text(r, 0, 0), "to", db_text(r, 0, 1),
                   "treatment_type", type_code, "injector_id", q->injector_id, "group_by", q->group_by, "tier",
                   q->tier, "rows", rows ? rows : json_array());
  db_free(r);
  return true;
}

bool analytics_loyalty(db_conn *c, const char *practice_id, const char *from, const char *to, json_t **out,
                       cad_error *err) {
  if (!check_dates(from, to, err))
    return false;
  const char *p[] = {practice_id, from, to};
  db_result *r = period_exec(c, &AN_LOYALTY, 3, p, err);
  if (!r)
    return false;
  *out = db_json(r, 0, 2);
  db_free(r);
  return true;
}

/* ------------------------------------------------------------------ CSV */

typedef struct text_buf {
  char *s;
  size_t len, cap;
} text_buf;

static void put(text_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->s = realloc(b->s, b->cap);
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

/* A field, quoted when it holds a comma, quote or line break (RFC 4180). */
static void put_field(text_buf *b, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    put(b, s, strlen(s));
    return;
  }
  put(b, "\"", 1);
  for (const char *p = s; *p; p++)
    put(b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
  put(b, "\"", 1);
}

static void put_value(text_buf *b, json_t *v) {
  if (json_is_string(v)) {
    put_field(b, json_string_value(v));
  } else if (v && !json_is_null(v)) {
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
    put_field(b, s ? s : "");
    free(s);
  }
}

/* The columns in reading order: the JSON rows hold the same keys (jsonb orders them its own way). */
static const char *const COLUMNS[] = {
    "group", "cohort_size", "rebook_due", "rebooked_90d", "rebook_rate_90d", "on_time_due", "on_time_returns",
    "on_time_return_rate", "avg_days_to_rebook", "median_days_to_rebook", "step1_sent", "step1_bookings",
    "step1_response_rate", "step2_incentive_sent", "step2_incentive_bookings", "step2_incentive_response_rate",
    "step2_plain_sent", "step2_plain_bookings", "step2_plain_response_rate", "step3_sent", "step3_bookings",
    "step3_response_rate", "rebookings_reminder", "rebookings_organic", "revenue_reminder_cents",
    "revenue_organic_cents", "revenue_first_visit_cents", "lapsed_clients", "reactivated_clients"};
enum { NCOLUMNS = sizeof COLUMNS / sizeof COLUMNS[0] };

char *analytics_retention_csv(const json_t *retention) {
  text_buf b = {NULL, 0, 0};
  for (int k = 0; k < NCOLUMNS; k++) {
    if (k)
      put(&b, ",", 1);
    put_field(&b, COLUMNS[k]);
  }
  put(&b, "\r\n", 2);
  size_t i;
  json_t *row;
  json_array_foreach(json_object_get(retention, "rows"), i, row) {
    for (int k = 0; k < NCOLUMNS; k++) {
      if (k)
        put(&b, ",", 1);
      put_value(&b, json_object_get(row, COLUMNS[k]));
    }
    put(&b, "\r\n", 2);
  }
  return b.s;
}
