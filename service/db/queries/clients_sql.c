/* clients_sql.c: the SQL statements of service/domain/clients.c. */
#include "clients_sql.h"

#define PATCH_COL(col) col " = CASE WHEN j ? '" col "' THEN j->>'" col "' ELSE c." col " END, "
#define PATCH_CONSENT(k) "consent_" k " = coalesce((j->'consents'->>'" k "')::boolean, c.consent_" k "), "

const db_stmt CLIENT_INSERT = {
    "client_insert", "INSERT INTO clients(practice_id, first_name, last_name, phone, email, time_zone, "
                     "  channel_preference, consent_sms, consent_email, consent_photo, away_periods) "
                     "SELECT $1, j->>'first_name', coalesce(j->>'last_name', ''), j->>'phone', j->>'email', "
                     "  j->>'time_zone', coalesce(j->>'channel_preference', 'any'), "
                     "  coalesce((j->'consents'->>'sms')::boolean, false), "
                     "  coalesce((j->'consents'->>'email')::boolean, false), "
                     "  coalesce((j->'consents'->>'photo')::boolean, false), coalesce(j->'away_periods', '[]') "
                     "FROM (SELECT $2::jsonb AS j) s RETURNING id"};
const db_stmt CLIENT_PATCH = {
    "client_patch",
    "UPDATE clients c SET " PATCH_COL("first_name") PATCH_COL("phone") PATCH_COL("email") PATCH_COL(
        "time_zone") "  last_name = CASE WHEN j ? 'last_name' THEN coalesce(j->>'last_name', '') ELSE c.last_name END, "
                     "  channel_preference = coalesce(j->>'channel_preference', c.channel_preference), " PATCH_CONSENT(
                         "sms") PATCH_CONSENT("email")
                         PATCH_CONSENT(
                             "photo") "  away_periods = coalesce(j->'away_periods', c.away_periods), updated_at = clock_timestamp() "
                                      "FROM (SELECT $3::jsonb AS j) s WHERE c.practice_id = $1 AND c.id = $2 RETURNING c.id"};
const db_stmt CLIENTS_EXISTS = {"clients_exists", "SELECT 1 FROM clients WHERE practice_id = $1 AND id = $2"};
const db_stmt CLIENT_GET = {"client_get",
                            "SELECT client_json(c) FROM clients c WHERE c.practice_id = $1 AND c.id = $2"};
const db_stmt CLIENT_CLEAR_EXTERNAL = {"client_clear_external",
                                       "DELETE FROM client_external_ids WHERE practice_id = $1 AND client_id = $2"};
const db_stmt CLIENT_ADD_EXTERNAL = {
    "client_add_external",
    "INSERT INTO client_external_ids(practice_id, client_id, system, external_id) VALUES ($1, $2, $3, $4)"};
const db_stmt CLIENT_FIND_EXTERNAL = {
    "client_find_external",
    "SELECT client_id FROM client_external_ids WHERE practice_id = $1 AND system = $2 AND external_id = $3"};
const db_stmt CLIENT_CURSOR_OK = {"client_cursor_ok",
                                  "SELECT 1 FROM clients WHERE practice_id = $1 AND id = $2 "
                                  "  AND created_at = 'epoch'::timestamptz + $3::bigint * interval '1 microsecond'"};
const db_stmt CLIENT_LIST = {
    "client_list", "SELECT client_json(c), "
                   "  (extract(epoch FROM c.created_at) * 1000000)::bigint || '.' || c.id "
                   "FROM clients c WHERE c.practice_id = $1 "
                   "  AND ($2::text IS NULL OR c.phone = $2) "
                   "  AND ($3::text IS NULL OR lower(c.email) = lower($3)) "
                   "  AND ($4::text IS NULL OR strpos(lower(c.first_name || ' ' || c.last_name), lower($4)) > 0) "
                   "  AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM client_external_ids e "
                   "       WHERE e.practice_id = c.practice_id AND e.client_id = c.id AND e.external_id = $5 "
                   "         AND ($6::text IS NULL OR e.system = $6))) "
                   "  AND ($7::bigint IS NULL OR (c.created_at, c.id) > "
                   "       ('epoch'::timestamptz + $7::bigint * interval '1 microsecond', $8::uuid)) "
                   "ORDER BY c.created_at, c.id LIMIT $9"};
