/* schedules.c: GET and PUT /v1/injectors/{id}/schedule. */
#include "api.h"
#include "jsonspec.h"
#include "schedules.h"

void schedules_get_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, schedules_get(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
void schedules_put_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"buffer_minutes", JS_INT, 0, 0, NULL, NULL},
                       {"hours", JS_ARRAY, 0, 0, NULL, NULL},
                       {"days_off", JS_ARRAY, 0, 0, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) && schedules_validate(r->json, &err) &&
                    schedules_put(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 200, out);
}
