/* memberships.c: POST /v1/clients/{id}/membership, and its /payments, /cancel and /credit-uses. */
#include "api.h"
#include "jsonspec.h"
#include "memberships.h"

void membership_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"plan_id", JS_STRING, JS_REQUIRED, 40, NULL, NULL}, {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    memberships_join(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}
void membership_payments_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"amount_cents", JS_INT, JS_REQUIRED, 0, NULL, NULL},
                       {"paid_at", JS_STRING, JS_NULLABLE, 40, NULL, NULL},
                       {"reference", JS_STRING, JS_NULLABLE, 200, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    memberships_payment(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}
void membership_cancel_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"reason", JS_STRING, JS_NULLABLE, 500, NULL, NULL}, {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    memberships_cancel(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 200, out);
}
void membership_credit_uses_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"amount_cents", JS_INT, JS_REQUIRED, 0, NULL, NULL}, {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    memberships_use_credit(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}
