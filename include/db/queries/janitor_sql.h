/* janitor_sql.h: the SQL statements of service/jobs/janitor.c, defined in janitor_sql.c. */
#ifndef CADENCE_JANITOR_SQL_H
#define CADENCE_JANITOR_SQL_H

#include "db.h"

extern const db_stmt JANITOR_PRUNE[5];

#endif
