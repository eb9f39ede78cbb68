/* plans_sql.h: the SQL statements of service/domain/plans.c, defined in plans_sql.c. */
#ifndef CADENCE_PLANS_SQL_H
#define CADENCE_PLANS_SQL_H

#include "db.h"

extern const db_stmt PLANS_OPEN_CYCLES;
extern const db_stmt PLANS_SUPERSEDE_STEPS;
extern const db_stmt PLANS_SUPERSEDE;
extern const db_stmt PLANS_NEW_SEQUENCES;
extern const db_stmt PLANS_NEW_STEPS;
extern const db_stmt PLANS_PAUSE;
extern const db_stmt PLANS_RESUME;
extern const db_stmt PLANS_NOTIFY_DUE;
extern const db_stmt PLANS_CLIENT_EXISTS;
extern const db_stmt PLANS_VIEW;

#endif
