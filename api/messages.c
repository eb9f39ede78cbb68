/* messages.c: GET /v1/messages. */
#include "api.h"
#include "messages.h"

void messages_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  message_query q = {http_query(r, "client_id"), http_query(r, "state"), http_query(r, "channel"),
                     http_query(r, "from"), http_query(r, "to"), http_query(r, "cursor"), 50};
  if (api_limit(r, &q.limit) && api_check(r, messages_list(r->db, r->who.practice_id, &q, &out, &err), &err))
    http_reply_json(r, 200, out);
}
