/* booking_links.c: GET /v1/booking-links/{token} (public: the signed token is the capability). */
#include "api.h"
#include "booking_links.h"

void booking_links_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  db_conn *db = http_db(r, &err);
  if (api_check(r, db && booking_links_resolve(db, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
