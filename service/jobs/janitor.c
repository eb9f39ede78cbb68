/* janitor.c: see janitor.h. After PgBouncer's janitor.c: periodic duties in a file of their own. */
#include "janitor.h"
#include "janitor_sql.h"

#include <stdio.h>
#include <stdlib.h>

#include "job.h"
#include "log.h"

enum { BATCH = 5000, INTERVAL_S = 3600 };

static const char *const TABLES[] = {"provider_events", "webhook_events", "idempotency_keys", "webhook_deliveries",
                                     "events"};

static job *janitor;

/* A batch of each table; again at once while some table had a full batch. */
static bool janitor_tick(db_conn *c, void *ctx, const atomic_int *stop) {
  (void)ctx;
  bool more = false;
  char batch[12];
  snprintf(batch, sizeof batch, "%d", BATCH);
  for (size_t i = 0; i < sizeof JANITOR_PRUNE / sizeof JANITOR_PRUNE[0] && !atomic_load(stop); i++) {
    cad_error err;
    const char *p[] = {batch};
    db_result *r = db_exec(c, &JANITOR_PRUNE[i], 1, p, &err);
    long n = r ? atol(db_text(r, 0, 0)) : 0;
    db_free(r);
    if (n > 0)
      log_json("info", "janitor", json_pack("{s:s,s:I}", "table", TABLES[i], "deleted", (json_int_t)n));
    more = more || n >= BATCH;
  }
  return more;
}

void janitor_start(const char *database_url) {
  janitor = job_start("janitor", database_url, 60000, INTERVAL_S, janitor_tick, NULL);
}

void janitor_stop(void) {
  job_stop(janitor);
  janitor = NULL;
}
