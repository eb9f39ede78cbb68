/* treatments_sql.c: the SQL statements of service/domain/treatments.c. */
#include "treatments_sql.h"

/* Locks the client: two visits of one client recorded at once must plan one after the other. */
const db_stmt TREAT_LOCK_CLIENT = {"treat_lock_client",
                                   "SELECT 1 FROM clients WHERE practice_id = $1 AND id = $2 FOR UPDATE"};
const db_stmt TREAT_INJECTOR_EXISTS = {"treat_injector_exists",
                                       "SELECT 1 FROM injectors WHERE practice_id = $1 AND id = $2"};
const db_stmt TREAT_BY_EXTERNAL = {
    "treat_by_external",
    "SELECT id, request_hash FROM treatments WHERE practice_id = $1 AND source = $2 AND external_id = $3"};
const db_stmt TREAT_CONTEXT = {
    "treat_context",
    "SELECT coalesce(c.time_zone, p.time_zone), ($3::timestamptz AT TIME ZONE coalesce(c.time_zone, p.time_zone))::date, "
    "  (now() AT TIME ZONE coalesce(c.time_zone, p.time_zone))::date, to_char(p.send_time, 'HH24:MI'), "
    "  c.away_periods, $3::timestamptz > now() + interval '5 minutes', "
    "  EXISTS (SELECT 1 FROM client_flags f WHERE f.practice_id = c.practice_id AND f.client_id = c.id "
    "          AND f.resolved_at IS NULL) "
    "FROM clients c JOIN practices p ON p.id = c.practice_id WHERE c.practice_id = $1 AND c.id = $2"};
const db_stmt TREAT_RESOLVE_TYPE = {"treat_resolve_type",
                                    "SELECT code, family, series, steps, lapse, aftercare FROM treatment_types "
                                    "WHERE practice_id = $1 AND code = treatment_type_named($1, $2)"};
const db_stmt TREAT_INSERT = {
    "treat_insert", "INSERT INTO treatments(practice_id, client_id, injector_id, performed_at, source, external_id, "
                    "  request_hash, notes, behaviours) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                    "  coalesce(ARRAY(SELECT jsonb_array_elements_text($9::jsonb)), '{}')) "
                    "ON CONFLICT (practice_id, source, external_id) DO NOTHING RETURNING id"};
const db_stmt TREAT_INSERT_ITEM = {
    "treat_insert_item",
    "INSERT INTO treatment_items(practice_id, treatment_id, item_no, type_code, family, given_name, areas, units, "
    "  volume_ml, product, lot_number, dilution, notes, price_cents, points_eligible, series_complete) "
    "SELECT $1, $2, $3, $4, $5, j->>'type', "
    "  coalesce(ARRAY(SELECT jsonb_array_elements_text(j->'areas')), '{}'), (j->>'units')::numeric, "
    "  (j->>'volume_ml')::numeric, j->>'product', j->>'lot_number', j->>'dilution', j->>'notes', "
    "  coalesce((j->>'price_cents')::bigint, 0), coalesce((j->>'points_eligible')::boolean, true), "
    "  coalesce((j->>'series_complete')::boolean, false) FROM (SELECT $6::jsonb AS j) s"};
const db_stmt TREAT_GET = {"treat_get",
                           "SELECT treatment_json(t) FROM treatments t WHERE t.practice_id = $1 AND t.id = $2"};
const db_stmt TREAT_CURSOR_OK = {"treat_cursor_ok",
                                 "SELECT 1 FROM treatments WHERE practice_id = $1 AND id = $2 "
                                 "  AND performed_at = 'epoch'::timestamptz + $3::bigint * interval '1 microsecond'"};
const db_stmt TREAT_LIST = {
    "treat_list", "WITH bounds AS (SELECT p.time_zone AS tz FROM practices p WHERE p.id = $1) "
                  "SELECT treatment_json(t), (extract(epoch FROM t.performed_at) * 1000000)::bigint || '.' || t.id "
                  "FROM treatments t, bounds WHERE t.practice_id = $1 "
                  "  AND ($2::uuid IS NULL OR t.client_id = $2) AND ($3::uuid IS NULL OR t.injector_id = $3) "
                  "  AND ($4::text IS NULL OR t.performed_at >= CASE WHEN length($4) = 10 "
                  "       THEN local_instant($4::date, '00:00', bounds.tz) ELSE $4::timestamptz END) "
                  "  AND ($5::text IS NULL OR t.performed_at < CASE WHEN length($5) = 10 "
                  "       THEN local_instant($5::date + 1, '00:00', bounds.tz) ELSE $5::timestamptz END) "
                  "  AND ($6::bigint IS NULL OR (t.performed_at, t.id) < "
                  "       ('epoch'::timestamptz + $6::bigint * interval '1 microsecond', $7::uuid)) "
                  "ORDER BY t.performed_at DESC, t.id DESC LIMIT $8"};
