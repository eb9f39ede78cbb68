/* retention.h: the links between a client's visits (the next visit of the family, the first booking
 * after each visit, whether a reminder brought it), kept off the request path. A write marks the client
 * (retention_mark, from the triggers); the analytics upkeep job relinks marked clients in batches; a
 * figure read first catches its practice up, so it counts every write committed before it.
 * Transactions: each call is its own transaction. */
#ifndef CADENCE_RETENTION_H
#define CADENCE_RETENTION_H

#include <stdbool.h>

#include "db.h"

/* Called with each relinked client's wait, from its first mark to its relink. */
typedef void (*retention_lag_fn)(double seconds, void *ctx);

/* Relinks up to limit marked clients of any practice, oldest marks first; returns how many, or -1. */
int retention_relink_marked(db_conn *conn, int limit, retention_lag_fn observe, void *ctx, cad_error *err);

/* Relinks every marked client of practice_id whose write has committed. */
bool retention_catch_up(db_conn *conn, const char *practice_id, cad_error *err);

#endif
