/* reports_sql.h: the SQL statements of service/jobs/reports.c, defined in reports_sql.c. */
#ifndef CADENCE_REPORTS_SQL_H
#define CADENCE_REPORTS_SQL_H

#include "db.h"

extern const db_stmt RP_MAKE;
extern const db_stmt RP_WEEK_OK;
extern const db_stmt RP_GET;
extern const db_stmt RP_CURSOR_OK;
extern const db_stmt RP_LIST;
extern const db_stmt RP_DUE;
extern const db_stmt RP_WAITING;
extern const db_stmt RP_QUEUE;
extern const db_stmt RP_NOT_SENT;
extern const db_stmt RP_NOTIFY;

#endif
