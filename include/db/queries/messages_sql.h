/* messages_sql.h: the SQL statements of service/domain/messages.c, defined in messages_sql.c. */
#ifndef CADENCE_MESSAGES_SQL_H
#define CADENCE_MESSAGES_SQL_H

#include "db.h"

extern const db_stmt MSG_CURSOR_OK;
extern const db_stmt MSG_LIST;

#endif
