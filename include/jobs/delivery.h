/* delivery.h: the two passes of the outbox a dispatch worker runs.
 * Planning: a batch of due steps is claimed with each one's context in one
 * statement, checked (flags, pause, consent, suppression, away dates, quiet
 * hours), merged per client, channel and day, rendered and turned into
 * messages claimed by this worker, in one transaction; the worker sends them
 * as soon as it commits. Sending: messages waiting in the queue (retries,
 * those a stopped worker gave back or a dead one left claimed) are claimed
 * under a lease. Either way a message is marked sending (committed) before
 * the provider call and its outcome recorded after it (sent, retry with
 * backoff, dead, or unknown). */
#ifndef CADENCE_DELIVERY_H
#define CADENCE_DELIVERY_H

#include <stdatomic.h>
#include <stdbool.h>

#include "db.h"
#include "dispatch.h"
#include "metrics.h"
#include "providers.h"

/* Takes the right for sender to send one more message (the per-sender rate limit): waiting for it
 * when wait is set, otherwise returning false when it is not there yet. */
typedef bool (*delivery_throttle)(void *ctx, const char *sender, bool wait);

typedef struct delivery_worker {
  const dispatch_config *cfg;
  provider_session *session;
  delivery_throttle throttle;
  void *throttle_ctx;
  unsigned seed;                /* for jitter */
  const atomic_int *stopping;   /* set when the process is stopping: send nothing more */
  metrics *metrics;             /* provider outcomes are counted here */
} delivery_worker;

/* Turns up to cfg->batch due steps into messages and sends them; returns how many steps it decided, -1
 * on error. */
int delivery_plan(db_conn *conn, delivery_worker *w, cad_error *err);

/* Sends up to cfg->batch due messages; returns how many it handled, -1 on error. */
int delivery_send(db_conn *conn, delivery_worker *w, cad_error *err);

/* Recovers expired leases: claimed messages go back to the queue; messages
 * left 'sending' by a worker that died become 'unknown' and are never resent. */
bool delivery_recover(db_conn *conn, cad_error *err);

/* Seconds until the next step or message falls due or a lease expires (capped at max_s). */
double delivery_next_due(db_conn *conn, double max_s, cad_error *err);

#endif
