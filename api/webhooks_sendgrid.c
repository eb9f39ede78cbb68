/* webhooks_sendgrid.c: POST /v1/webhooks/sendgrid/events (signed event webhook) and POST
 * /v1/webhooks/sendgrid/inbound (Inbound Parse: email replies, Basic credentials in its URL). */
#include "api.h"
#include "app.h"
#include "multipart.h"
#include "sendgrid_inbound.h"
#include "sendgrid_webhooks.h"

void sendgrid_events_post(http_req *r) {
  cad_error err;
  int applied = 0;
  db_conn *db = NULL;
  bool ok = sendgrid_verify(r->app->cfg.sendgrid_webhook_key, http_header(r, "X-Twilio-Email-Event-Webhook-Signature"),
                            http_header(r, "X-Twilio-Email-Event-Webhook-Timestamp"), r->body ? r->body : "",
                            r->body_len, time(NULL), r->app->cfg.pms_tolerance_s, &err) &&
            (db = http_db(r, &err)) && sendgrid_events(db, r->json, &applied, &err);
  if (api_check(r, ok, &err))
    http_reply_json(r, 200, json_pack("{s:i}", "applied", applied));
}

/* Inbound Parse: the multipart body is read as it arrives, after the credentials are checked; fields are
 * kept up to 256 KiB (a text part past it is cut), attachments are counted and dropped. */
enum { INBOUND_FIELD_MAX = 256 * 1024 };

static void drop_multipart(http_req *r) {
  multipart_free(r->stream_state);
  r->stream_state = NULL;
  r->stream_abort = NULL;
}

static bool inbound_allowed(http_req *r) {
  cad_error err;
  return api_check(
      r, sendgrid_inbound_verify(r->app->cfg.sendgrid_inbound_secret, http_header(r, "Authorization"), &err), &err);
}

bool sendgrid_inbound_stream(http_req *r, const char *data, size_t len) {
  cad_error err;
  if (!r->stream_state) {
    if (!inbound_allowed(r))
      return false;
    if (!(r->stream_state = multipart_begin(r, INBOUND_FIELD_MAX))) {
      cad_fail(&err, "unsupported_media_type", NULL, "the body must be multipart/form-data");
      http_reply_error(r, &err);
      return false;
    }
    r->stream_abort = drop_multipart;
  }
  if (multipart_feed(r->stream_state, data, len))
    return true;
  drop_multipart(r);
  cad_fail(&err, "malformed_form", NULL, "the multipart body cannot be decoded");
  http_reply_error(r, &err);
  return false;
}

void sendgrid_inbound_post(http_req *r) {
  cad_error err;
  if (!r->stream_state) { /* no body at all */
    if (inbound_allowed(r)) {
      cad_fail(&err, "missing_field", "from", "the body is empty: Inbound Parse posts from, to, text");
      http_reply_error(r, &err);
    }
    return;
  }
  multipart *m = r->stream_state;
  r->stream_state = NULL;
  r->stream_abort = NULL;
  parsed_email e = {
      multipart_get(m, "from", NULL),     multipart_get(m, "to", NULL),       multipart_get(m, "subject", NULL),
      multipart_get(m, "text", NULL),     multipart_get(m, "html", NULL),     multipart_get(m, "headers", NULL),
      multipart_get(m, "envelope", NULL), multipart_get(m, "charsets", NULL), multipart_files(m)};
  json_t *out = NULL;
  db_conn *db = http_db(r, &err);
  if (api_check(r, db && sendgrid_inbound_receive(db, &e, &out, &err), &err))
    http_reply_json(r, 200, out);
  multipart_free(m);
}
