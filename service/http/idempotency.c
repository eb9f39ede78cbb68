/* idempotency.c: rows of idempotency_keys keyed by (practice, key). A
 * reservation is committed on its own so concurrent duplicates see it; one
 * left pending by a crashed process is taken over after RESERVATION_TTL. */
#include "idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const db_stmt RESERVE = {
    "idem_reserve",
    "INSERT INTO idempotency_keys(practice_id, key, request_hash) VALUES ($1, $2, $3) "
    "ON CONFLICT (practice_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, "
    "  status = NULL, body = NULL, created_at = now() "
    /* take over a record older than a day, or a reservation abandoned by a crash */
    "  WHERE idempotency_keys.created_at < now() - interval '24 hours' "
    "     OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - interval '5 minutes') "
    "RETURNING 1"};
static const db_stmt LOOKUP = {
    "idem_lookup",
    "SELECT request_hash, status, body FROM idempotency_keys WHERE practice_id = $1 AND key = $2"};
static const db_stmt FINISH = {
    "idem_finish",
    "UPDATE idempotency_keys SET status = $3, body = $4 WHERE practice_id = $1 AND key = $2"};
static const db_stmt ABANDON = {
    "idem_abandon",
    "DELETE FROM idempotency_keys WHERE practice_id = $1 AND key = $2 AND status IS NULL"};

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
  db_result *r = db_exec(c, &RESERVE, 3, p, err);
  if (!r)
    return false;
  bool reserved = db_rows(r) == 1;
  db_free(r);
  if (reserved) {
    *state = IDEM_NEW;
    return true;
  }
  if (!(r = db_exec(c, &LOOKUP, 2, p, err)))
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
  db_result *r = db_exec(c, &FINISH, 4, p, err);
  db_free(r);
  return r != NULL;
}

void idem_abandon(db_conn *c, const char *scope, const char *key) {
  const char *p[] = {scope, key};
  cad_error ignored;
  db_free(db_exec(c, &ABANDON, 2, p, &ignored));
}
