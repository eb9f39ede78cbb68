/* clients.c: POST and GET /v1/clients, GET and PATCH /v1/clients/{id}. */
#include "api.h"
#include "app.h"
#include "clients.h"

static bool parse_client(http_req *r, bool creating, cad_error *err) {
  return clients_validate(r->app->zones, r->json, creating, err);
}

void clients_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, parse_client(r, true, &err) && clients_create(r->db, r->who.practice_id, r->json, &out, &err),
                &err))
    http_reply_json(r, 201, out);
}

void clients_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  client_query q = {
      .phone = http_query(r, "phone"),
      .email = http_query(r, "email"),
      .name = http_query(r, "name"),
      .external_id = http_query(r, "external_id"),
      .external_system = http_query(r, "external_system"),
      .cursor = http_query(r, "cursor"),
  };
  if (!api_limit(r, &q.limit))
    return;
  if (api_check(r, clients_list(r->db, r->who.practice_id, &q, &out, &err), &err))
    http_reply_json(r, 200, out);
}

void clients_get_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, clients_get(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}

void clients_patch_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r,
                parse_client(r, false, &err) &&
                    clients_patch(r->db, r->who.practice_id, r->params[0], r->json, &out, &err),
                &err))
    http_reply_json(r, 200, out);
}
