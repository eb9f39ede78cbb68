/* injectors_sql.h: the SQL statements of service/domain/injectors.c, defined in injectors_sql.c. */
#ifndef CADENCE_INJECTORS_SQL_H
#define CADENCE_INJECTORS_SQL_H

#include "db.h"

extern const db_stmt INJ_INSERT;
extern const db_stmt INJ_PATCH;
extern const db_stmt INJ_LIST;

#endif
