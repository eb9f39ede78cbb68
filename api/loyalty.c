/* loyalty.c: GET and PUT /v1/loyalty/program, GET /v1/loyalty/calculator, GET /v1/clients/{id}/loyalty,
 * GET /v1/clients/{id}/loyalty/ledger, POST /v1/clients/{id}/loyalty/redemptions and /adjustments. */
#include "api.h"
#include "jsonspec.h"
#include "loyalty.h"

void loyalty_program_get_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, loyalty_program_get(r->db, r->who.practice_id, &out, &err), &err))
    http_reply_json(r, 200, out);
}
void loyalty_program_put_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (!json_is_object(r->json)) {
    cad_fail(&err, "invalid_body", NULL, "the body must be a JSON object");
    http_reply_error(r, &err);
    return;
  }
  if (api_check(r, loyalty_program_put(r->db, r->who.practice_id, r->json, &out, &err), &err))
    http_reply_json(r, 200, out);
}
void loyalty_calculator_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r,
                loyalty_calculator(r->db, r->who.practice_id, http_query(r, "visits_per_year"),
                                   http_query(r, "average_ticket_cents"), http_query(r, "tier"), &out, &err),
                &err))
    http_reply_json(r, 200, out);
}
void loyalty_summary_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, loyalty_summary(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
void loyalty_ledger_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  int limit;
  if (api_limit(r, &limit) &&
      api_check(r,
                loyalty_ledger_page(r->db, r->who.practice_id, r->params[0], http_query(r, "cursor"), limit, &out,
                                    &err),
                &err))
    http_reply_json(r, 200, out);
}
void loyalty_redemptions_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"points", JS_INT, 0, 0, NULL, NULL},
                       {"amount_cents", JS_INT, 0, 0, NULL, NULL},
                       {"ticket_cents", JS_INT, JS_REQUIRED, 0, NULL, NULL},
                       {"treatment_id", JS_STRING, JS_NULLABLE, 40, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    loyalty_redeem(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}
void loyalty_adjustments_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"points", JS_INT, JS_REQUIRED, 0, NULL, NULL},
                       {"reason", JS_STRING, JS_REQUIRED, 500, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    loyalty_adjust(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}
