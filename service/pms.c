/* pms.c: the "generic" vendor format is Cadence's own, documented in the
 * README: {"event_id", "type": "treatment.completed" | "client.upserted", "data"}. */
#include "pms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients.h"
#include "crypto.h"
#include "jsonspec.h"
#include "treatments.h"
#include "validate.h"

static const db_stmt SECRET = {"pms_secret", "SELECT webhook_secret FROM practices WHERE id = $1"};
static const db_stmt SEEN = {
    "pms_seen", "SELECT 1 FROM webhook_events WHERE practice_id = $1 AND vendor = $2 AND event_id = $3"};
static const db_stmt RECORD = {
    "pms_record",
    "INSERT INTO webhook_events(practice_id, vendor, event_id, event_type) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING"};

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

bool pms_handle(db_conn *c, const tz_set *zones, const pms_request *q, int *status, json_t **out, cad_error *err) {
  if (strcmp(q->vendor, "generic") != 0)
    return cad_fail(err, 404, "not_found", NULL, "unknown vendor (supported: generic)");
  if (!authenticate(c, q, err))
    return false;
  const char *event_id = NULL, *type = NULL;
  json_t *data = NULL;
  json_field spec[] = {{"event_id", JS_STRING, JS_REQUIRED, 200, &event_id, NULL},
                       {"type", JS_STRING, JS_REQUIRED, 60, &type, NULL},
                       {"data", JS_OBJECT, JS_REQUIRED, 0, &data, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (!jsonspec_parse(q->json, spec, NULL, err))
    return false;
  if (!*event_id)
    return FAIL_VALUE(err, "event_id", "'event_id' must not be empty");
  const char *p[] = {q->practice_id, q->vendor, event_id, type};
  PGresult *r = db_exec(c, &SEEN, 3, p, err);
  if (!r)
    return false;
  bool seen = PQntuples(r) > 0;
  PQclear(r);
  if (seen) {
    *status = 200;
    *out = json_pack("{s:s,s:s}", "status", "duplicate", "event_id", event_id);
    return true;
  }
  json_t *result = NULL;
  bool ok;
  if (strcmp(type, "treatment.completed") == 0) {
    json_t *body = json_deep_copy(data);
    if (!json_object_get(body, "source"))
      json_object_set_new(body, "source", json_string(q->vendor));
    bool replayed = false;
    ok = treatments_validate(zones, body, err) && treatments_create(c, q->practice_id, body, &result, &replayed, err);
    *status = replayed ? 200 : 201;
    json_decref(body);
  } else if (strcmp(type, "client.upserted") == 0) {
    ok = upsert_client(c, zones, q->practice_id, data, status, &result, err);
  } else {
    return FAIL_VALUE(err, "type", "'type' must be treatment.completed or client.upserted");
  }
  if (!ok) {
    /* Name the field inside data, as the sender wrote it. */
    if (err->field[0] && (err->status == 400 || err->status == 422)) {
      char field[sizeof err->field];
      snprintf(field, sizeof field, "data.%.80s", err->field);
      memcpy(err->field, field, sizeof field);
    }
    return false;
  }
  PGresult *rec = db_exec(c, &RECORD, 4, p, err);
  PQclear(rec);
  *out = json_pack("{s:s,s:s,s:s,s:o}", "status", "processed", "event_id", event_id, "type", type, "result", result);
  return rec != NULL;
}
