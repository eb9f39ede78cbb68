/* practices.c: POST /v1/practices, GET and PATCH /v1/practices/{id},
 * POST /v1/practices/{id}/api-keys, DELETE /v1/practices/{id}/api-keys/{key_id}. */
#include <string.h>

#include "api.h"
#include "app.h"
#include "jsonspec.h"
#include "practices.h"
#include "validate.h"

static const json_field QUIET_HOURS[] = {
    {"start", JS_STRING, 0, 5, NULL, NULL}, {"end", JS_STRING, 0, 5, NULL, NULL}, {NULL, 0, 0, 0, NULL, NULL}};

/* The fields of a practice; create requires name and time_zone, patch requires nothing. */
#define PRACTICE_FIELDS(required, qh)                                                       \
  {"name", JS_STRING, required, 200, NULL, NULL},                                           \
  {"time_zone", JS_STRING, required, 64, NULL, NULL},                                       \
  {"address", JS_STRING, JS_NULLABLE, 500, NULL, NULL},                                     \
  {"parking_text", JS_STRING, JS_NULLABLE, 500, NULL, NULL},                                \
  {"check_in_text", JS_STRING, JS_NULLABLE, 500, NULL, NULL},                               \
  {"contact_text", JS_STRING, JS_NULLABLE, 500, NULL, NULL},                                \
  {"booking_url", JS_STRING, JS_NULLABLE, 500, NULL, NULL},                                 \
  {"intake_url", JS_STRING, JS_NULLABLE, 500, NULL, NULL},                                  \
  {"photo_url", JS_STRING, JS_NULLABLE, 500, NULL, NULL},                                   \
  {"photo_id_system", JS_STRING, JS_NULLABLE, 40, NULL, NULL},                              \
  {"sms_from", JS_STRING, JS_NULLABLE, 40, NULL, NULL},                                     \
  {"email_from", JS_STRING, JS_NULLABLE, 254, NULL, NULL},                                  \
  {"report_email", JS_STRING, JS_NULLABLE, 254, NULL, NULL},                                \
  {"report_alarm_percent", JS_INT, 0, 0, NULL, NULL},                                       \
  {"quiet_hours", JS_OBJECT, 0, 0, qh, NULL},                                               \
  {"sender_mode", JS_STRING, 0, 20, NULL, NULL},                                            \
  {"webhook_secret", JS_STRING, 0, 256, NULL, NULL},                                        \
  {"paused", JS_BOOL, 0, 0, NULL, NULL},                                                    \
  {"send_time", JS_STRING, 0, 5, NULL, NULL},                                               \
  {"incentive_text", JS_STRING, 0, 300, NULL, NULL},                                        \
  {"appearance_phrases", JS_ARRAY, 0, 0, NULL, NULL},                                       \
  {NULL, 0, 0, 0, NULL, NULL}

static bool parse_practice(http_req *r, bool creating, cad_error *err) {
  json_t *qh = NULL;
  json_field create[] = {PRACTICE_FIELDS(JS_REQUIRED, &qh)};
  json_field patch[] = {PRACTICE_FIELDS(0, &qh)};
  return jsonspec_parse(r->json, creating ? create : patch, NULL, err) &&
         (!qh || jsonspec_parse(qh, QUIET_HOURS, "quiet_hours.", err)) &&
         practices_validate(r->app->zones, r->json, creating, err);
}

void practices_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, parse_practice(r, true, &err) && practices_create(r->db, r->json, &out, &err), &err))
    http_reply_json(r, 201, out);
}

/* Staff and integration keys see their own practice only; any other id is 404. */
static bool visible(http_req *r, cad_error *err) {
  if (r->who.role != ROLE_ADMIN && strcmp(r->who.practice_id, r->params[0]) != 0)
    return FAIL_NOT_FOUND(err, "practice");
  return true;
}

void practices_get_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, visible(r, &err) && practices_get(r->db, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}

void practices_patch_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, parse_practice(r, false, &err) && practices_patch(r->db, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 200, out);
}

void api_keys_post(http_req *r) {
  cad_error err;
  const char *role_name = NULL, *name = "";
  json_t *out = NULL, *practice = NULL;
  json_field spec[] = {{"role", JS_STRING, JS_REQUIRED, 20, &role_name, NULL},
                       {"name", JS_STRING, 0, 100, &name, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  bool ok = jsonspec_parse(r->json, spec, NULL, &err);
  role rl = ok ? auth_role_from_name(role_name) : 0;
  if (ok && rl != ROLE_STAFF && rl != ROLE_INTEGRATION)
    ok = FAIL_VALUE(&err, "role", "'role' must be 'staff' or 'integration'");
  ok = ok && practices_get(r->db, r->params[0], &practice, &err) &&
       auth_issue_key(r->db, r->params[0], rl, name, &out, &err);
  json_decref(practice);
  if (api_check(r, ok, &err))
    http_reply_json(r, 201, out);
}

void api_keys_delete(http_req *r) {
  cad_error err;
  bool ok = valid_uuid(r->params[0]) && valid_uuid(r->params[1])
                ? auth_revoke_key(r->db, r->params[0], r->params[1], &err)
                : FAIL_NOT_FOUND(&err, "api key");
  if (api_check(r, ok, &err))
    http_reply_empty(r, 204);
}
