/* pms.c: applies the operations pms_vendors.c reads out of a vendor's
 * delivery: clients, treatments and bookings matched by the vendor's ids.
 * Names Cadence cannot map are kept (GET /v1/integrations/unmapped) rather
 * than failing the delivery, and a resource's older events never overwrite
 * its newer ones. */
#include "pms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients.h"
#include "crypto.h"
#include "bookings.h"
#include "pms_vendors.h"
#include "treatments.h"
#include "validate.h"

static const db_stmt SECRET = {"pms_secret", "SELECT webhook_secret FROM practices WHERE id = $1"};
static const db_stmt SEEN = {
    "pms_seen", "SELECT 1 FROM webhook_events WHERE practice_id = $1 AND vendor = $2 AND event_id = $3"};
static const db_stmt RECORD = {
    "pms_record",
    "INSERT INTO webhook_events(practice_id, vendor, event_id, event_type) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING"};
/* A vendor time no newer than the last applied to the resource: the event is stale. */
static const db_stmt STALE = {
    "pms_stale",
    "SELECT 1 FROM pms_resources WHERE practice_id = $1 AND vendor = $2 AND resource = $3 "
    "  AND last_event_at >= $4::timestamptz"};
static const db_stmt APPLIED = {
    "pms_applied",
    "INSERT INTO pms_resources (practice_id, vendor, resource, last_event_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (practice_id, vendor, resource) DO UPDATE SET last_event_at = EXCLUDED.last_event_at "
    "WHERE pms_resources.last_event_at < EXCLUDED.last_event_at"};
/* A name as a type code or alias, or (with $3) as a family. */
static const db_stmt RESOLVE = {
    "pms_resolve",
    "SELECT code FROM treatment_types WHERE practice_id = $1 AND code = coalesce((SELECT code FROM "
    "  treatment_aliases WHERE practice_id = $1 AND alias_key = lower($2)), $2) "
    "UNION ALL SELECT family FROM treatment_types WHERE $3::boolean AND practice_id = $1 AND family = $2 LIMIT 1"};
static const db_stmt UNMAPPED = {
    "pms_unmapped",
    "INSERT INTO pms_unmapped (practice_id, vendor, name_key, name, kind, last_event_id) "
    "VALUES ($1, $2, lower($3), $3, $4, $5) ON CONFLICT (practice_id, vendor, name_key) DO UPDATE "
    "SET occurrences = pms_unmapped.occurrences + 1, last_seen_at = clock_timestamp(), "
    "    last_event_id = EXCLUDED.last_event_id"};
/* The practice's injector of that name (any case), made when there is none. */
static const db_stmt INJECTOR = {
    "pms_injector",
    "WITH found AS (SELECT id FROM injectors WHERE practice_id = $1 AND lower(name) = lower($2) "
    "    ORDER BY created_at LIMIT 1), "
    "  made AS (INSERT INTO injectors (practice_id, name) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM found) "
    "    RETURNING id) "
    "SELECT id FROM found UNION ALL SELECT id FROM made"};
/* A time without offset, as Zenoti writes them, read in the practice's zone. */
static const db_stmt LOCAL_TIME = {
    "pms_local_time",
    "SELECT local_rfc3339($2::timestamp AT TIME ZONE time_zone, time_zone) FROM practices WHERE id = $1"};
static const db_stmt BOOKING_BY_EXTERNAL = {
    "pms_booking",
    "SELECT id, state, starts_at = $3::timestamptz FROM bookings "
    "WHERE practice_id = $1 AND source = 'pms' AND external_id = $2"};
static const db_stmt UNMAPPED_LIST = {
    "pms_unmapped_list",
    "SELECT coalesce(jsonb_agg(jsonb_build_object('vendor', u.vendor, 'name', u.name, 'kind', u.kind, "
    "    'occurrences', u.occurrences, 'first_seen_at', u.first_seen_at, 'last_seen_at', u.last_seen_at, "
    "    'last_event_id', u.last_event_id) ORDER BY u.occurrences DESC, u.name), '[]') "
    "FROM pms_unmapped u WHERE u.practice_id = $1 AND NOT EXISTS ( "
    "  SELECT 1 FROM treatment_types t WHERE t.practice_id = u.practice_id AND (t.code = u.name_key "
    "    OR (u.kind = 'service' AND t.family = u.name_key) OR t.code IN (SELECT a.code FROM treatment_aliases a "
    "    WHERE a.practice_id = u.practice_id AND a.alias_key = u.name_key)))"};

/* 401 for a missing header, 403 for anything that does not prove the sender. */
static bool authenticate(db_conn *c, const pms_request *q, cad_error *err) {
  if (!q->practice_id || !q->timestamp || !q->signature)
    return cad_fail(err, 401, "missing_signature", NULL,
                    "X-Cadence-Practice, X-Cadence-Timestamp and X-Cadence-Signature are required");
  char *end;
  long long ts = strtoll(q->timestamp, &end, 10);
  if (*end || end == q->timestamp || llabs((long long)q->now - ts) > q->tolerance_s)
    return cad_fail(err, 403, "stale_request", "X-Cadence-Timestamp",
                    "the timestamp is outside the replay window; sign each delivery anew");
  if (!valid_uuid(q->practice_id))
    return cad_fail(err, 403, "invalid_signature", "X-Cadence-Signature", "the signature does not match");
  const char *p[] = {q->practice_id};
  PGresult *r = db_exec(c, &SECRET, 1, p, err);
  if (!r)
    return false;
  char expected[72] = "sha256=", hex[65];
  bool known = PQntuples(r) == 1;
  size_t tlen = strlen(q->timestamp);
  char *material = malloc(tlen + 1 + q->body_len);
  memcpy(material, q->timestamp, tlen);
  material[tlen] = '.';
  memcpy(material + tlen + 1, q->body, q->body_len);
  crypto_hmac_sha256_hex(known ? PQgetvalue(r, 0, 0) : "unknown practice", material, tlen + 1 + q->body_len, hex);
  free(material);
  PQclear(r);
  strcat(expected, hex);
  if (!known || !crypto_equal(expected, q->signature))
    return cad_fail(err, 403, "invalid_signature", "X-Cadence-Signature", "the signature does not match");
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
} pms_apply;

/* Replaces obj[key], a time maybe without offset, by the same local time with the practice's offset. */
static bool with_offset(const pms_apply *a, json_t *obj, const char *key, cad_error *err) {
  const char *v = json_string_value(json_object_get(obj, key));
  if (!v || valid_timestamp(v) || strlen(v) < 16 || strlen(v) > 32 || v[10] != 'T')
    return true; /* RFC 3339 already, or not a time at all: validation names the field */
  const char *p[] = {a->q->practice_id, v};
  PGresult *r = db_exec(a->c, &LOCAL_TIME, 2, p, err);
  if (!r) {
    if (strcmp(db_sqlstate(a->c), "22007") == 0 || strcmp(db_sqlstate(a->c), "22008") == 0)
      return FAIL_VALUE(err, key, "'%s' is not a date and time", key);
    return false;
  }
  if (PQntuples(r) == 1)
    json_object_set_new(obj, key, json_string(PQgetvalue(r, 0, 0)));
  PQclear(r);
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
    PGresult *r = db_exec(a->c, &RESOLVE, 3, p, err);
    if (!r)
      return false;
    bool found = PQntuples(r) == 1;
    PQclear(r);
    if (found) {
      i++;
      continue;
    }
    const char *u[] = {a->q->practice_id, a->q->vendor, name, families ? "service" : "treatment", a->d->event_id};
    if (!db_run(a->c, &UNMAPPED, 5, u, err))
      return false;
    json_array_append_new(unmapped, json_string(name));
    json_array_remove(list, i);
  }
  return true;
}

/* Moves data.injector_name to data.injector_id (the practice's injector of that name, made if new). */
static bool injector_by_name(const pms_apply *a, json_t *data, cad_error *err) {
  const char *name = json_string_value(json_object_get(data, "injector_name"));
  if (name && *name && strlen(name) <= 200) {
    const char *p[] = {a->q->practice_id, name};
    PGresult *r = db_exec(a->c, &INJECTOR, 2, p, err);
    if (!r)
      return false;
    if (PQntuples(r) == 1)
      json_object_set_new(data, "injector_id", json_string(PQgetvalue(r, 0, 0)));
    PQclear(r);
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
  PGresult *r = db_exec(a->c, &BOOKING_BY_EXTERNAL, 3, p, err);
  if (!r)
    return false;
  bool known = PQntuples(r) == 1, same_time = known && strcmp(PQgetvalue(r, 0, 2), "t") == 0;
  char id[37] = "", was[20] = "";
  if (known) {
    snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    snprintf(was, sizeof was, "%s", PQgetvalue(r, 0, 1));
  }
  PQclear(r);
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
  if (a->d->occurred_at && *resource) {
    const char *p[] = {a->q->practice_id, a->q->vendor, resource, a->d->occurred_at};
    ok = valid_timestamp(a->d->occurred_at) ? db_exists(a->c, &STALE, 4, p, &stale, err)
                                            : FAIL_VALUE(err, "occurred_at", "the event time must be RFC 3339");
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
  } else if (ok) {
    ok = apply_booking(a, data, outcome, result, created, err);
  }
  json_decref(data);
  if (ok && !stale && a->d->occurred_at && *resource) {
    const char *p[] = {a->q->practice_id, a->q->vendor, resource, a->d->occurred_at};
    ok = db_run(a->c, &APPLIED, 4, p, err);
  }
  return ok;
}

bool pms_handle(db_conn *c, const tz_set *zones, const pms_request *q, int *status, json_t **out, cad_error *err) {
  if (strcmp(q->vendor, "generic") && strcmp(q->vendor, "zenoti") && strcmp(q->vendor, "patientnow"))
    return cad_fail(err, 404, "not_found", NULL, "unknown vendor (supported: generic, zenoti, patientnow)");
  if (!authenticate(c, q, err))
    return false;
  pms_delivery d;
  if (!pms_translate(q->vendor, q->json, &d, err))
    return false;
  const char *p[] = {q->practice_id, q->vendor, d.event_id, d.event_type};
  bool seen = false;
  if (!db_exists(c, &SEEN, 3, p, &seen, err)) {
    pms_delivery_free(&d);
    return false;
  }
  if (seen) {
    *status = 200;
    *out = json_pack("{s:s,s:s}", "status", "duplicate", "event_id", d.event_id);
    pms_delivery_free(&d);
    return true;
  }
  pms_apply a = {c, zones, q, &d, false};
  json_t *outcomes = json_array(), *first = NULL;
  bool ok = true, any_created = false;
  for (size_t i = 0; ok && i < json_array_size(d.ops); i++) {
    json_t *op = json_array_get(d.ops, i), *result = NULL;
    json_t *outcome = json_pack("{s:O,s:O,s:[]}", "op", json_object_get(op, "op"), "resource",
                                json_object_get(op, "resource"), "unmapped");
    bool created = false;
    ok = apply_op(&a, op, outcome, &result, &created, err);
    any_created |= ok && created;
    if (result && !first)
      first = json_incref(result);
    json_object_set_new(outcome, "id", json_incref(json_object_get(result, "id") ? json_object_get(result, "id")
                                                                                : json_null()));
    json_decref(result);
    json_array_append_new(outcomes, outcome);
    if (!ok && err->field[0] && (err->status == 400 || err->status == 422)) {
      /* Name the field inside data, as the sender wrote it. */
      char field[sizeof err->field];
      snprintf(field, sizeof field, "data.%.80s", err->field);
      memcpy(err->field, field, sizeof field);
    }
  }
  ok = ok && db_run(c, &RECORD, 4, p, err);
  if (ok) {
    *status = any_created ? 201 : 200;
    *out = json_pack("{s:s,s:s,s:s,s:o,s:o}", "status", "processed", "event_id", d.event_id, "type", d.event_type,
                     "result", first ? first : json_null(), "operations", outcomes);
  } else {
    json_decref(first);
    json_decref(outcomes);
  }
  pms_delivery_free(&d);
  return ok;
}

bool pms_apply_visit(db_conn *c, const tz_set *zones, const char *practice_id, const char *source,
                     const char *event_id, json_t *data, json_t **outcome, cad_error *err) {
  pms_request q = {.vendor = source, .practice_id = practice_id};
  pms_delivery d = {.event_id = event_id};
  pms_apply a = {c, zones, &q, &d, true};
  json_t *result = NULL;
  bool created = false;
  *outcome = json_pack("{s:[]}", "unmapped");
  bool ok = apply_treatment(&a, data, *outcome, &result, &created, err);
  json_decref(result);
  return ok;
}

bool pms_unmapped(db_conn *c, const char *practice_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id};
  PGresult *r = db_exec(c, &UNMAPPED_LIST, 1, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o}", "data", db_json(r, 0, 0));
  PQclear(r);
  return true;
}
