/* idempotency_sql.h: the SQL statements of service/http/idempotency.c, defined in idempotency_sql.c. */
#ifndef CADENCE_IDEMPOTENCY_SQL_H
#define CADENCE_IDEMPOTENCY_SQL_H

#include "db.h"

extern const db_stmt IDEM_RESERVE;
extern const db_stmt IDEM_LOOKUP;
extern const db_stmt IDEM_FINISH;
extern const db_stmt IDEM_ABANDON;

#endif
