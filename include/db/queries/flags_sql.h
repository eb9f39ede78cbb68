/* flags_sql.h: the SQL statements of service/domain/flags.c, defined in flags_sql.c. */
#ifndef CADENCE_FLAGS_SQL_H
#define CADENCE_FLAGS_SQL_H

#include "db.h"

extern const db_stmt FLAGS_LOCK_CLIENT;
extern const db_stmt FLAGS_INSERT;
extern const db_stmt FLAGS_RESOLVE;
extern const db_stmt FLAGS_LIST;
extern const db_stmt FLAGS_OPEN_COUNT;
extern const db_stmt FLAGS_OUTREACH;

#endif
