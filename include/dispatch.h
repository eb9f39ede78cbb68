/* dispatch.h: the worker pool that turns due reminder steps into messages
 * and sends them, exactly once, through the providers. Workers claim rows
 * with FOR UPDATE SKIP LOCKED under a lease, so several processes can share
 * one database; LISTEN/NOTIFY wakes them for work due now. */
#ifndef CADENCE_DISPATCH_H
#define CADENCE_DISPATCH_H

#include <stdbool.h>

#include "providers.h"

typedef struct dispatch_config {
  const char *database_url;
  int workers;            /* DISPATCH_WORKERS; 0 disables dispatch in this process */
  int batch;              /* DISPATCH_BATCH: rows claimed at once */
  int concurrency;        /* DISPATCH_CONCURRENCY: provider requests a worker has in flight at once */
  int lease_s;            /* DISPATCH_LEASE_S: a claim not finished by then is recovered */
  int max_attempts;       /* DISPATCH_MAX_ATTEMPTS before a message is dead */
  long retry_base_ms;     /* DISPATCH_RETRY_BASE_MS: first retry delay, doubled each time */
  long retry_cap_ms;      /* DISPATCH_RETRY_CAP_MS */
  double rate_per_sender; /* DISPATCH_RATE_PER_SENDER: messages per second per sender */
  provider_config providers;
} dispatch_config;

typedef struct dispatch dispatch;

typedef struct metrics metrics;

/* Starts the listener and the workers (counting outcomes into m); NULL when workers == 0. */
dispatch *dispatch_start(const dispatch_config *cfg, metrics *m);

/* Stops claiming, lets each worker finish the send in progress, releases the
 * claims not yet sent, and joins the threads. */
void dispatch_stop(dispatch *d);

#endif
