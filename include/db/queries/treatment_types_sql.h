/* treatment_types_sql.h: the SQL statements of service/domain/treatment_types.c, defined in treatment_types_sql.c. */
#ifndef CADENCE_TREATMENT_TYPES_SQL_H
#define CADENCE_TREATMENT_TYPES_SQL_H

#include "db.h"

extern const db_stmt TYPES_UPSERT;
extern const db_stmt TYPES_CLEAR_ALIASES;
extern const db_stmt TYPES_ADD_ALIAS;
extern const db_stmt TYPES_TEMPLATE_CHANNELS;
extern const db_stmt TYPES_GET;
extern const db_stmt TYPES_LIST;

#endif
