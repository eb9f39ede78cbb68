/* sendgrid_inbound_sql.h: the SQL statements of service/domain/sendgrid_inbound.c, defined in
 * sendgrid_inbound_sql.c. */
#ifndef CADENCE_SENDGRID_INBOUND_SQL_H
#define CADENCE_SENDGRID_INBOUND_SQL_H

#include "db.h"

extern const db_stmt SGI_PRACTICE_OF_MESSAGE;
extern const db_stmt SGI_PRACTICE_AT;
extern const db_stmt SGI_CONVERSATION_OF;

#endif
