/* suppressions.c: one row per (practice, channel, address) plus its events. */
#include "suppressions.h"

#include <stdlib.h>
#include <string.h>

#include "validate.h"

static const db_stmt ADD = {
    "sup_add",
    "WITH s AS (INSERT INTO suppressions(practice_id, channel, address) VALUES ($1, $2, $3) "
    "  ON CONFLICT (practice_id, channel, address) DO UPDATE SET active = true, updated_at = clock_timestamp() "
    "  RETURNING 1), "
    "e AS (INSERT INTO suppression_events(practice_id, channel, address, action, source, evidence) "
    "  SELECT $1, $2, $3, 'suppress', $4, $5 FROM s RETURNING 1) "
    "UPDATE messages SET state = 'dead', lease_until = NULL, updated_at = clock_timestamp(), "
    "  last_error = 'the recipient opted out before it was sent' "
    "WHERE practice_id = $1 AND channel = $2 AND to_address = $3 AND state IN ('queued', 'failed')"};
static const db_stmt MESSAGE = {
    "sup_message",
    "SELECT m.practice_id, m.channel, lower(m.to_address), p.name FROM messages m "
    "JOIN practices p ON p.id = m.practice_id WHERE m.id = $1"};

bool suppressions_add(db_conn *c, const char *practice_id, const char *channel, const char *address,
                      const char *source, const char *evidence, cad_error *err) {
  const char *p[] = {practice_id, channel, address, source, evidence};
  PGresult *r = db_exec(c, &ADD, 5, p, err);
  PQclear(r);
  return r != NULL;
}

bool suppressions_unsubscribe_message(db_conn *c, const char *message_id, char **practice_name, cad_error *err) {
  *practice_name = NULL;
  if (!valid_uuid(message_id))
    return FAIL_NOT_FOUND(err, "message");
  const char *p[] = {message_id};
  PGresult *r = db_exec(c, &MESSAGE, 1, p, err);
  if (!r)
    return false;
  bool found = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 1), "email") == 0;
  bool ok = found ? suppressions_add(c, PQgetvalue(r, 0, 0), "email", PQgetvalue(r, 0, 2), "email_unsubscribe_link",
                                     message_id, err)
                  : FAIL_NOT_FOUND(err, "message");
  if (ok)
    *practice_name = strdup(PQgetvalue(r, 0, 3));
  PQclear(r);
  return ok;
}
