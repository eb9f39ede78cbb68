/* auth_sql.h: the SQL statements of service/http/auth.c, defined in auth_sql.c. */
#ifndef CADENCE_AUTH_SQL_H
#define CADENCE_AUTH_SQL_H

#include "db.h"

extern const db_stmt AUTH_LOOKUP;
extern const db_stmt AUTH_INSERT;
extern const db_stmt AUTH_REVOKE;
extern const db_stmt AUTH_ANY_ADMIN;
extern const db_stmt AUTH_BOOTSTRAP_LOCK;

#endif
