/* schedules.h: when injectors work (hours per weekday, days off, the buffer
 * after each visit) and the open slots that leaves between bookings.
 * Transactions: replacing a schedule is one db_tx (joining the caller's when one is open). */
#ifndef CADENCE_SCHEDULES_H
#define CADENCE_SCHEDULES_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* Checks a schedule body (buffer_minutes, hours, days_off); 422 naming the field,
 * e.g. "hours[2].end" or "days_off[0].date", and overlapping intervals of one weekday. */
bool schedules_validate(json_t *body, cad_error *err);
/* {"injector_id", "time_zone", "buffer_minutes", "hours": [...], "days_off": [...]}; 404 when unknown. */
bool schedules_get(db_conn *conn, const char *practice_id, const char *injector_id, json_t **out, cad_error *err);
/* Replaces the whole schedule (absent lists mean none) and returns it. */
bool schedules_put(db_conn *conn, const char *practice_id, const char *injector_id, json_t *body, json_t **out,
                   cad_error *err);

/* A query for open slots; NULL strings take the defaults (today .. 13 days on, 30 minutes, every 15). */
typedef struct slot_query {
  const char *injector_id, *client_id, *from, *to, *duration_minutes, *step_minutes;
} slot_query;
/* {"time_zone", "from", "to", "duration_minutes", "data": [{"injector_id", "starts_at"}], "truncated"};
 * 400 naming a bad parameter, 404 for an injector or client of another practice. */
bool schedules_slots(db_conn *conn, const char *practice_id, const slot_query *q, json_t **out, cad_error *err);

#endif
