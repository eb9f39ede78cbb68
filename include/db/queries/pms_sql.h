/* pms_sql.h: the SQL statements of service/domain/pms.c, defined in pms_sql.c. */
#ifndef CADENCE_PMS_SQL_H
#define CADENCE_PMS_SQL_H

#include "db.h"

extern const db_stmt PMS_RECORD;
extern const db_stmt PMS_STALE;
extern const db_stmt PMS_APPLIED;
extern const db_stmt PMS_RESOLVE;
extern const db_stmt PMS_UNMAPPED;
extern const db_stmt PMS_INJECTOR;
extern const db_stmt PMS_LOCAL_TIME;
extern const db_stmt PMS_VISIT_BY_EXTERNAL;
extern const db_stmt PMS_VISIT_BY_ITEMS;
extern const db_stmt PMS_BOOKING;
extern const db_stmt PMS_UNMAPPED_LIST;

#endif
