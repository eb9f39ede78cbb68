/* conversations_sql.h: the SQL statements of service/domain/conversations.c, defined in conversations_sql.c. */
#ifndef CADENCE_CONVERSATIONS_SQL_H
#define CADENCE_CONVERSATIONS_SQL_H

#include "db.h"

extern const db_stmt CONV_SENDER;
extern const db_stmt CONV_SENDER_EMAIL;
extern const db_stmt CONV_TOUCH_CLIENT;
extern const db_stmt CONV_TOUCH_STRANGER;
extern const db_stmt CONV_INBOUND;
extern const db_stmt CONV_EMAIL_SEEN;
extern const db_stmt CONV_HOLD;
extern const db_stmt CONV_SUPPRESSED;
extern const db_stmt CONV_CURSOR_OK;
extern const db_stmt CONV_LIST;
extern const db_stmt CONV_OF_CLIENT;
extern const db_stmt CONV_READ;
extern const db_stmt CONV_HANDLED;
extern const db_stmt CONV_REPLY_CONTEXT;
extern const db_stmt CONV_QUEUE_REPLY;
extern const db_stmt CONV_NOTIFY;
extern const db_stmt CONV_WHO;
extern const db_stmt CONV_READ_ID;
extern const db_stmt CONV_HANDLED_ID;
extern const db_stmt CONV_OF_STRANGER;
extern const db_stmt CONV_STRANGER_CONTEXT;
extern const db_stmt CONV_OFFER;
extern const db_stmt CONV_OFFER_TAKEN;
extern const db_stmt CONV_REOFFER;

#endif
