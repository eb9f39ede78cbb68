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

#include "api.h"
#include "app.h"
#include "booking_links.h"
#include "imports.h"
#include "auth.h"
#include "dispatch.h"
#include "log.h"
#include "migrate.h"
#include "reports.h"

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

static bool prepare_database(cad_app *app) {
  db_conn *c = wait_for_db(app->pool);
  if (!c) {
    log_msg("fatal", "database unreachable after %d s (check DATABASE_URL)", STARTUP_DB_WAIT_S);
    return false;
  }
  cad_error err;
  char *key = NULL;
  bool ok = migrate_apply(c, &err) && (app->zones = timezones_load(c, &err)) &&
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

int main(void) {
  cad_app app = {0};
  char msg[256];
  raise_fd_limit();
  if (!config_load(&app.cfg, msg, sizeof msg)) {
    log_json("fatal", "bad configuration", json_pack("{s:s}", "error", msg));
    return 2;
  }
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
  if (!prepare_database(&app))
    return 1;

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
  imports_start(app.cfg.database_url, app.zones, app.cfg.loyalty_expiry_interval_s);
  reports_start(app.cfg.database_url, pc, app.cfg.report_check_interval_s);
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
  curl_global_cleanup();

  metrics_destroy(app.metrics);
  free(app.route_methods);
  free(app.route_patterns);
  timezones_free(app.zones);
  db_pool_destroy(app.pool);
  log_json("info", "stopped", NULL);
  return 0;
}
