/* treatment_types.c: the cadence library: GET /v1/treatment-types, PUT /v1/treatment-types/{code}. */
#include "api.h"
#include "jsonspec.h"
#include "treatment_types.h"

void treatment_types_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, treatment_types_list(r->db, r->who.practice_id, &out, &err), &err))
    http_reply_json(r, 200, out);
}
void treatment_types_put_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  bool created = false;
  char code[48];
  treatment_code_normalise(r->params[0], code);
  json_field spec[] = {{"name", JS_STRING, JS_REQUIRED, 100, NULL, NULL},
                       {"family", JS_STRING, JS_REQUIRED, 40, NULL, NULL},
                       {"typical_duration", JS_STRING, JS_REQUIRED, 60, NULL, NULL},
                       {"window_days", JS_INT, JS_REQUIRED, 0, NULL, NULL},
                       {"series", JS_BOOL, 0, 0, NULL, NULL},
                       {"steps", JS_ARRAY, JS_REQUIRED, 0, NULL, NULL},
                       {"lapse", JS_OBJECT, JS_REQUIRED, 0, NULL, NULL},
                       {"nurture", JS_OBJECT, 0, 0, NULL, NULL},
                       {"aftercare", JS_ARRAY, 0, 0, NULL, NULL},
                       {"aliases", JS_ARRAY, 0, 0, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    treatment_types_validate(code, r->json, &err) &&
                    treatment_types_put(r->db, r->who.practice_id, code, r->json, &out, &created, &err),
                &err))
    http_reply_json(r, created ? 201 : 200, out);
}
