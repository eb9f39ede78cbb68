/* treatments_sql.h: the SQL statements of service/domain/treatments.c, defined in treatments_sql.c. */
#ifndef CADENCE_TREATMENTS_SQL_H
#define CADENCE_TREATMENTS_SQL_H

#include "db.h"

extern const db_stmt TREAT_INJECTOR_EXISTS;
extern const db_stmt TREAT_BY_EXTERNAL;
extern const db_stmt TREAT_CONTEXT;
extern const db_stmt TREAT_RESOLVE_TYPES;
extern const db_stmt TREAT_INSERT;
extern const db_stmt TREAT_INSERT_ITEMS;
extern const db_stmt TREAT_GET;
extern const db_stmt TREAT_CURSOR_OK;
extern const db_stmt TREAT_LIST;

#endif
