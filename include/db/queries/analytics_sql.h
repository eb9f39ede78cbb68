/* analytics_sql.h: the SQL statements of service/domain/analytics.c, defined in analytics_sql.c. */
#ifndef CADENCE_ANALYTICS_SQL_H
#define CADENCE_ANALYTICS_SQL_H

#include "db.h"

extern const db_stmt AN_RETENTION;
extern const db_stmt AN_LOYALTY;
extern const db_stmt AN_TYPE_NAMED;
extern const db_stmt AN_INJECTOR_EXISTS;
extern const db_stmt AN_SLOT;

#endif
