/* injectors_sql.c: the SQL statements of service/domain/injectors.c. */
#include "injectors_sql.h"

const db_stmt INJ_INSERT = {"inj_insert",
                            "INSERT INTO injectors AS i (practice_id, name, email, phone, active) "
                            "SELECT $1, j->>'name', j->>'email', j->>'phone', coalesce((j->>'active')::boolean, true) "
                            "FROM (SELECT $2::jsonb AS j) s RETURNING injector_json(i)"};
const db_stmt INJ_PATCH = {
    "inj_patch", "UPDATE injectors i SET name = coalesce(j->>'name', i.name), "
                 "  email = CASE WHEN j ? 'email' THEN j->>'email' ELSE i.email END, "
                 "  phone = CASE WHEN j ? 'phone' THEN j->>'phone' ELSE i.phone END, "
                 "  active = coalesce((j->>'active')::boolean, i.active), updated_at = clock_timestamp() "
                 "FROM (SELECT $3::jsonb AS j) s WHERE i.practice_id = $1 AND i.id = $2 RETURNING injector_json(i)"};
const db_stmt INJ_LIST = {"inj_list",
                          "SELECT coalesce(jsonb_agg(injector_json(i) ORDER BY i.name, i.id), '[]') FROM injectors i "
                          "WHERE i.practice_id = $1"};
