/* schedules_sql.h: the SQL statements of service/domain/schedules.c, defined in schedules_sql.c. */
#ifndef CADENCE_SCHEDULES_SQL_H
#define CADENCE_SCHEDULES_SQL_H

#include "db.h"

extern const db_stmt SCH_GET;
extern const db_stmt SCH_BUFFER;
extern const db_stmt SCH_HOURS;
extern const db_stmt SCH_DAYS_OFF_DEL;
extern const db_stmt SCH_DAYS_OFF;
extern const db_stmt SCH_INJECTOR;
extern const db_stmt SCH_CLIENT;
extern const db_stmt SCH_SLOTS;

#endif
