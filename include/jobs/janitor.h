/* janitor.h: deletes what Cadence keeps only for a while, as a job that runs
 * hourly: provider webhook event ids after 30 days (README, Inbound
 * webhooks), PMS delivery ids after 30 days (a delivery older than the
 * signature's replay window cannot come again), idempotency keys after their
 * 24 hours. In batches, so that no delete holds locks for long.
 * Transactions: each batch is one statement, atomic by itself. */
#ifndef CADENCE_JANITOR_H
#define CADENCE_JANITOR_H

void janitor_start(const char *database_url);
void janitor_stop(void);

#endif
