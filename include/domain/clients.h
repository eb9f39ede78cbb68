/* clients.h: a practice's clients (patients): contact details, consents,
 * channel preference, time zone, external ids and away dates.
 * Transactions: each write is one db_tx (joining the caller's when one is open); clients_insert runs
 * in the caller's. */
#ifndef CADENCE_CLIENTS_H
#define CADENCE_CLIENTS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"
#include "timezones.h"

/* Search criteria for clients_list; NULL members do not filter. */
typedef struct client_query {
  const char *phone, *email, *name, *external_id, *external_system;
  const char *cursor; /* next_cursor of the previous page */
  int limit;          /* 1..100 */
} client_query;

/* Checks a create (creating) or patch body: fields and types (400/422), then values (422), naming the field. */
bool clients_validate(const tz_set *zones, json_t *body, bool creating, cad_error *err);

/* Creates a client of practice_id; 409 naming the external id already taken. */
bool clients_create(db_conn *conn, const char *practice_id, json_t *body, json_t **out, cad_error *err);

/* Inserts a client inside the caller's transaction (body already validated); id gets its id. */
bool clients_insert(db_conn *conn, const char *practice_id, json_t *body, char id[37], cad_error *err);

/* Finds the client holding (system, external_id); *found tells whether one does. */
bool clients_find_external(db_conn *conn, const char *practice_id, const char *system, const char *external_id,
                           char id[37], bool *found, cad_error *err);

/* 404 "client" unless id is a client of practice_id. */
bool clients_require(db_conn *conn, const char *practice_id, const char *id, cad_error *err);
/* Reads one client of practice_id; 404 when not there. */
bool clients_get(db_conn *conn, const char *practice_id, const char *id, json_t **out, cad_error *err);

/* Applies the fields present in body (external_ids and away_periods replace the lists). */
bool clients_patch(db_conn *conn, const char *practice_id, const char *id, json_t *body, json_t **out,
                   cad_error *err);

/* One page of matching clients as {"data": [...], "next_cursor": ...}. */
bool clients_list(db_conn *conn, const char *practice_id, const client_query *q, json_t **out,
                  cad_error *err);

#endif
