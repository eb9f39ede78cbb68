/* idempotency.c: rows of idempotency_keys keyed by (practice, key). A
 * reservation is committed on its own so concurrent duplicates see it; one
 * left pending by a crashed process is taken over after RESERVATION_TTL. */
#include "idempotency.h"
#include "idempotency_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool idem_key_valid(const char *key) {
  size_t n = strlen(key);
  if (n == 0 || n > 255)
    return false;
  for (size_t i = 0; i < n; i++)
    if (key[i] < 0x21 || key[i] > 0x7e)
      return false;
  return true;
}

bool idem_begin(db_conn *c, const char *scope, const char *key, const char *request_hash,
                idem_state *state, int *status, char **body, cad_error *err) {
  const char *p[] = {scope, key, request_hash};
  db_result *r = db_exec(c, &IDEM_RESERVE, 3, p, err);
  if (!r)
    return false;
  bool reserved = db_rows(r) == 1;
  db_free(r);
  if (reserved) {
    *state = IDEM_NEW;
    return true;
  }
  if (!(r = db_exec(c, &IDEM_LOOKUP, 2, p, err)))
    return false;
  if (db_rows(r) == 0 || strcmp(db_text(r, 0, 0), request_hash) != 0) {
    /* no row: it was released between our two statements; the client may retry */
    *state = db_rows(r) == 0 ? IDEM_IN_PROGRESS : IDEM_MISMATCH;
  } else if (db_null(r, 0, 1)) {
    *state = IDEM_IN_PROGRESS;
  } else {
    *state = IDEM_REPLAY;
    *status = atoi(db_text(r, 0, 1));
    *body = strdup(db_null(r, 0, 2) ? "" : db_text(r, 0, 2));
  }
  db_free(r);
  return true;
}

bool idem_finish(db_conn *c, const char *scope, const char *key, int status, const char *body,
                 cad_error *err) {
  char st[12];
  snprintf(st, sizeof st, "%d", status);
  const char *p[] = {scope, key, st, body ? body : ""};
  db_result *r = db_exec(c, &IDEM_FINISH, 4, p, err);
  db_free(r);
  return r != NULL;
}

void idem_abandon(db_conn *c, const char *scope, const char *key) {
  const char *p[] = {scope, key};
  cad_error ignored;
  db_free(db_exec(c, &IDEM_ABANDON, 2, p, &ignored));
}
