/* treatments.c: POST and GET /v1/treatments, GET /v1/treatments/{id}. */
#include "api.h"
#include "app.h"
#include "treatments.h"

void treatments_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  bool replayed = false;
  if (api_check(r,
                treatments_validate(r->app->zones, r->json, &err) &&
                    treatments_create(r->db, r->who.practice_id, r->json, &out, &replayed, &err),
                &err))
    http_reply_json(r, replayed ? 200 : 201, out);
}

void treatments_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  treatment_query q = {http_query(r, "client_id"), http_query(r, "injector_id"), http_query(r, "from"),
                       http_query(r, "to"), http_query(r, "cursor"), 50};
  if (api_limit(r, &q.limit) &&
      api_check(r, treatments_list(r->db, r->who.practice_id, &q, &out, &err), &err))
    http_reply_json(r, 200, out);
}

void treatments_get_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, treatments_get(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
