/* conversations.c: GET /v1/conversations, GET /v1/conversations/{id}, POST /v1/conversations/{id}/messages,
 * .../read and .../handled (every conversation, a stranger's included), and the same for a client: GET
 * /v1/clients/{id}/conversation, POST /v1/clients/{id}/conversation/messages, .../read and .../handled. */
#include "conversations.h"
#include "api.h"
#include "app.h"
#include "providers.h"

void conversations_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  conversation_query q = {http_query(r, "unread"), http_query(r, "needs_reply"), http_query(r, "cursor"), 50};
  if (api_limit(r, &q.limit) && api_check(r, conversations_list(r->db, r->who.practice_id, &q, &out, &err), &err))
    http_reply_json(r, 200, out);
}
void conversation_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, conversations_of_client(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
void conversation_messages_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  const provider_config *pc = &r->app->cfg.dispatch.providers;
  if (api_check(r,
                conversations_reply(r->db, r->who.practice_id, r->params[0], r->json, providers_name(pc, "sms"),
                                    providers_name(pc, "email"), &out, &err),
                &err))
    http_reply_json(r, 202, out);
}
void conversation_read_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, conversations_read(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
void conversation_handled_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, conversations_handled(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}

void conversation_by_id_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, conversations_get(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
void conversation_by_id_messages_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  const provider_config *pc = &r->app->cfg.dispatch.providers;
  if (api_check(r,
                conversations_reply_in(r->db, r->who.practice_id, r->params[0], r->json, providers_name(pc, "sms"),
                                       providers_name(pc, "email"), &out, &err),
                &err))
    http_reply_json(r, 202, out);
}
void conversation_by_id_read_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, conversations_mark(r->db, r->who.practice_id, r->params[0], false, &out, &err), &err))
    http_reply_json(r, 200, out);
}
void conversation_by_id_handled_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, conversations_mark(r->db, r->who.practice_id, r->params[0], true, &out, &err), &err))
    http_reply_json(r, 200, out);
}
