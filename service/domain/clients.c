/* clients.c: client rows and their external ids, written in one transaction
 * so a refused external id leaves nothing behind. */
#include "clients.h"
#include "clients_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonspec.h"
#include "paging.h"
#include "validate.h"

enum { MAX_EXTERNAL_IDS = 20, MAX_AWAY_PERIODS = 50 };

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static bool validate_external_ids(json_t *list, cad_error *err) {
  if (json_array_size(list) > MAX_EXTERNAL_IDS)
    return FAIL_VALUE(err, "external_ids", "at most %d external ids", MAX_EXTERNAL_IDS);
  size_t i;
  json_t *item;
  json_array_foreach(list, i, item) {
    char prefix[40], field[64];
    snprintf(prefix, sizeof prefix, "external_ids[%zu].", i);
    const char *system = NULL, *id = NULL;
    json_field spec[] = {{"system", JS_STRING, JS_REQUIRED, 40, &system, NULL},
                         {"id", JS_STRING, JS_REQUIRED, 100, &id, NULL},
                         {NULL, 0, 0, 0, NULL, NULL}};
    if (!jsonspec_parse(item, spec, prefix, err))
      return false;
    snprintf(field, sizeof field, "%ssystem", prefix);
    if (!valid_token(system, 40))
      return FAIL_VALUE(err, field, "'%s' must be letters, digits or ._:-", field);
    snprintf(field, sizeof field, "%sid", prefix);
    if (!*id)
      return FAIL_VALUE(err, field, "'%s' must not be empty", field);
    for (size_t k = 0; k < i; k++) {
      json_t *prev = json_array_get(list, k);
      if (strcmp(str(prev, "system"), system) == 0 && strcmp(str(prev, "id"), id) == 0)
        return FAIL_VALUE(err, field, "'%s' repeats an earlier external id", field);
    }
  }
  return true;
}

static bool validate_away(json_t *list, cad_error *err) {
  if (json_array_size(list) > MAX_AWAY_PERIODS)
    return FAIL_VALUE(err, "away_periods", "at most %d away periods", MAX_AWAY_PERIODS);
  size_t i;
  json_t *item;
  json_array_foreach(list, i, item) {
    char prefix[40], field[64];
    snprintf(prefix, sizeof prefix, "away_periods[%zu].", i);
    const char *from = NULL, *to = NULL;
    json_field spec[] = {{"from", JS_STRING, JS_REQUIRED, 10, &from, NULL},
                         {"to", JS_STRING, JS_REQUIRED, 10, &to, NULL},
                         {NULL, 0, 0, 0, NULL, NULL}};
    if (!jsonspec_parse(item, spec, prefix, err))
      return false;
    snprintf(field, sizeof field, "%sfrom", prefix);
    if (!valid_date(from))
      return FAIL_VALUE(err, field, "'%s' must be a date YYYY-MM-DD", field);
    snprintf(field, sizeof field, "%sto", prefix);
    if (!valid_date(to))
      return FAIL_VALUE(err, field, "'%s' must be a date YYYY-MM-DD", field);
    if (strcmp(from, to) > 0)
      return FAIL_VALUE(err, field, "'%s' must not be before '%sfrom'", field, prefix);
  }
  return true;
}

static const json_field CONSENTS[] = {{"sms", JS_BOOL, 0, 0, NULL, NULL},
                                      {"email", JS_BOOL, 0, 0, NULL, NULL},
                                      {"photo", JS_BOOL, 0, 0, NULL, NULL},
                                      {NULL, 0, 0, 0, NULL, NULL}};

/* The fields of a client; a create requires first_name. */
#define CLIENT_FIELDS(required, consents)                                 \
  {"first_name", JS_STRING, required, 100, NULL, NULL},                   \
  {"last_name", JS_STRING, JS_NULLABLE, 100, NULL, NULL},                 \
  {"phone", JS_STRING, JS_NULLABLE, 20, NULL, NULL},                      \
  {"email", JS_STRING, JS_NULLABLE, 254, NULL, NULL},                     \
  {"time_zone", JS_STRING, JS_NULLABLE, 64, NULL, NULL},                  \
  {"channel_preference", JS_STRING, 0, 10, NULL, NULL},                   \
  {"consents", JS_OBJECT, 0, 0, consents, NULL},                          \
  {"external_ids", JS_ARRAY, 0, 0, NULL, NULL},                           \
  {"away_periods", JS_ARRAY, 0, 0, NULL, NULL},                           \
  {NULL, 0, 0, 0, NULL, NULL}

bool clients_validate(const tz_set *zones, json_t *body, bool creating, cad_error *err) {
  /* Shape first, here rather than in a handler: PMS events create clients too. */
  json_t *consents = NULL;
  json_field create[] = {CLIENT_FIELDS(JS_REQUIRED, &consents)};
  json_field patch[] = {CLIENT_FIELDS(0, &consents)};
  if (!jsonspec_parse(body, creating ? create : patch, NULL, err) ||
      (consents && !jsonspec_parse(consents, CONSENTS, "consents.", err)))
    return false;
  const char *v;
  if ((v = str(body, "first_name")) && !*v)
    return FAIL_VALUE(err, "first_name", "'first_name' must not be empty");
  if ((v = str(body, "phone")) && !valid_e164(v))
    return FAIL_VALUE(err, "phone", "'phone' must be in E.164 form, e.g. +15551234567");
  if ((v = str(body, "email")) && !valid_email(v))
    return FAIL_VALUE(err, "email", "'email' is not a valid email address");
  if ((v = str(body, "time_zone")) && !timezones_valid(zones, v))
    return FAIL_VALUE(err, "time_zone", "'time_zone' must be an IANA time zone such as America/New_York");
  if ((v = str(body, "channel_preference")) && strcmp(v, "any") != 0 && strcmp(v, "sms") != 0 &&
      strcmp(v, "email") != 0)
    return FAIL_VALUE(err, "channel_preference", "'channel_preference' must be 'any', 'sms' or 'email'");
  json_t *list;
  if ((list = json_object_get(body, "external_ids")) && !validate_external_ids(list, err))
    return false;
  if ((list = json_object_get(body, "away_periods")) && !validate_away(list, err))
    return false;
  return true;
}

/* Replaces the client's external ids; a taken one is a 409 naming its index. */
static bool write_external_ids(db_conn *c, const char *practice_id, const char *client_id, json_t *list,
                               bool clear, cad_error *err) {
  const char *p[] = {practice_id, client_id, NULL, NULL};
  if (clear) {
    db_result *r = db_exec(c, &CLIENT_CLEAR_EXTERNAL, 2, p, err);
    if (!r)
      return false;
    db_free(r);
  }
  size_t i;
  json_t *item;
  json_array_foreach(list, i, item) {
    p[2] = str(item, "system");
    p[3] = str(item, "id");
    db_result *r = db_exec(c, &CLIENT_ADD_EXTERNAL, 4, p, err);
    if (!r) {
      if (strcmp(db_sqlstate(c), "23505") == 0) {
        char field[40];
        snprintf(field, sizeof field, "external_ids[%zu]", i);
        return cad_fail(err, "conflict", field,
                        "external id %zu is already used by another client of this practice", i);
      }
      return false;
    }
    db_free(r);
  }
  return true;
}

static bool fetch(db_conn *c, const char *practice_id, const char *id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id, id};
  return db_one_json(db_exec(c, &CLIENT_GET, 2, p, err), "client", out, err);
}

typedef struct write_ctx {
  const char *practice_id, *id;
  json_t *body, **out;
} write_ctx;

bool clients_insert(db_conn *c, const char *practice_id, json_t *body, char id[37], cad_error *err) {
  char *text = json_dumps(body, JSON_COMPACT);
  const char *p[] = {practice_id, text};
  db_result *r = db_exec(c, &CLIENT_INSERT, 2, p, err);
  free(text);
  if (!r)
    return false;
  snprintf(id, 37, "%s", db_text(r, 0, 0));
  db_free(r);
  json_t *ext = json_object_get(body, "external_ids");
  return !ext || write_external_ids(c, practice_id, id, ext, false, err);
}

bool clients_find_external(db_conn *c, const char *practice_id, const char *system, const char *external_id,
                           char id[37], bool *found, cad_error *err) {
  const char *p[] = {practice_id, system, external_id};
  db_result *r = db_exec(c, &CLIENT_FIND_EXTERNAL, 3, p, err);
  if (!r)
    return false;
  *found = db_rows(r) == 1;
  if (*found)
    snprintf(id, 37, "%s", db_text(r, 0, 0));
  db_free(r);
  return true;
}

static bool create_tx(db_conn *c, void *vctx, cad_error *err) {
  write_ctx *x = vctx;
  db_tx_reset(x->out);
  char id[37];
  return clients_insert(c, x->practice_id, x->body, id, err) && fetch(c, x->practice_id, id, x->out, err);
}

bool clients_create(db_conn *c, const char *practice_id, json_t *body, json_t **out, cad_error *err) {
  write_ctx x = {practice_id, NULL, body, out};
  return db_tx(c, create_tx, &x, err);
}

bool clients_get(db_conn *c, const char *practice_id, const char *id, json_t **out, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "client");
  return fetch(c, practice_id, id, out, err);
}

static bool patch_tx(db_conn *c, void *vctx, cad_error *err) {
  write_ctx *x = vctx;
  db_tx_reset(x->out);
  char *text = json_dumps(x->body, JSON_COMPACT);
  const char *p[] = {x->practice_id, x->id, text};
  db_result *r = db_exec(c, &CLIENT_PATCH, 3, p, err);
  free(text);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  db_free(r);
  if (!found)
    return FAIL_NOT_FOUND(err, "client");
  json_t *ext = json_object_get(x->body, "external_ids");
  return (!ext || write_external_ids(c, x->practice_id, x->id, ext, true, err)) &&
         fetch(c, x->practice_id, x->id, x->out, err);
}

bool clients_patch(db_conn *c, const char *practice_id, const char *id, json_t *body, json_t **out,
                   cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "client");
  write_ctx x = {practice_id, id, body, out};
  return db_tx(c, patch_tx, &x, err);
}

bool clients_list(db_conn *c, const char *practice_id, const client_query *q, json_t **out,
                  cad_error *err) {
  page_cursor cur;
  char limit[12];
  if (!paging_cursor(c, &CLIENT_CURSOR_OK, practice_id, q->cursor, &cur, err))
    return false;
  const char *p[] = {practice_id, q->phone, q->email, q->name, q->external_id, q->external_system,
                     cur.micros, cur.uuid, paging_limit(q->limit, limit)};
  db_result *r = db_exec(c, &CLIENT_LIST, 9, p, err);
  if (!r)
    return false;
  *out = paging_page(r, q->limit);
  return true;
}

bool clients_require(db_conn *c, const char *practice_id, const char *id, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "client");
  const char *p[] = {practice_id, id};
  bool found;
  return db_exists(c, &CLIENTS_EXISTS, 2, p, &found, err) && (found || FAIL_NOT_FOUND(err, "client"));
}
