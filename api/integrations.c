/* integrations.c: GET /v1/integrations/unmapped: the PMS names no type is mapped to. */
#include "api.h"
#include "pms.h"

void integrations_unmapped_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, pms_unmapped(r->db, r->who.practice_id, &out, &err), &err))
    http_reply_json(r, 200, out);
}
