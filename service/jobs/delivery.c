/* delivery.c: the outbox passes. Every decision a due step gets is written
 * on the step (state and reason) in the same transaction that claimed it, so
 * a crash leaves the step due and nothing half-done. */
#include "delivery.h"
#include "delivery_sql.h"

#include "booking_links.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"
#include "compose.h"
#include "crypto.h"
#include "log.h"
#include "sendtime.h"
#include "suppressions.h"

enum { MAX_MERGE = 8, JITTER_MAX_S = 15 * 60 };

/* A step's context: a row of DL_BATCH_CONTEXT (or DL_STEP_CONTEXT), read by column name. */
typedef struct step_ctx {
  db_result *r;
  int row;
} step_ctx;

static const char *val(const step_ctx *x, const char *col) { return db_named(x->r, x->row, col); }
static bool truthy(const step_ctx *x, const char *col) {
  const char *v = val(x, col);
  return v && v[0] == 't';
}

/* The steps of a batch already decided with another step (merged into its message). */
typedef struct step_set {
  char (*ids)[37];
  int n, cap;
} step_set;

static void step_set_add(step_set *s, const char *id) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 16;
    s->ids = realloc(s->ids, (size_t)s->cap * sizeof *s->ids);
  }
  snprintf(s->ids[s->n++], sizeof s->ids[0], "%.36s", id);
}

static bool step_set_has(const step_set *s, const char *id) {
  for (int i = 0; i < s->n; i++)
    if (strncmp(s->ids[i], id, 36) == 0)
      return true;
  return false;
}

static void step_set_free(step_set *s) { free(s->ids); }

/* The messages a plan made, claimed by this worker: the keys as PostgreSQL arrays, and (the fast pass)
 * the messages themselves, written by one statement at the end of the batch. The first ones whose senders'
 * rate admits them at once, up to cfg->concurrency, are written as 'sending' and sent without another
 * write: at most that many are in doubt if the worker dies. */
typedef struct made_messages {
  db_array practices, ids;
  int n, sending;
  bool batched;
  db_array clients, channels, providers, tos, froms, subjects, bodies, states, step_ids, step_messages, primary;
} made_messages;

static void made_free(made_messages *m) {
  db_array *all[] = {&m->practices, &m->ids,    &m->clients, &m->channels, &m->providers,     &m->tos,    &m->froms,
                     &m->subjects,  &m->bodies, &m->states,  &m->step_ids, &m->step_messages, &m->primary};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    db_array_free(all[i]);
  *m = (made_messages){0};
}

/* Adds a message to the batch: ids is its steps as a text[] literal, the step it is for first. */
static bool made_add(made_messages *m, delivery_worker *w, const char *practice, const char *client,
                     const char *channel, const char *to, const char *from, const char *subject, const char *body,
                     const char *ids) {
  char id[37];
  if (!crypto_uuid(id))
    return false;
  bool sending = m->sending < w->cfg->concurrency && w->throttle(w->throttle_ctx, from ? from : "", false);
  m->sending += sending;
  db_array_add(&m->practices, practice);
  db_array_add(&m->ids, id);
  db_array_add(&m->clients, client);
  db_array_add(&m->channels, channel);
  db_array_add(&m->providers, providers_name(&w->cfg->providers, channel));
  db_array_add(&m->tos, to);
  db_array_add(&m->froms, from);
  db_array_add(&m->subjects, subject);
  db_array_add(&m->bodies, body);
  db_array_add(&m->states, sending ? "sending" : "claimed");
  for (const char *s = ids + 1; *s && *s != '}'; s += 37) {
    char step[37];
    snprintf(step, sizeof step, "%.36s", s);
    db_array_add(&m->step_ids, step);
    db_array_add(&m->step_messages, id);
    db_array_add(&m->primary, s == ids + 1 ? "true" : "false");
  }
  m->n++;
  return true;
}

/* Writes the batch's messages, queues their steps on them and notes their sequences' channel. */
static bool made_write(db_conn *c, delivery_worker *w, made_messages *m, cad_error *err) {
  char lease[12];
  snprintf(lease, sizeof lease, "%d", w->cfg->lease_s);
  const char *p[] = {db_array_text(&m->practices), db_array_text(&m->ids),
                     db_array_text(&m->clients),   db_array_text(&m->channels),
                     db_array_text(&m->providers), db_array_text(&m->tos),
                     db_array_text(&m->froms),     db_array_text(&m->subjects),
                     db_array_text(&m->bodies),    db_array_text(&m->states),
                     db_array_text(&m->step_ids),  db_array_text(&m->step_messages),
                     db_array_text(&m->primary),   lease};
  return db_run(c, &DL_QUEUE_BATCH, 14, p, err);
}

static bool set_state(db_conn *c, const char *practice, const char *step, const char *state, const char *reason,
                      const char *due_at, cad_error *err) {
  const char *p[] = {practice, step, state, reason, due_at};
  return db_run(c, &DL_SET_STATE, 5, p, err);
}

/* The practice's booking page with a signed token naming this client's sequence; empty without a
 * booking page (templates then ask for a reply). */
static void booking_link(const step_ctx *ctx, char *out, size_t len) {
  const char *page = val(ctx, "booking_url");
  char token[BOOKING_TOKEN_LEN + 1];
  if (!page)
    out[0] = 0;
  else if (booking_links_token(val(ctx, "practice_id"), val(ctx, "sequence_id"), token))
    snprintf(out, len, "%s%st=%s", page, strchr(page, '?') ? "&" : "?", token);
  else
    snprintf(out, len, "%s", page);
}

/* Renders the template of the step described by ctx for channel; NULL text when the practice has none. */
static bool render_with(const step_ctx *ctx, const char *channel, char **subject, char **text) {
  bool sms = strcmp(channel, "sms") == 0;
  const char *tmpl = val(ctx, sms ? "sms_body" : "email_body"), *subj = val(ctx, sms ? "sms_subject" : "email_subject");
  *subject = *text = NULL;
  if (!tmpl)
    return true;
  char link[512], photo[700] = "";
  booking_link(ctx, link, sizeof link);
  if (val(ctx, "photo_id"))
    compose_photo_link(val(ctx, "photo_url"), val(ctx, "photo_id"), photo, sizeof photo);
  message_values v = {
      .first_name = val(ctx, "first_name"),
      .practice_name = val(ctx, "practice_name"),
      .injector_name = val(ctx, "injector_name"),
      .treatment_name = val(ctx, "type_name"),
      .treatment_date = val(ctx, "treatment_date"),
      .typical_duration = val(ctx, "typical_duration"),
      .booking_link = link,
      .open_slots = val(ctx, "open_slots"),
      .slots_by_reply = sms,
      .incentive = truthy(ctx, "incentive") ? val(ctx, "incentive_text") : NULL,
      .photo_link = photo,
      .appointment_time = val(ctx, "appointment"),
      .address = val(ctx, "address"),
      .parking = val(ctx, "parking_text"),
      .check_in = val(ctx, "check_in_text"),
      .intake_link = val(ctx, "intake_url"),
      .injector_sends = val(ctx, "sender_mode") && strcmp(val(ctx, "sender_mode"), "injector") == 0,
      /* The opt-out footer is added once per message by the caller. */
  };
  *text = compose_render(tmpl, &v);
  if (subj)
    *subject = compose_render(subj, &v);
  return true;
}

/* The same for another step, read first. */
static bool render_step(db_conn *c, const char *practice, const char *step, const char *channel, char **subject,
                        char **text, cad_error *err) {
  const char *sp[] = {practice, step};
  step_ctx ctx = {db_exec(c, &DL_STEP_CONTEXT, 2, sp, err), 0};
  if (!ctx.r)
    return false;
  *subject = *text = NULL;
  if (db_rows(ctx.r) == 1)
    render_with(&ctx, channel, subject, text);
  db_free(ctx.r);
  return true;
}

/* The away period covering today, if any: writes the day after it into resume. */
static bool away_today(const char *away_json, const char *today, char resume[11]) {
  json_t *list = json_loads(away_json ? away_json : "[]", 0, NULL);
  civil_date d, from, to;
  bool away = false;
  if (cadence_parse_date(today, &d)) {
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
      if (cadence_parse_date(json_string_value(json_object_get(item, "from")), &from) &&
          cadence_parse_date(json_string_value(json_object_get(item, "to")), &to) &&
          cadence_days_from_civil(d) >= cadence_days_from_civil(from) &&
          cadence_days_from_civil(d) <= cadence_days_from_civil(to)) {
        date_range r = {from, to};
        civil_date next = cadence_skip_away(d, &r, 1);
        cadence_format_date(next, resume);
        away = true;
      }
    }
  }
  json_decref(list);
  return away;
}

/* The lapse checkpoint: no booking by now tags the client lapsed and starts the nurture. */
static bool lapse(db_conn *c, const char *practice, const char *step, const step_ctx *ctx, cad_error *err) {
  const char *cp[] = {practice, val(ctx, "client_id")};
  if (!db_run(c, &DL_LAPSE_CLIENT, 2, cp, err))
    return false;
  json_t *nurture = json_loads(val(ctx, "nurture") ? val(ctx, "nurture") : "{}", 0, NULL);
  int every = (int)json_integer_value(json_object_get(nurture, "every_months"));
  int max = (int)json_integer_value(json_object_get(nurture, "max_messages"));
  const char *channel = json_string_value(json_object_get(nurture, "channel"));
  char channel_buf[16];
  snprintf(channel_buf, sizeof channel_buf, "%s", channel ? channel : "preferred");
  json_decref(nurture);
  const char *reason = "lapsed: no booking by the lapse checkpoint";
  if (every > 0 && max > 0) {
    const char *np[] = {practice, val(ctx, "sequence_id")};
    db_result *r = db_exec(c, &DL_NURTURE_SEQUENCE, 2, np, err);
    if (!r)
      return false;
    char seq[37] = "";
    if (db_rows(r) == 1)
      snprintf(seq, sizeof seq, "%s", db_text(r, 0, 0));
    db_free(r);
    civil_date today;
    cadence_parse_date(val(ctx, "today"), &today);
    for (int k = 1; seq[0] && k <= max; k++) {
      char no[12], date[11];
      snprintf(no, sizeof no, "%d", k);
      cadence_format_date(cadence_add_months(today, k * every), date);
      const char *sp[] = {practice,
                          seq,
                          val(ctx, "client_id"),
                          no,
                          channel_buf,
                          date,
                          val(ctx, "send_time"),
                          val(ctx, "tz"),
                          truthy(ctx, "flagged") ? "true" : "false"};
      if (!db_run(c, &DL_NURTURE_STEP, 9, sp, err))
        return false;
    }
    reason = "lapsed: no booking by the lapse checkpoint; reactivation nurture started";
  }
  return set_state(c, practice, step, "done", reason, NULL, err);
}

/* Builds the message for step (and same-day steps of the client on channel) and queues it. */
static bool queue_message(db_conn *c, delivery_worker *w, const char *practice, const char *step, const step_ctx *ctx,
                          const char *channel, step_set *merged, made_messages *made, cad_error *err) {
  char *subject, *text;
  render_with(ctx, channel, &subject, &text);
  if (!text)
    return set_state(c, practice, step, "skipped", "no template for this step and channel", NULL, err);
  char limit[8];
  snprintf(limit, sizeof limit, "%d", MAX_MERGE);
  db_result *others = NULL;
  if (truthy(ctx, "has_others")) {
    const char *mp[] = {practice, val(ctx, "client_id"),
                        step,     val(ctx, "today"),
                        channel,  truthy(ctx, "flagged") ? "true" : "false",
                        limit,    strcmp(channel, "sms") == 0 ? val(ctx, "phone") : val(ctx, "email")};
    if (!(others = db_exec(c, &DL_MERGEABLE, 8, mp, err))) {
      free(subject);
      free(text);
      return false;
    }
  }
  char *body = strdup(text);
  free(text);
  /* The ids of the steps the message carries, as a text[] literal: {primary,merged...}. */
  char ids[(MAX_MERGE + 1) * 38 + 3];
  snprintf(ids, sizeof ids, "{%s", step);
  for (int i = 0; others && i < db_rows(others); i++) {
    char *s2, *t2;
    if (!render_step(c, practice, db_text(others, i, 0), channel, &s2, &t2, err)) {
      free(body);
      free(subject);
      db_free(others);
      return false;
    }
    if (t2) { /* one voice: the day's messages to this address on this channel travel together */
      body = compose_join(body, t2);
      strcat(strcat(ids, ","), db_text(others, i, 0));
    }
    free(s2);
    free(t2);
  }
  strcat(ids, "}");
  db_free(others);
  bool sms = strcmp(channel, "sms") == 0;
  if (sms && !truthy(ctx, "prior_sms")) /* the first SMS to a number says how to opt out */
    body = compose_opt_out(body);
  const char *to = sms ? val(ctx, "phone") : val(ctx, "email");
  const char *from = sms ? val(ctx, "sms_from") : val(ctx, "email_from");
  const char *subj = sms ? NULL : (subject ? subject : "A note from your clinic");
  bool ok;
  if (made->batched) {
    ok = made_add(made, w, practice, val(ctx, "client_id"), channel, to, from, subj, body, ids) ||
         cad_fail(err, "internal", NULL, "the random number generator failed");
  } else {
    char lease[12];
    snprintf(lease, sizeof lease, "%d", w->cfg->lease_s);
    const char *np[] = {practice, val(ctx, "client_id"),
                        channel,  providers_name(&w->cfg->providers, channel),
                        to,       from,
                        subj,     body,
                        ids,      lease};
    db_result *m = db_exec(c, &DL_QUEUE_MESSAGE, 10, np, err);
    if ((ok = m && db_rows(m) == 1)) {
      db_array_add(&made->practices, practice);
      db_array_add(&made->ids, db_text(m, 0, 0));
      made->n++;
    }
    db_free(m);
  }
  /* Step 1's numbered slots by SMS: kept, so that a reply "2" books the second (conversations.c). */
  if (ok && sms && val(ctx, "offered_slots")) {
    char ttl[24];
    snprintf(ttl, sizeof ttl, "%lld", booking_links_ttl_s());
    const char *op[] = {practice,
                        step,
                        val(ctx, "client_id"),
                        val(ctx, "injector_id"),
                        val(ctx, "type_code"),
                        val(ctx, "offered_slots"),
                        ttl};
    ok = db_run(c, &DL_OFFER, 7, op, err);
  }
  for (char *id = strchr(ids, ','); ok && id; id = strchr(id + 1, ','))
    step_set_add(merged, id + 1); /* decided with this step: passed over later in the batch */
  free(subject);
  free(body);
  return ok;
}

/* Decides one claimed step: send, defer, pause, skip, suppress, or (lapse) enrol in the nurture. */
static bool decide(db_conn *c, delivery_worker *w, const step_ctx *ctx, step_set *merged, made_messages *made,
                   cad_error *err) {
  bool ok;
  char resume[11];
  const char *practice = val(ctx, "practice_id"), *step = val(ctx, "step_id");
  const char *today = val(ctx, "today");
  if (step_set_has(merged, step)) {
    ok = true; /* merged into an earlier message of this batch */
  } else if (strcmp(val(ctx, "step_key"), "lapse") == 0) {
    ok = lapse(c, practice, step, ctx, err);
  } else if (truthy(ctx, "paused")) {
    civil_date d;
    cadence_parse_date(today, &d);
    cadence_format_date(cadence_add_days(d, 1), resume);
    const char *p[] = {practice, step, "the practice is paused", resume, val(ctx, "send_time"), val(ctx, "tz")};
    ok = db_run(c, &DL_DEFER_TO_DAY, 6, p, err);
  } else if (truthy(ctx, "promotional") && truthy(ctx, "flagged")) {
    ok = set_state(c, practice, step, "paused", "the client has an open flag", NULL, err);
  } else if (away_today(val(ctx, "away"), today, resume)) {
    const char *p[] = {practice, step, "the client is away", resume, val(ctx, "send_time"), val(ctx, "tz")};
    ok = db_run(c, &DL_DEFER_TO_DAY, 6, p, err);
  } else {
    bool has_phone = val(ctx, "phone") != NULL, has_email = val(ctx, "email") != NULL;
    bool sms_ok = has_phone && truthy(ctx, "consent_sms") && !truthy(ctx, "sms_suppressed");
    bool email_ok = has_email && truthy(ctx, "consent_email") && !truthy(ctx, "email_suppressed");
    const char *channel = sendtime_channel(val(ctx, "channel"), val(ctx, "channel_preference"), sms_ok, email_ok,
                                           val(ctx, "last_channel"));
    int wait =
        sendtime_quiet_wait(atoi(val(ctx, "local_minute")), atoi(val(ctx, "quiet_start")), atoi(val(ctx, "quiet_end")));
    if (!channel) {
      bool suppressed = (has_phone && truthy(ctx, "sms_suppressed")) || (has_email && truthy(ctx, "email_suppressed"));
      ok = set_state(c, practice, step, suppressed ? "suppressed" : "skipped",
                     suppressed ? "the client opted out of every channel this step may use"
                                : "no channel with both an address and the client's consent",
                     NULL, err);
    } else if (wait > 0) {
      /* Quiet hours in the client's zone: wait for the window, spread over a
       * few minutes so a morning's backlog is not one burst at 09:00. */
      char secs[24];
      snprintf(secs, sizeof secs, "%ld", (long)wait * 60 + (long)(rand_r(&w->seed) % JITTER_MAX_S));
      const char *p[] = {practice, step, "quiet hours in the client's time zone", secs};
      ok = db_run(c, &DL_DEFER_FOR, 4, p, err);
    } else {
      ok = queue_message(c, w, practice, step, ctx, channel, merged, made, err);
    }
  }
  return ok;
}

typedef struct plan_tx_ctx {
  delivery_worker *w;
  bool careful; /* each step's context read and decided under a savepoint */
  bool failed_step;
  int decided;
  made_messages made;
} plan_tx_ctx;

/* The fast pass claims a batch, reads every step's context in one statement and decides the batch without
 * savepoints. A step whose decision fails (a bug, bad data such as a zone PostgreSQL does not know) must
 * not block every other step behind it: the fast pass gives up, and the batch is decided again carefully,
 * each step's context read and decided under a savepoint, so the failing step's part is undone and the
 * step set aside with a reason. */
static bool plan_tx(db_conn *c, void *vctx, cad_error *err) {
  plan_tx_ctx *x = vctx;
  x->decided = 0;
  made_free(&x->made); /* an earlier attempt's, when the transaction is retried */
  x->made.batched = !x->careful;
  char limit[12];
  snprintf(limit, sizeof limit, "%d", x->w->cfg->batch);
  const char *p[] = {limit};
  db_result *due = db_exec(c, &DL_CLAIM_STEPS, 1, p, err), *batch = NULL;
  if (due && !x->careful && db_rows(due) > 0) {
    db_array practices = {0}, ids = {0};
    for (int i = 0; i < db_rows(due); i++) {
      db_array_add(&practices, db_text(due, i, 0));
      db_array_add(&ids, db_text(due, i, 1));
    }
    const char *bp[] = {db_array_text(&practices), db_array_text(&ids)};
    batch = db_exec(c, &DL_BATCH_CONTEXT, 2, bp, err);
    db_array_free(&practices);
    db_array_free(&ids);
    if (!batch) {
      x->failed_step = err->status != 503;
      db_free(due);
      return false;
    }
  }
  if (!due)
    return false;
  bool ok = true;
  step_set merged = {0};
  for (int i = 0; ok && i < db_rows(due); i++) {
    const char *practice = db_text(due, i, 0), *step = db_text(due, i, 1);
    if (!x->careful) {
      step_ctx ctx = {batch, i};
      ok = decide(c, x->w, &ctx, &merged, &x->made, err);
      x->failed_step = !ok && err->status != 503;
    } else if ((ok = db_exec_simple(c, "SAVEPOINT step", err))) {
      const char *sp[] = {practice, step};
      step_ctx ctx = {db_exec(c, &DL_STEP_CONTEXT, 2, sp, err), 0};
      made_messages before = x->made;
      if (!ctx.r || !decide(c, x->w, &ctx, &merged, &x->made, err)) {
        x->made.n = before.n; /* undone with the savepoint */
        db_array_truncate(&x->made.practices, before.practices.len);
        db_array_truncate(&x->made.ids, before.ids.len);
        ok = err->status != 503 && db_exec_simple(c, "ROLLBACK TO SAVEPOINT step", err) &&
             set_state(c, practice, step, "skipped", "internal error while deciding this step (see the logs)", NULL,
                       err);
        if (ok)
          log_json("error", "step set aside", json_pack("{s:s,s:s}", "practice_id", practice, "step_id", step));
      }
      db_free(ctx.r);
    }
    x->decided++;
  }
  step_set_free(&merged);
  db_free(batch);
  db_free(due);
  if (ok && x->made.batched && x->made.n > 0 && !made_write(c, x->w, &x->made, err)) {
    x->failed_step = err->status != 503; /* decided again carefully, each message written apart */
    return false;
  }
  return ok;
}

static int send_claimed(db_conn *c, delivery_worker *w, db_result *claim, int premarked, cad_error *err);

int delivery_plan(db_conn *c, delivery_worker *w, cad_error *err) {
  plan_tx_ctx x = {.w = w};
  bool ok = db_tx(c, plan_tx, &x, err);
  if (!ok && x.failed_step) {
    x.careful = true;
    ok = db_tx(c, plan_tx, &x, err);
  }
  /* The messages made are this worker's to send now: committed as claimed (or sending), under a lease,
   * so a crash before a claimed one is sent lets another worker send it once the lease expires. The
   * sending ones come first. */
  if (ok && x.made.n > 0) {
    const char *p[] = {db_array_text(&x.made.practices), db_array_text(&x.made.ids)};
    db_result *claim = db_exec(c, &DL_CLAIMED, 2, p, err);
    ok = claim && send_claimed(c, w, claim, x.made.sending, err) >= 0;
  }
  made_free(&x.made);
  return ok ? x.decided : -1;
}

static const char *outcome_state(send_outcome o) {
  return o == SEND_OK ? "sent" : o == SEND_RETRY ? "failed" : o == SEND_UNKNOWN ? "unknown" : "dead";
}

/* Columns of DL_CLAIM_MESSAGES. A weekly report's email is from "Cadence" and has no unsubscribe link. */
enum { K_PRACTICE, K_ID, K_CHANNEL, K_TO, K_FROM, K_SUBJECT, K_BODY, K_ATTEMPTS, K_FROM_NAME, K_FOR_REPORT };

/* Sends the k rows of the claim listed in row (already committed as 'sending', so that if the process dies
 * during the calls, recovery marks them unknown instead of sending twice) concurrently, and records every
 * outcome in one statement. */
static bool send_marked(db_conn *c, delivery_worker *w, db_result *claim, const int *row, const int *attempts, int k,
                        cad_error *err) {
  outgoing out[PROVIDERS_MAX_BATCH];
  send_result res[PROVIDERS_MAX_BATCH];
  char unsubscribe[PROVIDERS_MAX_BATCH][300];
  for (int j = 0; j < k; j++) {
    int i = row[j];
    snprintf(unsubscribe[j], sizeof unsubscribe[j], "%s/v1/unsubscribe/%s", w->cfg->providers.public_base_url,
             db_text(claim, i, K_ID));
    out[j] =
        (outgoing){db_text(claim, i, K_ID),        db_text(claim, i, K_CHANNEL),
                   db_text(claim, i, K_TO),        db_value(claim, i, K_FROM),
                   db_text(claim, i, K_FROM_NAME), db_value(claim, i, K_SUBJECT),
                   db_text(claim, i, K_BODY),      db_text(claim, i, K_FOR_REPORT)[0] == 't' ? NULL : unsubscribe[j]};
  }
  if (k == 0)
    return true;
  providers_send_batch(w->session, out, k, res);
  db_array rp = {0}, ri = {0}, rs = {0}, rpid = {0}, rerr = {0}, rdelay = {0};
  for (int j = 0; j < k; j++) {
    send_result *r = &res[j];
    if (r->outcome == SEND_RETRY && attempts[j] >= w->cfg->max_attempts) {
      r->outcome = SEND_PERMANENT;
      snprintf(r->error + strlen(r->error), sizeof r->error - strlen(r->error), " (gave up after %d attempts)",
               attempts[j]);
    }
    long delay = r->outcome == SEND_RETRY
                     ? sendtime_backoff_ms(attempts[j], w->cfg->retry_base_ms, w->cfg->retry_cap_ms,
                                           (double)rand_r(&w->seed) / ((double)RAND_MAX + 1), r->retry_after_ms)
                     : 0;
    char delay_ms[24];
    snprintf(delay_ms, sizeof delay_ms, "%ld", delay);
    db_array_add(&rp, db_text(claim, row[j], K_PRACTICE));
    db_array_add(&ri, out[j].message_id);
    db_array_add(&rs, outcome_state(r->outcome));
    db_array_add(&rpid, r->provider_id[0] ? r->provider_id : NULL);
    db_array_add(&rerr, r->error[0] ? r->error : NULL);
    db_array_add(&rdelay, delay_ms);
  }
  const char *recp[] = {db_array_text(&rp),   db_array_text(&ri),   db_array_text(&rs),
                        db_array_text(&rpid), db_array_text(&rerr), db_array_text(&rdelay)};
  bool ok;
  for (int attempt = 1;; attempt++) { /* a deadlock (with a booking updating the same client) is retried */
    ok = db_run(c, &DL_RECORD, 6, recp, err);
    if (ok || attempt == 3 || (strcmp(db_sqlstate(c), "40P01") != 0 && strcmp(db_sqlstate(c), "40001") != 0))
      break;
  }
  db_array_free(&rp), db_array_free(&ri), db_array_free(&rs), db_array_free(&rpid), db_array_free(&rerr),
      db_array_free(&rdelay);
  for (int j = 0; ok && j < k; j++) {
    const char *practice = db_text(claim, row[j], K_PRACTICE), *state = outcome_state(res[j].outcome);
    metrics_message(w->metrics, out[j].channel, state);
    log_json(res[j].outcome == SEND_OK ? "info" : "warn", "message send",
             json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:i}", "practice_id", practice, "message_id", out[j].message_id,
                       "channel", out[j].channel, "outcome", state, "http_status", res[j].http_status, "provider_code",
                       res[j].provider_code, "attempt", attempts[j]));
    if (res[j].provider_code == 21610) /* Twilio: the recipient replied STOP; suppress the number */
      ok = suppressions_add(c, practice, "sms", out[j].to, "provider_error", "Twilio error 21610 on a send", err);
  }
  return ok;
}

/* Sends rows [from, from + n) of the claim at once: marks them 'sending' (committed before any call) unless
 * the plan wrote them so, then sends them and records the outcomes. */
static bool send_window(db_conn *c, delivery_worker *w, db_result *claim, int from, int n, bool premarked,
                        cad_error *err) {
  int row[PROVIDERS_MAX_BATCH], attempts[PROVIDERS_MAX_BATCH];
  if (premarked) {
    for (int j = 0; j < n; j++)
      row[j] = from + j, attempts[j] = atoi(db_text(claim, from + j, K_ATTEMPTS));
    return send_marked(c, w, claim, row, attempts, n, err);
  }
  db_array practices = {0}, ids = {0};
  for (int i = from; i < from + n; i++) {
    db_array_add(&practices, db_text(claim, i, K_PRACTICE));
    db_array_add(&ids, db_text(claim, i, K_ID));
  }
  char lease[12];
  snprintf(lease, sizeof lease, "%d", w->cfg->lease_s);
  const char *mp[] = {db_array_text(&practices), db_array_text(&ids), providers_name(&w->cfg->providers, "sms"),
                      providers_name(&w->cfg->providers, "email"), lease};
  db_result *marked = db_exec(c, &DL_MARK_SENDING, 5, mp, err);
  db_array_free(&practices);
  db_array_free(&ids);
  if (!marked)
    return false;
  /* Rows whose lease expired meanwhile were taken by another worker: not ours to send. */
  int k = db_rows(marked);
  for (int j = 0; j < k; j++) {
    for (row[j] = from; strcmp(db_text(claim, row[j], K_ID), db_text(marked, j, 0)) != 0; row[j]++)
      ;
    attempts[j] = atoi(db_text(marked, j, 1));
  }
  db_free(marked);
  return send_marked(c, w, claim, row, attempts, k, err);
}

/* Sends the claimed messages in windows, then frees the claim; returns how many it handled, -1 on error.
 * The first premarked rows were written 'sending' by the plan, admitted by the rate limit then: they go
 * first, as one window, even when the process is stopping (given back, they would be lost as unknown). */
static int send_claimed(db_conn *c, delivery_worker *w, db_result *claim, int premarked, cad_error *err) {
  int n = db_rows(claim), done = premarked < n ? premarked : n;
  bool ok = done == 0 || send_window(c, w, claim, 0, done, true, err);
  while (ok && done < n && !atomic_load(w->stopping)) {
    /* A window holds the messages whose senders may send now: the first waits for its turn, the
     * others join only if their sender's rate allows them at once, so a window never bursts past it. */
    int window = 0;
    do {
      const char *sender = db_value(claim, done + window, K_FROM) ? db_value(claim, done + window, K_FROM) : "";
      if (!w->throttle(w->throttle_ctx, sender, window == 0))
        break;
      window++;
    } while (window < w->cfg->concurrency && done + window < n);
    ok = send_window(c, w, claim, done, window, false, err);
    done += window;
  }
  /* Stopping (or an error): give back what was claimed but not yet sent. */
  for (int i = done; i < n; i++) {
    const char *rp[] = {db_text(claim, i, 0), db_text(claim, i, 1)};
    cad_error ignored;
    db_free(db_exec(c, &DL_RELEASE, 2, rp, &ignored));
  }
  db_free(claim);
  return ok ? n : -1;
}

int delivery_send(db_conn *c, delivery_worker *w, cad_error *err) {
  char limit[12], lease[12];
  snprintf(limit, sizeof limit, "%d", w->cfg->batch);
  snprintf(lease, sizeof lease, "%d", w->cfg->lease_s);
  const char *p[] = {limit, lease};
  db_result *claim = db_exec(c, &DL_CLAIM_MESSAGES, 2, p, err);
  return claim ? send_claimed(c, w, claim, 0, err) : -1;
}

bool delivery_recover(db_conn *c, cad_error *err) {
  db_result *r = db_exec(c, &DL_RECOVER, 0, NULL, err);
  if (!r)
    return false;
  long released = atol(db_text(r, 0, 0)), lost = atol(db_text(r, 0, 1));
  db_free(r);
  if (released || lost)
    log_json("warn", "expired claims recovered",
             json_pack("{s:I,s:I}", "requeued", (json_int_t)released, "marked_unknown", (json_int_t)lost));
  return true;
}

double delivery_next_due(db_conn *c, double max_s, cad_error *err) {
  db_result *r = db_exec(c, &DL_NEXT_DUE, 0, NULL, err);
  if (!r)
    return -1;
  double s = db_null(r, 0, 0) ? max_s : atof(db_text(r, 0, 0));
  db_free(r);
  return s < 0 ? 0 : s > max_s ? max_s : s;
}
