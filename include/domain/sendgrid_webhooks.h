/* sendgrid_webhooks.h: SendGrid's signed event webhook: ECDSA P-256 / SHA-256
 * over the timestamp header followed by the raw body, against the configured
 * public key; events suppress, lift or record delivery on our messages.
 * Transactions: a delivery of events is one db_tx, each event once. */
#ifndef CADENCE_SENDGRID_WEBHOOKS_H
#define CADENCE_SENDGRID_WEBHOOKS_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "db.h"

/* Verifies signature (base64 DER) of timestamp + body with public_key (base64 DER SubjectPublicKeyInfo):
 * 401 when a header is missing, 403 when stale (beyond tolerance_s) or wrong. */
bool sendgrid_verify(const char *public_key, const char *signature, const char *timestamp, const char *body,
                     size_t len, time_t now, int tolerance_s, cad_error *err);

/* Applies an array of events in one transaction, each sg_event_id once; *applied counts the new
 * events matched to a message. */
bool sendgrid_events(db_conn *conn, json_t *events, int *applied, cad_error *err);

#endif
