/* schedules.c: GET and PUT /v1/injectors/{id}/schedule, GET /v1/slots, and
 * GET /v1/booking-links/{token} (public: the signed token is the capability). */
#include "schedules.h"

#include "api.h"
#include "booking_links.h"
#include "jsonspec.h"

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

void slots_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  slot_query q = {http_query(r, "injector_id"), http_query(r, "client_id"), http_query(r, "from"),
                  http_query(r, "to"), http_query(r, "duration_minutes"), http_query(r, "step_minutes")};
  if (api_check(r, schedules_slots(r->db, r->who.practice_id, &q, &out, &err), &err))
    http_reply_json(r, 200, out);
}

void booking_links_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  db_conn *db = http_db(r, &err);
  if (api_check(r, db && booking_links_resolve(db, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
