/* practices.h: the practices a deployment serves (a med-spa or one location)
 * with their settings. Inputs are JSON objects already checked for shape. */
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

#endif
