/* api_keys.c: a practice's API keys (admin): POST /v1/practices/{id}/api-keys,
 * DELETE /v1/practices/{id}/api-keys/{key_id}. */
#include "api.h"
#include "jsonspec.h"
#include "practices.h"
#include "validate.h"

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
