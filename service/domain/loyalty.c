/* loyalty.c: the loyalty program against PostgreSQL. The ledger functions
 * (loyalty_spend, loyalty_expire) and the balance trigger are in migration
 * 0013; the arithmetic is in loyalty_math.c. */
#include "loyalty.h"
#include "loyalty_sql.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "clients.h"
#include "loyalty_math.h"
#include "memberships.h"
#include "paging.h"
#include "validate.h"

enum { MAX_TIERS = 8, MAX_MILESTONES = 20 };

/* The tier the visit earned at, kept on the visit and its analytics rows (retention by tier). */
/* A column of LOY_EARN_CONTEXT's row by name, "" when NULL. */
static const char *earn_text(db_result *r, const char *name) {
  const char *v = db_named(r, 0, name);
  return v ? v : "";
}

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* ---------------------------------------------------------------- program */

/* A number field: present, of the kind, within [min, max]. */
static bool num_in(json_t *o, const char *key, const char *prefix, double min, double max, bool integer,
                   cad_error *err) {
  json_t *v = json_object_get(o, key);
  char field[80];
  snprintf(field, sizeof field, "%s%s", prefix, key);
  if (!v || !(integer ? json_is_integer(v) : json_is_number(v)) || json_number_value(v) < min ||
      json_number_value(v) > max)
    return FAIL_VALUE(err, field, "'%s' must be %s from %g to %g", field, integer ? "an integer" : "a number", min,
                      max);
  return true;
}

static bool only_keys(json_t *o, const char *const *keys, const char *prefix, cad_error *err) {
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    bool known = false;
    for (int i = 0; keys[i] && !known; i++)
      known = strcmp(k, keys[i]) == 0;
    if (!known)
      return cad_fail(err, "unknown_field", k, "'%s%s' is not a field of the loyalty program", prefix, k);
  }
  return true;
}

/* 422 naming prefix + key. */
static bool fail_at(cad_error *err, const char *prefix, const char *key, const char *why) {
  char field[80];
  snprintf(field, sizeof field, "%s%s", prefix, key);
  return FAIL_VALUE(err, field, "'%s' %s", field, why);
}

static bool valid_tiers(json_t *tiers, cad_error *err) {
  static const char *const keys[] = {"name", "min_visits", "min_spend_cents", "multiplier", "benefits", NULL};
  if (!json_is_array(tiers) || json_array_size(tiers) < 1 || json_array_size(tiers) > MAX_TIERS)
    return FAIL_VALUE(err, "tiers", "'tiers' must list 1 to %d tiers, lowest first", MAX_TIERS);
  for (size_t i = 0; i < json_array_size(tiers); i++) {
    json_t *t = json_array_get(tiers, i), *prev = i ? json_array_get(tiers, i - 1) : NULL;
    char prefix[40];
    snprintf(prefix, sizeof prefix, "tiers[%zu].", i);
    if (!json_is_object(t) || !only_keys(t, keys, prefix, err))
      return json_is_object(t) ? false : FAIL_VALUE(err, "tiers", "'tiers[%zu]' must be an object", i);
    const char *name = str(t, "name");
    if (!name || !*name || strlen(name) > 60)
      return fail_at(err, prefix, "name", "must be 1-60 characters");
    if (!num_in(t, "min_visits", prefix, 0, 1000, true, err) ||
        !num_in(t, "min_spend_cents", prefix, 0, 1e10, true, err) ||
        !num_in(t, "multiplier", prefix, 1, 10, false, err))
      return false;
    if (json_object_get(t, "benefits") && !json_is_string(json_object_get(t, "benefits")))
      return fail_at(err, prefix, "benefits", "must be text");
    if (i == 0 && (json_integer_value(json_object_get(t, "min_visits")) ||
                   json_integer_value(json_object_get(t, "min_spend_cents"))))
      return fail_at(err, prefix, "min_visits", "must be 0: the first tier is everyone's");
    if (prev &&
        json_integer_value(json_object_get(t, "min_visits")) <= json_integer_value(json_object_get(prev, "min_visits")))
      return fail_at(err, prefix, "min_visits", "must be above the tier before it");
  }
  return true;
}

static bool valid_milestones(json_t *ms, cad_error *err) {
  static const char *const keys[] = {"visit", "perk", "valid_days", NULL};
  if (!json_is_array(ms) || json_array_size(ms) > MAX_MILESTONES)
    return FAIL_VALUE(err, "milestones", "'milestones' must be a list of at most %d", MAX_MILESTONES);
  for (size_t i = 0; i < json_array_size(ms); i++) {
    json_t *m = json_array_get(ms, i);
    char prefix[48];
    snprintf(prefix, sizeof prefix, "milestones[%zu].", i);
    if (!json_is_object(m))
      return FAIL_VALUE(err, "milestones", "'milestones[%zu]' must be an object", i);
    if (!only_keys(m, keys, prefix, err) || !num_in(m, "visit", prefix, 1, 1000, true, err) ||
        !num_in(m, "valid_days", prefix, 1, 3660, true, err))
      return false;
    const char *perk = str(m, "perk");
    if (!perk || !*perk || strlen(perk) > 200)
      return fail_at(err, prefix, "perk", "must be 1-200 characters");
  }
  return true;
}

static bool valid_program(json_t *b, cad_error *err) {
  static const char *const keys[] = {"point_value_cents",
                                     "earn_per_dollar",
                                     "flat_points",
                                     "yearly_cap_points",
                                     "welcome_bonus",
                                     "milestones",
                                     "tiers",
                                     "referral",
                                     "behaviour_multipliers",
                                     "welcome_back",
                                     "redemption_cap_percent",
                                     "expiry_months",
                                     NULL};
  static const char *const behaviour_keys[] = {"prebooked", "baseline_photos", "online_evaluation", "safety_check",
                                               NULL};
  static const char *const back_keys[] = {"perk", "valid_days", NULL};
  static const char *const referral_keys[] = {"referred_bonus", "referrer_multiplier", "referrer_visits", NULL};
  if (!only_keys(b, keys, "", err) || !num_in(b, "point_value_cents", "", 1, 10000, true, err) ||
      !num_in(b, "earn_per_dollar", "", 0, 100, false, err) || !num_in(b, "welcome_bonus", "", 0, 100000, true, err) ||
      !num_in(b, "redemption_cap_percent", "", 0, 100, true, err) || !num_in(b, "expiry_months", "", 1, 120, true, err))
    return false;
  json_t *cap = json_object_get(b, "yearly_cap_points");
  if (cap && !json_is_null(cap) && !num_in(b, "yearly_cap_points", "", 0, 10000000, true, err))
    return false;
  json_t *flat = json_object_get(b, "flat_points");
  const char *k;
  json_t *v;
  if (!json_is_object(flat))
    return FAIL_VALUE(err, "flat_points", "'flat_points' must map treatment types to points");
  json_object_foreach(flat, k, v) if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                                      json_integer_value(v) >
                                          100000) return FAIL_VALUE(err, "flat_points",
                                                                    "'flat_points.%s' must be points from 0 to 100000",
                                                                    k);
  json_t *beh = json_object_get(b, "behaviour_multipliers");
  if (!json_is_object(beh) || !only_keys(beh, behaviour_keys, "behaviour_multipliers.", err))
    return json_is_object(beh) ? false
                               : FAIL_VALUE(err, "behaviour_multipliers", "'behaviour_multipliers' must be an object");
  json_object_foreach(beh, k, v) if (!num_in(beh, k, "behaviour_multipliers.", 1, 10, false, err)) return false;
  json_t *back = json_object_get(b, "welcome_back");
  if (!json_is_null(back)) {
    if (!json_is_object(back) || !only_keys(back, back_keys, "welcome_back.", err) ||
        !num_in(back, "valid_days", "welcome_back.", 1, 3660, true, err))
      return json_is_object(back)
                 ? false
                 : FAIL_VALUE(err, "welcome_back", "'welcome_back' must be {perk, valid_days} or null");
    const char *perk = str(back, "perk");
    if (!perk || !*perk || strlen(perk) > 200)
      return fail_at(err, "welcome_back.", "perk", "must be 1-200 characters");
  }
  json_t *ref = json_object_get(b, "referral");
  if (!json_is_object(ref))
    return FAIL_VALUE(err, "referral", "'referral' must be {referred_bonus, referrer_multiplier, referrer_visits}");
  return only_keys(ref, referral_keys, "referral.", err) &&
         num_in(ref, "referred_bonus", "referral.", 0, 100000, true, err) &&
         num_in(ref, "referrer_multiplier", "referral.", 1, 10, false, err) &&
         num_in(ref, "referrer_visits", "referral.", 0, 100, true, err) &&
         valid_milestones(json_object_get(b, "milestones"), err) && valid_tiers(json_object_get(b, "tiers"), err);
}

bool loyalty_program_get(db_conn *c, const char *practice_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id};
  db_result *r = db_exec(c, &LOY_SETTINGS, 1, p, err);
  if (!r)
    return false;
  *out = json_loads(db_text(r, 0, 0), 0, NULL);
  db_free(r);
  return true;
}

/* flat_points keyed by the types' codes, whatever name the body gave them ("Botox" is botox). */
static bool flat_points_by_code(db_conn *c, const char *practice_id, json_t *settings, cad_error *err) {
  json_t *by_code = json_object(), *v;
  const char *k;
  bool ok = true;
  json_object_foreach(json_object_get(settings, "flat_points"), k, v) {
    char field[160];
    snprintf(field, sizeof field, "flat_points.%.100s", k);
    const char *p[] = {practice_id, k};
    db_result *r = db_exec(c, &LOY_TYPE_NAMED, 2, p, err);
    if (!(ok = r != NULL))
      break;
    const char *code = db_value(r, 0, 0);
    if (!code)
      ok = FAIL_VALUE(err, field, "'%s' names no treatment type of this practice", field);
    else if (json_object_get(by_code, code))
      ok = FAIL_VALUE(err, field, "'%s' names the type %s a second time", field, code);
    else
      json_object_set(by_code, code, v);
    db_free(r);
    if (!ok)
      break;
  }
  if (ok)
    json_object_set(settings, "flat_points", by_code);
  json_decref(by_code);
  return ok;
}

bool loyalty_program_put(db_conn *c, const char *practice_id, json_t *body, json_t **out, cad_error *err) {
  /* A PUT replaces the program; fields left out keep their defaults. */
  db_result *d = db_exec(c, &LOY_DEFAULTS, 0, NULL, err);
  if (!d)
    return false;
  json_t *full = json_loads(db_text(d, 0, 0), 0, NULL);
  db_free(d);
  json_object_update(full, body); /* valid_program refuses unknown fields */
  bool ok = valid_program(full, err) && flat_points_by_code(c, practice_id, full, err);
  if (ok) {
    char *text = json_dumps(full, JSON_COMPACT);
    const char *p[] = {practice_id, text};
    ok = db_one_json(db_exec(c, &LOY_PUT, 2, p, err), "program", out, err);
    free(text);
  }
  json_decref(full);
  return ok;
}

/* Tiers of a settings object, for loyalty_math. */
static int tiers_of(json_t *settings, loyalty_tier *t) {
  json_t *tiers = json_object_get(settings, "tiers");
  int n = 0;
  for (size_t i = 0; i < json_array_size(tiers) && n < MAX_TIERS; i++, n++) {
    json_t *x = json_array_get(tiers, i);
    t[n] = (loyalty_tier){(int)json_integer_value(json_object_get(x, "min_visits")),
                          (long)json_integer_value(json_object_get(x, "min_spend_cents")),
                          json_number_value(json_object_get(x, "multiplier"))};
  }
  return n;
}

/* ------------------------------------------------------------------ earning */

static bool award(db_conn *c, const char *practice_id, const char *client_id, const char *kind, long points,
                  const char *expires, const char *reason, const char *treatment_id, const char *key, cad_error *err) {
  if (points <= 0)
    return true;
  char pts[24];
  snprintf(pts, sizeof pts, "%ld", points);
  const char *p[] = {practice_id, client_id, kind, pts, expires, reason, treatment_id, key};
  return db_run(c, &LOY_AWARD, 8, p, err);
}

static bool spend(db_conn *c, const char *practice_id, const char *client_id, long points, const char *kind,
                  const char *reason, const char *treatment_id, const char *ticket, const char *key, char id[24],
                  cad_error *err) {
  char pts[24];
  snprintf(pts, sizeof pts, "%ld", points);
  const char *p[] = {practice_id, client_id, pts, kind, reason, treatment_id, ticket, key};
  db_result *r = db_exec(c, &LOY_SPEND, 8, p, err);
  if (!r)
    return false;
  if (id)
    snprintf(id, 24, "%s", db_text(r, 0, 0));
  db_free(r);
  return true;
}

/* Locks (making if new) the client's account; balance, debt, and whether it was just made. */
static bool lock_account(db_conn *c, const char *practice_id, const char *client_id, long *balance, long *debt,
                         bool *made, cad_error *err) {
  const char *p[] = {practice_id, client_id};
  db_result *r = db_exec(c, &LOY_LOCK, 2, p, err);
  if (!r)
    return false;
  if (db_rows(r) != 1) {
    db_free(r);
    return FAIL_NOT_FOUND(err, "client");
  }
  *balance = atol(db_text(r, 0, 0));
  *debt = atol(db_text(r, 0, 1));
  if (made)
    *made = atoi(db_text(r, 0, 2)) > 0;
  db_free(r);
  return true;
}

/* Earned points first pay what a refund left owing. */
static bool settle_debt(db_conn *c, const char *practice_id, const char *client_id, cad_error *err) {
  long balance, debt;
  if (!lock_account(c, practice_id, client_id, &balance, &debt, NULL, err))
    return false;
  long pay = debt < balance ? debt : balance;
  if (pay <= 0)
    return true;
  char amount[24];
  snprintf(amount, sizeof amount, "%ld", pay);
  const char *p[] = {practice_id, client_id, amount};
  return spend(c, practice_id, client_id, pay, "reverse", "settles points owed for a refunded treatment", NULL, NULL,
               NULL, NULL, err) &&
         db_run(c, &LOY_PAY_DEBT, 3, p, err);
}

bool loyalty_on_treatment(db_conn *c, const char *practice_id, const char *client_id, const char *treatment_id,
                          cad_error *err) {
  long balance, debt;
  bool new_member;
  if (!lock_account(c, practice_id, client_id, &balance, &debt, &new_member, err))
    return false;
  const char *p[] = {practice_id, client_id, treatment_id};
  db_result *r = db_exec(c, &LOY_EARN_CONTEXT, 3, p, err);
  if (!r)
    return false;
  json_t *s = json_loads(earn_text(r, "settings"), 0, NULL);
  loyalty_tier tiers[MAX_TIERS];
  tiers_of(s, tiers);
  int tier = atoi(earn_text(r, "tier")); /* loyalty_tier_of: the rule lives in SQL, once */
  bool referral_boost = atoi(earn_text(r, "referral_visits_left")) > 0;
  double behaviours = atof(earn_text(r, "behaviour_multiplier"));
  double multiplier = tiers[tier].multiplier * (referral_boost ? atof(earn_text(r, "referral_multiplier")) : 1.0) *
                      (behaviours > 1 ? behaviours : 1.0);
  json_t *cap = json_object_get(s, "yearly_cap_points");
  long points = loyalty_earn_points(atol(earn_text(r, "eligible_cents")),
                                    json_number_value(json_object_get(s, "earn_per_dollar")), multiplier,
                                    atol(earn_text(r, "flat_points")), atol(earn_text(r, "earned_year")),
                                    json_is_integer(cap) ? (long)json_integer_value(cap) : -1);
  int visit_no = atoi(earn_text(r, "visit_no"));
  char expires[64], referral[37] = "", welcome_key[80], earn_key[80], reason[160], lapsed[64] = "", performed[64];
  snprintf(expires, sizeof expires, "%s", earn_text(r, "expires_at"));
  snprintf(performed, sizeof performed, "%s", earn_text(r, "performed_at"));
  if (db_named(r, 0, "lapsed_at"))
    snprintf(lapsed, sizeof lapsed, "%s", earn_text(r, "lapsed_at"));
  if (db_named(r, 0, "referral_id"))
    snprintf(referral, sizeof referral, "%s", earn_text(r, "referral_id"));
  db_free(r);
  snprintf(welcome_key, sizeof welcome_key, "welcome:%s", client_id);
  snprintf(earn_key, sizeof earn_key, "earn:%s", treatment_id);
  const char *tier_name =
      json_string_value(json_object_get(json_array_get(json_object_get(s, "tiers"), (size_t)tier), "name"));
  snprintf(reason, sizeof reason, "visit points (%s tier, x%.4g in all%s%s)", tier_name, multiplier,
           referral_boost ? ", referral boost" : "", behaviours > 1 ? ", behaviour bonus" : "");
  const char *tp[] = {practice_id, treatment_id, tier_name};
  bool ok = db_run(c, &LOY_VISIT_TIER, 3, tp, err) &&
            (!new_member ||
             award(c, practice_id, client_id, "welcome", (long)json_integer_value(json_object_get(s, "welcome_bonus")),
                   expires, "welcome bonus", NULL, welcome_key, err)) &&
            award(c, practice_id, client_id, "earn", points, expires, reason, treatment_id, earn_key, err);
  if (ok && referral_boost) {
    const char *rp[] = {practice_id, client_id};
    ok = db_run(c, &LOY_REFERRAL_USED, 2, rp, err);
  }
  json_t *ref = json_object_get(s, "referral");
  if (ok && referral[0]) { /* the referred client's first visit: their bonus; the referrer's boost starts */
    char key[80], visits[12], mult[24];
    snprintf(key, sizeof key, "referral:%s", referral);
    snprintf(visits, sizeof visits, "%lld", json_integer_value(json_object_get(ref, "referrer_visits")));
    snprintf(mult, sizeof mult, "%g", json_number_value(json_object_get(ref, "referrer_multiplier")));
    const char *cp[] = {practice_id, referral, visits, mult};
    ok = award(c, practice_id, client_id, "referral", (long)json_integer_value(json_object_get(ref, "referred_bonus")),
               expires, "referred by a friend: first visit", treatment_id, key, err) &&
         db_run(c, &LOY_CONVERT, 4, cp, err);
  }
  json_t *ms = json_object_get(s, "milestones");
  for (size_t i = 0; ok && i < json_array_size(ms); i++) {
    json_t *m = json_array_get(ms, i);
    if (json_integer_value(json_object_get(m, "visit")) != visit_no)
      continue;
    char days[12];
    snprintf(days, sizeof days, "%lld", json_integer_value(json_object_get(m, "valid_days")));
    const char *gp[] = {practice_id, client_id, str(m, "perk"), "milestone", treatment_id, days};
    ok = db_run(c, &LOY_PERK, 6, gp, err);
  }
  json_t *back = json_object_get(s, "welcome_back");
  if (ok && lapsed[0]) { /* a lapsed client's return: a reactivation, and the welcome-back perk */
    const char *rp[] = {practice_id, treatment_id, client_id, lapsed, performed};
    ok = db_run(c, &LOY_REACTIVATION, 5, rp, err);
    if (ok && json_is_object(back)) {
      char days[12];
      snprintf(days, sizeof days, "%lld", json_integer_value(json_object_get(back, "valid_days")));
      const char *gp[] = {practice_id, client_id, str(back, "perk"), "welcome_back", treatment_id, days};
      ok = db_run(c, &LOY_PERK, 6, gp, err);
    }
  }
  json_decref(s);
  return ok && (debt == 0 || settle_debt(c, practice_id, client_id, err));
}

/* ------------------------------------------------------------------ refunds */

typedef struct refund_ctx {
  const char *practice_id, *treatment_id;
  json_t **out;
} refund_ctx;

static bool refund_tx(db_conn *c, void *vctx, cad_error *err) {
  refund_ctx *x = vctx;
  db_tx_reset(x->out);
  const char *p[] = {x->practice_id, x->treatment_id};
  db_result *r = db_exec(c, &LOY_REFUND_STATE, 2, p, err);
  if (!r)
    return false;
  if (db_rows(r) == 0) {
    db_free(r);
    return FAIL_NOT_FOUND(err, "treatment");
  }
  char client[37];
  snprintf(client, sizeof client, "%s", db_text(r, 0, 0));
  bool already = db_text(r, 0, 1)[0] == 't';
  db_free(r);
  if (already)
    return cad_fail(err, "conflict", NULL, "the treatment is already refunded");
  long balance, debt;
  if (!lock_account(c, x->practice_id, client, &balance, &debt, NULL, err) || !db_run(c, &LOY_REFUND, 2, p, err))
    return false;
  db_result *t = db_exec(c, &LOY_TAKE_BACK, 2, p, err);
  if (!t)
    return false;
  long given = atol(db_text(t, 0, 0)), left = atol(db_text(t, 0, 1));
  db_free(t);
  char amount[24];
  snprintf(amount, sizeof amount, "%ld", left);
  const char *rp[] = {x->practice_id, client, amount, x->treatment_id};
  if (left > 0 && !db_run(c, &LOY_REVERSE_LEFT, 4, rp, err))
    return false;
  /* Points of the visit already spent: taken from the client's other points, oldest first; the rest is owed. */
  long spent = given - left, available = balance - left;
  long take = spent < available ? spent : available, owed = spent - take;
  if (take > 0 && !spend(c, x->practice_id, client, take, "reverse", "treatment refunded: points already spent",
                         x->treatment_id, NULL, NULL, NULL, err))
    return false;
  snprintf(amount, sizeof amount, "%ld", owed);
  const char *dp[] = {x->practice_id, client, amount};
  if (owed > 0 && !db_run(c, &LOY_ADD_DEBT, 3, dp, err))
    return false;
  *x->out = json_pack("{s:s,s:s,s:I,s:I}", "treatment_id", x->treatment_id, "client_id", client, "points_reversed",
                      (json_int_t)(left + take), "points_owed", (json_int_t)owed);
  return true;
}

bool loyalty_refund(db_conn *c, const char *practice_id, const char *treatment_id, json_t **out, cad_error *err) {
  if (!valid_uuid(treatment_id))
    return FAIL_NOT_FOUND(err, "treatment");
  refund_ctx x = {practice_id, treatment_id, out};
  return db_tx(c, refund_tx, &x, err);
}

/* ------------------------------------------------------------------ reading */

bool loyalty_summary(db_conn *c, const char *practice_id, const char *client_id, json_t **out, cad_error *err) {
  if (!clients_require(c, practice_id, client_id, err))
    return false;
  const char *p[] = {practice_id, client_id};
  db_result *r = db_exec(c, &LOY_SUMMARY, 2, p, err);
  if (!r)
    return false;
  json_t *s = json_loads(db_text(r, 0, 0), 0, NULL);
  loyalty_tier tiers[MAX_TIERS];
  int ntiers = tiers_of(s, tiers), visits = atoi(db_text(r, 0, 3));
  long spend_12m = atol(db_text(r, 0, 4)), balance = atol(db_text(r, 0, 1));
  int tier = atoi(db_text(r, 0, 10)); /* loyalty_tier_of: the rule lives in SQL, once */
  json_t *tier_list = json_object_get(s, "tiers"), *next = json_null();
  if (tier + 1 < ntiers)
    next = json_pack(
        "{s:O,s:i,s:I}", "name", json_object_get(json_array_get(tier_list, (size_t)tier + 1), "name"), "visits_needed",
        tiers[tier + 1].min_visits - visits > 0 ? tiers[tier + 1].min_visits - visits : 0, "spend_needed_cents",
        (json_int_t)(tiers[tier + 1].min_spend_cents > spend_12m ? tiers[tier + 1].min_spend_cents - spend_12m : 0));
  int ref_left = atoi(db_text(r, 0, 6));
  json_t *multipliers = json_pack("{s:f}", "tier", tiers[tier].multiplier);
  if (ref_left > 0)
    json_object_set_new(multipliers, "referral",
                        json_pack("{s:f,s:i}", "multiplier", atof(db_text(r, 0, 7)), "visits_left", ref_left));
  json_t *cur = json_array_get(tier_list, (size_t)tier), *membership = NULL;
  bool offer = false;
  if (!memberships_of_client(c, practice_id, client_id, &membership, &offer, err)) {
    json_decref(multipliers);
    json_decref(next);
    json_decref(s);
    db_free(r);
    return false;
  }
  *out = json_pack("{s:s,s:I,s:I,s:I,s:{s:O,s:O},s:o,s:i,s:i,s:I,s:o,s:o,s:o}", "client_id", client_id, "balance",
                   (json_int_t)balance, "value_cents",
                   (json_int_t)(balance * json_integer_value(json_object_get(s, "point_value_cents"))), "points_owed",
                   (json_int_t)atol(db_text(r, 0, 2)), "tier", "name", json_object_get(cur, "name"), "benefits",
                   json_object_get(cur, "benefits") ? json_object_get(cur, "benefits") : json_null(), "next_tier", next,
                   "visits_12_months", visits, "visits_total", atoi(db_text(r, 0, 5)), "spend_12_months_cents",
                   (json_int_t)spend_12m, "multipliers", multipliers, "perks", json_loads(db_text(r, 0, 8), 0, NULL),
                   "next_expiry", db_null(r, 0, 9) ? json_null() : json_string(db_text(r, 0, 9)));
  json_object_set_new(*out, "membership", membership);
  json_object_set_new(*out, "membership_offer", json_boolean(offer));
  json_decref(s);
  db_free(r);
  return true;
}

bool loyalty_ledger_page(db_conn *c, const char *practice_id, const char *client_id, const char *cursor, int limit,
                         json_t **out, cad_error *err) {
  if (!clients_require(c, practice_id, client_id, err))
    return false;
  long long after;
  if (cursor && (!valid_int64(cursor, false, &after) || after <= 0))
    return cad_fail(err, "invalid_query", "cursor", "'cursor' is not one this endpoint gave");
  char lim[12];
  snprintf(lim, sizeof lim, "%d", limit);
  const char *p[] = {practice_id, client_id, cursor, lim};
  db_result *r = db_exec(c, &LOY_LEDGER, 4, p, err);
  if (!r)
    return false;
  bool more = atoi(db_text(r, 0, 2)) == limit;
  *out = json_pack("{s:o,s:o}", "data", json_loads(db_text(r, 0, 0), 0, NULL), "next_cursor",
                   more ? json_string(db_text(r, 0, 1)) : json_null());
  db_free(r);
  return true;
}

/* --------------------------------------------------------- spending points */

typedef struct spend_ctx {
  const char *practice_id, *client_id;
  json_t *body, **out;
} spend_ctx;

static bool entry_json(db_conn *c, const char *practice_id, const char *id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id, id};
  return db_one_json(db_exec(c, &LOY_ENTRY, 2, p, err), "ledger entry", out, err);
}

static bool redeem_tx(db_conn *c, void *vctx, cad_error *err) {
  spend_ctx *x = vctx;
  db_tx_reset(x->out);
  long balance, debt;
  if (!lock_account(c, x->practice_id, x->client_id, &balance, &debt, NULL, err))
    return false;
  const char *ep[] = {x->client_id};
  if (!db_run(c, &LOY_EXPIRE_CLIENT, 1, ep, err) ||
      !lock_account(c, x->practice_id, x->client_id, &balance, &debt, NULL, err))
    return false; /* what expired today is not spendable */
  json_t *s;
  if (!loyalty_program_get(c, x->practice_id, &s, err))
    return false;
  int value = (int)json_integer_value(json_object_get(s, "point_value_cents"));
  int cap_pct = (int)json_integer_value(json_object_get(s, "redemption_cap_percent"));
  json_decref(s);
  long ticket = (long)json_integer_value(json_object_get(x->body, "ticket_cents"));
  json_t *amount = json_object_get(x->body, "amount_cents");
  long points = amount ? (long)((json_integer_value(amount) + value - 1) / value)
                       : (long)json_integer_value(json_object_get(x->body, "points"));
  long cap = loyalty_redeem_cap_points(ticket, cap_pct, value);
  const char *field = amount ? "amount_cents" : "points";
  if (points > cap)
    return cad_fail(err, "over_redemption_cap", field,
                    "at most %ld points ($%ld.%02ld, %d%% of the ticket) may be redeemed on this visit", cap,
                    cap * value / 100, cap * value % 100, cap_pct);
  if (points > balance)
    return cad_fail(err, "insufficient_points", field, "the balance is %ld points", balance);
  char ticket_s[24], id[24];
  snprintf(ticket_s, sizeof ticket_s, "%ld", ticket);
  return spend(c, x->practice_id, x->client_id, points, "redeem", "redeemed at checkout", str(x->body, "treatment_id"),
               ticket_s, NULL, id, err) &&
         entry_json(c, x->practice_id, id, x->out, err);
}

bool loyalty_redeem(db_conn *c, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                    cad_error *err) {
  json_t *pts = json_object_get(body, "points"), *amt = json_object_get(body, "amount_cents");
  if (!pts == !amt)
    return FAIL_VALUE(err, "points", "give either 'points' or 'amount_cents'");
  if ((pts && (json_integer_value(pts) < 1 || json_integer_value(pts) > MAX_POINTS)) ||
      (amt && (json_integer_value(amt) < 1 || json_integer_value(amt) > MAX_MONEY_CENTS)))
    return FAIL_VALUE(err, pts ? "points" : "amount_cents", "'%s' must be from 1 to %d",
                      pts ? "points" : "amount_cents", pts ? MAX_POINTS : MAX_MONEY_CENTS);
  json_int_t ticket = json_integer_value(json_object_get(body, "ticket_cents"));
  if (ticket < 1 || ticket > MAX_MONEY_CENTS)
    return FAIL_VALUE(err, "ticket_cents", "'ticket_cents' (the visit's total) must be from 1 to %d", MAX_MONEY_CENTS);
  const char *t = str(body, "treatment_id");
  if (t && !valid_uuid(t))
    return FAIL_VALUE(err, "treatment_id", "'treatment_id' is not a treatment of this practice");
  if (!clients_require(c, practice_id, client_id, err))
    return false;
  spend_ctx x = {practice_id, client_id, body, out};
  return db_tx(c, redeem_tx, &x, err);
}

static bool adjust_tx(db_conn *c, void *vctx, cad_error *err) {
  spend_ctx *x = vctx;
  db_tx_reset(x->out);
  long balance, debt;
  if (!lock_account(c, x->practice_id, x->client_id, &balance, &debt, NULL, err))
    return false;
  long points = (long)json_integer_value(json_object_get(x->body, "points"));
  char reason[600];
  snprintf(reason, sizeof reason, "adjusted by staff: %s", str(x->body, "reason"));
  if (points < 0 && -points > balance)
    return cad_fail(err, "insufficient_points", "points", "the balance is %ld points", balance);
  if (points < 0) {
    char id[24];
    return spend(c, x->practice_id, x->client_id, -points, "adjust", reason, NULL, NULL, NULL, id, err) &&
           entry_json(c, x->practice_id, id, x->out, err);
  }
  json_t *s;
  if (!loyalty_program_get(c, x->practice_id, &s, err))
    return false;
  char pts[24], months[12];
  snprintf(pts, sizeof pts, "%ld", points);
  snprintf(months, sizeof months, "%lld", json_integer_value(json_object_get(s, "expiry_months")));
  json_decref(s);
  const char *ap[] = {x->practice_id, x->client_id, pts, months, reason};
  db_result *r = db_exec(c, &LOY_ADJUST_AWARD, 5, ap, err);
  if (!r)
    return false;
  char id[24];
  snprintf(id, sizeof id, "%s", db_text(r, 0, 0));
  db_free(r);
  return (debt == 0 || settle_debt(c, x->practice_id, x->client_id, err)) &&
         entry_json(c, x->practice_id, id, x->out, err);
}

bool loyalty_adjust(db_conn *c, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                    cad_error *err) {
  long long points = json_integer_value(json_object_get(body, "points"));
  if (points == 0 || points > MAX_POINTS || points < -MAX_POINTS)
    return FAIL_VALUE(err, "points",
                      "'points' must be a non-zero number of points from -%d to %d (negative takes away)", MAX_POINTS,
                      MAX_POINTS);
  const char *why = str(body, "reason");
  if (!why || !*why)
    return FAIL_VALUE(err, "reason", "'reason' is required: the ledger records why");
  if (!clients_require(c, practice_id, client_id, err))
    return false;
  spend_ctx x = {practice_id, client_id, body, out};
  return db_tx(c, adjust_tx, &x, err);
}

/* ---------------------------------------------------- perks and referrals */

bool loyalty_use_perk(db_conn *c, const char *practice_id, const char *client_id, const char *perk_id, json_t **out,
                      cad_error *err) {
  if (!valid_uuid(client_id) || !valid_uuid(perk_id))
    return FAIL_NOT_FOUND(err, "perk");
  const char *p[] = {practice_id, client_id, perk_id};
  db_result *r = db_exec(c, &LOY_USE_PERK, 3, p, err);
  if (!r)
    return false;
  if (db_rows(r) == 1) {
    *out = db_json(r, 0, 0);
    db_free(r);
    return true;
  }
  db_free(r);
  db_result *st = db_exec(c, &LOY_PERK_STATE, 3, p, err);
  if (!st)
    return false;
  bool found = db_rows(st) == 1, used = found && db_text(st, 0, 0)[0] == 't';
  db_free(st);
  if (!found)
    return FAIL_NOT_FOUND(err, "perk");
  return cad_fail(err, "conflict", NULL, used ? "the perk is already used" : "the perk has expired");
}

bool loyalty_refer(db_conn *c, const char *practice_id, json_t *body, json_t **out, cad_error *err) {
  const char *referrer = str(body, "referrer_id"), *referred = str(body, "referred_id");
  /* An unknown client in the body is the body's fault (422), not a missing resource; a database failure stays. */
  if (!clients_require(c, practice_id, referrer, err))
    return err->status == 404 && FAIL_VALUE(err, "referrer_id", "'referrer_id' is not a client of this practice");
  if (!clients_require(c, practice_id, referred, err))
    return err->status == 404 && FAIL_VALUE(err, "referred_id", "'referred_id' is not a client of this practice");
  if (strcmp(referrer, referred) == 0)
    return FAIL_VALUE(err, "referred_id", "a client cannot refer themselves");
  const char *fp[] = {practice_id, referred};
  bool visited;
  if (!db_exists(c, &LOY_FIRST_VISIT, 2, fp, &visited, err))
    return false;
  if (visited)
    return FAIL_VALUE(err, "referred_id", "the referred client has already visited: a referral brings a new client");
  const char *p[] = {practice_id, referrer, referred};
  db_result *r = db_exec(c, &LOY_REFER, 3, p, err);
  if (!r)
    return strcmp(db_sqlstate(c), "23505") == 0
               ? cad_fail(err, "conflict", "referred_id", "this client already has a referrer")
               : false;
  return db_one_json(r, "referral", out, err);
}

/* ------------------------------------------------------------- calculator */

static bool whole(const char *v, const char *name, long min, long max, long *out, cad_error *err) {
  char *end;
  long n = v ? strtol(v, &end, 10) : -1;
  if (!v || !*v || *end || n < min || n > max)
    return cad_fail(err, "invalid_query", name, "'%s' must be an integer from %ld to %ld", name, min, max);
  *out = n;
  return true;
}

/* The tier visits and spend reach under settings s, by the one rule (loyalty_tier_of). */
static bool tier_reached(db_conn *c, json_t *s, long visits, long spend, int *tier, cad_error *err) {
  char *settings = json_dumps(s, JSON_COMPACT), v[24], sp[24];
  snprintf(v, sizeof v, "%ld", visits);
  snprintf(sp, sizeof sp, "%ld", spend);
  const char *p[] = {settings, v, sp};
  db_result *r = db_exec(c, &LOY_TIER_OF, 3, p, err);
  free(settings);
  if (r)
    *tier = atoi(db_text(r, 0, 0));
  db_free(r);
  return r != NULL;
}

bool loyalty_calculator(db_conn *c, const char *practice_id, const char *visits_s, const char *ticket_s,
                        const char *tier_name, json_t **out, cad_error *err) {
  long visits, ticket;
  if (!whole(visits_s, "visits_per_year", 1, 52, &visits, err) ||
      !whole(ticket_s, "average_ticket_cents", 100, 10000000, &ticket, err))
    return false;
  json_t *s;
  if (!loyalty_program_get(c, practice_id, &s, err))
    return false;
  loyalty_tier tiers[MAX_TIERS];
  int ntiers = tiers_of(s, tiers), tier = -1;
  json_t *list = json_object_get(s, "tiers");
  for (int i = 0; tier_name && i < ntiers; i++)
    if (strcmp(json_string_value(json_object_get(json_array_get(list, (size_t)i), "name")), tier_name) == 0)
      tier = i;
  if (tier_name && tier < 0) {
    json_decref(s);
    return cad_fail(err, "invalid_query", "tier", "'tier' is not a tier of this program");
  }
  if (tier < 0 && !tier_reached(c, s, visits, visits * ticket, &tier, err)) { /* the tier such a member reaches */
    json_decref(s);
    return false;
  }
  int value = (int)json_integer_value(json_object_get(s, "point_value_cents"));
  loyalty_year y = loyalty_calculate((int)visits, ticket, json_number_value(json_object_get(s, "earn_per_dollar")),
                                     tiers[tier].multiplier, value);
  *out = json_pack("{s:i,s:I,s:O,s:I,s:I,s:f,s:f,s:b}", "visits_per_year", (int)visits, "average_ticket_cents",
                   (json_int_t)ticket, "tier", json_object_get(json_array_get(list, (size_t)tier), "name"),
                   "points_per_year", (json_int_t)y.points, "value_cents_per_year", (json_int_t)y.value_cents,
                   "percent_back", round(y.percent_back * 100) / 100, "program_cost_share_percent",
                   round(y.cost_share * 100) / 100, "within_target", y.cost_share >= 5 && y.cost_share <= 8);
  json_decref(s);
  return true;
}

int loyalty_expire_due(db_conn *c, cad_error *err) {
  db_result *r = db_exec(c, &LOY_EXPIRE_ALL, 0, NULL, err);
  if (!r)
    return -1;
  int n = atoi(db_text(r, 0, 0));
  db_free(r);
  return n;
}
