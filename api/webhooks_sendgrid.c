/* webhooks_sendgrid.c: POST /v1/webhooks/sendgrid/events (signed event webhook). */
#include "api.h"
#include "app.h"
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
