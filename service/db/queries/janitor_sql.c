/* janitor_sql.c: the SQL statements of service/jobs/janitor.c. */
#include "janitor_sql.h"

/* Each deletes one batch of its table's expired rows and returns how many. */
const db_stmt JANITOR_PRUNE[5] = {
    {"jan_provider_events",
     "WITH gone AS (DELETE FROM provider_events WHERE ctid IN (SELECT ctid FROM provider_events "
     "  WHERE received_at < now() - interval '30 days' LIMIT $1) RETURNING 1) SELECT count(*) FROM gone"},
    {"jan_webhook_events",
     "WITH gone AS (DELETE FROM webhook_events WHERE ctid IN (SELECT ctid FROM webhook_events "
     "  WHERE received_at < now() - interval '30 days' LIMIT $1) RETURNING 1) SELECT count(*) FROM gone"},
    {"jan_idempotency_keys",
     "WITH gone AS (DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys "
     "  WHERE created_at < now() - interval '24 hours' LIMIT $1) RETURNING 1) SELECT count(*) FROM gone"},
    /* Deliveries that ended, then the events no delivery needs any more (a pending one keeps its event). */
    {"jan_webhook_deliveries",
     "WITH gone AS (DELETE FROM webhook_deliveries WHERE ctid IN (SELECT ctid FROM webhook_deliveries "
     "  WHERE state <> 'pending' AND created_at < now() - interval '30 days' LIMIT $1) RETURNING 1) "
     "SELECT count(*) FROM gone"},
    {"jan_events", "WITH gone AS (DELETE FROM events WHERE ctid IN (SELECT e.ctid FROM events e "
                   "  WHERE e.created_at < now() - interval '30 days' AND e.seq IS NOT NULL AND NOT EXISTS ("
                   "    SELECT 1 FROM webhook_deliveries d WHERE d.practice_id = e.practice_id AND d.event_id = e.id) "
                   "  LIMIT $1) RETURNING 1) SELECT count(*) FROM gone"},
};
