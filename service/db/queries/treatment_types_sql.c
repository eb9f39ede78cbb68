/* treatment_types_sql.c: the SQL statements of service/domain/treatment_types.c. */
#include "treatment_types_sql.h"

const db_stmt TYPES_UPSERT = {
    "types_upsert",
    "INSERT INTO treatment_types AS t (practice_id, code, name, family, typical_duration, window_days, series, "
    "  steps, lapse, nurture, aftercare) "
    "SELECT $1, $2, j->>'name', j->>'family', j->>'typical_duration', (j->>'window_days')::int, "
    "  coalesce((j->>'series')::boolean, false), j->'steps', j->'lapse', "
    "  coalesce(j->'nurture', '{\"every_months\":1,\"max_messages\":6,\"channel\":\"preferred\"}'), "
    "  coalesce(j->'aftercare', '[]') FROM (SELECT $3::jsonb AS j) s "
    "ON CONFLICT (practice_id, code) DO UPDATE SET name = EXCLUDED.name, family = EXCLUDED.family, "
    "  typical_duration = EXCLUDED.typical_duration, window_days = EXCLUDED.window_days, series = EXCLUDED.series, "
    "  steps = EXCLUDED.steps, lapse = EXCLUDED.lapse, nurture = EXCLUDED.nurture, aftercare = EXCLUDED.aftercare, "
    "  updated_at = now() "
    "RETURNING (xmax = 0)"};
const db_stmt TYPES_CLEAR_ALIASES = {"types_clear_aliases",
                                     "DELETE FROM treatment_aliases WHERE practice_id = $1 AND code = $2"};
/* Adds an alias unless its key is empty, another type's code, or taken: says which, from the snapshot
 * before the insert (which holds the aliases added earlier in the transaction). */
const db_stmt TYPES_ADD_ALIAS = {
    "types_add_alias",
    "WITH k AS (SELECT treatment_name_key($3) AS key), "
    "  owner AS (SELECT (SELECT t.code FROM treatment_types t WHERE t.practice_id = $1 "
    "      AND t.code = replace(k.key, ' ', '_') AND t.code <> $2) AS type_code, "
    "    (SELECT a.code FROM treatment_aliases a WHERE a.practice_id = $1 AND a.alias_key = k.key) AS alias_of, "
    "    k.key FROM k), "
    "  ins AS (INSERT INTO treatment_aliases(practice_id, alias_key, alias, code) "
    "    SELECT $1, key, $3, $2 FROM owner WHERE key <> '' AND type_code IS NULL AND alias_of IS NULL RETURNING 1) "
    "SELECT key = '', type_code, alias_of FROM owner"};
const db_stmt TYPES_TEMPLATE_CHANNELS = {
    "types_template_channels",
    "SELECT count(DISTINCT channel) FROM templates WHERE practice_id = $1 AND step = $3 "
    "  AND treatment_type IN ($2, 'default') AND injector_id IS NULL AND channel = ANY($4::text[])"};
const db_stmt TYPES_GET = {
    "types_get", "SELECT treatment_type_json(t) FROM treatment_types t WHERE t.practice_id = $1 AND t.code = $2"};
const db_stmt TYPES_LIST = {
    "types_list", "SELECT coalesce(jsonb_agg(treatment_type_json(t) ORDER BY t.code), '[]') FROM treatment_types t "
                  "WHERE t.practice_id = $1"};
