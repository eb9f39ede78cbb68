/* sendgrid_webhooks_sql.c: the SQL statements of service/domain/sendgrid_webhooks.c. */
#include "sendgrid_webhooks_sql.h"

const db_stmt SG_FIND = {
    "sg_find", "SELECT practice_id, id, lower(to_address) FROM messages WHERE channel = 'email' AND "
               "  (($1::text IS NOT NULL AND id::text = $1) OR ($2::text IS NOT NULL AND provider_id IS NOT NULL "
               "   AND provider_id <> '' AND $2 LIKE provider_id || '%')) LIMIT 1"};
const db_stmt SG_DELIVERY = {
    "sg_delivery",
    "UPDATE messages SET delivery = $3, updated_at = clock_timestamp() WHERE practice_id = $1 AND id = $2 "
    "  AND (delivery IS NULL OR array_position(ARRAY['processed', 'deferred', 'delivered', 'open', 'click'], $3) > "
    "       coalesce(array_position(ARRAY['processed', 'deferred', 'delivered', 'open', 'click'], delivery), 0))"};
/* Claims an event once per sg_event_id: a replay inside the signature's window changes nothing. */
const db_stmt SG_CLAIM = {
    "sg_claim",
    "INSERT INTO provider_events (practice_id, provider, event_key) VALUES ($1, 'sendgrid', 'event:' || $2) "
    "ON CONFLICT DO NOTHING RETURNING 1"};
const db_stmt SG_LIFT = {"sg_lift",
                         "WITH s AS (UPDATE suppressions SET active = false, updated_at = clock_timestamp() "
                         "  WHERE practice_id = $1 AND channel = 'email' AND address = $2 AND active RETURNING 1) "
                         "INSERT INTO suppression_events(practice_id, channel, address, action, source, evidence) "
                         "SELECT $1, 'email', $2, 'lift', 'email_event', $3 FROM s"};
