/* practices.c: practice rows. SQL reads the validated JSON body directly
 * (jsonb parameter), so a field is named once in the statement. */
#include "practices.h"
#include "practices_sql.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "sealing.h"
#include "validate.h"

/* What a sealed secret is bound to: a value copied to another practice's row does not open there. */
static void secret_context(const char *id, char out[80]) {
  snprintf(out, 80, "practices.webhook_secret:%s", id);
}

static bool store_secret(db_conn *c, const char *id, const char *plain, cad_error *err) {
  char context[80];
  secret_context(id, context);
  char *sealed = sealing_seal(plain, context);
  if (!sealed)
    return FAIL_INTERNAL(err, "the webhook secret could not be sealed");
  const char *p[] = {id, sealed, sealing_current_id()};
  bool ok = db_run(c, &PRACTICE_SET_SECRET, 3, p, err);
  free(sealed);
  return ok;
}

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
  json_t *hold = json_object_get(body, "reply_hold_days");
  if (hold && (json_integer_value(hold) < 0 || json_integer_value(hold) > 30))
    return FAIL_VALUE(err, "reply_hold_days", "'reply_hold_days' must be from 0 to 30");
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
  const char *secret, *id;
} create_ctx;

/* Inserts the practice and seeds its default cadence library and templates. */
static bool create_tx(db_conn *c, void *vctx, cad_error *err) {
  create_ctx *x = vctx;
  db_tx_reset(x->out);
  char *text = json_dumps(x->body, JSON_COMPACT);
  const char *p[] = {text};
  db_result *r = db_exec(c, &PRACTICE_INSERT, 1, p, err);
  free(text);
  if (!r)
    return translate(c, err);
  const char *sp[] = {db_text(r, 0, 0)};
  db_result *seeded = db_exec(c, &PRACTICE_SEED, 1, sp, err);
  db_free(seeded);
  bool ok = seeded && store_secret(c, sp[0], x->secret, err);
  *x->out = ok ? db_json(r, 0, 1) : NULL;
  db_free(r);
  return ok;
}

bool practices_create(db_conn *c, json_t *body, json_t **out, cad_error *err) {
  char generated[65];
  create_ctx x = {body, out, str(body, "webhook_secret"), NULL};
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
  return db_one_json(db_exec(c, &PRACTICE_GET, 1, p, err), "practice", out, err);
}

typedef struct patch_ctx {
  const char *id, *body;
  json_t *secret, **out;
} patch_ctx;

/* The settings and, when given, the new webhook secret: both or neither. */
static bool patch_tx(db_conn *c, void *vctx, cad_error *err) {
  patch_ctx *x = vctx;
  db_tx_reset(x->out);
  const char *p[] = {x->id, x->body};
  db_result *r = db_exec(c, &PRACTICE_PATCH, 2, p, err);
  if (!r)
    return translate(c, err);
  if (db_rows(r) == 1 && x->secret && !store_secret(c, x->id, json_string_value(x->secret), err)) {
    db_free(r);
    return false;
  }
  return db_one_json(r, "practice", x->out, err);
}

bool practices_patch(db_conn *c, const char *id, json_t *body, json_t **out, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "practice");
  char *text = json_dumps(body, JSON_COMPACT);
  patch_ctx x = {id, text, json_object_get(body, "webhook_secret"), out};
  bool ok = db_tx(c, patch_tx, &x, err);
  free(text);
  return ok;
}

bool practices_webhook_secret(db_conn *c, const char *id, char **secret, cad_error *err) {
  *secret = NULL;
  if (!valid_uuid(id))
    return true;
  const char *p[] = {id};
  db_result *r = db_exec(c, &PRACTICE_SECRET, 1, p, err);
  if (!r)
    return false;
  bool ok = true;
  if (db_rows(r) == 1) {
    char context[80];
    secret_context(id, context);
    ok = (*secret = sealing_open(db_text(r, 0, 0), db_value(r, 0, 1), context)) != NULL;
    if (!ok) {
      /* A server-side fault (the row altered, or replicas with different keys): 503 so that the PMS retries
       * the delivery once it is fixed, rather than dropping it as a 403 would. */
      log_json("error", "a stored webhook secret does not open with SECRETS_KEY", json_pack("{s:s}", "practice_id", id));
      cad_fail(err, "secret_unreadable", NULL, "the practice's webhook secret cannot be read; retry later");
      err->retry_after_s = 60;
    }
  }
  db_free(r);
  return ok;
}

/* Seals, under the current key, each secret stored in plain text (before migration 0023) or under the
 * previous key; fails when one opens with neither, before anything is served. */
static bool reseal_tx(db_conn *c, void *vctx, cad_error *err) {
  int *resealed = vctx;
  *resealed = 0;
  const char *p[] = {sealing_current_id()};
  db_result *r = db_exec(c, &PRACTICE_NOT_SEALED_NOW, 1, p, err);
  if (!r)
    return false;
  int n = db_rows(r), unreadable = 0;
  bool ok = true;
  for (int i = 0; ok && i < n; i++) {
    const char *id = db_text(r, i, 0), *key = db_value(r, i, 2);
    char context[80];
    secret_context(id, context);
    char *plain = key ? sealing_open(db_text(r, i, 1), key, context) : strdup(db_text(r, i, 1));
    if (!plain) {
      unreadable++;
      continue;
    }
    ok = store_secret(c, id, plain, err);
    OPENSSL_cleanse(plain, strlen(plain));
    free(plain);
    *resealed += ok;
  }
  db_free(r);
  if (ok && unreadable) {
    return cad_fail(err, "secrets_key", NULL,
                    "%d stored webhook secret(s) open with neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS: set "
                    "SECRETS_KEY_PREVIOUS to the key they were sealed under", unreadable);
  }
  return ok;
}

bool practices_reseal_secrets(db_conn *c, cad_error *err) {
  int resealed = 0;
  if (!db_tx(c, reseal_tx, &resealed, err))
    return false;
  if (resealed)
    log_json("info", "webhook secrets sealed under the current SECRETS_KEY",
             json_pack("{s:i,s:s}", "practices", resealed, "key_id", sealing_current_id()));
  return true;
}
