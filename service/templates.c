/* templates.c: storage and checks of templates; rendering itself is render.c. */
#include "templates.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render.h"
#include "validate.h"

enum { MAX_DENY = 200, SMS_MAX = 1600, EMAIL_MAX = 20000 };

static const db_stmt PRACTICE = {
    "tpl_practice", "SELECT name, to_jsonb(appearance_phrases) FROM practices WHERE id = $1"};
/* The type a path names, however it is spelt (code or alias). */
static const db_stmt TYPE_NAMED = {"tpl_type_named", "SELECT treatment_type_named($1, $2)"};
static const db_stmt INJECTOR_EXISTS = {"tpl_injector_exists",
                                        "SELECT 1 FROM injectors WHERE practice_id = $1 AND id = $2"};
static const db_stmt UPSERT = {
    "tpl_upsert",
    "INSERT INTO templates AS t (practice_id, treatment_type, step, channel, injector_id, subject, body) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (practice_id, treatment_type, step, channel, injector_id) DO UPDATE SET "
    "  subject = EXCLUDED.subject, body = EXCLUDED.body, updated_at = now() "
    "RETURNING (xmax = 0), jsonb_build_object('id', t.id, 'treatment_type', t.treatment_type, 'step', t.step, "
    "  'channel', t.channel, 'injector_id', t.injector_id, 'subject', t.subject, 'body', t.body, "
    "  'updated_at', t.updated_at)"};
static const db_stmt LIST = {
    "tpl_list",
    "SELECT coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'treatment_type', t.treatment_type, 'step', t.step, "
    "  'channel', t.channel, 'injector_id', t.injector_id, 'subject', t.subject, 'body', t.body, "
    "  'updated_at', t.updated_at) ORDER BY t.treatment_type, t.step, t.channel, t.injector_id NULLS FIRST), '[]') "
    "FROM templates t WHERE t.practice_id = $1 "
    "  AND ($2::text IS NULL OR t.treatment_type = coalesce(treatment_type_named($1, $2), lower($2))) "
    "  AND ($3::text IS NULL OR t.step = $3) AND ($4::text IS NULL OR t.channel = $4)"};

/* Step keys: refill_N, aftercare_N, nurture, confirmation_<name>. */
static bool valid_step(const char *s) {
  regex_t re;
  regcomp(&re, "^((refill|aftercare)_[1-9]|nurture|confirmation_[a-z0-9]{1,20})$", REG_EXTENDED | REG_NOSUB);
  bool ok = regexec(&re, s, 0, NULL, 0) == 0;
  regfree(&re);
  return ok;
}

/* Whether st finds a row for (a, b). */
static bool exists(db_conn *c, const db_stmt *st, const char *a, const char *b, bool *found, cad_error *err) {
  const char *p[] = {a, b};
  return db_exists(c, st, 2, p, found, err);
}

/* Renders text with sample values of typical length, to estimate what an SMS will cost. */
static sms_measure sample_measure(const char *text, const char *practice_name) {
  tvar vars[] = {{"first_name", "Alexandra"},
                 {"practice_name", practice_name},
                 {"sender_name", "Dr. Jordan Rivera"},
                 {"injector_name", "Jordan"},
                 {"treatment_name", "Botox"},
                 {"treatment_date", "March 16"},
                 {"typical_duration", "10-12 weeks"},
                 {"booking_link", "https://book.example.com/b/0123456789abcdef0123"},
                 {"open_slots", "Open: Tue Mar 17 2:00pm, Wed Mar 18 10:30am."},
                 {"incentive", "Book this week and a complimentary add-on is yours."},
                 {"photo_link", ""},
                 {"opt_out", "Reply STOP to opt out."},
                 {"appointment_time", "Tue Mar 17 at 2:00pm"},
                 {"address", "1 Main St"},
                 {"parking", "Parking behind the building."},
                 {"check_in", "Check in at the front desk."},
                 {"intake_link", "https://book.example.com/i/0123456789"}};
  char *rendered = render_template(text, vars, sizeof vars / sizeof vars[0]);
  sms_measure m = render_sms_measure(rendered);
  free(rendered);
  return m;
}

typedef struct put_ctx {
  const char *practice_id, *type, *step, *channel;
  json_t *body, **out;
  bool *created;
} put_ctx;

static bool put_tx(db_conn *c, void *vctx, cad_error *err) {
  put_ctx *x = vctx;
  db_tx_reset(x->out);
  bool found;
  char type[48] = "default";
  if (strcasecmp(x->type, "default") != 0) {
    const char *tp[] = {x->practice_id, x->type};
    PGresult *t = db_exec(c, &TYPE_NAMED, 2, tp, err);
    if (!t)
      return false;
    snprintf(type, sizeof type, "%s", PQgetisnull(t, 0, 0) ? "" : PQgetvalue(t, 0, 0));
    PQclear(t);
    if (!*type)
      return FAIL_VALUE(err, "treatment_type", "no treatment type '%.40s' (or use 'default')", x->type);
  }
  const char *injector = json_string_value(json_object_get(x->body, "injector_id"));
  if (injector) {
    found = false;
    if (valid_uuid(injector) && !exists(c, &INJECTOR_EXISTS, x->practice_id, injector, &found, err))
      return false;
    if (!found)
      return FAIL_VALUE(err, "injector_id", "'injector_id' is not an injector of this practice");
  }
  const char *pp[] = {x->practice_id};
  PGresult *r = db_exec(c, &PRACTICE, 1, pp, err);
  if (!r)
    return false;
  char *practice_name = strdup(PQgetvalue(r, 0, 0));
  json_t *deny_json = db_json(r, 0, 1);
  PQclear(r);
  const char *deny[MAX_DENY];
  size_t ndeny = 0;
  for (size_t i = 0; i < json_array_size(deny_json) && ndeny < MAX_DENY; i++)
    deny[ndeny++] = json_string_value(json_array_get(deny_json, i));
  const char *subject = json_string_value(json_object_get(x->body, "subject"));
  const char *text = json_string_value(json_object_get(x->body, "body"));
  bool ok = render_check(text, "body", deny, ndeny, err) &&
            (!subject || render_check(subject, "subject", deny, ndeny, err));
  json_decref(deny_json);
  if (!ok) {
    free(practice_name);
    return false;
  }
  const char *up[] = {x->practice_id, type, x->step, x->channel, injector, subject, text};
  if (!(r = db_exec(c, &UPSERT, 7, up, err))) {
    free(practice_name);
    return false;
  }
  *x->created = PQgetvalue(r, 0, 0)[0] == 't';
  *x->out = db_json(r, 0, 1);
  PQclear(r);
  if (strcmp(x->channel, "sms") == 0) {
    sms_measure m = sample_measure(text, practice_name);
    json_object_set_new(*x->out, "sms_estimate",
                        json_pack("{s:s,s:i,s:i}", "encoding", m.encoding, "segments", m.segments, "units", m.units));
  }
  free(practice_name);
  return true;
}

bool templates_put(db_conn *c, const char *practice_id, const char *type, const char *step, const char *channel,
                   json_t *body, json_t **out, bool *created, cad_error *err) {
  if (!valid_step(step))
    return FAIL_VALUE(err, "step", "a step is refill_N, aftercare_N, nurture or confirmation_<name>");
  if (strcmp(channel, "sms") != 0 && strcmp(channel, "email") != 0)
    return FAIL_VALUE(err, "channel", "'channel' must be sms or email");
  const char *subject = json_string_value(json_object_get(body, "subject"));
  const char *text = json_string_value(json_object_get(body, "body"));
  bool email = strcmp(channel, "email") == 0;
  if (email && (!subject || !*subject))
    return FAIL_VALUE(err, "subject", "an email template needs a 'subject'");
  if (!email && subject)
    return FAIL_VALUE(err, "subject", "an SMS template has no 'subject'");
  if (!text || !*text)
    return FAIL_VALUE(err, "body", "'body' must not be empty");
  if (strlen(text) > (email ? EMAIL_MAX : SMS_MAX))
    return FAIL_VALUE(err, "body", "'body' is longer than %d bytes", email ? EMAIL_MAX : SMS_MAX);
  put_ctx x = {practice_id, type, step, channel, body, out, created};
  return db_tx(c, put_tx, &x, err);
}

bool templates_list(db_conn *c, const char *practice_id, const char *type, const char *step, const char *channel,
                    json_t **out, cad_error *err) {
  const char *p[] = {practice_id, type, step, channel};
  PGresult *r = db_exec(c, &LIST, 4, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o,s:n}", "data", db_json(r, 0, 0), "next_cursor");
  PQclear(r);
  return true;
}
