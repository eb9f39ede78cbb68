/* plans.c: dates are computed in C (cadence.h) from the treatment's local
 * date; PostgreSQL turns a local date and send time into an instant in the
 * client's zone (local_instant), which keeps DST exact. */
#include "plans.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"

enum { MAX_AWAY = 50 };

static const db_stmt LATER_CYCLE = {
    "plans_later_cycle",
    "SELECT 1 FROM sequences s JOIN treatments t ON t.practice_id = s.practice_id AND t.id = s.treatment_id "
    "WHERE s.practice_id = $1 AND s.client_id = $2 AND s.family = $3 AND s.state = 'active' "
    "  AND s.kind = 'refill' AND t.performed_at > $4::timestamptz LIMIT 1"};
/* The family's open cycles end: their pending steps first, then the sequences (steps are locked
 * before their sequences everywhere; the dispatcher holds a claimed step when it updates its sequence). */
static const db_stmt SUPERSEDE_STEPS = {
    "plans_supersede_steps",
    "UPDATE steps SET state = 'cancelled', reason = 'superseded by a newer treatment of the family', "
    "  updated_at = clock_timestamp() "
    "WHERE practice_id = $1 AND state IN ('planned', 'paused', 'deferred') AND sequence_id IN ( "
    "  SELECT id FROM sequences WHERE practice_id = $1 AND client_id = $2 AND family = $3 AND state = 'active' "
    "    AND kind IN ('refill', 'aftercare', 'nurture'))"};
static const db_stmt SUPERSEDE = {
    "plans_supersede",
    "UPDATE sequences SET state = 'ended', end_reason = 'superseded', ended_at = clock_timestamp() "
    "WHERE practice_id = $1 AND client_id = $2 AND family = $3 AND state = 'active' "
    "  AND kind IN ('refill', 'aftercare', 'nurture')"};
static const db_stmt NEW_SEQUENCE = {
    "plans_new_sequence",
    "INSERT INTO sequences(practice_id, client_id, kind, family, type_code, treatment_id) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"};
static const db_stmt NEW_STEP = {
    "plans_new_step",
    "INSERT INTO steps(practice_id, sequence_id, client_id, step_no, step_key, channel, incentive, promotional, "
    "  planned_date, due_at, state, reason) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, local_instant($9::date, $10::time, $11), $12, $13)"};
static const db_stmt PAUSE = {
    "plans_pause",
    "UPDATE steps SET state = 'paused', reason = $3, updated_at = clock_timestamp() "
    "WHERE practice_id = $1 AND client_id = $2 AND promotional AND state IN ('planned', 'deferred')"};
static const db_stmt RESUME = {
    "plans_resume",
    "WITH ctx AS ( "
    "  SELECT coalesce(c.time_zone, p.time_zone) AS tz, p.send_time FROM clients c "
    "  JOIN practices p ON p.id = c.practice_id WHERE c.practice_id = $1 AND c.id = $2), "
    "first_send AS ( " /* the next send time from now, in the client's zone */
    "  SELECT CASE WHEN now() < local_instant((now() AT TIME ZONE tz)::date, send_time, tz) "
    "    THEN (now() AT TIME ZONE tz)::date ELSE (now() AT TIME ZONE tz)::date + 1 END AS d FROM ctx), "
    "shift AS ( "
    "  SELECT sequence_id, CASE WHEN min(due_at) < now() THEN greatest(0, (SELECT d FROM first_send) - min(planned_date)) "
    "    ELSE 0 END AS days "
    "  FROM steps WHERE practice_id = $1 AND client_id = $2 AND state = 'paused' GROUP BY sequence_id) "
    "UPDATE steps st SET state = 'planned', reason = CASE WHEN sh.days = 1 THEN "
    "    'moved 1 day later: the sequence was paused by a flag' WHEN sh.days > 1 THEN "
    "    'moved ' || sh.days || ' days later: the sequence was paused by a flag' END, "
    "  planned_date = st.planned_date + sh.days, "
    "  due_at = local_instant(st.planned_date + sh.days, ctx.send_time, ctx.tz), updated_at = clock_timestamp() "
    "FROM shift sh, ctx WHERE st.practice_id = $1 AND st.client_id = $2 AND st.state = 'paused' "
    "  AND st.sequence_id = sh.sequence_id"};
static const db_stmt NOTIFY_DUE = {
    "plans_notify_due",
    "SELECT pg_notify('cadence_due', '') WHERE EXISTS (SELECT 1 FROM steps WHERE practice_id = $1 "
    "  AND client_id = $2 AND state = 'planned' AND due_at <= now())"};
static const db_stmt CLIENT_EXISTS = {"plans_client_exists",
                                      "SELECT 1 FROM clients WHERE practice_id = $1 AND id = $2"};
static const db_stmt VIEW = {
    "plans_view",
    "SELECT coalesce(jsonb_agg(jsonb_build_object( "
    "  'id', s.id, 'kind', s.kind, 'family', s.family, 'treatment_type', s.type_code, "
    "  'treatment_id', s.treatment_id, 'state', s.state, 'end_reason', s.end_reason, "
    "  'started_at', s.started_at, 'ended_at', s.ended_at, "
    "  'steps', (SELECT coalesce(jsonb_agg(jsonb_build_object( "
    "      'id', st.id, 'step', st.step_key, 'step_no', st.step_no, 'channel', st.channel, "
    "      'incentive', st.incentive, 'promotional', st.promotional, 'planned_date', st.planned_date, "
    "      'due_at', st.due_at, 'reason', st.reason, 'message_id', st.message_id, "
    "      'state', CASE WHEN st.state = 'queued' THEN coalesce((SELECT m.state FROM messages m "
    "        WHERE m.practice_id = st.practice_id AND m.id = st.message_id), 'queued') ELSE st.state END) "
    "    ORDER BY st.step_no), '[]') "
    "    FROM steps st WHERE st.practice_id = s.practice_id AND st.sequence_id = s.id)) "
    "  ORDER BY s.started_at DESC, s.kind), '[]') "
    "FROM sequences s WHERE s.practice_id = $1 AND s.client_id = $2"};

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
  return db_run(c, &NEW_STEP, 13, p, err);
}

static bool new_sequence(db_conn *c, const plan_context *ctx, const char *kind, const plan_item *it, char id[37],
                         cad_error *err) {
  const char *p[] = {ctx->practice_id, ctx->client_id, kind, it->family, it->type_code, ctx->treatment_id};
  db_result *r = db_exec(c, &NEW_SEQUENCE, 6, p, err);
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
    db_result *r = db_exec(c, &LATER_CYCLE, 4, p, err);
    if (!r)
      return false;
    bool later_exists = db_rows(r) > 0;
    db_free(r);
    if (later_exists)
      continue; /* a visit recorded late must not cut short the cycle of a newer one */
    if (!db_run(c, &SUPERSEDE_STEPS, 3, p, err) || !db_run(c, &SUPERSEDE, 3, p, err))
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
  return db_run(c, &NOTIFY_DUE, 2, np, err);
}

bool plans_pause(db_conn *c, const char *practice_id, const char *client_id, const char *reason, cad_error *err) {
  const char *p[] = {practice_id, client_id, reason};
  return db_run(c, &PAUSE, 3, p, err);
}

bool plans_resume(db_conn *c, const char *practice_id, const char *client_id, cad_error *err) {
  const char *p[] = {practice_id, client_id};
  return db_run(c, &RESUME, 2, p, err);
}

bool plans_view(db_conn *c, const char *practice_id, const char *client_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id, client_id};
  bool found;
  if (!db_exists(c, &CLIENT_EXISTS, 2, p, &found, err))
    return false;
  if (!found)
    return FAIL_NOT_FOUND(err, "client");
  db_result *r = db_exec(c, &VIEW, 2, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o}", "data", db_json(r, 0, 0));
  db_free(r);
  return true;
}
