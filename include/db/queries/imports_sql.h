/* imports_sql.h: the SQL statements of service/jobs/imports.c, defined in imports_sql.c. */
#ifndef CADENCE_IMPORTS_SQL_H
#define CADENCE_IMPORTS_SQL_H

#include "db.h"

extern const db_stmt IMP_CREATE;
extern const db_stmt IMP_QUEUE;
extern const db_stmt IMP_DISCARD;
extern const db_stmt IMP_GET;
extern const db_stmt IMP_CANCEL;
extern const db_stmt IMP_CLAIM;
extern const db_stmt IMP_ROWS;
extern const db_stmt IMP_REFUSE;
extern const db_stmt IMP_PROGRESS;
extern const db_stmt IMP_DONE;

#endif
