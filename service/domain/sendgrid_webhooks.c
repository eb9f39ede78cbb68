/* sendgrid_webhooks.c: events are matched to our message by the custom arg
 * cadence_message_id, or by sg_message_id (our X-Message-Id plus a suffix). */
#include "sendgrid_webhooks.h"
#include "sendgrid_webhooks_sql.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suppressions.h"
#include "validate.h"

/* Decodes base64 into a new buffer; NULL when it is not base64. */
static unsigned char *unbase64(const char *in, int *len) {
  size_t n = strlen(in);
  if (n == 0 || n % 4 != 0)
    return NULL;
  unsigned char *out = malloc(n);
  int got = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
  if (got < 0) {
    free(out);
    return NULL;
  }
  got -= (in[n - 1] == '=') + (in[n - 2] == '='); /* DecodeBlock counts padding as zero bytes */
  *len = got;
  return out;
}

bool sendgrid_verify(const char *public_key, const char *signature, const char *timestamp, const char *body,
                     size_t len, time_t now, int tolerance_s, cad_error *err) {
  if (!public_key)
    return cad_fail(err, "webhooks_not_configured", NULL, "SENDGRID_WEBHOOK_PUBLIC_KEY is not set");
  if (!signature || !timestamp)
    return cad_fail(err, "missing_signature", "X-Twilio-Email-Event-Webhook-Signature",
                    "the signature and timestamp headers are required");
  char *end;
  long long ts = strtoll(timestamp, &end, 10);
  if (*end || end == timestamp || llabs((long long)now - ts) > tolerance_s)
    return cad_fail(err, "stale_request", "X-Twilio-Email-Event-Webhook-Timestamp",
                    "the timestamp is outside the accepted window");
  int klen = 0, slen = 0;
  unsigned char *kder = unbase64(public_key, &klen), *sig = unbase64(signature, &slen);
  const unsigned char *p = kder;
  EVP_PKEY *key = kder ? d2i_PUBKEY(NULL, &p, klen) : NULL;
  bool ok = false;
  if (key && sig) {
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
         EVP_DigestVerifyUpdate(md, timestamp, strlen(timestamp)) == 1 &&
         EVP_DigestVerifyUpdate(md, body, len) == 1 && EVP_DigestVerifyFinal(md, sig, (size_t)slen) == 1;
    EVP_MD_CTX_free(md);
  }
  EVP_PKEY_free(key);
  free(kder);
  free(sig);
  return ok ? true : cad_fail(err, "invalid_signature", "X-Twilio-Email-Event-Webhook-Signature",
                              "the signature does not verify");
}

static bool is(const char *s, const char *v) { return s && strcmp(s, v) == 0; }

typedef struct events_ctx {
  json_t *events;
  int *applied;
} events_ctx;

static bool events_tx(db_conn *c, void *vctx, cad_error *err) {
  events_ctx *x = vctx;
  json_t *events = x->events;
  int *applied = x->applied;
  *applied = 0;
  size_t i;
  json_t *e;
  json_array_foreach(events, i, e) {
    const char *event = json_string_value(json_object_get(e, "event"));
    const char *ours = json_string_value(json_object_get(e, "cadence_message_id"));
    const char *sg = json_string_value(json_object_get(e, "sg_message_id"));
    if (!event || (!ours && !sg))
      continue;
    const char *p[] = {ours && valid_uuid(ours) ? ours : NULL, sg};
    db_result *r = db_exec(c, &SG_FIND, 2, p, err);
    if (!r)
      return false;
    if (db_rows(r) == 0) {
      db_free(r);
      continue; /* not ours (or not any more) */
    }
    char practice[37], id[37], address[256], evidence[64];
    snprintf(practice, sizeof practice, "%s", db_text(r, 0, 0));
    snprintf(id, sizeof id, "%s", db_text(r, 0, 1));
    snprintf(address, sizeof address, "%s", db_text(r, 0, 2));
    db_free(r);
    const char *event_id = json_string_value(json_object_get(e, "sg_event_id"));
    bool fresh = true;
    const char *kp[] = {practice, event_id};
    if (event_id && !db_exists(c, &SG_CLAIM, 2, kp, &fresh, err))
      return false;
    if (!fresh)
      continue; /* delivered before */
    snprintf(evidence, sizeof evidence, "SendGrid event %.40s", event);
    const char *type = json_string_value(json_object_get(e, "type"));
    bool hard_bounce = is(event, "bounce") && !is(type, "blocked"); /* "blocked" is a soft bounce */
    bool ok = true;
    if (hard_bounce || is(event, "dropped") || is(event, "spamreport") || is(event, "unsubscribe") ||
        is(event, "group_unsubscribe")) {
      ok = suppressions_add(c, practice, "email", address, "email_event", evidence, err);
    } else if (is(event, "group_resubscribe")) {
      const char *lp[] = {practice, address, evidence};
      db_result *l = db_exec(c, &SG_LIFT, 3, lp, err);
      ok = l != NULL;
      db_free(l);
    }
    if (ok) {
      const char *dp[] = {practice, id, event};
      db_result *d = db_exec(c, &SG_DELIVERY, 3, dp, err);
      ok = d != NULL;
      db_free(d);
    }
    if (!ok)
      return false;
    (*applied)++;
  }
  return true;
}

bool sendgrid_events(db_conn *c, json_t *events, int *applied, cad_error *err) {
  *applied = 0;
  if (!json_is_array(events))
    return cad_fail(err, "invalid_body", NULL, "the body must be a JSON array of events");
  events_ctx x = {events, applied};
  return db_tx(c, events_tx, &x, err);
}
