/* suppressions_sql.h: the SQL statements of service/domain/suppressions.c, defined in suppressions_sql.c. */
#ifndef CADENCE_SUPPRESSIONS_SQL_H
#define CADENCE_SUPPRESSIONS_SQL_H

#include "db.h"

extern const db_stmt SUP_ADD;
extern const db_stmt SUP_MESSAGE;
extern const db_stmt SUP_CLIENT_ADDRESS;
extern const db_stmt SUP_GET;
extern const db_stmt SUP_CURSOR_OK;
extern const db_stmt SUP_LIST;

#endif
