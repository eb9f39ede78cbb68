/* reminders.c: GET /v1/clients/{id}/reminders: a client's sequences, their steps and why. */
#include "api.h"
#include "plans.h"
#include "validate.h"

void reminders_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  bool ok = valid_uuid(r->params[0]) ? plans_view(r->db, r->who.practice_id, r->params[0], &out, &err)
                                     : FAIL_NOT_FOUND(&err, "client");
  if (api_check(r, ok, &err))
    http_reply_json(r, 200, out);
}
