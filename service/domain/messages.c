/* messages.c: the list of messages to clients with its filters and cursor (a weekly report's email
 * is shown with its report). */
#include "messages.h"

#include <stdio.h>
#include <string.h>

#include "paging.h"
#include "validate.h"

static const db_stmt CURSOR_OK = {
    "msg_cursor_ok",
    "SELECT 1 FROM messages WHERE practice_id = $1 AND id = $2 "
    "  AND created_at = 'epoch'::timestamptz + $3::bigint * interval '1 microsecond'"};
static const db_stmt LIST = {
    "msg_list",
    "SELECT message_json(m), (extract(epoch FROM m.created_at) * 1000000)::bigint || '.' || m.id "
    "FROM messages m WHERE m.practice_id = $1 AND m.client_id IS NOT NULL "
    "  AND ($2::uuid IS NULL OR m.client_id = $2) AND ($3::text IS NULL OR m.state = $3) "
    "  AND ($4::text IS NULL OR m.channel = $4) AND ($5::timestamptz IS NULL OR m.created_at >= $5) "
    "  AND ($6::timestamptz IS NULL OR m.created_at < $6) "
    "  AND ($7::bigint IS NULL OR (m.created_at, m.id) < "
    "       ('epoch'::timestamptz + $7::bigint * interval '1 microsecond', $8::uuid)) "
    "ORDER BY m.created_at DESC, m.id DESC LIMIT $9"};

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
  if (!paging_cursor(c, &CURSOR_OK, practice_id, q->cursor, &cur, err))
    return false;
  const char *p[] = {practice_id, q->client_id, q->state, q->channel, q->from, q->to, cur.micros, cur.uuid,
                     paging_limit(q->limit, limit)};
  db_result *r = db_exec(c, &LIST, 9, p, err);
  if (!r)
    return false;
  *out = paging_page(r, q->limit);
  return true;
}
