/* webhooks_twilio.c: POST /v1/webhooks/twilio/status and /v1/webhooks/twilio/inbound,
 * authenticated by X-Twilio-Signature over PUBLIC_BASE_URL + path and the form fields. */
#include "api.h"
#include "app.h"
#include "twilio_webhooks.h"

/* Decodes and authenticates the request; replies and returns false when refused. */
static bool verified(http_req *r, form *f, db_conn **db) {
  cad_error err;
  char url[600];
  snprintf(url, sizeof url, "%s%s", r->app->cfg.public_base_url, r->path);
  if (!form_parse(r->body ? r->body : "", r->body_len, f)) {
    cad_fail(&err, "malformed_form", NULL, "the form body cannot be decoded");
    http_reply_error(r, &err);
    return false;
  }
  bool ok = twilio_verify(r->app->cfg.twilio_webhook_token, url, f, http_header(r, "X-Twilio-Signature"), &err) &&
            (*db = http_db(r, &err)) != NULL;
  if (!ok) {
    http_reply_error(r, &err);
    form_free(f);
  }
  return ok;
}

void twilio_status_post(http_req *r) {
  form f;
  db_conn *db;
  if (!verified(r, &f, &db))
    return;
  cad_error err;
  if (api_check(r, twilio_status(db, &f, &err), &err))
    http_reply_empty(r, 204);
  form_free(&f);
}

void twilio_inbound_post(http_req *r) {
  form f;
  db_conn *db;
  if (!verified(r, &f, &db))
    return;
  cad_error err;
  char *twiml = NULL;
  if (api_check(r, twilio_inbound(db, &f, &twiml, &err), &err))
    http_reply_text(r, 200, "text/xml", twiml);
  free(twiml);
  form_free(&f);
}
