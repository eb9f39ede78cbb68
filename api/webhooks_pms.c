/* webhooks_pms.c: POST /v1/webhooks/pms/{vendor}. */
#include "api.h"
#include "app.h"
#include "pms.h"

void pms_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  int status = 200;
  pms_request q = {r->params[0], http_header(r, "X-Cadence-Practice"), http_header(r, "X-Cadence-Timestamp"),
                   http_header(r, "X-Cadence-Signature"), r->body ? r->body : "", r->body_len, r->json,
                   time(NULL), r->app->cfg.pms_tolerance_s};
  db_conn *db = http_db(r, &err);
  if (api_check(r, db && pms_handle(db, r->app->zones, &q, &status, &out, &err), &err))
    http_reply_json(r, status, out);
}
