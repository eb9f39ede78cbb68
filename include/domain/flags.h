/* flags.h: a client flagged dissatisfied or with a complication gets no
 * promotional message until staff resolve the flag, and is listed for a
 * personal call (the outreach list).
 * Transactions: opening or resolving a flag and pausing or resuming the steps it concerns are one db_tx
 * (joining the caller's when one is open). */
#ifndef CADENCE_FLAGS_H
#define CADENCE_FLAGS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* Opens a flag (body {kind, note}) and pauses the client's promotional steps. */
bool flags_open(db_conn *conn, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                cad_error *err);

/* Resolves a flag; with no other open flag the client's paused steps resume. */
bool flags_resolve(db_conn *conn, const char *practice_id, const char *client_id, const char *flag_id,
                   json_t **out, cad_error *err);

/* {"data": [flag]}: the client's flags, open ones first, newest first. */
bool flags_list(db_conn *conn, const char *practice_id, const char *client_id, json_t **out, cad_error *err);

/* {"data": [{client, flags}]}: clients with open flags, oldest flag first. */
bool flags_outreach(db_conn *conn, const char *practice_id, json_t **out, cad_error *err);

#endif
