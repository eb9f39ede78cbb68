/* retention_sql.h: the SQL statements of service/domain/retention.c, defined in retention_sql.c. */
#ifndef CADENCE_RETENTION_SQL_H
#define CADENCE_RETENTION_SQL_H

#include "db.h"

extern const db_stmt RET_JOB_KEY;
extern const db_stmt RET_READ_KEY;
extern const db_stmt RET_CLAIM_DUE;
extern const db_stmt RET_CLAIM_PRACTICE;
extern const db_stmt RET_LOCK;
extern const db_stmt RET_LOCK_NOWAIT;
extern const db_stmt RET_RELINK;

#endif
