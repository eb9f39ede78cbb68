/* outreach.c: GET /v1/outreach: the flagged clients a person should call. */
#include "api.h"
#include "flags.h"

void outreach_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, flags_outreach(r->db, r->who.practice_id, &out, &err), &err))
    http_reply_json(r, 200, out);
}
