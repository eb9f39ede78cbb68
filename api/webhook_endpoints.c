/* webhook_endpoints.c: POST/GET /v1/webhook-endpoints, DELETE /v1/webhook-endpoints/{id} and GET
 * /v1/webhook-endpoints/{id}/deliveries: where a practice's events are also sent, signed (events.h). */
#include "api.h"
#include "app.h"
#include "events.h"

void webhook_endpoints_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(
          r, events_endpoint_create(r->db, r->who.practice_id, r->json, r->app->cfg.webhook_allow_private, &out, &err),
          &err))
    http_reply_json(r, 201, out);
}

void webhook_endpoints_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, events_endpoint_list(r->db, r->who.practice_id, &out, &err), &err))
    http_reply_json(r, 200, out);
}

void webhook_endpoints_delete(http_req *r) {
  cad_error err;
  if (api_check(r, events_endpoint_delete(r->db, r->who.practice_id, r->params[0], &err), &err))
    http_reply_empty(r, 204);
}

void webhook_endpoint_deliveries_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, events_endpoint_deliveries(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
