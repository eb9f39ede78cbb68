/* schedules.c: injector schedules and open slots. The slot arithmetic lives in
 * SQL (open_slots, within_hours in migration 0010) so the slots offered and the
 * bookings accepted can never disagree. */
#include "schedules.h"
#include "schedules_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

enum { MAX_HOURS = 50, MAX_DAYS_OFF = 400, MAX_SLOT_DAYS = 62, MAX_SLOTS = 1000 };

static const char *const WEEKDAYS[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static int weekday_index(const char *s) {
  for (int i = 0; s && i < 7; i++)
    if (strcmp(s, WEEKDAYS[i]) == 0)
      return i;
  return -1;
}

static bool fail_item(cad_error *err, const char *list, size_t i, const char *key, const char *why) {
  char field[64];
  snprintf(field, sizeof field, "%s[%zu]%s%s", list, i, key ? "." : "", key ? key : "");
  return FAIL_VALUE(err, field, "'%s' %s", field, why);
}

/* One working interval: weekday, start < end. Writes the weekday and minutes. */
static bool valid_interval(json_t *h, size_t i, int *day, int *from, int *to, cad_error *err) {
  const char *key;
  json_t *v;
  if (!json_is_object(h))
    return fail_item(err, "hours", i, NULL, "must be an object {weekday, start, end}");
  json_object_foreach(h, key, v) if (strcmp(key, "weekday") && strcmp(key, "start") && strcmp(key, "end"))
      return fail_item(err, "hours", i, key, "is not a known field");
  if ((*day = weekday_index(json_string_value(json_object_get(h, "weekday")))) < 0)
    return fail_item(err, "hours", i, "weekday", "must be one of mon, tue, wed, thu, fri, sat, sun");
  if (!valid_hhmm(json_string_value(json_object_get(h, "start")), from))
    return fail_item(err, "hours", i, "start", "must be a time HH:MM");
  if (!valid_hhmm(json_string_value(json_object_get(h, "end")), to))
    return fail_item(err, "hours", i, "end", "must be a time HH:MM");
  if (*to <= *from)
    return fail_item(err, "hours", i, "end", "must be after start");
  return true;
}

static bool valid_hours(json_t *hours, cad_error *err) {
  if (!hours || json_is_null(hours))
    return true;
  if (!json_is_array(hours) || json_array_size(hours) > MAX_HOURS)
    return FAIL_VALUE(err, "hours", "'hours' must be an array of at most %d intervals", MAX_HOURS);
  int day[MAX_HOURS], from[MAX_HOURS], to[MAX_HOURS];
  for (size_t i = 0; i < json_array_size(hours); i++) {
    if (!valid_interval(json_array_get(hours, i), i, &day[i], &from[i], &to[i], err))
      return false;
    for (size_t k = 0; k < i; k++)
      if (day[k] == day[i] && from[i] < to[k] && from[k] < to[i])
        return fail_item(err, "hours", i, NULL, "overlaps another interval of the same weekday");
  }
  return true;
}

static bool valid_days_off(json_t *days, cad_error *err) {
  if (!days || json_is_null(days))
    return true;
  if (!json_is_array(days) || json_array_size(days) > MAX_DAYS_OFF)
    return FAIL_VALUE(err, "days_off", "'days_off' must be an array of at most %d days", MAX_DAYS_OFF);
  for (size_t i = 0; i < json_array_size(days); i++) {
    json_t *d = json_array_get(days, i), *reason = json_object_get(d, "reason");
    const char *date = json_string_value(json_object_get(d, "date"));
    if (!json_is_object(d))
      return fail_item(err, "days_off", i, NULL, "must be an object {date, reason}");
    const char *key;
    json_t *v;
    json_object_foreach(d, key, v) if (strcmp(key, "date") && strcmp(key, "reason"))
        return fail_item(err, "days_off", i, key, "is not a known field");
    if (!valid_date(date))
      return fail_item(err, "days_off", i, "date", "must be a date YYYY-MM-DD");
    if (reason && !json_is_null(reason) && (!json_is_string(reason) || json_string_length(reason) > 200))
      return fail_item(err, "days_off", i, "reason", "must be a text of at most 200 bytes");
    for (size_t k = 0; k < i; k++)
      if (strcmp(date, json_string_value(json_object_get(json_array_get(days, k), "date"))) == 0)
        return fail_item(err, "days_off", i, "date", "repeats an earlier day");
  }
  return true;
}

bool schedules_validate(json_t *body, cad_error *err) {
  json_t *buffer = json_object_get(body, "buffer_minutes");
  if (buffer && (!json_is_integer(buffer) || json_integer_value(buffer) < 0 || json_integer_value(buffer) > 240))
    return FAIL_VALUE(err, "buffer_minutes", "'buffer_minutes' must be an integer from 0 to 240");
  return valid_hours(json_object_get(body, "hours"), err) && valid_days_off(json_object_get(body, "days_off"), err);
}

bool schedules_get(db_conn *c, const char *practice_id, const char *injector_id, json_t **out, cad_error *err) {
  if (!valid_uuid(injector_id))
    return FAIL_NOT_FOUND(err, "injector");
  const char *p[] = {practice_id, injector_id};
  return db_one_json(db_exec(c, &SCH_GET, 2, p, err), "injector", out, err);
}

typedef struct put_ctx {
  const char *practice_id, *injector_id;
  json_t *body;
} put_ctx;

/* Runs st with (practice, injector, the body's list `key` as JSON). */
static bool replace(db_conn *c, const put_ctx *x, const db_stmt *st, const char *key, cad_error *err) {
  json_t *list = json_object_get(x->body, key);
  char *text = json_is_array(list) ? json_dumps(list, JSON_COMPACT) : strdup("[]");
  const char *p[] = {x->practice_id, x->injector_id, text};
  bool ok = db_run(c, st, 3, p, err);
  free(text);
  return ok;
}

static bool put_tx(db_conn *c, void *vctx, cad_error *err) {
  put_ctx *x = vctx;
  char buffer[12];
  snprintf(buffer, sizeof buffer, "%lld", json_integer_value(json_object_get(x->body, "buffer_minutes")));
  const char *p[] = {x->practice_id, x->injector_id, buffer};
  bool found;
  if (!db_exists(c, &SCH_BUFFER, 3, p, &found, err))
    return false;
  if (!found)
    return FAIL_NOT_FOUND(err, "injector");
  return db_run(c, &SCH_DAYS_OFF_DEL, 2, p, err) && replace(c, x, &SCH_HOURS, "hours", err) && replace(c, x, &SCH_DAYS_OFF, "days_off", err);
}

bool schedules_put(db_conn *c, const char *practice_id, const char *injector_id, json_t *body, json_t **out,
                   cad_error *err) {
  if (!valid_uuid(injector_id))
    return FAIL_NOT_FOUND(err, "injector");
  put_ctx x = {practice_id, injector_id, body};
  return db_tx(c, put_tx, &x, err) && schedules_get(c, practice_id, injector_id, out, err);
}

/* A whole number query parameter in [min, max], or def when absent. */
static bool int_param(const char *name, const char *v, int def, int min, int max, char out[12], cad_error *err) {
  char *end;
  long n = v ? strtol(v, &end, 10) : def;
  if (v && (!*v || *end || n < min || n > max))
    return cad_fail(err, "invalid_query", name, "'%s' must be an integer from %d to %d", name, min, max);
  snprintf(out, 12, "%ld", n);
  return true;
}

/* 404 when id is given and st finds no such row of the practice. */
static bool known(db_conn *c, const db_stmt *st, const char *practice_id, const char *id, const char *field,
                  const char *what, cad_error *err) {
  if (!id)
    return true;
  if (!valid_uuid(id))
    return cad_fail(err, "invalid_query", field, "'%s' must be an id", field);
  const char *p[] = {practice_id, id};
  bool found;
  return db_exists(c, st, 2, p, &found, err) && (found || FAIL_NOT_FOUND(err, what));
}

bool schedules_slots(db_conn *c, const char *practice_id, const slot_query *q, json_t **out, cad_error *err) {
  char duration[12], step[12], limit[12];
  if (q->from && !valid_date(q->from))
    return cad_fail(err, "invalid_query", "from", "'from' must be a date YYYY-MM-DD");
  if (q->to && !valid_date(q->to))
    return cad_fail(err, "invalid_query", "to", "'to' must be a date YYYY-MM-DD");
  if (!int_param("duration_minutes", q->duration_minutes, 30, 5, 600, duration, err) ||
      !int_param("step_minutes", q->step_minutes, 15, 5, 240, step, err) ||
      !known(c, &SCH_INJECTOR, practice_id, q->injector_id, "injector_id", "injector", err) ||
      !known(c, &SCH_CLIENT, practice_id, q->client_id, "client_id", "client", err))
    return false;
  snprintf(limit, sizeof limit, "%d", MAX_SLOTS + 1);
  char max_days[12];
  snprintf(max_days, sizeof max_days, "%d", MAX_SLOT_DAYS);
  const char *p[] = {practice_id, q->injector_id, q->from, q->to, duration, step, q->client_id, limit, max_days};
  db_result *r = db_exec(c, &SCH_SLOTS, 9, p, err);
  if (!r)
    return false;
  if (db_rows(r) != 1) {
    db_free(r);
    return FAIL_NOT_FOUND(err, "practice");
  }
  int days = atoi(db_text(r, 0, 3));
  if (days < 0 || days > MAX_SLOT_DAYS) {
    db_free(r);
    return cad_fail(err, "invalid_query", "to", "'to' must be from 'from' to %d days after it", MAX_SLOT_DAYS);
  }
  json_t *data = db_json(r, 0, 5);
  bool truncated = atoi(db_text(r, 0, 4)) > MAX_SLOTS;
  if (truncated)
    json_array_remove(data, MAX_SLOTS);
  *out = json_pack("{s:s,s:s,s:s,s:i,s:o,s:b}", "from", db_text(r, 0, 0), "to", db_text(r, 0, 1), "time_zone",
                   db_text(r, 0, 2), "duration_minutes", atoi(duration), "data", data, "truncated", truncated);
  db_free(r);
  return true;
}
