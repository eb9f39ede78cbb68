/* events_sql.h: the SQL statements of service/domain/events.c and service/jobs/event_delivery.c, defined in
 * events_sql.c. */
#ifndef CADENCE_EVENTS_SQL_H
#define CADENCE_EVENTS_SQL_H

#include "db.h"

extern const db_stmt EV_PUBLISH;
extern const db_stmt EV_AFTER;
extern const db_stmt EV_LATEST;
extern const db_stmt EV_ENDPOINT_CREATE;
extern const db_stmt EV_ENDPOINT_LIST;
extern const db_stmt EV_ENDPOINT_DELETE;
extern const db_stmt EV_DELIVERIES;
extern const db_stmt EV_NOT_SEALED_NOW;
extern const db_stmt EV_SET_SECRET;
extern const db_stmt EV_CLAIM;
extern const db_stmt EV_DELIVERED;
extern const db_stmt EV_RETRY;

#endif
