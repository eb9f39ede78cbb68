/* memberships.c: membership plans and members against PostgreSQL; the
 * monthly banking and expiry are membership_monthly() in migration 0015. */
#include "memberships.h"
#include "memberships_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients.h"
#include "bounds.h"
#include "validate.h"

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static bool int_in(json_t *o, const char *k, long min, long max, bool required, cad_error *err) {
  json_t *v = json_object_get(o, k);
  if (!v && !required)
    return true;
  if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
    return FAIL_VALUE(err, k, "'%s' must be an integer from %ld to %ld", k, min, max);
  return true;
}

bool memberships_plan_create(db_conn *c, const char *practice_id, json_t *body, json_t **out, cad_error *err) {
  const char *name = str(body, "name"), *vip = str(body, "vip_perk");
  if (!name || !*name || strlen(name) > 100)
    return FAIL_VALUE(err, "name", "'name' must be 1-100 characters");
  if (vip && (!*vip || strlen(vip) > 200))
    return FAIL_VALUE(err, "vip_perk", "'vip_perk' must be 1-200 characters");
  if (!int_in(body, "monthly_fee_cents", 1, MAX_MONEY_CENTS, true, err) ||
      !int_in(body, "monthly_credit_cents", 0, MAX_MONEY_CENTS, true, err) ||
      !int_in(body, "rollover_months", 1, 24, true, err) ||
      !int_in(body, "member_discount_percent", 0, 100, false, err))
    return false;
  char *text = json_dumps(body, JSON_COMPACT);
  const char *p[] = {practice_id, text};
  db_result *r = db_exec(c, &MS_PLAN_INSERT, 2, p, err);
  free(text);
  if (!r && strcmp(db_sqlstate(c), "23505") == 0)
    return cad_fail(err, "conflict", "name", "a plan with this name exists");
  return db_one_json(r, "plan", out, err);
}

bool memberships_plan_list(db_conn *c, const char *practice_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id};
  db_result *r = db_exec(c, &MS_PLAN_LIST, 1, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o}", "data", db_json(r, 0, 0));
  db_free(r);
  return true;
}

static bool get(db_conn *c, const char *practice_id, const char *id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id, id};
  return db_one_json(db_exec(c, &MS_GET, 2, p, err), "membership", out, err);
}

typedef struct member_ctx {
  const char *practice_id, *client_id;
  json_t *body, **out;
} member_ctx;

static bool join_tx(db_conn *c, void *vctx, cad_error *err) {
  member_ctx *x = vctx;
  db_tx_reset(x->out);
  const char *p[] = {x->practice_id, x->client_id, str(x->body, "plan_id")};
  db_result *r = db_exec(c, &MS_JOIN, 3, p, err);
  if (!r)
    return strcmp(db_sqlstate(c), "23505") == 0
               ? cad_fail(err, "conflict", "client_id", "the client already has an active membership")
               : false;
  bool found = db_rows(r) == 1;
  char id[37] = "";
  if (found)
    snprintf(id, sizeof id, "%s", db_text(r, 0, 0));
  db_free(r);
  if (!found)
    return FAIL_VALUE(err, "plan_id", "'plan_id' is not a plan of this practice");
  const char *mp[] = {id};
  /* the first month is banked on joining */
  return db_run(c, &MS_MONTHLY_ONE, 1, mp, err) && get(c, x->practice_id, id, x->out, err);
}

bool memberships_join(db_conn *c, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                      cad_error *err) {
  if (!valid_uuid(str(body, "plan_id")))
    return FAIL_VALUE(err, "plan_id", "'plan_id' is not a plan of this practice");
  if (!clients_require(c, practice_id, client_id, err))
    return false;
  member_ctx x = {practice_id, client_id, body, out};
  return db_tx(c, join_tx, &x, err);
}

/* The client's active membership, locked; 409 naming it when there is none. */
static bool active(db_conn *c, const member_ctx *x, char id[37], cad_error *err) {
  const char *p[] = {x->practice_id, x->client_id};
  db_result *r = db_exec(c, &MS_ACTIVE, 2, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  if (found)
    snprintf(id, 37, "%s", db_text(r, 0, 0));
  db_free(r);
  return found || cad_fail(err, "no_active_membership", NULL, "the client has no active membership");
}

static bool payment_tx(db_conn *c, void *vctx, cad_error *err) {
  member_ctx *x = vctx;
  db_tx_reset(x->out);
  char id[37], amount[24];
  if (!active(c, x, id, err))
    return false;
  snprintf(amount, sizeof amount, "%lld", json_integer_value(json_object_get(x->body, "amount_cents")));
  const char *p[] = {x->practice_id, id, amount, str(x->body, "paid_at"), str(x->body, "reference")};
  return db_run(c, &MS_PAYMENT, 5, p, err) && get(c, x->practice_id, id, x->out, err);
}

bool memberships_payment(db_conn *c, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                         cad_error *err) {
  const char *paid = str(body, "paid_at");
  if (!int_in(body, "amount_cents", 1, MAX_MONEY_CENTS, true, err))
    return false;
  if (paid && !valid_timestamp(paid))
    return FAIL_VALUE(err, "paid_at", "'paid_at' must be an RFC 3339 time with offset");
  if (!clients_require(c, practice_id, client_id, err))
    return false;
  member_ctx x = {practice_id, client_id, body, out};
  return db_tx(c, payment_tx, &x, err);
}

static bool cancel_tx(db_conn *c, void *vctx, cad_error *err) {
  member_ctx *x = vctx;
  db_tx_reset(x->out);
  char id[37];
  if (!active(c, x, id, err))
    return false;
  const char *p[] = {x->practice_id, id, str(x->body, "reason")};
  return db_run(c, &MS_CANCEL, 3, p, err) && get(c, x->practice_id, id, x->out, err);
}

bool memberships_cancel(db_conn *c, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                        cad_error *err) {
  if (!clients_require(c, practice_id, client_id, err))
    return false;
  member_ctx x = {practice_id, client_id, body, out};
  return db_tx(c, cancel_tx, &x, err);
}

static bool use_tx(db_conn *c, void *vctx, cad_error *err) {
  member_ctx *x = vctx;
  db_tx_reset(x->out);
  char id[37], amount[24];
  if (!active(c, x, id, err))
    return false;
  const char *mp[] = {id};
  const char *cp[] = {x->practice_id, id};
  /* credit past its rollover is not spendable */
  db_result *r = db_run(c, &MS_MONTHLY_ONE, 1, mp, err) ? db_exec(c, &MS_CREDIT, 2, cp, err) : NULL;
  if (!r)
    return false;
  long credit = atol(db_text(r, 0, 0)), want = (long)json_integer_value(json_object_get(x->body, "amount_cents"));
  db_free(r);
  if (want > credit)
    return cad_fail(err, "insufficient_credit", "amount_cents", "the membership credit is %ld cents", credit);
  snprintf(amount, sizeof amount, "%ld", want);
  const char *up[] = {x->practice_id, id, amount};
  return db_run(c, &MS_USE, 3, up, err) && get(c, x->practice_id, id, x->out, err);
}

bool memberships_use_credit(db_conn *c, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                            cad_error *err) {
  if (!int_in(body, "amount_cents", 1, MAX_MONEY_CENTS, true, err) || !clients_require(c, practice_id, client_id, err))
    return false;
  member_ctx x = {practice_id, client_id, body, out};
  return db_tx(c, use_tx, &x, err);
}

bool memberships_of_client(db_conn *c, const char *practice_id, const char *client_id, json_t **membership,
                           bool *offer, cad_error *err) {
  const char *p[] = {practice_id, client_id};
  db_result *r = db_exec(c, &MS_LATEST, 2, p, err);
  if (!r)
    return false;
  *membership = db_null(r, 0, 0) ? json_null() : db_json(r, 0, 0);
  *offer = db_text(r, 0, 1)[0] == 't';
  db_free(r);
  return true;
}

int memberships_monthly_due(db_conn *c, cad_error *err) {
  db_result *r = db_exec(c, &MS_MONTHLY_ALL, 0, NULL, err);
  if (!r)
    return -1;
  int n = atoi(db_text(r, 0, 0));
  db_free(r);
  return n;
}
