/* membership_plans.c: POST and GET /v1/loyalty/membership-plans. */
#include "api.h"
#include "jsonspec.h"
#include "memberships.h"

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
