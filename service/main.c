/* main.c: start-up (config, database, migrations, bootstrap key), serve,
 * and a graceful stop on SIGTERM or SIGINT. */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "analytics_upkeep.h"
#include "api.h"
#include "app.h"
#include "assets.h"
#include "auth.h"
#include "booking_links.h"
#include "dispatch.h"
#include "event_delivery.h"
#include "events.h"
#include "imports.h"
#include "janitor.h"
#include "log.h"
#include "migrate.h"
#include "practices.h"
#include "reports.h"
#include "sealing.h"
#include "stream.h"
#include "upkeep.h"

enum { STARTUP_DB_WAIT_S = 30 };

/* Waits for the database at start-up (a container may start before it is ready). */
static db_conn *wait_for_db(db_pool *pool) {
  cad_error err;
  for (int i = 0; i < STARTUP_DB_WAIT_S; i++) {
    db_conn *c = db_acquire(pool, &err);
    if (c)
      return c;
    sleep(1);
  }
  return NULL;
}

/* Applies the migrations as the schema's owner (MIGRATION_DATABASE_URL) and grants the serving role what
 * it needs; with one URL for both, the serving role migrates, and is warned about. */
static bool migrate_as_owner(cad_app *app, db_conn *serving, cad_error *err) {
  char serving_role[64];
  bool mighty;
  if (!migrate_role(serving, serving_role, &mighty, err))
    return false;
  bool ok;
  if (strcmp(app->cfg.migration_url, app->cfg.database_url) == 0) {
    ok = migrate_apply(serving, NULL, err);
  } else {
    db_pool *owner_pool = db_pool_create(app->cfg.migration_url, 1, 2000, 0);
    db_conn *owner = wait_for_db(owner_pool);
    ok = owner ? migrate_apply(owner, serving_role, err)
               : cad_fail(err, "database_unavailable", NULL, "MIGRATION_DATABASE_URL: database unreachable");
    if (owner)
      db_release(owner_pool, owner);
    db_pool_destroy(owner_pool);
  }
  if (ok && migrate_role(serving, serving_role, &mighty, err) && mighty)
    log_json("warn", "serving as a role that can change the schema (a superuser or the tables' owner): give "
                     "DATABASE_URL a role with only row access and MIGRATION_DATABASE_URL the owner's",
             json_pack("{s:s}", "role", serving_role));
  return ok;
}

static bool prepare_database(cad_app *app) {
  db_conn *c = wait_for_db(app->pool);
  if (!c) {
    log_msg("fatal", "database unreachable after %d s (check DATABASE_URL)", STARTUP_DB_WAIT_S);
    return false;
  }
  cad_error err;
  char *key = NULL;
  sealing_use(&app->cfg.secrets_key, app->cfg.secrets_key_previous.set ? &app->cfg.secrets_key_previous : NULL);
  bool ok = migrate_as_owner(app, c, &err) && practices_reseal_secrets(c, &err) && events_reseal_secrets(c, &err) &&
            (app->zones = timezones_load(c, &err)) &&
            booking_links_init(c, app->cfg.booking_link_secret, app->cfg.booking_link_ttl_s, &err) &&
            auth_bootstrap_admin(c, app->cfg.admin_key != NULL, &key, &err);
  db_release(app->pool, c);
  if (!ok) {
    log_json("fatal", "database preparation failed", json_pack("{s:s}", "error", err.message));
    return false;
  }
  if (key) {
    /* Printed once, on stdout rather than in the logs: it is a credential. */
    printf("\nBootstrap admin key (shown once, store it now):\n  %s\n\n", key);
    fflush(stdout);
    free(key);
  }
  return true;
}

/* Thousands of connections need as many descriptors: the soft limit (often 1024) goes up to the hard one. */
static void raise_fd_limit(void) {
  struct rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

/* `cadence healthcheck`: 0 when this container's service answers /readyz with 200 within 3 s. The
 * image's HEALTHCHECK runs it, so the runtime image needs no HTTP client of its own. */
static int healthcheck(const cad_config *cfg) {
  const char *host = strcmp(cfg->bind_address, "0.0.0.0") == 0 ? "127.0.0.1" : cfg->bind_address;
  char url[128];
  snprintf(url, sizeof url, "http://%s:%d/readyz", host, cfg->port);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL *h = curl_easy_init();
  long status = 0;
  FILE *sink = fopen("/dev/null", "w");
  if (h && sink) {
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 3000L);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(h) == CURLE_OK)
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  }
  if (sink)
    fclose(sink);
  curl_easy_cleanup(h);
  curl_global_cleanup();
  return status == 200 ? 0 : 1;
}

/* `cadence migrate`: applies the migrations and grants, then exits (a deploy job holding the owner's URL,
 * so that the serving replicas need only theirs). */
static int migrate_only(cad_app *app) {
  app->pool = db_pool_create(app->cfg.database_url, 1, 2000, 0);
  db_conn *c = wait_for_db(app->pool);
  cad_error err;
  bool ok = c && migrate_as_owner(app, c, &err);
  if (c)
    db_release(app->pool, c);
  db_pool_destroy(app->pool);
  if (!ok)
    log_json("fatal", "migration failed", json_pack("{s:s}", "error", c ? err.message : "database unreachable"));
  else
    log_json("info", "migrations current", NULL);
  return ok ? 0 : 1;
}

int main(int argc, char **argv) {
  cad_app app = {0};
  char msg[256];
  const char *command = argc > 1 ? argv[1] : "serve";
  if (strcmp(command, "serve") && strcmp(command, "migrate") && strcmp(command, "healthcheck")) {
    fprintf(stderr, "usage: cadence [serve | migrate | healthcheck]\n");
    return 2;
  }
  if (!config_load(&app.cfg, msg, sizeof msg)) {
    log_json("fatal", "bad configuration", json_pack("{s:s}", "error", msg));
    return 2;
  }
  if (strcmp(command, "healthcheck") == 0)
    return healthcheck(&app.cfg);
  if (strcmp(command, "migrate") == 0)
    return migrate_only(&app);
  if (!app.cfg.secrets_key.set) {
    log_json("fatal", "bad configuration",
             json_pack("{s:s}", "error", "SECRETS_KEY is required: 32 random bytes as 64 hex characters or base64 "
                                         "(openssl rand -hex 32; make run keeps one in .data). It seals the "
                                         "secrets stored in the database"));
    return 2;
  }
  raise_fd_limit();
  /* Signals are taken synchronously by this thread; server threads inherit the mask. */
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
  signal(SIGPIPE, SIG_IGN);

  curl_global_init(CURL_GLOBAL_DEFAULT);
  app.pool = db_pool_create(app.cfg.database_url, app.cfg.db_pool_size, app.cfg.db_acquire_timeout_ms,
                            app.cfg.db_statement_timeout_ms);
  if (!prepare_database(&app)) {
    timezones_free(app.zones);
    db_pool_destroy(app.pool);
    curl_global_cleanup();
    return 1;
  }

  assets_init();
  app.routes = API_ROUTES;
  app.nroutes = API_ROUTE_COUNT;
  app.route_methods = calloc(app.nroutes, sizeof *app.route_methods);
  app.route_patterns = calloc(app.nroutes, sizeof *app.route_patterns);
  for (size_t i = 0; i < app.nroutes; i++) {
    app.route_methods[i] = API_ROUTES[i].method;
    app.route_patterns[i] = API_ROUTES[i].pattern;
  }
  app.metrics = metrics_create(app.route_patterns, app.nroutes);

  void *server = http_start(&app, msg, sizeof msg);
  void *metrics_server = server && app.cfg.metrics_port ? http_start_metrics(&app, msg, sizeof msg) : NULL;
  if (!server || (app.cfg.metrics_port && !metrics_server)) {
    log_json("fatal", "cannot start HTTP server", json_pack("{s:s}", "error", msg));
    return 1;
  }
  const provider_config *pc = &app.cfg.dispatch.providers;
  dispatch *workers = dispatch_start(&app.cfg.dispatch, app.metrics);
  imports_start(app.cfg.database_url, app.zones);
  reports_start(app.cfg.database_url, pc, app.cfg.report_check_interval_s);
  upkeep_start(app.cfg.database_url, app.cfg.loyalty_expiry_interval_s);
  analytics_upkeep_start(app.cfg.database_url, app.metrics);
  janitor_start(app.cfg.database_url);
  event_delivery_start(app.cfg.database_url, app.cfg.webhook_retry_base_ms, app.cfg.webhook_allow_private);
  if (!http_streams_listen(app.cfg.database_url, "cadence_events"))
    log_json("error", "no thread can wake event streams: they send only what they find at the start", json_object());
  if (workers && (strcmp(providers_name(pc, "sms"), "console") == 0 || strcmp(providers_name(pc, "email"), "console") == 0))
    log_json("warn", "console provider prints message contents to stdout: for development only, never with real "
                     "patients' data", json_pack("{s:s,s:s}", "sms", providers_name(pc, "sms"), "email",
                                                 providers_name(pc, "email")));
  log_json("info", "listening",
           json_pack("{s:s,s:i,s:i,s:i}", "address", app.cfg.bind_address, "port", app.cfg.port, "threads",
                     app.cfg.http_threads, "dispatch_workers", app.cfg.dispatch.workers));

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log_json("info", "stopping", json_pack("{s:s}", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"));
  http_stop(server, &app, app.cfg.shutdown_grace_s);
  http_stop_metrics(metrics_server);
  dispatch_stop(workers);
  imports_stop();
  reports_stop();
  upkeep_stop();
  analytics_upkeep_stop();
  janitor_stop();
  event_delivery_stop();
  curl_global_cleanup();

  metrics_destroy(app.metrics);
  free(app.route_methods);
  free(app.route_patterns);
  timezones_free(app.zones);
  db_pool_destroy(app.pool);
  log_json("info", "stopped", NULL);
  return 0;
}
