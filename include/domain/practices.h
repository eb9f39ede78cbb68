/* practices.h: the practices a deployment serves (a med-spa or one location)
 * with their settings. Inputs are JSON objects already checked for shape.
 * Transactions: creating a practice (its library, templates and sealed secret) is one db_tx; a patch and
 * its secret are one db_tx; both join the caller's when one is open. */
#ifndef CADENCE_PRACTICES_H
#define CADENCE_PRACTICES_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"
#include "timezones.h"

/* Checks the values of a create (creating) or patch body; 422 naming the field. */
bool practices_validate(const tz_set *zones, json_t *body, bool creating, cad_error *err);

/* Creates a practice; *out is its JSON with the webhook secret (generated when not given). */
bool practices_create(db_conn *conn, json_t *body, json_t **out, cad_error *err);

/* Reads a practice; 404 when unknown. */
bool practices_get(db_conn *conn, const char *id, json_t **out, cad_error *err);

/* Applies the fields present in body; 404 when unknown. */
bool practices_patch(db_conn *conn, const char *id, json_t *body, json_t **out, cad_error *err);

/* *secret: the practice's webhook secret in plain text (malloc'd), for checking a PMS signature, or NULL
 * for an unknown practice; false with err when the database fails or the secret does not open (503). */
bool practices_webhook_secret(db_conn *conn, const char *id, char **secret, cad_error *err);

/* At start-up: seals under the current SECRETS_KEY every webhook secret stored in plain text or under
 * SECRETS_KEY_PREVIOUS; 500 naming the count when some open with neither. */
bool practices_reseal_secrets(db_conn *conn, cad_error *err);

#endif
