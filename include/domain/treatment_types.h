/* treatment_types.h: the cadence library of a practice: each treatment type's
 * family, refill steps, lapse checkpoint, nurture and aftercare, and the names
 * practice-management systems use for it.
 * Transactions: a type and its aliases are one db_tx (joining the caller's when one is open). */
#ifndef CADENCE_TREATMENT_TYPES_H
#define CADENCE_TREATMENT_TYPES_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* A type code as given in a path, the way codes are stored: lower case, with '_' for spaces and
 * '-' ("Lip-Filler" is lip_filler). Truncated past 47 bytes (validation then refuses it). */
void treatment_code_normalise(const char *in, char out[48]);

/* Checks a PUT body's values (shape already checked); 422 naming the field. */
bool treatment_types_validate(const char *code, json_t *body, cad_error *err);

/* Creates or replaces type code; *created tells which. 409 naming a taken alias,
 * 422 when a step has no template for a channel it may use. Applies to later treatments. */
bool treatment_types_put(db_conn *conn, const char *practice_id, const char *code, json_t *body, json_t **out,
                         bool *created, cad_error *err);

/* {"data": [every type, by code], "next_cursor": null}. */
bool treatment_types_list(db_conn *conn, const char *practice_id, json_t **out, cad_error *err);

#endif
