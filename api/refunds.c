/* refunds.c: POST /v1/treatments/{id}/refund: a visit refunded, its points reversed. */
#include "api.h"
#include "loyalty.h"

void treatments_refund_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, loyalty_refund(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
