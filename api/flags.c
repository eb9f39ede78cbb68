/* flags.c: GET and POST /v1/clients/{id}/flags, DELETE /v1/clients/{id}/flags/{flag_id}. */
#include "api.h"
#include "flags.h"
#include "jsonspec.h"

void flags_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"kind", JS_STRING, JS_REQUIRED, 20, NULL, NULL},
                       {"note", JS_STRING, JS_NULLABLE, 2000, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    flags_open(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}
void flags_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, flags_list(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
void flags_delete(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, flags_resolve(r->db, r->who.practice_id, r->params[0], r->params[1], &out, &err), &err))
    http_reply_json(r, 200, out);
}
