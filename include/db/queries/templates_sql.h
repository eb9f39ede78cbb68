/* templates_sql.h: the SQL statements of service/domain/templates.c, defined in templates_sql.c. */
#ifndef CADENCE_TEMPLATES_SQL_H
#define CADENCE_TEMPLATES_SQL_H

#include "db.h"

extern const db_stmt TPL_PRACTICE;
extern const db_stmt TPL_TYPE_NAMED;
extern const db_stmt TPL_INJECTOR_EXISTS;
extern const db_stmt TPL_UPSERT;
extern const db_stmt TPL_LIST;
extern const db_stmt TPL_PREVIEW_CONTEXT;

#endif
