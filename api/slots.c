/* slots.c: GET /v1/slots: open start times of the practice's injectors. */
#include "api.h"
#include "schedules.h"

void slots_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  slot_query q = {http_query(r, "injector_id"), http_query(r, "client_id"), http_query(r, "from"),
                  http_query(r, "to"), http_query(r, "duration_minutes"), http_query(r, "step_minutes")};
  if (api_check(r, schedules_slots(r->db, r->who.practice_id, &q, &out, &err), &err))
    http_reply_json(r, 200, out);
}
