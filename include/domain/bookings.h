/* bookings.h: appointments. A booking ends the client's pending refill (and
 * nurture) steps of the booked families, records the reminder that brought it
 * (a step sent in the 7 days before), and a cancel re-opens what is still ahead.
 * Transactions: each write is one db_tx (joining the caller's when one is open): the booking, the
 * reminders it ends and its attribution commit together. */
#ifndef CADENCE_BOOKINGS_H
#define CADENCE_BOOKINGS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* Checks the values of a create body; 422 naming the field. */
bool bookings_validate(json_t *body, cad_error *err);
bool bookings_create(db_conn *conn, const char *practice_id, json_t *body, json_t **out, cad_error *err);
/* Reschedules (starts_at) or changes the state (cancelled, completed, no_show). */
bool bookings_patch(db_conn *conn, const char *practice_id, const char *id, json_t *body, json_t **out,
                    cad_error *err);
/* One page of bookings by start time, filtered by client_id and state when given. */
bool bookings_list(db_conn *conn, const char *practice_id, const char *client_id, const char *state,
                   const char *cursor, int limit, json_t **out, cad_error *err);

#endif
