/* dispatch.h: the worker pool that turns due reminder steps into messages
 * and sends them, exactly once, through the providers. Workers claim rows
 * with FOR UPDATE SKIP LOCKED under a lease, so several processes can share
 * one database; LISTEN/NOTIFY wakes them for work due now. */
#ifndef CADENCE_DISPATCH_H
#define CADENCE_DISPATCH_H

#include <stdbool.h>

#include "config.h"
#include "providers.h"

typedef struct dispatch dispatch;

typedef struct metrics metrics;

/* Starts the listener and the workers (counting outcomes into m); NULL when workers == 0. */
dispatch *dispatch_start(const dispatch_config *cfg, metrics *m);

/* Stops claiming, lets each worker finish the send in progress, releases the
 * claims not yet sent, and joins the threads. */
void dispatch_stop(dispatch *d);

#endif
