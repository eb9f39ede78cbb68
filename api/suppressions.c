/* suppressions.c: GET /v1/suppressions. */
#include "api.h"
#include "suppressions.h"

void suppressions_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  int limit;
  if (api_limit(r, &limit) &&
      api_check(r,
                suppressions_list(r->db, r->who.practice_id, http_query(r, "channel"), http_query(r, "cursor"), limit,
                                  &out, &err),
                &err))
    http_reply_json(r, 200, out);
}
