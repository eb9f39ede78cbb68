/* event_delivery.h: the job that publishes events (events.h) about every second and delivers them to the
 * practices' webhook endpoints: POSTed JSON signed with the endpoint's secret (Cadence-Signature), retried
 * with backoff (retry_base_ms, times 4 after each failure, at most 6 h apart) until a 2xx or the 10th
 * attempt. A delivery is leased while in flight, so one a crash interrupts is retried: receivers
 * deduplicate by event id. */
#ifndef CADENCE_EVENT_DELIVERY_H
#define CADENCE_EVENT_DELIVERY_H

#include <stdbool.h>

enum { EVENT_DELIVERY_MAX_ATTEMPTS = 10 };

/* allow_private: endpoints may be on this machine or a private network (development, tests). */
void event_delivery_start(const char *database_url, long retry_base_ms, bool allow_private);
void event_delivery_stop(void);

/* The wait after failed attempt number `attempt` (1-based), in milliseconds. */
long event_delivery_backoff_ms(long retry_base_ms, int attempt);

#endif
