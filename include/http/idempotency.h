/* idempotency.h: the Idempotency-Key mechanism shared by every POST.
 * A key is reserved before the handler runs and completed with its answer;
 * the same key and body replays that answer, another body is a conflict. */
#ifndef CADENCE_IDEMPOTENCY_H
#define CADENCE_IDEMPOTENCY_H

#include <stdbool.h>

#include "db.h"
#include "error.h"

typedef enum {
  IDEM_NEW,         /* reserved for this request: run the handler */
  IDEM_REPLAY,      /* answered before: replay status and body */
  IDEM_MISMATCH,    /* used before with another request: 409 */
  IDEM_IN_PROGRESS, /* a request with this key is running now: 409 */
} idem_state;

/* A key is 1..255 printable ASCII characters. */
bool idem_key_valid(const char *key);

/* Reserves (scope, key) for a request whose hash is request_hash, or reports what happened before.
 * On IDEM_REPLAY, *status and *body (malloc'd) hold the first answer. */
bool idem_begin(db_conn *conn, const char *scope, const char *key, const char *request_hash,
                idem_state *state, int *status, char **body, cad_error *err);

/* Records the answer of a reserved key. */
bool idem_finish(db_conn *conn, const char *scope, const char *key, int status, const char *body,
                 cad_error *err);

/* Releases a reservation whose request failed on our side (5xx), so a retry runs again. */
void idem_abandon(db_conn *conn, const char *scope, const char *key);

#endif
