/* templates.c: GET /v1/templates, PUT /v1/templates/{treatment_type}/{step}/{channel},
 * POST /v1/templates/preview. */
#include "api.h"
#include "jsonspec.h"
#include "templates.h"

void templates_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r,
                templates_list(r->db, r->who.practice_id, http_query(r, "treatment_type"), http_query(r, "step"),
                               http_query(r, "channel"), &out, &err),
                &err))
    http_reply_json(r, 200, out);
}

void templates_preview_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field parts[] = {{"booking_link", JS_BOOL, 0, 0, NULL, NULL}, {"open_slots", JS_BOOL, 0, 0, NULL, NULL},
                        {"incentive", JS_BOOL, 0, 0, NULL, NULL},    {"injector", JS_BOOL, 0, 0, NULL, NULL},
                        {"address", JS_BOOL, 0, 0, NULL, NULL},      {"parking", JS_BOOL, 0, 0, NULL, NULL},
                        {"check_in", JS_BOOL, 0, 0, NULL, NULL},     {"intake_link", JS_BOOL, 0, 0, NULL, NULL},
                        {"photo_link", JS_BOOL, 0, 0, NULL, NULL},   {"first_sms", JS_BOOL, 0, 0, NULL, NULL},
                        {NULL, 0, 0, 0, NULL, NULL}};
  json_t *parts_obj = NULL;
  json_field spec[] = {{"treatment_type", JS_STRING, 0, 100, NULL, NULL},
                       {"step", JS_STRING, JS_REQUIRED, 40, NULL, NULL},
                       {"channel", JS_STRING, JS_REQUIRED, 10, NULL, NULL},
                       {"injector_id", JS_STRING, JS_NULLABLE, 40, NULL, NULL},
                       {"subject", JS_STRING, JS_NULLABLE, 200, NULL, NULL},
                       {"body", JS_STRING, JS_NULLABLE, 20000, NULL, NULL},
                       {"parts", JS_OBJECT, 0, 0, &parts_obj, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    (!parts_obj || jsonspec_parse(parts_obj, parts, "parts.", &err)) &&
                    templates_preview(r->db, r->who.practice_id, r->json, &out, &err),
                &err))
    http_reply_json(r, 200, out);
}

void templates_put_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  bool created = false;
  json_field spec[] = {{"subject", JS_STRING, JS_NULLABLE, 200, NULL, NULL},
                       {"body", JS_STRING, JS_REQUIRED, 20000, NULL, NULL},
                       {"injector_id", JS_STRING, JS_NULLABLE, 40, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    templates_put(r->db, r->who.practice_id, r->params[0], r->params[1], r->params[2], r->json, &out,
                                  &created, &err),
                &err))
    http_reply_json(r, created ? 201 : 200, out);
}
