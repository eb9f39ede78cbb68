/* twilio_webhooks_sql.h: the SQL statements of service/domain/twilio_webhooks.c, defined in twilio_webhooks_sql.c. */
#ifndef CADENCE_TWILIO_WEBHOOKS_SQL_H
#define CADENCE_TWILIO_WEBHOOKS_SQL_H

#include "db.h"

extern const db_stmt TW_STATUS;
extern const db_stmt TW_CLAIM_STATUS;
extern const db_stmt TW_CLAIM_INBOUND;
extern const db_stmt TW_PRACTICES_FOR;
extern const db_stmt TW_LIFT;

#endif
