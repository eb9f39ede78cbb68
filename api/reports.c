/* reports.c: the weekly reports: GET /v1/analytics/reports, GET /v1/analytics/reports/{id},
 * POST /v1/analytics/reports (make one now). */
#include "analytics.h"
#include "api.h"
#include "app.h"
#include "jsonspec.h"
#include "reports.h"

void reports_get_list(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  int limit;
  if (api_limit(r, &limit) &&
      api_check(r, reports_list(r->db, r->who.practice_id, http_query(r, "cursor"), limit, &out, &err), &err))
    http_reply_json(r, 200, out);
}

void reports_get_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, reports_get(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}

void reports_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  bool created = false;
  json_field spec[] = {{"week_start", JS_STRING, 0, 10, NULL, NULL}, {NULL, 0, 0, 0, NULL, NULL}};
  const char *week = json_string_value(json_object_get(r->json, "week_start"));
  bool ok = jsonspec_parse(r->json, spec, NULL, &err) &&
            analytics_slot_begin(r->db, r->who.practice_id, r->app->cfg.analytics_per_practice, &err);
  if (ok) {
    ok = reports_make(r->db, r->who.practice_id, week, &out, &created, &err);
    analytics_slot_end(r->db, ok);
  }
  if (api_check(r, ok, &err))
    http_reply_json(r, created ? 201 : 200, out);
}
