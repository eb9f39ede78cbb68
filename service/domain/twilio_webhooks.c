/* twilio_webhooks.c: status callbacks and inbound keywords. The whole body of
 * an inbound SMS, trimmed and case-insensitive, must be the keyword, as
 * Twilio's own opt-out handling does. */
#include "twilio_webhooks.h"
#include "twilio_webhooks_sql.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "suppressions.h"

static const char *const STOP_WORDS[] = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
                                         "OPTOUT", NULL};
static const char *const START_WORDS[] = {"START", "UNSTOP", "YES", NULL};
static const char *const HELP_WORDS[] = {"HELP", "INFO", NULL};

/* Delivery statuses in the order a message moves through them. */
static const char *const STATUS_ORDER[] = {"accepted", "scheduled", "queued", "sending", "sent", "receiving",
                                           "received", "delivered", "undelivered", "failed", "read", NULL};

typedef struct sorted_pair {
  const char *name, *value;
} sorted_pair;

static int by_name(const void *a, const void *b) {
  const sorted_pair *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : strcmp(x->value, y->value);
}

void twilio_signature(const char *token, const char *url, const form *f, char out[29]) {
  sorted_pair pairs[FORM_MAX_PAIRS] = {{NULL, NULL}};
  size_t len = strlen(url) + 1;
  for (int i = 0; i < f->n; i++) {
    pairs[i] = (sorted_pair){f->pairs[i].name, f->pairs[i].value};
    len += strlen(pairs[i].name) + strlen(pairs[i].value);
  }
  qsort(pairs, (size_t)f->n, sizeof pairs[0], by_name);
  char *data = malloc(len), *w = data;
  w += sprintf(w, "%s", url);
  for (int i = 0; i < f->n; i++)
    w += sprintf(w, "%s%s", pairs[i].name, pairs[i].value);
  crypto_hmac_sha1_base64(token, data, (size_t)(w - data), out);
  free(data);
}

bool twilio_verify(const char *token, const char *url, const form *f, const char *header, cad_error *err) {
  if (!token)
    return cad_fail(err, "webhooks_not_configured", NULL, "TWILIO_AUTH_TOKEN is not set on this server");
  if (!header || !*header)
    return cad_fail(err, "missing_signature", "X-Twilio-Signature", "X-Twilio-Signature is required");
  char expected[29];
  twilio_signature(token, url, f, expected);
  if (!crypto_equal(expected, header))
    return cad_fail(err, "invalid_signature", "X-Twilio-Signature", "the signature does not match");
  return true;
}

static int rank(const char *status) {
  for (int i = 0; STATUS_ORDER[i]; i++)
    if (strcmp(STATUS_ORDER[i], status) == 0)
      return i + 1;
  return 0;
}

typedef struct status_ctx {
  const form *f;
} status_ctx;

static bool status_tx(db_conn *c, void *vctx, cad_error *err) {
  const form *f = ((status_ctx *)vctx)->f;
  const char *sid = form_get(f, "MessageSid"), *status = form_get(f, "MessageStatus");
  const char *cp[] = {sid, status};
  bool claimed;
  if (!db_exists(c, &TW_CLAIM_STATUS, 2, cp, &claimed, err))
    return false;
  if (!claimed)
    return true; /* a replay, or not our message: nothing changes */
  const char *code = form_get(f, "ErrorCode");
  if (code && !*code)
    code = NULL;
  char r[8], order[256] = "{";
  snprintf(r, sizeof r, "%d", rank(status));
  for (int i = 0; STATUS_ORDER[i]; i++)
    snprintf(order + strlen(order), sizeof order - strlen(order), "%s%s", i ? "," : "", STATUS_ORDER[i]);
  strcat(order, "}");
  const char *p[] = {sid, status, code, r, order};
  db_result *res = db_exec(c, &TW_STATUS, 5, p, err);
  if (!res)
    return false;
  bool ok = true;
  /* An opted-out recipient: Twilio refuses with 21610 after accepting the message. */
  if (db_rows(res) == 1 && code && strcmp(code, "21610") == 0)
    ok = suppressions_add(c, db_text(res, 0, 0), "sms", db_text(res, 0, 1), "provider_error",
                          "status callback with error 21610", err);
  db_free(res);
  return ok;
}

bool twilio_status(db_conn *c, const form *f, cad_error *err) {
  const char *sid = form_get(f, "MessageSid"), *status = form_get(f, "MessageStatus");
  if (!sid || !status)
    return cad_fail(err, "missing_field", sid ? "MessageStatus" : "MessageSid", "MessageSid and MessageStatus are required");
  if (!rank(status))
    return cad_fail(err, "invalid_value", "MessageStatus", "unknown MessageStatus");
  status_ctx x = {f};
  return db_tx(c, status_tx, &x, err);
}

/* The body as a keyword: trimmed, upper-cased, or "" when longer than a keyword can be. */
static void keyword_of(const char *body, char out[16]) {
  out[0] = 0;
  while (body && isspace((unsigned char)*body))
    body++;
  size_t n = body ? strlen(body) : 0;
  while (n && isspace((unsigned char)body[n - 1]))
    n--;
  if (n == 0 || n >= 16)
    return;
  for (size_t i = 0; i < n; i++)
    out[i] = (char)toupper((unsigned char)body[i]);
  out[n] = 0;
}

static bool is_one_of(const char *word, const char *const *list) {
  for (; *list; list++)
    if (strcmp(word, *list) == 0)
      return true;
  return false;
}

/* Escapes text for XML. */
static char *xml_escape(const char *s) {
  size_t len = 1;
  for (const char *p = s; *p; p++)
    len += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : *p == '"' ? 6 : 1;
  char *out = malloc(len), *w = out;
  for (const char *p = s; *p; p++) {
    const char *rep = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '"' ? "&quot;" : NULL;
    if (rep)
      w += sprintf(w, "%s", rep);
    else
      *w++ = *p;
  }
  *w = 0;
  return out;
}

typedef struct inbound_ctx {
  const form *f;
  char **twiml;
} inbound_ctx;

static bool inbound_tx(db_conn *c, void *vctx, cad_error *err) {
  inbound_ctx *x = vctx;
  const form *f = x->f;
  char **twiml = x->twiml;
  free(*twiml);
  *twiml = NULL;
  const char *from = form_get(f, "From"), *to = form_get(f, "To"), *sid = form_get(f, "MessageSid");
  char word[16];
  keyword_of(form_get(f, "Body"), word);
  const char *opt_out_type = form_get(f, "OptOutType"); /* Twilio Advanced Opt-Out: STOP, START or HELP */
  if (opt_out_type && *opt_out_type)
    keyword_of(opt_out_type, word);
  bool stop = is_one_of(word, STOP_WORDS), start = is_one_of(word, START_WORDS), help = is_one_of(word, HELP_WORDS);
  const char *service = form_get(f, "MessagingServiceSid");
  const char *p[] = {to, service ? service : to};
  db_result *r = db_exec(c, &TW_PRACTICES_FOR, 2, p, err);
  if (!r)
    return false;
  bool ok = true, fresh = false;
  char evidence[48];
  snprintf(evidence, sizeof evidence, "SMS keyword %s", word);
  for (int i = 0; ok && i < db_rows(r); i++) {
    const char *practice = db_text(r, i, 0);
    const char *kp[] = {practice, sid};
    bool claimed;
    if (!(ok = db_exists(c, &TW_CLAIM_INBOUND, 2, kp, &claimed, err)) || !claimed)
      continue; /* this practice had this message already: a replay changes nothing */
    fresh = true;
    if (stop) {
      ok = suppressions_add(c, practice, "sms", from, "sms_keyword", evidence, err);
    } else if (start) {
      const char *lp[] = {practice, from, evidence};
      db_result *l = db_exec(c, &TW_LIFT, 3, lp, err);
      ok = l != NULL;
      db_free(l);
    }
  }
  char *reply = NULL;
  if (ok && help && fresh)
    reply = xml_escape(db_text(r, 0, 1));
  db_free(r);
  if (!ok)
    return false;
  /* STOP and START confirmations are sent by Twilio itself; HELP gets the practice's contact text. */
  size_t len = (reply ? strlen(reply) : 0) + 128;
  *twiml = malloc(len);
  snprintf(*twiml, len, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>%s%s%s</Response>",
           reply ? "<Message>" : "", reply ? reply : "", reply ? "</Message>" : "");
  free(reply);
  return true;
}

bool twilio_inbound(db_conn *c, const form *f, char **twiml, cad_error *err) {
  *twiml = NULL;
  const char *from = form_get(f, "From"), *to = form_get(f, "To"), *sid = form_get(f, "MessageSid");
  if (!from || !to || !sid)
    return cad_fail(err, "missing_field", !from ? "From" : !to ? "To" : "MessageSid",
                    "From, To and MessageSid are required");
  inbound_ctx x = {f, twiml};
  bool ok = db_tx(c, inbound_tx, &x, err);
  if (!ok) {
    free(*twiml);
    *twiml = NULL;
  }
  return ok;
}
