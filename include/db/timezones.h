/* timezones.h: the IANA time zone names PostgreSQL knows (pg_timezone_names),
 * loaded once at start so validating a zone costs a binary search. */
#ifndef CADENCE_TIMEZONES_H
#define CADENCE_TIMEZONES_H

#include <stdbool.h>

#include "db.h"

typedef struct tz_set tz_set;

/* Loads the names; NULL with err when the query fails. */
tz_set *timezones_load(db_conn *conn, cad_error *err);
void timezones_free(tz_set *set);

/* True when name is a zone PostgreSQL can compute with. */
bool timezones_valid(const tz_set *set, const char *name);

#endif
