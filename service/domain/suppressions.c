/* suppressions.c: one row per (practice, channel, address) plus its events. */
#include "suppressions.h"
#include "suppressions_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paging.h"
#include "validate.h"

bool suppressions_add(db_conn *c, const char *practice_id, const char *channel, const char *address,
                      const char *source, const char *evidence, cad_error *err) {
  const char *p[] = {practice_id, channel, address, source, evidence};
  db_result *r = db_exec(c, &SUP_ADD, 5, p, err);
  db_free(r);
  return r != NULL;
}

bool suppressions_unsubscribe_message(db_conn *c, const char *message_id, bool apply, char **practice_name,
                                      cad_error *err) {
  *practice_name = NULL;
  if (!valid_uuid(message_id))
    return FAIL_NOT_FOUND(err, "message");
  const char *p[] = {message_id};
  db_result *r = db_exec(c, &SUP_MESSAGE, 1, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1 && strcmp(db_text(r, 0, 1), "email") == 0;
  bool ok = !found ? FAIL_NOT_FOUND(err, "message")
                   : !apply || suppressions_add(c, db_text(r, 0, 0), "email", db_text(r, 0, 2),
                                                "email_unsubscribe_link", message_id, err);
  if (ok)
    *practice_name = strdup(db_text(r, 0, 3));
  db_free(r);
  return ok;
}

typedef struct opt_out_ctx {
  const char *practice_id, *client_id, *channel, *reason;
  json_t **out;
} opt_out_ctx;

static bool opt_out_tx(db_conn *c, void *vctx, cad_error *err) {
  opt_out_ctx *x = vctx;
  db_tx_reset(x->out);
  const char *p[] = {x->practice_id, x->client_id, x->channel};
  db_result *r = db_exec(c, &SUP_CLIENT_ADDRESS, 3, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  char address[256] = "";
  if (found && !db_null(r, 0, 0))
    snprintf(address, sizeof address, "%s", db_text(r, 0, 0));
  db_free(r);
  if (!found)
    return FAIL_NOT_FOUND(err, "client");
  if (!address[0])
    return FAIL_VALUE(err, "channel", "the client has no %s address to opt out", x->channel);
  const char *gp[] = {x->practice_id, x->channel, address};
  return suppressions_add(c, x->practice_id, x->channel, address, "staff", x->reason, err) &&
         db_one_json(db_exec(c, &SUP_GET, 3, gp, err), "suppression", x->out, err);
}

bool suppressions_opt_out(db_conn *c, const char *practice_id, const char *client_id, const char *channel,
                          const char *reason, json_t **out, cad_error *err) {
  if (!valid_uuid(client_id))
    return FAIL_NOT_FOUND(err, "client");
  if (!channel || (strcmp(channel, "sms") != 0 && strcmp(channel, "email") != 0))
    return FAIL_VALUE(err, "channel", "'channel' must be sms or email");
  opt_out_ctx x = {practice_id, client_id, channel, reason ? reason : "recorded by staff", out};
  return db_tx(c, opt_out_tx, &x, err);
}

bool suppressions_list(db_conn *c, const char *practice_id, const char *channel, const char *cursor, int limit,
                       json_t **out, cad_error *err) {
  if (channel && strcmp(channel, "sms") != 0 && strcmp(channel, "email") != 0)
    return cad_fail(err, "invalid_query", "channel", "'channel' must be sms or email");
  page_cursor cur;
  char lim[12];
  if (!paging_cursor(c, &SUP_CURSOR_OK, practice_id, cursor, &cur, err))
    return false;
  const char *p[] = {practice_id, channel, cur.micros, cur.uuid, paging_limit(limit, lim)};
  db_result *r = db_exec(c, &SUP_LIST, 5, p, err);
  if (!r)
    return false;
  *out = paging_page(r, limit);
  return true;
}
