/* injectors.c: GET and POST /v1/injectors, PATCH /v1/injectors/{id}. */
#include "api.h"
#include "injectors.h"
#include "jsonspec.h"

#define INJECTOR_FIELDS(required)                                 \
  {"name", JS_STRING, required, 200, NULL, NULL},                 \
  {"email", JS_STRING, JS_NULLABLE, 254, NULL, NULL},             \
  {"phone", JS_STRING, JS_NULLABLE, 20, NULL, NULL},              \
  {"active", JS_BOOL, 0, 0, NULL, NULL},                          \
  {NULL, 0, 0, 0, NULL, NULL}

void injectors_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, injectors_list(r->db, r->who.practice_id, &out, &err), &err))
    http_reply_json(r, 200, out);
}

void injectors_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {INJECTOR_FIELDS(JS_REQUIRED)};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) && injectors_validate(r->json, &err) &&
                    injectors_create(r->db, r->who.practice_id, r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}

void injectors_patch_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {INJECTOR_FIELDS(0)};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) && injectors_validate(r->json, &err) &&
                    injectors_patch(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 200, out);
}
