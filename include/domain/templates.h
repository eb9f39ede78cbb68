/* templates.h: a practice's message templates by treatment type ("default"
 * for all), step, channel and optionally injector. Saving checks variables
 * and the appearance deny-list, and measures SMS encoding and segments.
 * Transactions: each write is one db_tx (joining the caller's when one is open). */
#ifndef CADENCE_TEMPLATES_H
#define CADENCE_TEMPLATES_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* Creates or replaces the template at (treatment_type, step, channel, body.injector_id). */
bool templates_put(db_conn *conn, const char *practice_id, const char *treatment_type, const char *step,
                   const char *channel, json_t *body, json_t **out, bool *created, cad_error *err);

/* Renders a step's template (the one the dispatcher would pick, or body.body/subject unsaved) with
 * sample values and the practice's own texts, leaving out the optional parts body.parts turns off:
 * {"subject", "body", "sms_estimate"?, "template"}. The shape is checked by the caller. */
bool templates_preview(db_conn *conn, const char *practice_id, json_t *body, json_t **out, cad_error *err);

/* {"data": [...], "next_cursor": null}, filtered by the non-NULL arguments. */
bool templates_list(db_conn *conn, const char *practice_id, const char *treatment_type, const char *step,
                    const char *channel, json_t **out, cad_error *err);

#endif
