/* practices.c: practice rows. SQL reads the validated JSON body directly
 * (jsonb parameter), so a field is named once in the statement. */
#include "practices.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "validate.h"

static const db_stmt INSERT = {
    "practice_insert",
    "INSERT INTO practices(name, time_zone, address, parking_text, check_in_text, contact_text, "
    "  booking_url, intake_url, photo_url, photo_id_system, sms_from, email_from, report_email, quiet_start, "
    "  quiet_end, sender_mode, webhook_secret, paused, send_time, appearance_phrases, incentive_text, "
    "  report_alarm_percent) "
    "SELECT j->>'name', j->>'time_zone', j->>'address', j->>'parking_text', j->>'check_in_text', "
    "  j->>'contact_text', j->>'booking_url', j->>'intake_url', j->>'photo_url', j->>'photo_id_system', "
    "  j->>'sms_from', j->>'email_from', j->>'report_email', "
    "  coalesce((j->'quiet_hours'->>'start')::time, '09:00'), "
    "  coalesce((j->'quiet_hours'->>'end')::time, '20:00'), "
    "  coalesce(j->>'sender_mode', 'practice'), $2, coalesce((j->>'paused')::boolean, false), "
    "  coalesce((j->>'send_time')::time, '10:00'), "
    "  CASE WHEN j ? 'appearance_phrases' THEN ARRAY(SELECT jsonb_array_elements_text(j->'appearance_phrases')) "
    "    ELSE default_appearance_phrases() END, coalesce(j->>'incentive_text', default_incentive_text()), "
    "  coalesce((j->>'report_alarm_percent')::int, 65) "
    "FROM (SELECT $1::jsonb AS j) s RETURNING id, practice_json(practices)"};

static const db_stmt SEED = {"practice_seed",
                             "SELECT seed_library($1), seed_default_templates($1)"};
static const db_stmt GET = {"practice_get",
                            "SELECT practice_json(p) FROM practices p WHERE p.id = $1"};

/* "CASE WHEN j ? 'f'" keeps a column unless the patch names it (null clears it). */
#define PATCH_COL(col) col " = CASE WHEN j ? '" col "' THEN j->>'" col "' ELSE p." col " END, "
static const db_stmt PATCH = {
    "practice_patch",
    "UPDATE practices p SET " PATCH_COL("name") PATCH_COL("time_zone") PATCH_COL("address")
    PATCH_COL("parking_text") PATCH_COL("check_in_text") PATCH_COL("contact_text")
    PATCH_COL("booking_url") PATCH_COL("intake_url") PATCH_COL("photo_url") PATCH_COL("photo_id_system")
    PATCH_COL("sms_from") PATCH_COL("email_from")
    PATCH_COL("report_email") PATCH_COL("sender_mode") PATCH_COL("webhook_secret")
    "  quiet_start = coalesce((j->'quiet_hours'->>'start')::time, p.quiet_start), "
    "  quiet_end = coalesce((j->'quiet_hours'->>'end')::time, p.quiet_end), "
    "  paused = coalesce((j->>'paused')::boolean, p.paused), "
    "  send_time = coalesce((j->>'send_time')::time, p.send_time), "
    "  incentive_text = coalesce(j->>'incentive_text', p.incentive_text), "
    "  report_alarm_percent = coalesce((j->>'report_alarm_percent')::int, p.report_alarm_percent), "
    "  appearance_phrases = CASE WHEN j ? 'appearance_phrases' "
    "    THEN ARRAY(SELECT jsonb_array_elements_text(j->'appearance_phrases')) ELSE p.appearance_phrases END, "
    "  updated_at = now() "
    "FROM (SELECT $2::jsonb AS j) s WHERE p.id = $1 RETURNING practice_json(p)"};

static bool valid_url(const char *s) {
  if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
    return false;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p <= ' ')
      return false;
  return strlen(s) > 8;
}

/* A Twilio sender: a phone number or a Messaging Service SID (MG + 32 hex). */
static bool valid_sms_sender(const char *s) {
  if (valid_e164(s))
    return true;
  if (strlen(s) != 34 || strncmp(s, "MG", 2) != 0)
    return false;
  for (int i = 2; i < 34; i++)
    if (!strchr("0123456789abcdefABCDEF", s[i]))
      return false;
  return true;
}

static const char *str(json_t *body, const char *key) {
  return json_string_value(json_object_get(body, key));
}

bool practices_validate(const tz_set *zones, json_t *body, bool creating, cad_error *err) {
  const char *v;
  if ((v = str(body, "name")) && !*v)
    return FAIL_VALUE(err, "name", "'name' must not be empty");
  if ((v = str(body, "time_zone")) && !timezones_valid(zones, v))
    return FAIL_VALUE(err, "time_zone", "'time_zone' must be an IANA time zone such as America/New_York");
  if ((v = str(body, "booking_url")) && !valid_url(v))
    return FAIL_VALUE(err, "booking_url", "'booking_url' must be an http(s) URL");
  if ((v = str(body, "intake_url")) && !valid_url(v))
    return FAIL_VALUE(err, "intake_url", "'intake_url' must be an http(s) URL");
  if ((v = str(body, "photo_url")) && (!valid_url(v) || !strstr(v, "{external_id}") ||
                                       strstr(strstr(v, "{external_id}") + 1, "{external_id}")))
    return FAIL_VALUE(err, "photo_url", "'photo_url' must be an http(s) URL holding {external_id} once");
  if ((v = str(body, "photo_id_system")) && !valid_token(v, 40))
    return FAIL_VALUE(err, "photo_id_system", "'photo_id_system' must be an external id system such as zenoti");
  if ((v = str(body, "sms_from")) && !valid_sms_sender(v))
    return FAIL_VALUE(err, "sms_from", "'sms_from' must be an E.164 number or a Messaging Service SID");
  if ((v = str(body, "email_from")) && !valid_email(v))
    return FAIL_VALUE(err, "email_from", "'email_from' must be an email address");
  if ((v = str(body, "report_email")) && !valid_email(v))
    return FAIL_VALUE(err, "report_email", "'report_email' must be an email address");
  json_t *alarm = json_object_get(body, "report_alarm_percent");
  if (alarm && (json_integer_value(alarm) < 0 || json_integer_value(alarm) > 100))
    return FAIL_VALUE(err, "report_alarm_percent", "'report_alarm_percent' must be from 0 to 100");
  if ((v = str(body, "sender_mode")) && strcmp(v, "practice") != 0 && strcmp(v, "injector") != 0)
    return FAIL_VALUE(err, "sender_mode", "'sender_mode' must be 'practice' or 'injector'");
  if ((v = str(body, "webhook_secret")) && (strlen(v) < 16 || strlen(v) > 256))
    return FAIL_VALUE(err, "webhook_secret", "'webhook_secret' must be 16 to 256 characters");
  if ((v = str(body, "incentive_text")) && !*v)
    return FAIL_VALUE(err, "incentive_text", "'incentive_text' must not be empty");
  if ((v = str(body, "send_time")) && !valid_hhmm(v, NULL))
    return FAIL_VALUE(err, "send_time", "'send_time' must be HH:MM");
  json_t *phrases = json_object_get(body, "appearance_phrases");
  for (size_t i = 0; i < json_array_size(phrases); i++) {
    json_t *ph = json_array_get(phrases, i);
    if (!json_is_string(ph) || json_string_length(ph) < 3 || json_string_length(ph) > 60)
      return FAIL_VALUE(err, "appearance_phrases", "'appearance_phrases' must be phrases of 3 to 60 bytes");
  }
  if (json_array_size(phrases) > 200)
    return FAIL_VALUE(err, "appearance_phrases", "at most 200 'appearance_phrases'");
  json_t *q = json_object_get(body, "quiet_hours");
  if (q) {
    int start = 9 * 60, end = 20 * 60;
    const char *s = str(q, "start"), *e = str(q, "end");
    if (s && !valid_hhmm(s, &start))
      return FAIL_VALUE(err, "quiet_hours.start", "'quiet_hours.start' must be HH:MM");
    if (e && !valid_hhmm(e, &end))
      return FAIL_VALUE(err, "quiet_hours.end", "'quiet_hours.end' must be HH:MM");
    if (start < 8 * 60 || end > 21 * 60)
      return FAIL_VALUE(err, "quiet_hours", "messages may only go out within 08:00-21:00");
    if (creating && start >= end)
      return FAIL_VALUE(err, "quiet_hours", "'quiet_hours.start' must be before 'quiet_hours.end'");
  }
  return true;
}

/* Maps the row CHECK on quiet hours (a patch of one end) to a 422. */
static bool translate(db_conn *c, cad_error *err) {
  if (strcmp(db_sqlstate(c), "23514") != 0)
    return false;
  if (strcmp(db_constraint(c), "practices_send_time") == 0)
    return FAIL_VALUE(err, "send_time", "'send_time' must lie within the quiet hours");
  return FAIL_VALUE(err, "quiet_hours", "quiet hours must lie within 08:00-21:00 with start before end");
}

typedef struct create_ctx {
  json_t *body, **out;
  const char *secret;
} create_ctx;

/* Inserts the practice and seeds its default cadence library and templates. */
static bool create_tx(db_conn *c, void *vctx, cad_error *err) {
  create_ctx *x = vctx;
  db_tx_reset(x->out);
  char *text = json_dumps(x->body, JSON_COMPACT);
  const char *p[] = {text, x->secret};
  PGresult *r = db_exec(c, &INSERT, 2, p, err);
  free(text);
  if (!r)
    return translate(c, err);
  const char *sp[] = {PQgetvalue(r, 0, 0)};
  PGresult *seeded = db_exec(c, &SEED, 1, sp, err);
  PQclear(seeded);
  *x->out = seeded ? db_json(r, 0, 1) : NULL;
  PQclear(r);
  return seeded != NULL;
}

bool practices_create(db_conn *c, json_t *body, json_t **out, cad_error *err) {
  char generated[65];
  create_ctx x = {body, out, str(body, "webhook_secret")};
  if (!x.secret) {
    if (!crypto_random_hex(generated, 32))
      return FAIL_INTERNAL(err, "random generator failed");
    x.secret = generated;
  }
  if (!db_tx(c, create_tx, &x, err))
    return false;
  /* Shown once, at creation: PMS webhooks sign with it. */
  json_object_set_new(*out, "webhook_secret", json_string(x.secret));
  return true;
}

bool practices_get(db_conn *c, const char *id, json_t **out, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "practice");
  const char *p[] = {id};
  return db_one_json(db_exec(c, &GET, 1, p, err), "practice", out, err);
}

bool practices_patch(db_conn *c, const char *id, json_t *body, json_t **out, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "practice");
  char *text = json_dumps(body, JSON_COMPACT);
  const char *p[] = {id, text};
  PGresult *r = db_exec(c, &PATCH, 2, p, err);
  free(text);
  if (!r)
    return translate(c, err);
  return db_one_json(r, "practice", out, err);
}
