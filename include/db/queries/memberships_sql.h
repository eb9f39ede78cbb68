/* memberships_sql.h: the SQL statements of service/domain/memberships.c, defined in memberships_sql.c. */
#ifndef CADENCE_MEMBERSHIPS_SQL_H
#define CADENCE_MEMBERSHIPS_SQL_H

#include "db.h"

extern const db_stmt MS_PLAN_INSERT;
extern const db_stmt MS_PLAN_LIST;
extern const db_stmt MS_JOIN;
extern const db_stmt MS_MONTHLY_ONE;
extern const db_stmt MS_MONTHLY_ALL;
extern const db_stmt MS_GET;
extern const db_stmt MS_ACTIVE;
extern const db_stmt MS_PAYMENT;
extern const db_stmt MS_CANCEL;
extern const db_stmt MS_CREDIT;
extern const db_stmt MS_USE;
extern const db_stmt MS_LATEST;

#endif
