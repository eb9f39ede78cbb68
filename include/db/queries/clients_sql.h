/* clients_sql.h: the SQL statements of service/domain/clients.c, defined in clients_sql.c. */
#ifndef CADENCE_CLIENTS_SQL_H
#define CADENCE_CLIENTS_SQL_H

#include "db.h"

extern const db_stmt CLIENT_INSERT;
extern const db_stmt CLIENT_PATCH;
extern const db_stmt CLIENTS_EXISTS;
extern const db_stmt CLIENT_GET;
extern const db_stmt CLIENT_CLEAR_EXTERNAL;
extern const db_stmt CLIENT_ADD_EXTERNAL;
extern const db_stmt CLIENT_FIND_EXTERNAL;
extern const db_stmt CLIENT_CURSOR_OK;
extern const db_stmt CLIENT_LIST;

#endif
