/* session.c: GET /v1/session: who the key is (its role and practice), for a client such as the console
 * that starts from a key alone. */
#include "api.h"
#include "practices.h"

void session_get(http_req *r) {
  cad_error err;
  json_t *practice = NULL;
  if (r->who.practice_id[0] && !api_check(r, practices_get(r->db, r->who.practice_id, &practice, &err), &err))
    return;
  const char *role_name = r->who.role == ROLE_ADMIN ? "admin" : r->who.role == ROLE_STAFF ? "staff" : "integration";
  http_reply_json(r, 200, json_pack("{s:s,s:s,s:o}", "role", role_name, "key_id", r->who.key_id, "practice",
                                    practice ? practice : json_null()));
}
