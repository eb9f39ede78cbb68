/* sendgrid_webhooks_sql.h: the SQL statements of service/domain/sendgrid_webhooks.c, defined in
 * sendgrid_webhooks_sql.c. */
#ifndef CADENCE_SENDGRID_WEBHOOKS_SQL_H
#define CADENCE_SENDGRID_WEBHOOKS_SQL_H

#include "db.h"

extern const db_stmt SG_FIND;
extern const db_stmt SG_DELIVERY;
extern const db_stmt SG_CLAIM;
extern const db_stmt SG_LIFT;

#endif
