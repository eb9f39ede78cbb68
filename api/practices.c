/* practices.c: POST /v1/practices, GET and PATCH /v1/practices/{id}. */
#include <string.h>

#include "api.h"
#include "app.h"
#include "jsonspec.h"
#include "practices.h"

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
  {"reply_hold_days", JS_INT, 0, 0, NULL, NULL},                                            \
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
