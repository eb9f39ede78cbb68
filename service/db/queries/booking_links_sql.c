/* booking_links_sql.c: the SQL statements of service/domain/booking_links.c. */
#include "booking_links_sql.h"

/* The key made on first start, shared by every replica, stored sealed (sealing.h). */
const db_stmt BL_SECRET = {
    "bl_secret", "WITH made AS (INSERT INTO service_secrets (name, value, key_id) VALUES ('booking_link', $1, $2) "
                 "  ON CONFLICT (name) DO NOTHING RETURNING value, key_id) "
                 "SELECT value, key_id FROM made UNION ALL "
                 "SELECT value, key_id FROM service_secrets WHERE name = 'booking_link' LIMIT 1"};
const db_stmt BL_RESEAL = {
    "bl_reseal", "UPDATE service_secrets SET value = $1, key_id = $2 WHERE name = 'booking_link' AND value = $3"};
const db_stmt BL_RESOLVE = {
    "bl_resolve",
    "SELECT jsonb_build_object('practice_id', p.id, 'practice_name', p.name, 'client_id', c.id, "
    "  'first_name', c.first_name, 'sequence_id', q.id, 'treatment_type', q.type_code, 'family', q.family, "
    "  'injector_id', t.injector_id, 'injector_name', i.name, 'booking_url', p.booking_url, "
    "  'time_zone', p.time_zone, 'expires_at', to_timestamp($3::bigint), "
    "  'slots', coalesce((SELECT jsonb_agg(jsonb_build_object('injector_id', o.injector_id, "
    "      'starts_at', local_rfc3339(o.starts_at, p.time_zone)) ORDER BY o.starts_at) "
    "    FROM (SELECT * FROM open_slots(p.id, t.injector_id, (now() AT TIME ZONE p.time_zone)::date, "
    "          (now() AT TIME ZONE p.time_zone)::date + 13, 30, 30, c.id) LIMIT 10) o), '[]')) "
    "FROM sequences q JOIN clients c ON c.practice_id = q.practice_id AND c.id = q.client_id "
    "JOIN practices p ON p.id = q.practice_id "
    "LEFT JOIN treatments t ON t.practice_id = q.practice_id AND t.id = q.treatment_id "
    "LEFT JOIN injectors i ON i.practice_id = t.practice_id AND i.id = t.injector_id "
    "WHERE q.practice_id = $1 AND q.id = $2"};
