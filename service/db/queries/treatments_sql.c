/* treatments_sql.c: the SQL statements of service/domain/treatments.c. */
#include "treatments_sql.h"

const db_stmt TREAT_INJECTOR_EXISTS = {"treat_injector_exists",
                                       "SELECT 1 FROM injectors WHERE practice_id = $1 AND id = $2"};
const db_stmt TREAT_BY_EXTERNAL = {
    "treat_by_external",
    "SELECT id, request_hash FROM treatments WHERE practice_id = $1 AND source = $2 AND external_id = $3"};
/* The client's zone, the visit's local date, today there, the send time, away periods, whether the
 * visit is in the future and whether the client has an open flag; the client is locked: two visits of
 * one client recorded at once plan one after the other. No row: not a client of the practice. */
const db_stmt TREAT_CONTEXT = {
    "treat_context",
    "SELECT coalesce(c.time_zone, p.time_zone), ($3::timestamptz AT TIME ZONE coalesce(c.time_zone, p.time_zone))::date, "
    "  (now() AT TIME ZONE coalesce(c.time_zone, p.time_zone))::date, to_char(p.send_time, 'HH24:MI'), "
    "  c.away_periods, $3::timestamptz > now() + interval '5 minutes', "
    "  EXISTS (SELECT 1 FROM client_flags f WHERE f.practice_id = c.practice_id AND f.client_id = c.id "
    "          AND f.resolved_at IS NULL) "
    "FROM clients c JOIN practices p ON p.id = c.practice_id WHERE c.practice_id = $1 AND c.id = $2 "
    "FOR UPDATE OF c"};
/* The type each item names ($2, in order), by code or alias; a row of NULLs for a name that denotes none.
 * A code is taken as it is here: treatment_type_named, a SQL function with subqueries, is planned anew
 * at each statement that calls it, so it is called only for other names (once each, never per type). */
const db_stmt TREAT_RESOLVE_TYPES = {
    "treat_resolve_types",
    "SELECT t.code, t.family, t.series, t.steps, t.lapse, t.aftercare "
    "FROM unnest($2::text[]) WITH ORDINALITY n(name, o) "
    "CROSS JOIN LATERAL (SELECT coalesce((SELECT e.code FROM treatment_types e "
    "  WHERE e.practice_id = $1 AND e.code = n.name), treatment_type_named($1, n.name)) AS code OFFSET 0) k "
    "LEFT JOIN treatment_types t ON t.practice_id = $1 AND t.code = k.code ORDER BY n.o"};
const db_stmt TREAT_INSERT = {
    "treat_insert", "INSERT INTO treatments(practice_id, client_id, injector_id, performed_at, source, external_id, "
                    "  request_hash, notes, behaviours) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                    "  coalesce(ARRAY(SELECT jsonb_array_elements_text($9::jsonb)), '{}')) "
                    "ON CONFLICT (practice_id, source, external_id) DO NOTHING RETURNING id"};
/* Every item of the visit ($3, the body's items in order, with their resolved codes $4 and families $5),
 * in one statement; the rows are inserted, and their retention triggers fire, in item order. */
const db_stmt TREAT_INSERT_ITEMS = {
    "treat_insert_items",
    "INSERT INTO treatment_items(practice_id, treatment_id, item_no, type_code, family, given_name, areas, units, "
    "  volume_ml, product, lot_number, dilution, notes, price_cents, points_eligible, series_complete) "
    "SELECT $1, $2, i.o, ($4::text[])[i.o], ($5::text[])[i.o], j->>'type', "
    "  coalesce(ARRAY(SELECT jsonb_array_elements_text(j->'areas')), '{}'), (j->>'units')::numeric, "
    "  (j->>'volume_ml')::numeric, j->>'product', j->>'lot_number', j->>'dilution', j->>'notes', "
    "  coalesce((j->>'price_cents')::bigint, 0), coalesce((j->>'points_eligible')::boolean, true), "
    "  coalesce((j->>'series_complete')::boolean, false) "
    "FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY i(j, o) ORDER BY i.o"};
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
