/* messages.c: the list of messages to clients with its filters and cursor (a weekly report's email
 * is shown with its report). */
#include "messages.h"
#include "messages_sql.h"

#include <stdio.h>
#include <string.h>

#include "paging.h"
#include "validate.h"

static const char *const STATES[] = {"queued", "claimed", "sending", "sent", "failed", "dead", "unknown", NULL};

static bool bad(cad_error *err, const char *field, const char *what) {
  return cad_fail(err, "invalid_query", field, "'%s' must be %s", field, what);
}

bool messages_list(db_conn *c, const char *practice_id, const message_query *q, json_t **out, cad_error *err) {
  if (q->client_id && !valid_uuid(q->client_id))
    return bad(err, "client_id", "a client id");
  if (q->channel && strcmp(q->channel, "sms") != 0 && strcmp(q->channel, "email") != 0)
    return bad(err, "channel", "sms or email");
  bool known = !q->state;
  for (const char *const *s = STATES; !known && *s; s++)
    known = strcmp(*s, q->state) == 0;
  if (!known)
    return bad(err, "state", "queued, claimed, sending, sent, failed, dead or unknown");
  if (q->from && !valid_timestamp(q->from))
    return bad(err, "from", "an RFC 3339 time");
  if (q->to && !valid_timestamp(q->to))
    return bad(err, "to", "an RFC 3339 time");
  page_cursor cur;
  char limit[12];
  if (!paging_cursor(c, &MSG_CURSOR_OK, practice_id, q->cursor, &cur, err))
    return false;
  const char *p[] = {practice_id, q->client_id, q->state, q->channel, q->from, q->to, cur.micros, cur.uuid,
                     paging_limit(q->limit, limit)};
  db_result *r = db_exec(c, &MSG_LIST, 9, p, err);
  if (!r)
    return false;
  *out = paging_page(r, q->limit);
  return true;
}
