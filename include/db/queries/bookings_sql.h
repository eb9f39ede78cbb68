/* bookings_sql.h: the SQL statements of service/domain/bookings.c, defined in bookings_sql.c. */
#ifndef CADENCE_BOOKINGS_SQL_H
#define CADENCE_BOOKINGS_SQL_H

#include "db.h"

extern const db_stmt BK_LOCK_CLIENT;
extern const db_stmt BK_INJECTOR;
extern const db_stmt BK_FAMILY_OF;
extern const db_stmt BK_CAUSE;
extern const db_stmt BK_INSERT;
extern const db_stmt BK_END_STEPS;
extern const db_stmt BK_END_NURTURE;
extern const db_stmt BK_CONFIRMATIONS;
extern const db_stmt BK_END_CONFIRMATION_STEPS;
extern const db_stmt BK_END_CONFIRMATIONS;
extern const db_stmt BK_PATCH;
extern const db_stmt BK_REOPEN;
extern const db_stmt BK_ROW;
extern const db_stmt BK_WITHIN_HOURS;
extern const db_stmt BK_CLASH;
extern const db_stmt BK_CURSOR_OK;
extern const db_stmt BK_LIST;

#endif
