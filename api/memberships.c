/* memberships.c: /v1/loyalty/membership-plans and /v1/clients/{id}/membership... */
#include "memberships.h"

#include "api.h"
#include "jsonspec.h"

void membership_plans_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"name", JS_STRING, JS_REQUIRED, 100, NULL, NULL},
                       {"monthly_fee_cents", JS_INT, JS_REQUIRED, 0, NULL, NULL},
                       {"monthly_credit_cents", JS_INT, JS_REQUIRED, 0, NULL, NULL},
                       {"rollover_months", JS_INT, JS_REQUIRED, 0, NULL, NULL},
                       {"member_discount_percent", JS_INT, 0, 0, NULL, NULL},
                       {"vip_perk", JS_STRING, JS_NULLABLE, 200, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    memberships_plan_create(r->db, r->who.practice_id, r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}

void membership_plans_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, memberships_plan_list(r->db, r->who.practice_id, &out, &err), &err))
    http_reply_json(r, 200, out);
}

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
