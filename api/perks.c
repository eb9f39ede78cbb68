/* perks.c: POST /v1/clients/{id}/perks/{perk_id}/use. */
#include "api.h"
#include "loyalty.h"

void perks_use_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, loyalty_use_perk(r->db, r->who.practice_id, r->params[0], r->params[1], &out, &err), &err))
    http_reply_json(r, 200, out);
}
