/* listen.h: LISTEN on a connection of its own, for a thread that sleeps until
 * PostgreSQL notifies it (the dispatcher waking its workers). */
#ifndef CADENCE_LISTEN_H
#define CADENCE_LISTEN_H

#include <stdbool.h>

typedef struct db_listener db_listener;

/* Connects to url as application_name and listens on channel; NULL when either fails. */
db_listener *db_listen(const char *url, const char *application_name, const char *channel);

/* Waits up to timeout_ms for notifications: 1 when some came (all are consumed), 0 when none, -1 when
 * the connection is lost (close it and listen anew: notifications sent meanwhile are lost). */
int db_listener_wait(db_listener *l, int timeout_ms);

void db_listener_close(db_listener *l);

#endif
