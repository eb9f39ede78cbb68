/* flags.c: flags and the pause/resume they cause, in one transaction each. */
#include "flags.h"
#include "flags_sql.h"

#include <stdio.h>
#include <string.h>

#include "plans.h"
#include "validate.h"

/* Locks the client row so concurrent flag changes on one client serialise. */
static bool lock_client(db_conn *c, const char *practice_id, const char *client_id, cad_error *err) {
  if (!valid_uuid(client_id))
    return FAIL_NOT_FOUND(err, "client");
  const char *p[] = {practice_id, client_id};
  db_result *r = db_exec(c, &FLAGS_LOCK_CLIENT, 2, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  db_free(r);
  return found ? true : FAIL_NOT_FOUND(err, "client");
}

typedef struct flag_ctx {
  const char *practice_id, *client_id, *flag_id;
  json_t *body, **out;
} flag_ctx;

static bool open_tx(db_conn *c, void *vctx, cad_error *err) {
  flag_ctx *x = vctx;
  db_tx_reset(x->out);
  if (!lock_client(c, x->practice_id, x->client_id, err))
    return false;
  const char *kind = json_string_value(json_object_get(x->body, "kind"));
  const char *p[] = {x->practice_id, x->client_id, kind, json_string_value(json_object_get(x->body, "note"))};
  db_result *r = db_exec(c, &FLAGS_INSERT, 4, p, err);
  if (!r)
    return false;
  *x->out = db_json(r, 0, 0);
  db_free(r);
  char reason[64];
  snprintf(reason, sizeof reason, "paused: open %s flag", kind);
  return plans_pause(c, x->practice_id, x->client_id, reason, err);
}

bool flags_open(db_conn *c, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                cad_error *err) {
  const char *kind = json_string_value(json_object_get(body, "kind"));
  if (!kind || (strcmp(kind, "dissatisfied") != 0 && strcmp(kind, "complication") != 0))
    return FAIL_VALUE(err, "kind", "'kind' must be dissatisfied or complication");
  flag_ctx x = {practice_id, client_id, NULL, body, out};
  return db_tx(c, open_tx, &x, err);
}

static bool resolve_tx(db_conn *c, void *vctx, cad_error *err) {
  flag_ctx *x = vctx;
  db_tx_reset(x->out);
  if (!lock_client(c, x->practice_id, x->client_id, err))
    return false;
  if (!valid_uuid(x->flag_id))
    return FAIL_NOT_FOUND(err, "flag");
  const char *p[] = {x->practice_id, x->client_id, x->flag_id};
  db_result *r = db_exec(c, &FLAGS_RESOLVE, 3, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  *x->out = found ? db_json(r, 0, 0) : NULL;
  db_free(r);
  if (!found)
    return FAIL_NOT_FOUND(err, "flag");
  if (!(r = db_exec(c, &FLAGS_OPEN_COUNT, 2, p, err)))
    return false;
  bool none_open = strcmp(db_text(r, 0, 0), "0") == 0;
  db_free(r);
  return !none_open || plans_resume(c, x->practice_id, x->client_id, err);
}

bool flags_resolve(db_conn *c, const char *practice_id, const char *client_id, const char *flag_id, json_t **out,
                   cad_error *err) {
  flag_ctx x = {practice_id, client_id, flag_id, NULL, out};
  return db_tx(c, resolve_tx, &x, err);
}

bool flags_list(db_conn *c, const char *practice_id, const char *client_id, json_t **out, cad_error *err) {
  if (!valid_uuid(client_id))
    return FAIL_NOT_FOUND(err, "client");
  const char *p[] = {practice_id, client_id};
  db_result *r = db_exec(c, &FLAGS_LIST, 2, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  if (found)
    *out = json_pack("{s:o,s:n}", "data", db_json(r, 0, 0), "next_cursor");
  db_free(r);
  return found ? true : FAIL_NOT_FOUND(err, "client");
}

bool flags_outreach(db_conn *c, const char *practice_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id};
  db_result *r = db_exec(c, &FLAGS_OUTREACH, 1, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o,s:n}", "data", db_json(r, 0, 0), "next_cursor");
  db_free(r);
  return true;
}
