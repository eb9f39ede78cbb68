/* flags_sql.c: the SQL statements of service/domain/flags.c. */
#include "flags_sql.h"

const db_stmt FLAGS_LOCK_CLIENT = {"flags_lock_client",
                                   "SELECT 1 FROM clients WHERE practice_id = $1 AND id = $2 FOR UPDATE"};
const db_stmt FLAGS_INSERT = {
    "flags_insert", "INSERT INTO client_flags AS f (practice_id, client_id, kind, note) VALUES ($1, $2, $3, $4) "
                    "RETURNING flag_json(f)"};
const db_stmt FLAGS_RESOLVE = {"flags_resolve",
                               "UPDATE client_flags f SET resolved_at = coalesce(f.resolved_at, clock_timestamp()) "
                               "WHERE f.practice_id = $1 AND f.client_id = $2 AND f.id = $3 RETURNING flag_json(f)"};
/* The client's flags, open ones first, newest first; no row when the client is not the practice's. */
const db_stmt FLAGS_LIST = {
    "flags_list", "SELECT (SELECT coalesce(jsonb_agg(flag_json(f) ORDER BY f.resolved_at IS NOT NULL, f.created_at DESC), "
                  "  '[]') FROM client_flags f WHERE f.practice_id = c.practice_id AND f.client_id = c.id) "
                  "FROM clients c WHERE c.practice_id = $1 AND c.id = $2"};
const db_stmt FLAGS_OPEN_COUNT = {
    "flags_open_count",
    "SELECT count(*) FROM client_flags WHERE practice_id = $1 AND client_id = $2 AND resolved_at IS NULL"};
/* Clients a person should call or answer: an open flag, or a reply not yet answered (its latest
 * message), the longest waiting first. */
const db_stmt FLAGS_OUTREACH = {
    "flags_outreach",
    "WITH who AS (SELECT client_id FROM client_flags WHERE practice_id = $1 AND resolved_at IS NULL "
    "  UNION SELECT client_id FROM conversations WHERE practice_id = $1 AND needs_reply AND client_id IS NOT NULL) "
    "SELECT coalesce(jsonb_agg(x.item ORDER BY x.since, x.id), '[]') FROM ( "
    "  SELECT c.id, jsonb_build_object('client', jsonb_build_object('id', c.id, 'first_name', c.first_name, "
    "      'last_name', c.last_name, 'phone', c.phone, 'email', c.email), "
    "    'flags', coalesce((SELECT jsonb_agg(flag_json(f) ORDER BY f.created_at) FROM client_flags f "
    "      WHERE f.practice_id = c.practice_id AND f.client_id = c.id AND f.resolved_at IS NULL), '[]'), "
    "    'reply', (SELECT inbound_json(i) FROM conversations v JOIN inbound_messages i "
    "      ON i.practice_id = v.practice_id AND i.conversation_id = v.id "
    "      WHERE v.practice_id = c.practice_id AND v.client_id = c.id AND v.needs_reply "
    "      ORDER BY i.received_at DESC LIMIT 1)) AS item, "
    "    least((SELECT min(f.created_at) FROM client_flags f WHERE f.practice_id = c.practice_id "
    "        AND f.client_id = c.id AND f.resolved_at IS NULL), "
    "      (SELECT v.last_inbound_at FROM conversations v WHERE v.practice_id = c.practice_id "
    "        AND v.client_id = c.id AND v.needs_reply)) AS since "
    "  FROM clients c JOIN who ON who.client_id = c.id WHERE c.practice_id = $1) x"};
