/* delivery_sql.h: the SQL statements of service/jobs/delivery.c, defined in delivery_sql.c. */
#ifndef CADENCE_DELIVERY_SQL_H
#define CADENCE_DELIVERY_SQL_H

#include "db.h"

extern const db_stmt DL_BATCH_CONTEXT;
extern const db_stmt DL_CLAIM_STEPS;
extern const db_stmt DL_STEP_CONTEXT;
extern const db_stmt DL_SET_STATE;
extern const db_stmt DL_DEFER_TO_DAY;
extern const db_stmt DL_DEFER_FOR;
extern const db_stmt DL_MERGEABLE;
extern const db_stmt DL_QUEUE_MESSAGE;
extern const db_stmt DL_QUEUE_BATCH;
extern const db_stmt DL_LAPSE_CLIENT;
extern const db_stmt DL_NURTURE_SEQUENCE;
extern const db_stmt DL_NURTURE_STEP;
extern const db_stmt DL_CLAIMED;
extern const db_stmt DL_CLAIM_MESSAGES;
extern const db_stmt DL_MARK_SENDING;
extern const db_stmt DL_RECORD;
extern const db_stmt DL_RELEASE;
extern const db_stmt DL_RECOVER;
extern const db_stmt DL_NEXT_DUE;

extern const db_stmt DL_OFFER;

#endif
