/* pms_sql.c: the SQL statements of service/domain/pms.c. */
#include "pms_sql.h"

/* Claims the delivery id; no row when it was delivered before. */
const db_stmt PMS_RECORD = {
    "pms_record", "INSERT INTO webhook_events(practice_id, vendor, event_id, event_type) VALUES ($1, $2, $3, $4) "
                  "ON CONFLICT DO NOTHING RETURNING 1"};
/* A vendor time no newer than the last applied to the resource: the event is stale. */
const db_stmt PMS_STALE = {"pms_stale",
                           "SELECT 1 FROM pms_resources WHERE practice_id = $1 AND vendor = $2 AND resource = $3 "
                           "  AND last_event_at >= $4::timestamptz"};
const db_stmt PMS_APPLIED = {
    "pms_applied", "INSERT INTO pms_resources (practice_id, vendor, resource, last_event_at) VALUES ($1, $2, $3, $4) "
                   "ON CONFLICT (practice_id, vendor, resource) DO UPDATE SET last_event_at = EXCLUDED.last_event_at "
                   "WHERE pms_resources.last_event_at < EXCLUDED.last_event_at"};
/* A name as a type code or alias, or (with $3) as a family, however it is spelt (resolved once: OFFSET 0). */
const db_stmt PMS_RESOLVE = {
    "pms_resolve",
    "SELECT n FROM (SELECT CASE WHEN $3::boolean THEN service_named($1, $2) ELSE treatment_type_named($1, $2) END "
    "  AS n OFFSET 0) s WHERE n IS NOT NULL"};
const db_stmt PMS_UNMAPPED = {
    "pms_unmapped",
    "INSERT INTO pms_unmapped (practice_id, vendor, name_key, name, kind, last_event_id) "
    "VALUES ($1, $2, treatment_name_key($3), $3, $4, $5) ON CONFLICT (practice_id, vendor, name_key) DO UPDATE "
    "SET occurrences = pms_unmapped.occurrences + 1, last_seen_at = clock_timestamp(), "
    "    last_event_id = EXCLUDED.last_event_id"};
/* The practice's injector of that name (any case), made when there is none. */
const db_stmt PMS_INJECTOR = {
    "pms_injector",
    "WITH found AS (SELECT id FROM injectors WHERE practice_id = $1 AND lower(name) = lower($2) "
    "    ORDER BY created_at LIMIT 1), "
    "  made AS (INSERT INTO injectors (practice_id, name) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM found) "
    "    RETURNING id) "
    "SELECT id FROM found UNION ALL SELECT id FROM made"};
/* A time without offset, as Zenoti writes them, read in the practice's zone. */
const db_stmt PMS_LOCAL_TIME = {
    "pms_local_time",
    "SELECT local_rfc3339($2::timestamp AT TIME ZONE time_zone, time_zone) FROM practices WHERE id = $1"};
/* The visit a refund names by the vendor's id. */
const db_stmt PMS_VISIT_BY_EXTERNAL = {
    "pms_visit_by_external",
    "SELECT id, refunded_at IS NOT NULL FROM treatments WHERE practice_id = $1 AND source = $2 AND external_id = $3"};
/* The visit a refund names by its client and items: the client's latest visit from this vendor, by the
 * refund's time, holding every type the refunded items name ($5: the names). */
const db_stmt PMS_VISIT_BY_ITEMS = {
    "pms_visit_by_items",
    "WITH named AS (SELECT array_agg(DISTINCT x.code) AS codes FROM unnest($5::text[]) n, "
    "    LATERAL (SELECT treatment_type_named($1, n) AS code) x WHERE x.code IS NOT NULL) "
    "SELECT t.id, t.refunded_at IS NOT NULL FROM treatments t, named WHERE named.codes IS NOT NULL "
    "  AND t.practice_id = $1 AND t.client_id = $2 AND t.source = $3 "
    "  AND t.performed_at <= $4::timestamptz + interval '1 day' "
    "  AND ARRAY(SELECT i.type_code FROM treatment_items i WHERE i.practice_id = t.practice_id "
    "            AND i.treatment_id = t.id) @> named.codes "
    "ORDER BY t.performed_at DESC, t.id DESC LIMIT 1"};
const db_stmt PMS_BOOKING = {"pms_booking", "SELECT id, state, starts_at = $3::timestamptz FROM bookings "
                                            "WHERE practice_id = $1 AND source = 'pms' AND external_id = $2"};
const db_stmt PMS_UNMAPPED_LIST = {
    "pms_unmapped_list",
    "SELECT coalesce(jsonb_agg(jsonb_build_object('vendor', u.vendor, 'name', u.name, 'kind', u.kind, "
    "    'occurrences', u.occurrences, 'first_seen_at', u.first_seen_at, 'last_seen_at', u.last_seen_at, "
    "    'last_event_id', u.last_event_id) ORDER BY u.occurrences DESC, u.name), '[]') "
    "FROM pms_unmapped u WHERE u.practice_id = $1 "
    "  AND CASE u.kind WHEN 'service' THEN service_named(u.practice_id, u.name) "
    "      ELSE treatment_type_named(u.practice_id, u.name) END IS NULL"};
