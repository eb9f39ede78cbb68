/* opt_outs.c: POST /v1/clients/{id}/opt-outs: staff record a client's opt-out. */
#include "api.h"
#include "jsonspec.h"
#include "suppressions.h"

void opt_outs_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  const char *channel = NULL, *reason = NULL;
  json_field spec[] = {{"channel", JS_STRING, JS_REQUIRED, 10, &channel, NULL},
                       {"reason", JS_STRING, JS_NULLABLE, 500, &reason, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    suppressions_opt_out(r->db, r->who.practice_id, r->params[0], channel, reason, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}
