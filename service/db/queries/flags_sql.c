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
const db_stmt FLAGS_OPEN_COUNT = {
    "flags_open_count",
    "SELECT count(*) FROM client_flags WHERE practice_id = $1 AND client_id = $2 AND resolved_at IS NULL"};
const db_stmt FLAGS_OUTREACH = {
    "flags_outreach",
    "SELECT coalesce(jsonb_agg(x.item ORDER BY x.first_flag), '[]') FROM ( "
    "  SELECT jsonb_build_object('client', jsonb_build_object('id', c.id, 'first_name', c.first_name, "
    "      'last_name', c.last_name, 'phone', c.phone, 'email', c.email), "
    "    'flags', jsonb_agg(flag_json(f) ORDER BY f.created_at)) AS item, min(f.created_at) AS first_flag "
    "  FROM client_flags f JOIN clients c ON c.practice_id = f.practice_id AND c.id = f.client_id "
    "  WHERE f.practice_id = $1 AND f.resolved_at IS NULL GROUP BY c.practice_id, c.id) x"};
