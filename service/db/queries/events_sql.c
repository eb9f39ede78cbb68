/* events_sql.c: the SQL statements of service/domain/events.c and service/jobs/event_delivery.c. */
#include "events_sql.h"

#define ENDPOINT_JSON                                                                                                  \
  "jsonb_build_object('id', w.id, 'url', w.url, 'event_types', to_jsonb(w.event_types), "                              \
  "'description', w.description, 'created_at', w.created_at, "                                                         \
  "'pending', (SELECT count(*) FROM webhook_deliveries d WHERE d.practice_id = w.practice_id "                         \
  "  AND d.endpoint_id = w.id AND d.state = 'pending'), "                                                              \
  "'failed', (SELECT count(*) FROM webhook_deliveries d WHERE d.practice_id = w.practice_id "                          \
  "  AND d.endpoint_id = w.id AND d.state = 'failed'))"

const db_stmt EV_PUBLISH = {"ev_publish", "SELECT events_publish()"};
/* Published events after a number, oldest first; the last column is the number. */
const db_stmt EV_AFTER = {"ev_after", "SELECT event_json(e)::text, e.seq FROM events e "
                                      "WHERE e.practice_id = $1 AND e.seq IS NOT NULL AND e.seq > $2 "
                                      "ORDER BY e.seq LIMIT $3"};
const db_stmt EV_LATEST = {"ev_latest", "SELECT coalesce(max(seq), 0) FROM events "
                                        "WHERE practice_id = $1 AND seq IS NOT NULL"};
const db_stmt EV_ENDPOINT_CREATE = {
    "ev_endpoint_create",
    "WITH w AS (INSERT INTO webhook_endpoints (practice_id, id, url, event_types, description, secret, secret_key) "
    "  SELECT $1, $2, $3, coalesce((SELECT array_agg(t) FROM jsonb_array_elements_text($4::jsonb) t), '{}'), $5, "
    "    $6, $7 RETURNING *) "
    "SELECT jsonb_build_object('id', w.id, 'url', w.url, 'event_types', to_jsonb(w.event_types), "
    "  'description', w.description, 'created_at', w.created_at, 'pending', 0, 'failed', 0) FROM w"};
const db_stmt EV_ENDPOINT_LIST = {"ev_endpoint_list",
                                  "SELECT coalesce(jsonb_agg(" ENDPOINT_JSON " ORDER BY w.created_at, w.id), '[]') "
                                  "FROM webhook_endpoints w WHERE w.practice_id = $1"};
/* Its queued deliveries go with it (ON DELETE CASCADE): nothing more is sent to it. */
const db_stmt EV_ENDPOINT_DELETE = {"ev_endpoint_delete",
                                    "DELETE FROM webhook_endpoints WHERE practice_id = $1 AND id = $2 RETURNING 1"};
const db_stmt EV_DELIVERIES = {
    "ev_deliveries",
    "SELECT (SELECT 1 FROM webhook_endpoints WHERE practice_id = $1 AND id = $2), "
    "  (SELECT coalesce(jsonb_agg(x.j ORDER BY x.created_at DESC), '[]') FROM ("
    "    SELECT d.created_at, jsonb_build_object('event_id', e.seq::text, 'type', e.type, 'state', d.state, "
    "      'attempts', d.attempts, 'next_attempt_at', CASE WHEN d.state = 'pending' THEN d.next_attempt_at END, "
    "      'last_status', d.last_status, 'last_error', d.last_error, 'delivered_at', d.delivered_at) AS j "
    "    FROM webhook_deliveries d JOIN events e ON e.practice_id = d.practice_id AND e.id = d.event_id "
    "    WHERE d.practice_id = $1 AND d.endpoint_id = $2 ORDER BY d.created_at DESC LIMIT 100) x)"};
const db_stmt EV_NOT_SEALED_NOW = {"ev_not_sealed_now",
                                   "SELECT practice_id, id, secret, secret_key FROM webhook_endpoints "
                                   "WHERE secret IS NOT NULL AND secret_key IS DISTINCT FROM $1 FOR UPDATE"};
const db_stmt EV_SET_SECRET = {"ev_set_secret", "UPDATE webhook_endpoints SET secret = $3, secret_key = $4 "
                                                "WHERE practice_id = $1 AND id = $2"};
/* Due deliveries, each leased for $2 ms (a crash leaves it to be retried then) and counted as an attempt. */
const db_stmt EV_CLAIM = {
    "ev_claim",
    "WITH due AS (SELECT practice_id, endpoint_id, event_id FROM webhook_deliveries "
    "  WHERE state = 'pending' AND next_attempt_at <= clock_timestamp() ORDER BY next_attempt_at LIMIT $1 "
    "  FOR UPDATE SKIP LOCKED) "
    "UPDATE webhook_deliveries d SET attempts = d.attempts + 1, "
    "  next_attempt_at = clock_timestamp() + $2 * interval '1 millisecond' "
    "FROM due, webhook_endpoints w, events e "
    "WHERE d.practice_id = due.practice_id AND d.endpoint_id = due.endpoint_id AND d.event_id = due.event_id "
    "  AND w.practice_id = d.practice_id AND w.id = d.endpoint_id "
    "  AND e.practice_id = d.practice_id AND e.id = d.event_id "
    "RETURNING d.practice_id, d.endpoint_id, d.event_id, d.attempts, w.url, w.secret, w.secret_key, "
    "  e.seq::text, event_json(e)::text"};
const db_stmt EV_DELIVERED = {"ev_delivered",
                              "UPDATE webhook_deliveries SET state = 'delivered', delivered_at = clock_timestamp(), "
                              "  last_status = $4, last_error = NULL "
                              "WHERE practice_id = $1 AND endpoint_id = $2 AND event_id = $3"};
/* Another attempt after $5 ms, or 'failed' once $6 attempts are spent. */
const db_stmt EV_RETRY = {"ev_retry", "UPDATE webhook_deliveries SET last_status = $4, last_error = $7, "
                                      "  state = CASE WHEN attempts >= $6 THEN 'failed' ELSE 'pending' END, "
                                      "  next_attempt_at = clock_timestamp() + $5 * interval '1 millisecond' "
                                      "WHERE practice_id = $1 AND endpoint_id = $2 AND event_id = $3"};
