/* analytics_sql.c: the SQL statements of service/domain/analytics.c. */
#include "analytics_sql.h"

/* The period: $2 and $3, or by default the 365 days to today in the practice's zone. */
#define PERIOD                                                                                                         \
  "WITH d AS (SELECT coalesce($3::date, (now() AT TIME ZONE p.time_zone)::date) AS d1 FROM practices p "               \
  "    WHERE p.id = $1), "                                                                                             \
  "  r AS (SELECT coalesce($2::date, d.d1 - 364) AS d0, d.d1 FROM d) "

/* The period, then the rows in the function's order. */
const db_stmt AN_RETENTION = {
    "an_retention",
    PERIOD "SELECT r.d0::text, r.d1::text, (SELECT coalesce(jsonb_agg(f.figures ORDER BY f.n), '[]') "
           "    FROM retention_figures($1, r.d0, r.d1, $4, $5::uuid, $6, $7) WITH ORDINALITY AS f(grp, figures, n) "
           "    WHERE r.d0 <= r.d1)::text "
           "FROM r"};
const db_stmt AN_LOYALTY = {
    "an_loyalty",
    PERIOD "SELECT r.d0::text, r.d1::text, CASE WHEN r.d0 <= r.d1 THEN loyalty_figures($1, r.d0, r.d1)::text END "
           "FROM r"};
const db_stmt AN_TYPE_NAMED = {"an_type_named", "SELECT treatment_type_named($1, $2)"};
const db_stmt AN_INJECTOR_EXISTS = {"an_injector_exists", "SELECT 1 FROM injectors WHERE practice_id = $1 AND id = $2"};
const db_stmt AN_SLOT = {"an_slot",
                         "SELECT s FROM generate_series(1, $2::int) s "
                         "WHERE pg_try_advisory_xact_lock(hashtextextended($1 || ':analytics:' || s, 0)) LIMIT 1"};
