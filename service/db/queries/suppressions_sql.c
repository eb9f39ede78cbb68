/* suppressions_sql.c: the SQL statements of service/domain/suppressions.c. */
#include "suppressions_sql.h"

const db_stmt SUP_ADD = {
    "sup_add",
    "WITH s AS (INSERT INTO suppressions(practice_id, channel, address) VALUES ($1, $2, $3) "
    "  ON CONFLICT (practice_id, channel, address) DO UPDATE SET active = true, updated_at = clock_timestamp() "
    "  RETURNING 1), "
    "e AS (INSERT INTO suppression_events(practice_id, channel, address, action, source, evidence) "
    "  SELECT $1, $2, $3, 'suppress', $4, $5 FROM s RETURNING 1) "
    "UPDATE messages SET state = 'dead', lease_until = NULL, updated_at = clock_timestamp(), "
    "  last_error = 'the recipient opted out before it was sent' "
    "WHERE practice_id = $1 AND channel = $2 AND to_address = $3 AND state IN ('queued', 'failed')"};
const db_stmt SUP_MESSAGE = {"sup_message",
                             "SELECT m.practice_id, m.channel, lower(m.to_address), p.name FROM messages m "
                             "JOIN practices p ON p.id = m.practice_id WHERE m.id = $1"};
const db_stmt SUP_CLIENT_ADDRESS = {
    "sup_client_address",
    "SELECT CASE WHEN $3 = 'sms' THEN phone ELSE lower(email) END FROM clients WHERE practice_id = $1 AND id = $2"};
const db_stmt SUP_GET = {
    "sup_get",
    "SELECT suppression_json(s) FROM suppressions s WHERE practice_id = $1 AND channel = $2 AND address = $3"};
const db_stmt SUP_CURSOR_OK = {"sup_cursor_ok",
                               "SELECT 1 FROM suppressions WHERE practice_id = $1 AND id = $2 "
                               "  AND updated_at = 'epoch'::timestamptz + $3::bigint * interval '1 microsecond'"};
const db_stmt SUP_LIST = {
    "sup_list", "SELECT suppression_json(s), (extract(epoch FROM s.updated_at) * 1000000)::bigint || '.' || s.id "
                "FROM suppressions s WHERE s.practice_id = $1 AND ($2::text IS NULL OR s.channel = $2) "
                "  AND ($3::bigint IS NULL OR (s.updated_at, s.id) < "
                "       ('epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4::uuid)) "
                "ORDER BY s.updated_at DESC, s.id DESC LIMIT $5"};
