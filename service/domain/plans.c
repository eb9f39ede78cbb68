/* plans.c: dates are computed in C (cadence.h) from the treatment's local
 * date; PostgreSQL turns a local date and send time into an instant in the
 * client's zone (local_instant), which keeps DST exact. */
#include "plans.h"
#include "plans_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"
#include "crypto.h"

enum { MAX_AWAY = 50 };

static int load_away(json_t *list, date_range *out) {
  int n = 0;
  size_t i;
  json_t *item;
  json_array_foreach(list, i, item) {
    if (n < MAX_AWAY && cadence_parse_date(json_string_value(json_object_get(item, "from")), &out[n].from) &&
        cadence_parse_date(json_string_value(json_object_get(item, "to")), &out[n].to))
      n++;
  }
  return n;
}

/* The sequences and steps a visit plans, gathered in C and written by one statement each; the
 * sequences' ids are chosen here so the steps can name them. */
typedef struct plan_rows {
  db_array seq_id, seq_kind, seq_family, seq_type;
  db_array step_seq, step_no, step_key, step_channel, step_incentive, step_promotional, step_date, step_state,
      step_reason;
  int nseq;
  bool due_today; /* a planned step falls today: it may be due already */
} plan_rows;

static void free_rows(plan_rows *r) {
  db_array *all[] = {&r->seq_id,    &r->seq_kind,   &r->seq_family,   &r->seq_type,       &r->step_seq,
                     &r->step_no,   &r->step_key,   &r->step_channel, &r->step_incentive, &r->step_promotional,
                     &r->step_date, &r->step_state, &r->step_reason};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    db_array_free(all[i]);
}

static bool add_sequence(plan_rows *r, const char *kind, const plan_item *it, char id[37], cad_error *err) {
  if (!crypto_uuid(id))
    return FAIL_INTERNAL(err, "no random bytes for a sequence id");
  db_array_add(&r->seq_id, id);
  db_array_add(&r->seq_kind, kind);
  db_array_add(&r->seq_family, it->family);
  db_array_add(&r->seq_type, it->type_code);
  r->nseq++;
  return true;
}

/* One step; a date already past is skipped, a promotional step of a flagged client starts paused. */
static void add_step(plan_rows *r, const plan_context *ctx, const char *sequence_id, int no, const char *key,
                     const char *channel, bool incentive, bool promotional, civil_date when) {
  char n[12], date[11];
  snprintf(n, sizeof n, "%d", no);
  cadence_format_date(when, date);
  const char *state = "planned", *reason = NULL;
  if (strncmp(date, ctx->today, 10) < 0) {
    state = "skipped";
    reason = "its date had passed when the treatment was recorded";
  } else if (ctx->flagged && promotional) {
    state = "paused";
    reason = "the client has an open flag";
  }
  r->due_today = r->due_today || (strcmp(state, "planned") == 0 && strncmp(date, ctx->today, 10) == 0);
  db_array_add(&r->step_seq, sequence_id);
  db_array_add(&r->step_no, n);
  db_array_add(&r->step_key, key);
  db_array_add(&r->step_channel, channel);
  db_array_add(&r->step_incentive, incentive ? "true" : "false");
  db_array_add(&r->step_promotional, promotional ? "true" : "false");
  db_array_add(&r->step_date, date);
  db_array_add(&r->step_state, state);
  db_array_add(&r->step_reason, reason);
}

static const char *channel_of(json_t *step) {
  const char *ch = json_string_value(json_object_get(step, "channel"));
  return ch ? ch : "preferred";
}

static bool plan_item_steps(const plan_context *ctx, const plan_item *it, plan_rows *rows, cad_error *err) {
  civil_date base;
  if (!cadence_parse_date(ctx->local_date, &base))
    return FAIL_INTERNAL(err, "bad local date");
  date_range away[MAX_AWAY];
  int naway = load_away(ctx->away_periods, away);
  char seq[37], key[32];
  cadence_offset off;

  if (!add_sequence(rows, "refill", it, seq, err))
    return false;
  size_t i;
  json_t *step;
  json_array_foreach(it->steps, i, step) {
    if (!cadence_parse_offset(json_object_get(step, "offset"), "steps.offset", &off, err))
      return false;
    snprintf(key, sizeof key, "refill_%zu", i + 1);
    add_step(rows, ctx, seq, (int)i + 1, key, channel_of(step), json_is_true(json_object_get(step, "incentive")), true,
             cadence_skip_away(cadence_apply(base, off), away, naway));
  }
  /* The lapse checkpoint: not a message, so away dates do not move it. */
  if (!cadence_parse_offset(it->lapse, "lapse", &off, err))
    return false;
  add_step(rows, ctx, seq, (int)json_array_size(it->steps) + 1, "lapse", NULL, false, true, cadence_apply(base, off));

  if (json_array_size(it->aftercare) == 0)
    return true;
  if (!add_sequence(rows, "aftercare", it, seq, err))
    return false;
  json_array_foreach(it->aftercare, i, step) {
    if (!cadence_parse_offset(json_object_get(step, "offset"), "aftercare.offset", &off, err))
      return false;
    snprintf(key, sizeof key, "aftercare_%zu", i + 1);
    add_step(rows, ctx, seq, (int)i + 1, key, channel_of(step), false, false,
             cadence_skip_away(cadence_apply(base, off), away, naway));
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

/* The row of family in an open-cycles result, or -1. */
static int open_row(db_result *r, const char *family) {
  for (int i = 0; i < db_rows(r); i++)
    if (strcmp(db_text(r, i, 0), family) == 0)
      return i;
  return -1;
}

/* The families a visit plans (each once, unless a later treatment already started its cycle), and of
 * those the ones with open cycles to end. */
static bool families_to_plan(db_conn *c, const plan_context *ctx, const plan_item *items, int n, bool plan[],
                             db_array *to_end, cad_error *err) {
  db_array all = {0};
  for (int i = 0; i < n; i++) {
    plan[i] = true;
    for (int k = 0; k < i && plan[i]; k++)
      plan[i] = strcmp(items[k].family, items[i].family) != 0; /* one cycle per family per visit */
    if (plan[i])
      db_array_add(&all, items[i].family);
  }
  const char *p[] = {ctx->practice_id, ctx->client_id, db_array_text(&all), ctx->performed_at};
  db_result *open = db_exec(c, &PLANS_OPEN_CYCLES, 4, p, err);
  db_array_free(&all);
  if (!open)
    return false;
  for (int i = 0; i < n; i++) {
    int row = plan[i] ? open_row(open, items[i].family) : -1;
    if (row < 0)
      continue;
    plan[i] = db_text(open, row, 1)[0] != 't';
    if (plan[i])
      db_array_add(to_end, items[i].family);
  }
  db_free(open);
  return true;
}

static bool write_rows(db_conn *c, const plan_context *ctx, plan_rows *r, cad_error *err) {
  const char *sp[] = {ctx->practice_id,
                      ctx->client_id,
                      ctx->treatment_id,
                      db_array_text(&r->seq_id),
                      db_array_text(&r->seq_kind),
                      db_array_text(&r->seq_family),
                      db_array_text(&r->seq_type)};
  const char *tp[] = {ctx->practice_id,
                      ctx->client_id,
                      ctx->time_zone,
                      ctx->send_time,
                      db_array_text(&r->step_seq),
                      db_array_text(&r->step_no),
                      db_array_text(&r->step_key),
                      db_array_text(&r->step_channel),
                      db_array_text(&r->step_incentive),
                      db_array_text(&r->step_promotional),
                      db_array_text(&r->step_date),
                      db_array_text(&r->step_state),
                      db_array_text(&r->step_reason)};
  return db_run(c, &PLANS_NEW_SEQUENCES, 7, sp, err) && db_run(c, &PLANS_NEW_STEPS, 13, tp, err);
}

bool plans_for_treatment(db_conn *c, const plan_context *ctx, const plan_item *items, int n, cad_error *err) {
  bool plan[n > 0 ? n : 1];
  db_array to_end = {0};
  plan_rows rows = {.nseq = 0};
  bool ok = families_to_plan(c, ctx, items, n, plan, &to_end, err);
  const char *fp[] = {ctx->practice_id, ctx->client_id, db_array_text(&to_end)};
  ok = ok &&
       (to_end.len == 0 || (db_run(c, &PLANS_SUPERSEDE_STEPS, 3, fp, err) && db_run(c, &PLANS_SUPERSEDE, 3, fp, err)));
  for (int i = 0; ok && i < n; i++) {
    if (!plan[i])
      continue;
    const plan_item *chosen = NULL;
    for (int k = i; k < n; k++)
      if (strcmp(items[k].family, items[i].family) == 0 && items[k].plannable &&
          (!chosen || first_step_days(&items[k]) < first_step_days(chosen)))
        chosen = &items[k];
    ok = !chosen || plan_item_steps(ctx, chosen, &rows, err);
  }
  ok = ok && (rows.nseq == 0 || write_rows(c, ctx, &rows, err));
  /* A visit recorded late can make a step due now: wake the dispatchers (delivered at commit). */
  const char *np[] = {ctx->practice_id, ctx->client_id};
  ok = ok && (!rows.due_today || db_run(c, &PLANS_NOTIFY_DUE, 2, np, err));
  free_rows(&rows);
  db_array_free(&to_end);
  return ok;
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
