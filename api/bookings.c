/* bookings.c: POST and GET /v1/bookings, PATCH /v1/bookings/{id}. */
#include "api.h"
#include "bookings.h"
#include "jsonspec.h"

void bookings_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"client_id", JS_STRING, JS_REQUIRED, 40, NULL, NULL},
                       {"injector_id", JS_STRING, JS_NULLABLE, 40, NULL, NULL},
                       {"starts_at", JS_STRING, JS_REQUIRED, 40, NULL, NULL},
                       {"duration_minutes", JS_INT, JS_REQUIRED, 0, NULL, NULL},
                       {"services", JS_ARRAY, 0, 0, NULL, NULL},
                       {"source", JS_STRING, 0, 20, NULL, NULL},
                       {"external_id", JS_STRING, JS_NULLABLE, 100, NULL, NULL},
                       {"override_hours", JS_BOOL, 0, 0, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) && bookings_validate(r->json, &err) &&
                    bookings_create(r->db, r->who.practice_id, r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}

void bookings_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  int limit;
  if (api_limit(r, &limit) &&
      api_check(r,
                bookings_list(r->db, r->who.practice_id, http_query(r, "client_id"), http_query(r, "state"),
                              http_query(r, "cursor"), limit, &out, &err),
                &err))
    http_reply_json(r, 200, out);
}

void bookings_patch_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  json_field spec[] = {{"state", JS_STRING, 0, 20, NULL, NULL},
                       {"starts_at", JS_STRING, 0, 40, NULL, NULL},
                       {"cancel_reason", JS_STRING, 0, 500, NULL, NULL},
                       {"override_hours", JS_BOOL, 0, 0, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (api_check(r,
                jsonspec_parse(r->json, spec, NULL, &err) &&
                    bookings_patch(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 200, out);
}
