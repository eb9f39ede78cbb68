/* plans.c: dates are computed in C (cadence.h) from the treatment's local
 * date; PostgreSQL turns a local date and send time into an instant in the
 * client's zone (local_instant), which keeps DST exact. */
#include "plans.h"
#include "plans_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"

enum { MAX_AWAY = 50 };

static int load_away(json_t *list, date_range *out) {
  int n = 0;
  size_t i;
  json_t *item;
  json_array_foreach(list, i, item) {
    if (n < MAX_AWAY &&
        cadence_parse_date(json_string_value(json_object_get(item, "from")), &out[n].from) &&
        cadence_parse_date(json_string_value(json_object_get(item, "to")), &out[n].to))
      n++;
  }
  return n;
}

/* The data of one step row to insert. */
typedef struct step_row {
  int no;
  const char *key, *channel;
  bool incentive, promotional;
  civil_date date;
} step_row;

static bool insert_step(db_conn *c, const plan_context *ctx, const char *sequence_id, const step_row *s,
                        cad_error *err) {
  char no[12], date[11], today_buf[11];
  snprintf(no, sizeof no, "%d", s->no);
  cadence_format_date(s->date, date);
  snprintf(today_buf, sizeof today_buf, "%s", ctx->today);
  const char *state = "planned", *reason = NULL;
  if (strcmp(date, today_buf) < 0) {
    state = "skipped";
    reason = "its date had passed when the treatment was recorded";
  } else if (ctx->flagged && s->promotional) {
    state = "paused";
    reason = "the client has an open flag";
  }
  const char *p[] = {ctx->practice_id, sequence_id, ctx->client_id, no, s->key, s->channel,
                     s->incentive ? "true" : "false", s->promotional ? "true" : "false", date, ctx->send_time,
                     ctx->time_zone, state, reason};
  return db_run(c, &PLANS_NEW_STEP, 13, p, err);
}

static bool new_sequence(db_conn *c, const plan_context *ctx, const char *kind, const plan_item *it, char id[37],
                         cad_error *err) {
  const char *p[] = {ctx->practice_id, ctx->client_id, kind, it->family, it->type_code, ctx->treatment_id};
  db_result *r = db_exec(c, &PLANS_NEW_SEQUENCE, 6, p, err);
  if (!r)
    return false;
  snprintf(id, 37, "%s", db_text(r, 0, 0));
  db_free(r);
  return true;
}

static const char *channel_of(json_t *step) {
  const char *ch = json_string_value(json_object_get(step, "channel"));
  return ch ? ch : "preferred";
}

static bool plan_item_steps(db_conn *c, const plan_context *ctx, const plan_item *it, cad_error *err) {
  civil_date base;
  if (!cadence_parse_date(ctx->local_date, &base))
    return FAIL_INTERNAL(err, "bad local date");
  date_range away[MAX_AWAY];
  int naway = load_away(ctx->away_periods, away);
  char seq[37], key[32];
  cadence_offset off;

  if (!new_sequence(c, ctx, "refill", it, seq, err))
    return false;
  size_t i;
  json_t *step;
  json_array_foreach(it->steps, i, step) {
    if (!cadence_parse_offset(json_object_get(step, "offset"), "steps.offset", &off, err))
      return false;
    snprintf(key, sizeof key, "refill_%zu", i + 1);
    step_row row = {(int)i + 1, key, channel_of(step), json_is_true(json_object_get(step, "incentive")), true,
                    cadence_skip_away(cadence_apply(base, off), away, naway)};
    if (!insert_step(c, ctx, seq, &row, err))
      return false;
  }
  /* The lapse checkpoint: not a message, so away dates do not move it. */
  if (!cadence_parse_offset(it->lapse, "lapse", &off, err))
    return false;
  step_row lapse = {(int)json_array_size(it->steps) + 1, "lapse", NULL, false, true, cadence_apply(base, off)};
  if (!insert_step(c, ctx, seq, &lapse, err))
    return false;

  if (json_array_size(it->aftercare) == 0)
    return true;
  if (!new_sequence(c, ctx, "aftercare", it, seq, err))
    return false;
  json_array_foreach(it->aftercare, i, step) {
    if (!cadence_parse_offset(json_object_get(step, "offset"), "aftercare.offset", &off, err))
      return false;
    snprintf(key, sizeof key, "aftercare_%zu", i + 1);
    step_row row = {(int)i + 1, key, channel_of(step), false, false,
                    cadence_skip_away(cadence_apply(base, off), away, naway)};
    if (!insert_step(c, ctx, seq, &row, err))
      return false;
  }
  return true;
}

/* Days to the first step of an item's plan, to pick the item of a family that wears off first. */
static double first_step_days(const plan_item *it) {
  cadence_offset off;
  cad_error ignored;
  json_t *first = json_array_get(it->steps, 0);
  if (!first || !cadence_parse_offset(json_object_get(first, "offset"), "", &off, &ignored))
    return 1e9;
  return cadence_offset_days(off);
}

bool plans_for_treatment(db_conn *c, const plan_context *ctx, const plan_item *items, int n, cad_error *err) {
  for (int i = 0; i < n; i++) {
    bool seen = false;
    for (int k = 0; k < i && !seen; k++)
      seen = strcmp(items[k].family, items[i].family) == 0;
    if (seen)
      continue; /* one cycle per family per visit */
    const char *p[] = {ctx->practice_id, ctx->client_id, items[i].family, ctx->performed_at};
    db_result *r = db_exec(c, &PLANS_LATER_CYCLE, 4, p, err);
    if (!r)
      return false;
    bool later_exists = db_rows(r) > 0;
    db_free(r);
    if (later_exists)
      continue; /* a visit recorded late must not cut short the cycle of a newer one */
    if (!db_run(c, &PLANS_SUPERSEDE_STEPS, 3, p, err) || !db_run(c, &PLANS_SUPERSEDE, 3, p, err))
      return false;
    const plan_item *chosen = NULL;
    for (int k = i; k < n; k++)
      if (strcmp(items[k].family, items[i].family) == 0 && items[k].plannable &&
          (!chosen || first_step_days(&items[k]) < first_step_days(chosen)))
        chosen = &items[k];
    if (chosen && !plan_item_steps(c, ctx, chosen, err))
      return false;
  }
  /* A visit recorded late can make a step due now: wake the dispatchers (delivered at commit). */
  const char *np[] = {ctx->practice_id, ctx->client_id};
  return db_run(c, &PLANS_NOTIFY_DUE, 2, np, err);
}

bool plans_pause(db_conn *c, const char *practice_id, const char *client_id, const char *reason, cad_error *err) {
  const char *p[] = {practice_id, client_id, reason};
  return db_run(c, &PLANS_PAUSE, 3, p, err);
}

bool plans_resume(db_conn *c, const char *practice_id, const char *client_id, cad_error *err) {
  const char *p[] = {practice_id, client_id};
  return db_run(c, &PLANS_RESUME, 2, p, err);
}

bool plans_view(db_conn *c, const char *practice_id, const char *client_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id, client_id};
  bool found;
  if (!db_exists(c, &PLANS_CLIENT_EXISTS, 2, p, &found, err))
    return false;
  if (!found)
    return FAIL_NOT_FOUND(err, "client");
  db_result *r = db_exec(c, &PLANS_VIEW, 2, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o}", "data", db_json(r, 0, 0));
  db_free(r);
  return true;
}
