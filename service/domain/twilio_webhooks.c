/* twilio_webhooks.c: status callbacks and inbound SMS. Every inbound SMS is kept in its conversation
 * (conversations.h) and read by replies.h: a keyword (the whole body, as Twilio's own opt-out handling
 * reads it) acts as before; a revocation in free text suppresses the number and is confirmed once. */
#include "twilio_webhooks.h"
#include "twilio_webhooks_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conversations.h"
#include "crypto.h"
#include "replies.h"
#include "suppressions.h"

/* Delivery statuses in the order a message moves through them. */
static const char *const STATUS_ORDER[] = {"accepted", "scheduled", "queued",      "sending", "sent", "receiving",
                                           "received", "delivered", "undelivered", "failed",  "read", NULL};

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
    return cad_fail(err, "missing_field", sid ? "MessageStatus" : "MessageSid",
                    "MessageSid and MessageStatus are required");
  if (!rank(status))
    return cad_fail(err, "invalid_value", "MessageStatus", "unknown MessageStatus");
  status_ctx x = {f};
  return db_tx(c, status_tx, &x, err);
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

/* How the body reads; Twilio's Advanced Opt-Out names the keyword it acted on (OptOutType) itself. */
static void read_inbound(const form *f, reply_reading *rd) {
  replies_read(form_get(f, "Body"), rd);
  const char *type = form_get(f, "OptOutType");
  reply_reading typed;
  replies_read(type, &typed);
  if (type && *type && typed.keyword && typed.kind != REPLY_MESSAGE)
    *rd = typed;
}

static char *twiml_message(const char *text) {
  char *escaped = text ? xml_escape(text) : NULL;
  size_t len = (escaped ? strlen(escaped) : 0) + 128;
  char *out = malloc(len);
  snprintf(out, len, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>%s%s%s</Response>",
           escaped ? "<Message>" : "", escaped ? escaped : "", escaped ? "</Message>" : "");
  free(escaped);
  return out;
}

static bool inbound_tx(db_conn *c, void *vctx, cad_error *err) {
  inbound_ctx *x = vctx;
  const form *f = x->f;
  free(*x->twiml);
  *x->twiml = NULL;
  const char *from = form_get(f, "From"), *to = form_get(f, "To"), *sid = form_get(f, "MessageSid");
  reply_reading rd;
  read_inbound(f, &rd);
  const char *service = form_get(f, "MessagingServiceSid");
  const char *p[] = {to, service ? service : to};
  db_result *r = db_exec(c, &TW_PRACTICES_FOR, 2, p, err);
  if (!r)
    return false;
  bool ok = true, fresh = false;
  char answer[480] = "";
  char evidence[80];
  snprintf(evidence, sizeof evidence, "SMS %s", rd.evidence);
  for (int i = 0; ok && i < db_rows(r); i++) {
    const char *practice = db_text(r, i, 0);
    const char *kp[] = {practice, sid};
    bool claimed;
    if (!(ok = db_exists(c, &TW_CLAIM_INBOUND, 2, kp, &claimed, err)) || !claimed)
      continue; /* this practice had this message already: a replay changes nothing */
    fresh = true;
    inbound_sms in = {practice, db_text(r, i, 2), from, to, form_get(f, "Body"), sid, &rd};
    char said[480];
    ok = conversations_record_sms(c, &in, said, sizeof said, err);
    if (ok && said[0] && !answer[0])
      snprintf(answer, sizeof answer, "%s", said);
    if (ok && rd.keyword && rd.kind == REPLY_STOP) {
      ok = suppressions_add(c, practice, "sms", from, "sms_keyword", evidence, err);
    } else if (ok && rd.keyword && rd.kind == REPLY_START) {
      const char *lp[] = {practice, from, evidence};
      db_result *l = db_exec(c, &TW_LIFT, 3, lp, err);
      ok = l != NULL;
      db_free(l);
    }
  }
  /* Keyword STOP and START are confirmed by Twilio itself; HELP gets the practice's contact text; a
   * revocation in free text (which Twilio does not act on) or a booked slot is answered as recorded. */
  const char *reply = ok && fresh && rd.keyword && rd.kind == REPLY_HELP ? db_text(r, 0, 1) : answer[0] ? answer : NULL;
  if (ok)
    *x->twiml = twiml_message(reply);
  db_free(r);
  return ok;
}

bool twilio_inbound(db_conn *c, const form *f, char **twiml, cad_error *err) {
  *twiml = NULL;
  const char *from = form_get(f, "From"), *to = form_get(f, "To"), *sid = form_get(f, "MessageSid");
  if (!from || !to || !sid)
    return cad_fail(err, "missing_field",
                    !from ? "From"
                    : !to ? "To"
                          : "MessageSid",
                    "From, To and MessageSid are required");
  inbound_ctx x = {f, twiml};
  bool ok = db_tx(c, inbound_tx, &x, err);
  if (!ok) {
    free(*twiml);
    *twiml = NULL;
  }
  return ok;
}
