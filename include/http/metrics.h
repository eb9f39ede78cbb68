/* metrics.h: request counters and latency histograms per route, rendered as
 * Prometheus text. Lock-free: every counter is an atomic. */
#ifndef CADENCE_METRICS_H
#define CADENCE_METRICS_H

#include <stddef.h>

#include "db.h"

typedef struct metrics metrics;

/* Allocates counters for nroutes routes named by their patterns (plus "unmatched"). */
metrics *metrics_create(const char *const *route_names, size_t nroutes);
void metrics_destroy(metrics *m);

/* Records one finished request; route -1 means no route matched. */
void metrics_observe(metrics *m, int route, int status, double seconds);

/* Counts one provider call's outcome ("sent", "failed", "dead", "unknown") on channel ("sms", "email"). */
void metrics_message(metrics *m, const char *channel, const char *outcome);

/* Records one client's analytics lag: from the write that marked it to its relink. */
void metrics_analytics_lag(metrics *m, double seconds);

/* Renders the Prometheus text exposition (caller frees). */
char *metrics_render(metrics *m, db_pool *pool);

#endif
