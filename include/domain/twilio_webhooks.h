/* twilio_webhooks.h: what Twilio posts back: delivery status callbacks and
 * inbound SMS (STOP, START, HELP keywords), authenticated by X-Twilio-Signature.
 * Transactions: a status callback and an inbound message are each one db_tx with their event record. */
#ifndef CADENCE_TWILIO_WEBHOOKS_H
#define CADENCE_TWILIO_WEBHOOKS_H

#include <stdbool.h>

#include "db.h"
#include "form.h"

/* base64(HMAC-SHA1(token, url + each parameter sorted by name, name then value)) into out. */
void twilio_signature(const char *token, const char *url, const form *f, char out[29]);

/* Checks header against the signature of url and f in constant time: 401 when missing, 403 when wrong. */
bool twilio_verify(const char *token, const char *url, const form *f, const char *header, cad_error *err);

/* Records MessageStatus on the message with MessageSid, once per (MessageSid, status): a replay changes
 * nothing, and a status never moves a message backwards. Error 21610 (the recipient opted out)
 * suppresses the number. */
bool twilio_status(db_conn *conn, const form *f, cad_error *err);

/* Handles an inbound SMS once per MessageSid (a replayed request changes nothing): opt-out, opt-in or
 * help keywords for every practice sending from the To number. *twiml gets the TwiML reply (malloc'd). */
bool twilio_inbound(db_conn *conn, const form *f, char **twiml, cad_error *err);

#endif
