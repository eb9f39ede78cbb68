/* twilio_webhooks_sql.c: the SQL statements of service/domain/twilio_webhooks.c. */
#include "twilio_webhooks_sql.h"

const db_stmt TW_STATUS = {
    "tw_status", "UPDATE messages SET delivery = $2, updated_at = clock_timestamp(), "
                 "  last_error = CASE WHEN $3::text IS NULL THEN last_error ELSE 'delivery error ' || $3 END "
                 "WHERE provider_id = $1 AND (delivery IS NULL OR $4::int > array_position($5::text[], delivery)) "
                 "RETURNING practice_id, to_address"};
/* Claims a status callback once per (MessageSid, status) for the practice of the message: no row for a
 * replay, or for a message that is not ours. */
const db_stmt TW_CLAIM_STATUS = {
    "tw_claim_status",
    "INSERT INTO provider_events (practice_id, provider, event_key) "
    "SELECT practice_id, 'twilio', 'status:' || $1 || ':' || $2 FROM messages WHERE provider_id = $1 "
    "ON CONFLICT DO NOTHING RETURNING practice_id"};
/* Claims an inbound message once per MessageSid for a practice. */
const db_stmt TW_CLAIM_INBOUND = {
    "tw_claim_inbound",
    "INSERT INTO provider_events (practice_id, provider, event_key) VALUES ($1, 'twilio', 'inbound:' || $2) "
    "ON CONFLICT DO NOTHING RETURNING 1"};
const db_stmt TW_PRACTICES_FOR = {"tw_practices_for",
                                  "SELECT id, coalesce(contact_text, 'Reply STOP to opt out.'), name FROM practices "
                                  "WHERE sms_from = $1 OR sms_from = $2 ORDER BY created_at"};
const db_stmt TW_LIFT = {"tw_lift",
                         "WITH s AS (UPDATE suppressions SET active = false, updated_at = clock_timestamp() "
                         "  WHERE practice_id = $1 AND channel = 'sms' AND address = $2 AND active RETURNING 1) "
                         "INSERT INTO suppression_events(practice_id, channel, address, action, source, evidence) "
                         "SELECT $1, 'sms', $2, 'lift', 'sms_keyword', $3 FROM s"};
