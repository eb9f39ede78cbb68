/* schedules_sql.c: the SQL statements of service/domain/schedules.c. */
#include "schedules_sql.h"

const db_stmt SCH_GET = {
    "sch_get",
    "SELECT jsonb_build_object('injector_id', i.id, 'time_zone', p.time_zone, 'buffer_minutes', i.buffer_minutes, "
    "  'hours', coalesce((SELECT jsonb_agg(jsonb_build_object('weekday', (ARRAY['mon','tue','wed','thu','fri','sat',"
    "      'sun'])[h.weekday], 'start', to_char(h.starts, 'HH24:MI'), 'end', to_char(h.ends, 'HH24:MI')) "
    "      ORDER BY h.weekday, h.starts) FROM injector_hours h WHERE h.practice_id = i.practice_id "
    "      AND h.injector_id = i.id), '[]'), "
    "  'days_off', coalesce((SELECT jsonb_agg(jsonb_build_object('date', o.day, 'reason', o.reason) ORDER BY o.day) "
    "      FROM injector_days_off o WHERE o.practice_id = i.practice_id AND o.injector_id = i.id), '[]')) "
    "FROM injectors i JOIN practices p ON p.id = i.practice_id WHERE i.practice_id = $1 AND i.id = $2"};
const db_stmt SCH_BUFFER = {
    "sch_buffer",
    "UPDATE injectors SET buffer_minutes = $3, updated_at = clock_timestamp() WHERE practice_id = $1 AND id = $2 "
    "RETURNING 1"};
const db_stmt SCH_HOURS = {
    "sch_hours", "WITH gone AS (DELETE FROM injector_hours WHERE practice_id = $1 AND injector_id = $2) "
                 "INSERT INTO injector_hours (practice_id, injector_id, weekday, starts, ends) "
                 "SELECT $1, $2, array_position(ARRAY['mon','tue','wed','thu','fri','sat','sun'], h->>'weekday'), "
                 "  (h->>'start')::time, (h->>'end')::time FROM jsonb_array_elements($3::jsonb) h"};
const db_stmt SCH_DAYS_OFF_DEL = {"sch_days_off_del",
                                  "DELETE FROM injector_days_off WHERE practice_id = $1 AND injector_id = $2"};
const db_stmt SCH_DAYS_OFF = {"sch_days_off",
                              "INSERT INTO injector_days_off (practice_id, injector_id, day, reason) "
                              "SELECT $1, $2, (d->>'date')::date, d->>'reason' FROM jsonb_array_elements($3::jsonb) d"};
const db_stmt SCH_INJECTOR = {"sch_injector", "SELECT 1 FROM injectors WHERE practice_id = $1 AND id = $2"};
const db_stmt SCH_CLIENT = {"sch_client", "SELECT 1 FROM clients WHERE practice_id = $1 AND id = $2"};
/* $3/$4 default to the practice's today and 13 days on. */
const db_stmt SCH_SLOTS = {
    "sch_slots",
    "WITH pr AS (SELECT time_zone AS tz, coalesce($3::date, (now() AT TIME ZONE time_zone)::date) AS f "
    "            FROM practices WHERE id = $1), "
    "  rng AS (SELECT tz, f, coalesce($4::date, f + 13) AS t FROM pr), "
    "  s AS (SELECT o.injector_id, o.starts_at FROM rng, open_slots($1, $2, rng.f, rng.t, $5, $6, $7) o "
    "        WHERE rng.t - rng.f BETWEEN 0 AND $9 LIMIT $8) "
    "SELECT rng.f::text, rng.t::text, rng.tz, (rng.t - rng.f), (SELECT count(*) FROM s), "
    "  coalesce((SELECT jsonb_agg(jsonb_build_object('injector_id', s.injector_id, "
    "      'starts_at', local_rfc3339(s.starts_at, rng.tz)) ORDER BY s.starts_at, s.injector_id) FROM s), '[]') "
    "FROM rng"};
