/* treatments.c: a visit is written with its items, the client is matched or
 * created by external id, types are resolved by code or PMS alias, and the
 * reminder plan is made, all in one transaction. */
#include "treatments.h"
#include "treatments_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "clients.h"
#include "crypto.h"
#include "jsonspec.h"
#include "loyalty.h"
#include "paging.h"
#include "plans.h"
#include "validate.h"

enum { MAX_ITEMS = 20, MAX_AREAS = 20 };

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static bool validate_item(json_t *item, size_t i, cad_error *err) {
  char prefix[40], field[64];
  snprintf(prefix, sizeof prefix, "items[%zu].", i);
  const char *type = NULL;
  json_t *areas = NULL;
  double units = 1, volume = 1;
  long long price = 0;
  bool has_units = false, has_volume = false;
  json_field spec[] = {{"type", JS_STRING, JS_REQUIRED, 100, &type, NULL},
                       {"areas", JS_ARRAY, 0, 0, &areas, NULL},
                       {"units", JS_NUMBER, JS_NULLABLE, 0, &units, &has_units},
                       {"volume_ml", JS_NUMBER, JS_NULLABLE, 0, &volume, &has_volume},
                       {"product", JS_STRING, JS_NULLABLE, 200, NULL, NULL},
                       {"lot_number", JS_STRING, JS_NULLABLE, 100, NULL, NULL},
                       {"dilution", JS_STRING, JS_NULLABLE, 100, NULL, NULL},
                       {"notes", JS_STRING, JS_NULLABLE, 2000, NULL, NULL},
                       {"price_cents", JS_INT, 0, 0, &price, NULL},
                       {"points_eligible", JS_BOOL, 0, 0, NULL, NULL},
                       {"series_complete", JS_BOOL, 0, 0, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (!jsonspec_parse(item, spec, prefix, err))
    return false;
  snprintf(field, sizeof field, "%stype", prefix);
  if (!*type)
    return FAIL_VALUE(err, field, "'%s' must not be empty", field);
  snprintf(field, sizeof field, "%sunits", prefix);
  if (has_units && json_is_number(json_object_get(item, "units")) && !(units > 0 && units <= MAX_UNITS))
    return FAIL_VALUE(err, field, "'%s' must be a positive number up to %d", field, MAX_UNITS);
  snprintf(field, sizeof field, "%svolume_ml", prefix);
  if (has_volume && json_is_number(json_object_get(item, "volume_ml")) && !(volume > 0 && volume <= MAX_VOLUME_ML))
    return FAIL_VALUE(err, field, "'%s' must be a positive number up to %d", field, MAX_VOLUME_ML);
  snprintf(field, sizeof field, "%sprice_cents", prefix);
  if (price < 0 || price > MAX_MONEY_CENTS)
    return FAIL_VALUE(err, field, "'%s' must be a whole number of cents from 0 to %d", field, MAX_MONEY_CENTS);
  snprintf(field, sizeof field, "%sareas", prefix);
  if (json_array_size(areas) > MAX_AREAS)
    return FAIL_VALUE(err, field, "'%s' holds at most %d areas", field, MAX_AREAS);
  size_t k;
  json_t *a;
  json_array_foreach(areas, k, a) {
    if (!json_is_string(a) || json_string_length(a) == 0 || json_string_length(a) > 60)
      return FAIL_VALUE(err, field, "'%s' must be non-empty strings of at most 60 bytes", field);
  }
  return true;
}

/* The loyalty behaviours a visit can carry: each earns the program's multiplier. */
static bool valid_behaviours(json_t *list, cad_error *err) {
  static const char *const known[] = {"prebooked", "baseline_photos", "online_evaluation", "safety_check"};
  for (size_t i = 0; i < json_array_size(list); i++) {
    const char *v = json_string_value(json_array_get(list, i));
    bool ok = false;
    for (size_t k = 0; v && k < sizeof known / sizeof known[0]; k++)
      ok = ok || strcmp(v, known[k]) == 0;
    for (size_t k = 0; ok && k < i; k++)
      ok = strcmp(v, json_string_value(json_array_get(list, k))) != 0;
    if (!ok) {
      char field[48];
      snprintf(field, sizeof field, "behaviours[%zu]", i);
      return FAIL_VALUE(err, field,
                        "'%s' must be one of prebooked, baseline_photos, online_evaluation, "
                        "safety_check, once each",
                        field);
    }
  }
  return true;
}

bool treatments_validate(const tz_set *zones, json_t *body, cad_error *err) {
  /* Shape first, here rather than in a handler: PMS events record treatments too. */
  json_field spec[] = {{"client_id", JS_STRING, 0, 40, NULL, NULL},
                       {"client", JS_OBJECT, 0, 0, NULL, NULL},
                       {"injector_id", JS_STRING, JS_NULLABLE, 40, NULL, NULL},
                       {"performed_at", JS_STRING, JS_REQUIRED, 40, NULL, NULL},
                       {"source", JS_STRING, 0, 40, NULL, NULL},
                       {"external_id", JS_STRING, JS_NULLABLE, 100, NULL, NULL},
                       {"notes", JS_STRING, JS_NULLABLE, 2000, NULL, NULL},
                       {"behaviours", JS_ARRAY, 0, 0, NULL, NULL},
                       {"items", JS_ARRAY, JS_REQUIRED, 0, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (!jsonspec_parse(body, spec, NULL, err) || !valid_behaviours(json_object_get(body, "behaviours"), err))
    return false;
  const char *v;
  json_t *client = json_object_get(body, "client");
  bool has_id = json_object_get(body, "client_id") != NULL;
  if (has_id == (client != NULL))
    return FAIL_VALUE(err, "client_id", "give exactly one of 'client_id' and 'client'");
  if ((v = str(body, "client_id")) && !valid_uuid(v))
    return FAIL_VALUE(err, "client_id", "'client_id' is not a client of this practice");
  if (client) {
    json_t *ext = json_object_get(client, "external_id");
    const char *sys = str(ext, "system"), *id = str(ext, "id");
    if (!json_is_object(ext) || !sys || !id || json_object_size(ext) != 2)
      return FAIL_VALUE(err, "client.external_id", "'client.external_id' must be {\"system\", \"id\"}");
    if (!valid_token(sys, 40) || !*id || strlen(id) > 100)
      return FAIL_VALUE(err, "client.external_id", "'client.external_id' has a bad system or id");
    json_t *copy = json_deep_copy(client);
    json_object_del(copy, "external_id");
    if (!json_object_get(copy, "first_name"))
      json_object_set_new(copy, "first_name", json_string("Client"));
    bool ok = clients_validate(zones, copy, true, err);
    json_decref(copy);
    if (!ok) {
      char field[sizeof err->field];
      snprintf(field, sizeof field, "client.%.80s", err->field);
      memcpy(err->field, field, sizeof field);
      return false;
    }
  }
  if ((v = str(body, "injector_id")) && !valid_uuid(v))
    return FAIL_VALUE(err, "injector_id", "'injector_id' is not an injector of this practice");
  if (!valid_timestamp(str(body, "performed_at")))
    return FAIL_VALUE(err, "performed_at", "'performed_at' must be an RFC 3339 time with offset");
  if ((v = str(body, "source")) && !valid_token(v, 40))
    return FAIL_VALUE(err, "source", "'source' must be letters, digits or ._:-");
  if ((v = str(body, "external_id")) && !*v)
    return FAIL_VALUE(err, "external_id", "'external_id' must not be empty");
  json_t *items = json_object_get(body, "items");
  if (json_array_size(items) == 0 || json_array_size(items) > MAX_ITEMS)
    return FAIL_VALUE(err, "items", "'items' must hold 1 to %d items", MAX_ITEMS);
  size_t i;
  json_t *item;
  json_array_foreach(items, i, item) {
    if (!validate_item(item, i, err))
      return false;
  }
  return true;
}

/* The client the body names: client_id as given (TREAT_CONTEXT checks and locks it), or found or
 * created by external id. */
static bool resolve_client(db_conn *c, const char *practice_id, json_t *body, char id[37], cad_error *err) {
  const char *given = str(body, "client_id");
  if (given) {
    snprintf(id, 37, "%s", given);
    return true;
  }
  json_t *client = json_object_get(body, "client"), *ext = json_object_get(client, "external_id");
  bool found;
  if (!clients_find_external(c, practice_id, str(ext, "system"), str(ext, "id"), id, &found, err))
    return false;
  if (found)
    return true;
  json_t *fields = json_deep_copy(client);
  json_object_del(fields, "external_id");
  if (!json_object_get(fields, "first_name"))
    json_object_set_new(fields, "first_name", json_string("Client"));
  json_object_set_new(fields, "external_ids", json_pack("[O]", ext));
  bool ok = clients_insert(c, practice_id, fields, id, err);
  json_decref(fields);
  return ok;
}

static bool fetch(db_conn *c, const char *practice_id, const char *id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id, id};
  return db_one_json(db_exec(c, &TREAT_GET, 2, p, err), "treatment", out, err);
}

/* A repeat of (source, external_id): the same request replays, another conflicts. */
static bool existing(db_conn *c, const char *practice_id, const char *source, const char *external_id, const char *hash,
                     json_t **out, bool *replayed, bool *exists, cad_error *err) {
  const char *p[] = {practice_id, source, external_id};
  db_result *r = db_exec(c, &TREAT_BY_EXTERNAL, 3, p, err);
  if (!r)
    return false;
  *exists = db_rows(r) == 1;
  char id[37] = "";
  bool same = *exists && strcmp(db_text(r, 0, 1), hash) == 0;
  if (*exists)
    snprintf(id, sizeof id, "%s", db_text(r, 0, 0));
  db_free(r);
  if (!*exists)
    return true;
  if (!same)
    return cad_fail(err, "conflict", "external_id",
                    "a different treatment was already recorded with this source and external_id");
  *replayed = true;
  return fetch(c, practice_id, id, out, err);
}

typedef struct create_ctx {
  const char *practice_id;
  json_t *body, **out;
  bool *replayed;
  char hash[65];
} create_ctx;

typedef struct resolved_types {
  db_result *rows; /* one per item, in order */
  plan_item items[MAX_ITEMS];
  int n;
} resolved_types;

static void free_types(resolved_types *t) {
  for (int i = 0; i < t->n; i++) {
    json_decref(t->items[i].steps);
    json_decref(t->items[i].lapse);
    json_decref(t->items[i].aftercare);
  }
  db_free(t->rows);
}

/* Every item's type in one statement; 422 naming the first item whose type is unknown. */
static bool resolve_types(db_conn *c, const char *practice_id, json_t *items, resolved_types *t, cad_error *err) {
  db_array names = {0};
  size_t i;
  json_t *item;
  json_array_foreach(items, i, item) {
    db_array_add(&names, str(item, "type"));
  }
  const char *p[] = {practice_id, db_array_text(&names)};
  t->rows = db_exec(c, &TREAT_RESOLVE_TYPES, 2, p, err);
  db_array_free(&names);
  if (!t->rows)
    return false;
  db_result *r = t->rows;
  json_array_foreach(items, i, item) {
    if ((int)i >= db_rows(r) || db_null(r, (int)i, 0)) {
      char field[48];
      snprintf(field, sizeof field, "items[%zu].type", i);
      return FAIL_VALUE(err, field, "'%s' is neither a treatment type nor an alias of one (%.60s)", field,
                        str(item, "type"));
    }
    plan_item *it = &t->items[t->n++];
    it->type_code = db_text(r, (int)i, 0);
    it->family = db_text(r, (int)i, 1);
    it->steps = db_json(r, (int)i, 3);
    it->lapse = db_json(r, (int)i, 4);
    it->aftercare = db_json(r, (int)i, 5);
    it->plannable = db_text(r, (int)i, 2)[0] != 't' || json_is_true(json_object_get(item, "series_complete"));
  }
  return true;
}

static bool insert_items(db_conn *c, const char *practice_id, const char *treatment_id, json_t *items,
                         const resolved_types *t, cad_error *err) {
  db_array codes = {0}, families = {0};
  for (int i = 0; i < t->n; i++) {
    db_array_add(&codes, t->items[i].type_code);
    db_array_add(&families, t->items[i].family);
  }
  char *text = json_dumps(items, JSON_COMPACT);
  const char *p[] = {practice_id, treatment_id, text, db_array_text(&codes), db_array_text(&families)};
  bool ok = db_run(c, &TREAT_INSERT_ITEMS, 5, p, err);
  free(text);
  db_array_free(&codes);
  db_array_free(&families);
  return ok;
}

static bool create_tx(db_conn *c, void *vctx, cad_error *err) {
  create_ctx *x = vctx;
  db_tx_reset(x->out);
  json_t *b = x->body;
  const char *source = str(b, "source") ? str(b, "source") : "api", *external_id = str(b, "external_id");
  char client_id[37], treatment_id[37];
  if (external_id) {
    bool exists;
    if (!existing(c, x->practice_id, source, external_id, x->hash, x->out, x->replayed, &exists, err))
      return false;
    if (exists)
      return true;
  }
  if (!resolve_client(c, x->practice_id, b, client_id, err))
    return false;
  const char *performed_at = str(b, "performed_at");
  const char *cp[] = {x->practice_id, client_id, performed_at};
  db_result *ctxr = db_exec(c, &TREAT_CONTEXT, 3, cp, err);
  if (!ctxr)
    return false;
  if (db_rows(ctxr) != 1) {
    db_free(ctxr);
    return FAIL_VALUE(err, "client_id", "'client_id' is not a client of this practice");
  }
  if (db_text(ctxr, 0, 5)[0] == 't') {
    db_free(ctxr);
    return FAIL_VALUE(err, "performed_at", "'performed_at' is in the future");
  }
  const char *injector = str(b, "injector_id");
  if (injector) {
    const char *p[] = {x->practice_id, injector};
    bool found;
    if (!db_exists(c, &TREAT_INJECTOR_EXISTS, 2, p, &found, err)) {
      db_free(ctxr);
      return false;
    }
    if (!found) {
      db_free(ctxr);
      return FAIL_VALUE(err, "injector_id", "'injector_id' is not an injector of this practice");
    }
  }
  resolved_types types = {.n = 0};
  bool ok = resolve_types(c, x->practice_id, json_object_get(b, "items"), &types, err);
  if (ok) {
    json_t *behaviours = json_object_get(b, "behaviours");
    char *behaviours_text = behaviours ? json_dumps(behaviours, JSON_COMPACT) : NULL;
    const char *ip[] = {x->practice_id, client_id, injector,        performed_at,   source,
                        external_id,    x->hash,   str(b, "notes"), behaviours_text};
    db_result *r = db_exec(c, &TREAT_INSERT, 9, ip, err);
    free(behaviours_text);
    ok = r != NULL;
    bool raced = ok && db_rows(r) == 0; /* another request recorded the same external id meanwhile */
    if (ok && !raced)
      snprintf(treatment_id, sizeof treatment_id, "%s", db_text(r, 0, 0));
    db_free(r);
    if (raced) {
      bool exists;
      ok = existing(c, x->practice_id, source, external_id, x->hash, x->out, x->replayed, &exists, err);
      free_types(&types);
      db_free(ctxr);
      return ok;
    }
  }
  json_t *away = ok ? db_json(ctxr, 0, 4) : NULL;
  plan_context pc = {
      x->practice_id,      client_id,           ok ? treatment_id : NULL, performed_at, db_text(ctxr, 0, 1),
      db_text(ctxr, 0, 2), db_text(ctxr, 0, 0), db_text(ctxr, 0, 3),      away,         db_text(ctxr, 0, 6)[0] == 't'};
  ok = ok && insert_items(c, x->practice_id, treatment_id, json_object_get(b, "items"), &types, err) &&
       plans_for_treatment(c, &pc, types.items, types.n, err) &&
       loyalty_on_treatment(c, x->practice_id, client_id, treatment_id, err) &&
       fetch(c, x->practice_id, treatment_id, x->out, err);
  json_decref(away);
  free_types(&types);
  db_free(ctxr);
  return ok;
}

bool treatments_create(db_conn *c, const char *practice_id, json_t *body, json_t **out, bool *replayed,
                       cad_error *err) {
  create_ctx x = {practice_id, body, out, replayed, ""};
  *replayed = false;
  char *canonical = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
  crypto_sha256_hex(canonical, strlen(canonical), x.hash);
  free(canonical);
  return db_tx(c, create_tx, &x, err);
}

bool treatments_get(db_conn *c, const char *practice_id, const char *id, json_t **out, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "treatment");
  return fetch(c, practice_id, id, out, err);
}

static bool valid_bound(const char *s) { return valid_date(s) || valid_timestamp(s); }

bool treatments_list(db_conn *c, const char *practice_id, const treatment_query *q, json_t **out, cad_error *err) {
  if (q->client_id && !valid_uuid(q->client_id))
    return cad_fail(err, "invalid_query", "client_id", "'client_id' must be a client id");
  if (q->injector_id && !valid_uuid(q->injector_id))
    return cad_fail(err, "invalid_query", "injector_id", "'injector_id' must be an injector id");
  if (q->from && !valid_bound(q->from))
    return cad_fail(err, "invalid_query", "from", "'from' must be a date or an RFC 3339 time");
  if (q->to && !valid_bound(q->to))
    return cad_fail(err, "invalid_query", "to", "'to' must be a date or an RFC 3339 time");
  page_cursor cur;
  char limit[12];
  if (!paging_cursor(c, &TREAT_CURSOR_OK, practice_id, q->cursor, &cur, err))
    return false;
  const char *p[] = {practice_id, q->client_id, q->injector_id, q->from,
                     q->to,       cur.micros,   cur.uuid,       paging_limit(q->limit, limit)};
  db_result *r = db_exec(c, &TREAT_LIST, 8, p, err);
  if (!r)
    return false;
  *out = paging_page(r, q->limit);
  return true;
}
