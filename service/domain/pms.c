/* pms.c: applies the operations pms_vendors.c reads out of a vendor's
 * delivery: clients, treatments and bookings matched by the vendor's ids.
 * Names Cadence cannot map are kept (GET /v1/integrations/unmapped) rather
 * than failing the delivery, and a resource's older events never overwrite
 * its newer ones. */
#include "pms.h"
#include "pms_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bookings.h"
#include "clients.h"
#include "crypto.h"
#include "loyalty.h"
#include "pms_vendors.h"
#include "practices.h"
#include "treatments.h"
#include "validate.h"

/* 401 for a missing header, 403 for anything that does not prove the sender. */
static bool authenticate(db_conn *c, const pms_request *q, cad_error *err) {
  if (!q->practice_id || !q->timestamp || !q->signature)
    return cad_fail(err, "missing_signature", NULL,
                    "X-Cadence-Practice, X-Cadence-Timestamp and X-Cadence-Signature are required");
  char *end;
  long long ts = strtoll(q->timestamp, &end, 10);
  if (*end || end == q->timestamp || llabs((long long)q->now - ts) > q->tolerance_s)
    return cad_fail(err, "stale_request", "X-Cadence-Timestamp",
                    "the timestamp is outside the replay window; sign each delivery anew");
  if (!valid_uuid(q->practice_id))
    return cad_fail(err, "invalid_signature", "X-Cadence-Signature", "the signature does not match");
  char *secret;
  if (!practices_webhook_secret(c, q->practice_id, &secret, err))
    return false;
  bool known = secret != NULL;
  char expected[72] = "sha256=", hex[65];
  size_t tlen = strlen(q->timestamp);
  char *material = malloc(tlen + 1 + q->body_len);
  memcpy(material, q->timestamp, tlen);
  material[tlen] = '.';
  memcpy(material + tlen + 1, q->body, q->body_len);
  crypto_hmac_sha256_hex(known ? secret : "unknown practice", material, tlen + 1 + q->body_len, hex);
  free(material);
  free(secret);
  strcat(expected, hex);
  if (!known || !crypto_equal(expected, q->signature))
    return cad_fail(err, "invalid_signature", "X-Cadence-Signature", "the signature does not match");
  return true;
}

/* client.upserted: matched by external id and changed, or created. */
static bool upsert_client(db_conn *c, const tz_set *zones, const char *practice_id, json_t *data, int *status,
                          json_t **out, cad_error *err) {
  json_t *ext = json_object_get(data, "external_id");
  const char *system = json_string_value(json_object_get(ext, "system")), *id = json_string_value(json_object_get(ext, "id"));
  if (!json_is_object(ext) || !system || !id || !valid_token(system, 40) || !*id)
    return FAIL_VALUE(err, "data.external_id", "'data.external_id' must be {\"system\", \"id\"}");
  json_t *fields = json_deep_copy(data);
  json_object_del(fields, "external_id");
  char client_id[37];
  bool found, ok = clients_find_external(c, practice_id, system, id, client_id, &found, err);
  if (ok && !found) {
    json_object_set_new(fields, "external_ids", json_pack("[O]", ext));
    if (!json_object_get(fields, "first_name"))
      json_object_set_new(fields, "first_name", json_string("Client"));
  }
  ok = ok && clients_validate(zones, fields, !found, err) &&
       (found ? clients_patch(c, practice_id, client_id, fields, out, err)
              : clients_create(c, practice_id, fields, out, err));
  json_decref(fields);
  *status = found ? 200 : 201;
  return ok;
}

/* The delivery being applied. */
typedef struct pms_apply {
  db_conn *c;
  const tz_set *zones;
  const pms_request *q;
  const pms_delivery *d;
  bool items_only; /* a visit whose items all fail to map writes nothing (imports refuse the row) */
  json_t *item_paths; /* the op's vendor paths of its items or services, kept in step with them */
  const char *occurred_at; /* the event's time in RFC 3339, or NULL */
} pms_apply;

/* A time maybe without offset (Zenoti's) as RFC 3339 in out: a local time is read in the practice's
 * zone. False (422 naming field) when it is no date and time. */
static bool local_time(const pms_apply *a, const char *v, const char *field, char out[48], cad_error *err) {
  snprintf(out, 48, "%s", v);
  if (valid_timestamp(v))
    return true;
  if (strlen(v) < 16 || strlen(v) > 32 || (v[10] != 'T' && v[10] != ' '))
    return FAIL_VALUE(err, field, "'%s' must be a date and time", field);
  const char *p[] = {a->q->practice_id, v};
  db_result *r = db_exec(a->c, &PMS_LOCAL_TIME, 2, p, err);
  if (!r) {
    if (strncmp(db_sqlstate(a->c), "22", 2) == 0)
      return FAIL_VALUE(err, field, "'%s' must be a date and time", field);
    return false;
  }
  if (db_rows(r) == 1)
    snprintf(out, 48, "%s", db_text(r, 0, 0));
  db_free(r);
  return true;
}

/* Replaces obj[key], a time maybe without offset, by the same local time with the practice's offset. */
static bool with_offset(const pms_apply *a, json_t *obj, const char *key, cad_error *err) {
  const char *v = json_string_value(json_object_get(obj, key));
  char t[48];
  if (!v || valid_timestamp(v))
    return true; /* RFC 3339 already, or absent: validation names the field */
  if (!local_time(a, v, key, t, err))
    return false;
  json_object_set_new(obj, key, json_string(t));
  return true;
}

/* Keeps the names of list[i][key] (or list[i] when key is NULL) that map to a type (or family),
 * replacing each by its code; records and drops the rest, appending them to unmapped. */
static bool map_names(const pms_apply *a, json_t *list, const char *key, bool families, json_t *unmapped,
                      cad_error *err) {
  for (size_t i = 0; i < json_array_size(list);) {
    json_t *el = json_array_get(list, i);
    const char *name = json_string_value(key ? json_object_get(el, key) : el);
    if (!name || !*name) {
      i++;
      continue; /* left for validation to name */
    }
    const char *p[] = {a->q->practice_id, name, families ? "true" : "false"};
    db_result *r = db_exec(a->c, &PMS_RESOLVE, 3, p, err);
    if (!r)
      return false;
    bool found = db_rows(r) == 1;
    db_free(r);
    if (found) {
      i++;
      continue;
    }
    const char *u[] = {a->q->practice_id, a->q->vendor, name, families ? "service" : "treatment", a->d->event_id};
    if (!db_run(a->c, &PMS_UNMAPPED, 5, u, err))
      return false;
    json_array_append_new(unmapped, json_string(name));
    json_array_remove(list, i);
    json_array_remove(a->item_paths, i); /* errors about later items still name the vendor's */
  }
  return true;
}

/* Moves data.injector_name to data.injector_id (the practice's injector of that name, made if new). */
static bool injector_by_name(const pms_apply *a, json_t *data, cad_error *err) {
  const char *name = json_string_value(json_object_get(data, "injector_name"));
  if (name && *name && strlen(name) <= 200) {
    const char *p[] = {a->q->practice_id, name};
    db_result *r = db_exec(a->c, &PMS_INJECTOR, 2, p, err);
    if (!r)
      return false;
    if (db_rows(r) == 1)
      json_object_set_new(data, "injector_id", json_string(db_text(r, 0, 0)));
    db_free(r);
  }
  json_object_del(data, "injector_name");
  return true;
}

/* The client named by data.client.external_id: matched, or created from data.client. */
static bool client_of(const pms_apply *a, json_t *client, char id[37], cad_error *err) {
  json_t *ext = json_object_get(client, "external_id");
  const char *system = json_string_value(json_object_get(ext, "system"));
  const char *ext_id = json_string_value(json_object_get(ext, "id"));
  if (!system || !ext_id || !*ext_id)
    return FAIL_VALUE(err, "client.external_id", "'client.external_id' must be {\"system\", \"id\"}");
  bool found;
  if (!clients_find_external(a->c, a->q->practice_id, system, ext_id, id, &found, err))
    return false;
  if (found)
    return true;
  json_t *made = NULL;
  int status;
  bool ok = upsert_client(a->c, a->zones, a->q->practice_id, client, &status, &made, err);
  if (ok)
    snprintf(id, 37, "%s", json_string_value(json_object_get(made, "id")));
  json_decref(made);
  return ok;
}

static bool apply_treatment(const pms_apply *a, json_t *data, json_t *outcome, json_t **result, bool *created,
                            cad_error *err) {
  json_t *unmapped = json_object_get(outcome, "unmapped");
  if (!json_object_get(data, "source"))
    json_object_set_new(data, "source", json_string(a->q->vendor));
  if (!with_offset(a, data, "performed_at", err) || !injector_by_name(a, data, err) ||
      !map_names(a, json_object_get(data, "items"), "type", false, unmapped, err))
    return false;
  if (json_array_size(json_object_get(data, "items")) == 0 && json_array_size(unmapped) > 0) {
    /* Nothing Cadence plans from (retail, unmapped services): keep the client, note the names. */
    char id[37];
    json_object_set_new(outcome, "outcome", json_string("no_mapped_items"));
    return a->items_only || client_of(a, json_object_get(data, "client"), id, err);
  }
  bool replayed = false;
  if (!treatments_validate(a->zones, data, err) || !treatments_create(a->c, a->q->practice_id, data, result, &replayed,
                                                                       err))
    return false;
  *created = !replayed;
  json_object_set_new(outcome, "outcome", json_string(replayed ? "unchanged" : "created"));
  return true;
}

/* A vendor's refund: the visit it names is refunded as POST /v1/treatments/{id}/refund does (points
 * reversed, gone from analytics); a refund of nothing Cadence recorded is ignored. */
static bool apply_refund(const pms_apply *a, json_t *data, json_t *outcome, json_t **result, cad_error *err) {
  const char *source = json_string_value(json_object_get(data, "source"));
  const char *ext = json_string_value(json_object_get(data, "external_id"));
  db_result *r;
  if (ext) {
    const char *p[] = {a->q->practice_id, source, ext};
    r = db_exec(a->c, &PMS_VISIT_BY_EXTERNAL, 3, p, err);
  } else {
    json_t *client_ext = json_object_get(json_object_get(data, "client"), "external_id");
    char client[37], at[48];
    bool found;
    if (!clients_find_external(a->c, a->q->practice_id, json_string_value(json_object_get(client_ext, "system")),
                               json_string_value(json_object_get(client_ext, "id")), client, &found, err) ||
        !local_time(a, json_string_value(json_object_get(data, "refunded_at")), "refunded_at", at, err))
      return false;
    if (!found) {
      json_object_set_new(outcome, "outcome", json_string("ignored"));
      json_object_set_new(outcome, "reason", json_string("no visit of this client to refund"));
      return true;
    }
    db_array names = {0};
    for (size_t i = 0; i < json_array_size(json_object_get(data, "types")); i++)
      db_array_add(&names, json_string_value(json_array_get(json_object_get(data, "types"), i)));
    const char *p[] = {a->q->practice_id, client, source, at, db_array_text(&names)};
    r = db_exec(a->c, &PMS_VISIT_BY_ITEMS, 5, p, err);
    db_array_free(&names);
  }
  if (!r)
    return false;
  bool known = db_rows(r) == 1, done = known && db_text(r, 0, 1)[0] == 't';
  char id[37] = "";
  if (known)
    snprintf(id, sizeof id, "%s", db_text(r, 0, 0));
  db_free(r);
  if (!known) {
    json_object_set_new(outcome, "outcome", json_string("ignored"));
    json_object_set_new(outcome, "reason", json_string("no recorded visit matches this refund"));
    return true;
  }
  json_object_set_new(outcome, "outcome", json_string(done ? "unchanged" : "refunded"));
  json_t *loyalty = NULL;
  bool ok = (done || loyalty_refund(a->c, a->q->practice_id, id, &loyalty, err)) &&
            treatments_get(a->c, a->q->practice_id, id, result, err);
  json_decref(loyalty);
  return ok;
}

static bool apply_booking(const pms_apply *a, json_t *data, json_t *outcome, json_t **result, bool *created,
                          cad_error *err) {
  const char *ext = json_string_value(json_object_get(data, "external_id"));
  const char *state = json_string_value(json_object_get(data, "state"));
  if (!ext || !*ext || strlen(ext) > 100)
    return FAIL_VALUE(err, "external_id", "'external_id' is required (at most 100 bytes)");
  if (state && strcmp(state, "booked") && strcmp(state, "cancelled") && strcmp(state, "completed") &&
      strcmp(state, "no_show"))
    return FAIL_VALUE(err, "state", "'state' must be booked, cancelled, completed or no_show");
  if (!with_offset(a, data, "starts_at", err))
    return false;
  const char *starts = json_string_value(json_object_get(data, "starts_at"));
  if (!valid_timestamp(starts))
    return FAIL_VALUE(err, "starts_at", "'starts_at' must be an RFC 3339 time");
  const char *p[] = {a->q->practice_id, ext, starts};
  db_result *r = db_exec(a->c, &PMS_BOOKING, 3, p, err);
  if (!r)
    return false;
  bool known = db_rows(r) == 1, same_time = known && strcmp(db_text(r, 0, 2), "t") == 0;
  char id[37] = "", was[20] = "";
  if (known) {
    snprintf(id, sizeof id, "%s", db_text(r, 0, 0));
    snprintf(was, sizeof was, "%s", db_text(r, 0, 1));
  }
  db_free(r);
  state = state ? state : "booked";
  if (known) {
    json_t *patch = json_pack("{s:b}", "override_hours", 1);
    if (strcmp(was, state) != 0)
      json_object_set_new(patch, "state", json_string(state));
    if (!same_time && strcmp(state, "booked") == 0)
      json_object_set_new(patch, "starts_at", json_string(starts));
    if (strcmp(state, "cancelled") == 0)
      json_object_set_new(patch, "cancel_reason", json_sprintf("cancelled in %s", a->q->vendor));
    bool changed = json_object_size(patch) > 1;
    bool ok = !changed || bookings_patch(a->c, a->q->practice_id, id, patch, result, err);
    json_decref(patch);
    json_object_set_new(outcome, "outcome", json_string(changed ? "updated" : "unchanged"));
    return ok;
  }
  if (strcmp(state, "booked") != 0) {
    /* Its creation never reached us (or comes later, older, and is then stale): nothing to undo. */
    json_object_set_new(outcome, "outcome", json_string("ignored"));
    json_object_set_new(outcome, "reason", json_string("no such booking"));
    return true;
  }
  char client[37];
  json_t *services = json_object_get(data, "services");
  if (!client_of(a, json_object_get(data, "client"), client, err) || !injector_by_name(a, data, err) ||
      !map_names(a, services, NULL, true, json_object_get(outcome, "unmapped"), err))
    return false;
  json_t *minutes = json_object_get(data, "duration_minutes");
  json_t *body = json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:b}", "client_id", client, "starts_at", starts,
                           "duration_minutes", minutes ? json_incref(minutes) : json_integer(30), "services",
                           json_is_array(services) ? json_incref(services) : json_array(), "source", "pms",
                           "external_id", ext, "override_hours", 1);
  if (json_object_get(data, "injector_id"))
    json_object_set(body, "injector_id", json_object_get(data, "injector_id"));
  bool ok = bookings_validate(body, err) && bookings_create(a->c, a->q->practice_id, body, result, err);
  json_decref(body);
  *created = ok;
  json_object_set_new(outcome, "outcome", json_string("created"));
  return ok;
}

/* Applies one operation; errors name the field inside data. */
static bool apply_op(const pms_apply *a, json_t *op, json_t *outcome, json_t **result, bool *created,
                     cad_error *err) {
  const char *name = json_string_value(json_object_get(op, "op"));
  const char *resource = json_string_value(json_object_get(op, "resource"));
  json_t *data = json_deep_copy(json_object_get(op, "data"));
  bool ok = true, stale = false;
  if (strcmp(name, "ignored") == 0) {
    json_object_set_new(outcome, "outcome", json_string("ignored"));
    json_object_set(outcome, "reason", json_object_get(data, "reason"));
    json_decref(data);
    return true;
  }
  if (a->occurred_at && *resource) {
    const char *p[] = {a->q->practice_id, a->q->vendor, resource, a->occurred_at};
    ok = db_exists(a->c, &PMS_STALE, 4, p, &stale, err);
  }
  if (ok && stale) {
    json_object_set_new(outcome, "outcome", json_string("stale"));
  } else if (ok && strcmp(name, "client.upserted") == 0) {
    int status = 200;
    ok = upsert_client(a->c, a->zones, a->q->practice_id, data, &status, result, err);
    *created = status == 201;
    json_object_set_new(outcome, "outcome", json_string(*created ? "created" : "updated"));
  } else if (ok && strcmp(name, "treatment.completed") == 0) {
    ok = apply_treatment(a, data, outcome, result, created, err);
  } else if (ok && strcmp(name, "treatment.refunded") == 0) {
    ok = apply_refund(a, data, outcome, result, err);
  } else if (ok) {
    ok = apply_booking(a, data, outcome, result, created, err);
  }
  json_decref(data);
  if (ok && !stale && a->occurred_at && *resource) {
    const char *p[] = {a->q->practice_id, a->q->vendor, resource, a->occurred_at};
    ok = db_run(a->c, &PMS_APPLIED, 4, p, err);
  }
  return ok;
}

/* One delivery, applied whole or not at all. */
typedef struct deliver_ctx {
  pms_apply a;
  int *status;
  json_t **out;
} deliver_ctx;

static bool deliver_tx(db_conn *c, void *vctx, cad_error *err) {
  deliver_ctx *x = vctx;
  const pms_delivery *d = x->a.d;
  db_tx_reset(x->out);
  /* The delivery id is claimed first: a concurrent copy of it waits here, then finds it taken. */
  const char *p[] = {x->a.q->practice_id, x->a.q->vendor, d->event_id, d->event_type};
  db_result *claim = db_exec(c, &PMS_RECORD, 4, p, err);
  if (!claim)
    return false;
  bool seen = db_rows(claim) == 0;
  db_free(claim);
  if (seen) {
    *x->status = 200;
    *x->out = json_pack("{s:s,s:s}", "status", "duplicate", "event_id", d->event_id);
    return true;
  }
  json_t *outcomes = json_array(), *first = NULL;
  bool ok = true, any_created = false;
  for (size_t i = 0; ok && i < json_array_size(d->ops); i++) {
    json_t *op = json_array_get(d->ops, i), *result = NULL;
    json_t *outcome = json_pack("{s:O,s:O,s:[]}", "op", json_object_get(op, "op"), "resource",
                                json_object_get(op, "resource"), "unmapped");
    bool created = false;
    x->a.item_paths = json_object_get(json_object_get(op, "fields"), "items");
    ok = apply_op(&x->a, op, outcome, &result, &created, err);
    any_created |= ok && created;
    if (result && !first)
      first = json_incref(result);
    json_object_set_new(outcome, "id", json_incref(json_object_get(result, "id") ? json_object_get(result, "id")
                                                                                : json_null()));
    json_decref(result);
    json_array_append_new(outcomes, outcome);
    if (!ok && err->field[0] && (err->status == 400 || err->status == 422)) {
      /* Name the field of the body the vendor sent, not of Cadence's form of it. */
      char field[sizeof err->field];
      pms_vendor_field(op, err->field, field, sizeof field);
      memcpy(err->field, field, sizeof field);
    }
  }
  if (ok) {
    *x->status = any_created ? 201 : 200;
    *x->out = json_pack("{s:s,s:s,s:s,s:o,s:o}", "status", "processed", "event_id", d->event_id, "type",
                        d->event_type, "result", first ? first : json_null(), "operations", outcomes);
  } else {
    json_decref(first);
    json_decref(outcomes);
  }
  return ok;
}

bool pms_handle(db_conn *c, const tz_set *zones, const pms_request *q, int *status, json_t **out, cad_error *err) {
  if (strcmp(q->vendor, "generic") && strcmp(q->vendor, "zenoti") && strcmp(q->vendor, "patientnow"))
    return cad_fail(err, "not_found", NULL, "unknown vendor (supported: generic, zenoti, patientnow)");
  if (!authenticate(c, q, err))
    return false;
  pms_delivery d;
  if (!pms_translate(q->vendor, q->json, &d, err))
    return false;
  deliver_ctx x = {{c, zones, q, &d, false, NULL, NULL}, status, out};
  char occurred[48];
  bool ok = true;
  if (d.occurred_at) { /* the event's time orders a resource's events; a local time is the practice's */
    ok = local_time(&x.a, d.occurred_at, d.occurred_at_field, occurred, err);
    x.a.occurred_at = occurred;
  }
  *out = NULL;
  ok = ok && db_tx(c, deliver_tx, &x, err);
  if (!ok)
    db_tx_reset(out);
  pms_delivery_free(&d);
  return ok;
}

bool pms_apply_visit(db_conn *c, const tz_set *zones, const char *practice_id, const char *source,
                     const char *event_id, json_t *data, json_t **outcome, cad_error *err) {
  pms_request q = {.vendor = source, .practice_id = practice_id};
  pms_delivery d = {.event_id = event_id};
  pms_apply a = {c, zones, &q, &d, true, NULL, NULL};
  json_t *result = NULL;
  bool created = false;
  *outcome = json_pack("{s:[]}", "unmapped");
  bool ok = apply_treatment(&a, data, *outcome, &result, &created, err);
  json_decref(result);
  return ok;
}

bool pms_unmapped(db_conn *c, const char *practice_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id};
  db_result *r = db_exec(c, &PMS_UNMAPPED_LIST, 1, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o}", "data", db_json(r, 0, 0));
  db_free(r);
  return true;
}
