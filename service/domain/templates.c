/* templates.c: storage and checks of templates; rendering itself is render.c. */
#include "templates.h"
#include "templates_sql.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose.h"
#include "render.h"
#include "validate.h"

enum { MAX_DENY = 200, SMS_MAX = 1600, EMAIL_MAX = 20000 };

/* A booking-link token's length of sample characters (tokens are 70 base64url characters). */
#define SAMPLE_TOKEN "Qm9va2luZ0xpbmtTYW1wbGVUb2tlbi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4u"

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

/* A sample client, visit and booking of typical length; the practice's own texts where it has them. */
static message_values sample_values(const char *practice_name) {
  return (message_values){.first_name = "Alexandra",
                          .practice_name = practice_name,
                          .injector_name = "Dr. Jordan Rivera",
                          .treatment_name = "Botox",
                          .treatment_date = "March 16",
                          .typical_duration = "10-12 weeks",
                          .booking_link = "https://book.example.com/b?t=" SAMPLE_TOKEN,
                          .open_slots = "Tue Mar 17 2:00pm, Wed Mar 18 10:30am, Thu Mar 19 9:15am",
                          .incentive = "Book this week and a complimentary add-on is yours.",
                          .photo_link = "https://portal.example.com/patients/G-4821/photos",
                          .appointment_time = "Tuesday, March 17 at 2:00 PM",
                          .address = "1 Main St, Springfield",
                          .parking = "Parking is behind the building.",
                          .check_in = "Check in at the front desk.",
                          .intake_link = "https://book.example.com/intake/0123456789"};
}

/* What an SMS of text will cost, rendered with the sample values and the opt-out footer. */
static sms_measure sample_measure(const char *text, const char *practice_name) {
  message_values v = sample_values(practice_name);
  char *rendered = compose_opt_out(compose_render(text, &v));
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
    db_result *t = db_exec(c, &TPL_TYPE_NAMED, 2, tp, err);
    if (!t)
      return false;
    snprintf(type, sizeof type, "%s", db_null(t, 0, 0) ? "" : db_text(t, 0, 0));
    db_free(t);
    if (!*type)
      return FAIL_VALUE(err, "treatment_type", "no treatment type '%.40s' (or use 'default')", x->type);
  }
  const char *injector = json_string_value(json_object_get(x->body, "injector_id"));
  if (injector) {
    found = false;
    if (valid_uuid(injector) && !exists(c, &TPL_INJECTOR_EXISTS, x->practice_id, injector, &found, err))
      return false;
    if (!found)
      return FAIL_VALUE(err, "injector_id", "'injector_id' is not an injector of this practice");
  }
  const char *pp[] = {x->practice_id};
  db_result *r = db_exec(c, &TPL_PRACTICE, 1, pp, err);
  if (!r)
    return false;
  char *practice_name = strdup(db_text(r, 0, 0));
  json_t *deny_json = db_json(r, 0, 1);
  db_free(r);
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
  if (!(r = db_exec(c, &TPL_UPSERT, 7, up, err))) {
    free(practice_name);
    return false;
  }
  *x->created = db_text(r, 0, 0)[0] == 't';
  *x->out = db_json(r, 0, 1);
  db_free(r);
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
  db_result *r = db_exec(c, &TPL_LIST, 4, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o,s:n}", "data", db_json(r, 0, 0), "next_cursor");
  db_free(r);
  return true;
}

enum { P_NAME, P_ADDRESS, P_PARKING, P_CHECK_IN, P_BOOKING, P_INTAKE, P_PHOTO, P_INCENTIVE, P_INJECTOR_SENDS,
       P_TYPE_NAME, P_DURATION, P_INJECTOR, P_SUBJECT, P_BODY, P_TEMPLATE_TYPE, P_TEMPLATE_INJECTOR };

/* parts.<name> as given, or its default. */
static bool part(json_t *parts, const char *name, bool dflt) {
  json_t *v = json_object_get(parts, name);
  return v ? json_is_true(v) : dflt;
}

bool templates_preview(db_conn *c, const char *practice_id, json_t *body, json_t **out, cad_error *err) {
  const char *type = json_string_value(json_object_get(body, "treatment_type"));
  const char *step = json_string_value(json_object_get(body, "step"));
  const char *channel = json_string_value(json_object_get(body, "channel"));
  const char *injector = json_string_value(json_object_get(body, "injector_id"));
  const char *text = json_string_value(json_object_get(body, "body"));
  const char *subject = json_string_value(json_object_get(body, "subject"));
  json_t *parts = json_object_get(body, "parts");
  if (!valid_step(step))
    return FAIL_VALUE(err, "step", "a step is refill_N, aftercare_N, nurture or confirmation_<name>");
  if (strcmp(channel, "sms") != 0 && strcmp(channel, "email") != 0)
    return FAIL_VALUE(err, "channel", "'channel' must be sms or email");
  if (injector && !valid_uuid(injector))
    return FAIL_VALUE(err, "injector_id", "'injector_id' is not an injector of this practice");
  if (subject && !text)
    return FAIL_VALUE(err, "body", "a 'subject' to preview needs its 'body'");
  char code[48] = "default";
  if (type && strcasecmp(type, "default") != 0) {
    const char *tp[] = {practice_id, type};
    db_result *t = db_exec(c, &TPL_TYPE_NAMED, 2, tp, err);
    if (!t)
      return false;
    snprintf(code, sizeof code, "%s", db_null(t, 0, 0) ? "" : db_text(t, 0, 0));
    db_free(t);
    if (!*code)
      return FAIL_VALUE(err, "treatment_type", "no treatment type '%.40s' (or use 'default')", type);
  }
  const char *p[] = {practice_id, code, step, channel, injector};
  db_result *r = db_exec(c, &TPL_PREVIEW_CONTEXT, 5, p, err);
  if (!r)
    return false;
  bool known = db_rows(r) == 1;
  if (!known || (injector && db_null(r, 0, P_INJECTOR))) {
    db_free(r);
    return !known ? FAIL_NOT_FOUND(err, "practice")
                  : FAIL_VALUE(err, "injector_id", "'injector_id' is not an injector of this practice");
  }
  const char *v = NULL;
  bool stored = !text;
  if (stored && !(text = db_value(r, 0, P_BODY))) {
    db_free(r);
    return cad_fail(err, "not_found", "step", "no template for this step and channel");
  }
  if (stored)
    subject = db_value(r, 0, P_SUBJECT);
  message_values s = sample_values(db_value(r, 0, P_NAME));
  char link[600] = "", photo[700] = "";
  if ((v = db_value(r, 0, P_BOOKING)) && part(parts, "booking_link", true))
    snprintf(link, sizeof link, "%s%st=" SAMPLE_TOKEN, v, strchr(v, '?') ? "&" : "?");
  if ((v = db_value(r, 0, P_PHOTO)) && part(parts, "photo_link", true))
    compose_photo_link(v, "G-4821", photo, sizeof photo);
  s.booking_link = link;
  s.photo_link = photo;
  s.open_slots = part(parts, "open_slots", strcmp(step, "refill_1") == 0) ? s.open_slots : NULL;
  s.incentive = part(parts, "incentive", strcmp(step, "refill_2") == 0) ? db_value(r, 0, P_INCENTIVE) : NULL;
  s.injector_name = !part(parts, "injector", true) ? NULL : injector ? db_value(r, 0, P_INJECTOR) : s.injector_name;
  s.injector_sends = db_text(r, 0, P_INJECTOR_SENDS)[0] == 't';
  s.address = part(parts, "address", true) ? db_value(r, 0, P_ADDRESS) : NULL;
  s.parking = part(parts, "parking", true) ? db_value(r, 0, P_PARKING) : NULL;
  s.check_in = part(parts, "check_in", true) ? db_value(r, 0, P_CHECK_IN) : NULL;
  s.intake_link = part(parts, "intake_link", true) ? db_value(r, 0, P_INTAKE) : NULL;
  if (db_value(r, 0, P_TYPE_NAME)) {
    s.treatment_name = db_value(r, 0, P_TYPE_NAME);
    s.typical_duration = db_value(r, 0, P_DURATION);
  }
  bool sms = strcmp(channel, "sms") == 0;
  s.slots_by_reply = sms;
  char *rendered = compose_render(text, &s);
  if (sms && part(parts, "first_sms", true))
    rendered = compose_opt_out(rendered);
  char *rendered_subject = subject && !sms ? compose_render(subject, &s) : NULL;
  *out = json_pack("{s:s?,s:s}", "subject", rendered_subject, "body", rendered);
  if (sms) {
    sms_measure m = render_sms_measure(rendered);
    json_object_set_new(*out, "sms_estimate",
                        json_pack("{s:s,s:i,s:i}", "encoding", m.encoding, "segments", m.segments, "units", m.units));
  }
  json_object_set_new(*out, "template", stored ? json_pack("{s:s,s:s?}", "treatment_type",
                                                           db_value(r, 0, P_TEMPLATE_TYPE), "injector_id",
                                                           db_value(r, 0, P_TEMPLATE_INJECTOR))
                                               : json_null());
  free(rendered);
  free(rendered_subject);
  db_free(r);
  return true;
}
