/* referrals.c: POST /v1/referrals. */
#include "api.h"
#include "jsonspec.h"
#include "loyalty.h"

void referrals_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"referrer_id", JS_STRING, JS_REQUIRED, 40, NULL, NULL},
                       {"referred_id", JS_STRING, JS_REQUIRED, 40, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) && loyalty_refer(r->db, r->who.practice_id, r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}
