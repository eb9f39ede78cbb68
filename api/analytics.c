/* analytics.c: GET /v1/analytics/retention (JSON, or CSV with Accept: text/csv), GET /v1/analytics/loyalty. */
#include <string.h>

#include "analytics.h"
#include "api.h"
#include "app.h"

static bool wants_csv(http_req *r) {
  const char *accept = http_header(r, "Accept");
  return accept && strstr(accept, "text/csv");
}
void analytics_retention_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  /* "injector" as the issue and outline name it, "injector_id" as /v1/slots does: either, not two different. */
  const char *injector = http_query(r, "injector_id"), *alias = http_query(r, "injector");
  if (injector && alias && strcmp(injector, alias) != 0) {
    cad_fail(&err, "invalid_query", "injector", "'injector' and 'injector_id' name different injectors");
    http_reply_error(r, &err);
    return;
  }
  const char *group_by = http_query(r, "group_by");
  analytics_query q = {http_query(r, "from"), http_query(r, "to"), http_query(r, "treatment_type"),
                       injector ? injector : alias,
                       group_by && strcmp(group_by, "treatment_type") == 0 ? "type" : group_by,
                       http_query(r, "tier")};
  bool ok = analytics_slot_begin(r->db, r->who.practice_id, r->app->cfg.analytics_per_practice, &err);
  if (ok) {
    ok = analytics_retention(r->db, r->who.practice_id, &q, &out, &err);
    analytics_slot_end(r->db, ok);
  }
  if (!api_check(r, ok, &err))
    return;
  if (!wants_csv(r)) {
    http_reply_json(r, 200, out);
    return;
  }
  char *csv = analytics_retention_csv(out);
  http_reply_text(r, 200, "text/csv; charset=utf-8", csv);
  free(csv);
  json_decref(out);
}
void analytics_loyalty_get(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  bool ok = analytics_slot_begin(r->db, r->who.practice_id, r->app->cfg.analytics_per_practice, &err);
  if (ok) {
    ok = analytics_loyalty(r->db, r->who.practice_id, http_query(r, "from"), http_query(r, "to"), &out, &err);
    analytics_slot_end(r->db, ok);
  }
  if (api_check(r, ok, &err))
    http_reply_json(r, 200, out);
}
