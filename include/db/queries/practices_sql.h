/* practices_sql.h: the SQL statements of service/domain/practices.c, defined in practices_sql.c. */
#ifndef CADENCE_PRACTICES_SQL_H
#define CADENCE_PRACTICES_SQL_H

#include "db.h"

extern const db_stmt PRACTICE_INSERT;
extern const db_stmt PRACTICE_SEED;
extern const db_stmt PRACTICE_GET;
extern const db_stmt PRACTICE_PATCH;
extern const db_stmt PRACTICE_SET_SECRET;
extern const db_stmt PRACTICE_SECRET;
extern const db_stmt PRACTICE_NOT_SEALED_NOW;

#endif
