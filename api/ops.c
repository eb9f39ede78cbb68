/* ops.c: GET /healthz, /readyz, /metrics, /openapi.yaml (no key needed). */
#include <string.h>

#include "api.h"
#include "app.h"
#include "crypto.h"
#include "migrate.h"

void ops_healthz(http_req *r) { http_reply_json(r, 200, json_pack("{s:s}", "status", "ok")); }

void ops_readyz(http_req *r) {
  cad_error err;
  db_conn *db = http_db(r, &err);
  if (!api_check(r, db && migrate_current(db, &err), &err))
    return;
  http_reply_json(r, 200, json_pack("{s:s}", "status", "ready"));
}

/* On the API port only with METRICS_TOKEN as a bearer token: otherwise it is served on METRICS_ADDRESS. */
void ops_metrics(http_req *r) {
  const char *auth = http_header(r, "Authorization");
  const char *token = r->app->cfg.metrics_token;
  if (!token || !auth || strncmp(auth, "Bearer ", 7) != 0 || !crypto_equal(auth + 7, token)) {
    cad_error err;
    cad_fail(&err, "not_found", NULL, "metrics are served on METRICS_ADDRESS (or here with METRICS_TOKEN)");
    http_reply_error(r, &err);
    return;
  }
  char *text = metrics_render(r->app->metrics, r->app->pool);
  http_reply_text(r, 200, "text/plain; version=0.0.4", text);
  free(text);
}

void ops_openapi(http_req *r) { http_reply_text(r, 200, "application/yaml", OPENAPI_YAML); }
