/* booking_links_sql.h: the SQL statements of service/domain/booking_links.c, defined in booking_links_sql.c. */
#ifndef CADENCE_BOOKING_LINKS_SQL_H
#define CADENCE_BOOKING_LINKS_SQL_H

#include "db.h"

extern const db_stmt BL_SECRET;
extern const db_stmt BL_RESEAL;
extern const db_stmt BL_RESOLVE;

#endif
