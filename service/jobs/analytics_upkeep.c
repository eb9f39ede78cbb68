/* analytics_upkeep.c: see analytics_upkeep.h. Batches claim their clients with SKIP LOCKED, so replicas
 * running the job at once share the work. */
#include "analytics_upkeep.h"

#include "job.h"
#include "log.h"
#include "retention.h"

enum { BATCH = 500, INTERVAL_S = 1 };

static job *upkeep;

static void observe(double seconds, void *m) { metrics_analytics_lag(m, seconds); }

static bool relink_tick(db_conn *c, void *m, const atomic_int *stop) {
  (void)stop;
  cad_error err;
  int n = retention_relink_marked(c, BATCH, observe, m, &err);
  if (n < 0)
    log_json("warn", "analytics upkeep failed; retried next tick", json_pack("{s:s}", "error", err.code));
  return n == BATCH; /* a full batch: more are waiting */
}

void analytics_upkeep_start(const char *database_url, metrics *m) {
  upkeep = job_start("analytics upkeep", database_url, 60000, INTERVAL_S, relink_tick, m);
}

void analytics_upkeep_stop(void) {
  job_stop(upkeep);
  upkeep = NULL;
}
