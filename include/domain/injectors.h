/* injectors.h: the practice's injectors (who performs treatments and, in
 * injector sender mode, who signs reminders).
 * Transactions: each write is one statement, atomic by itself, in the caller's transaction if any. */
#ifndef CADENCE_INJECTORS_H
#define CADENCE_INJECTORS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* Checks the values of a create or patch body; 422 naming the field. */
bool injectors_validate(json_t *body, cad_error *err);
bool injectors_create(db_conn *conn, const char *practice_id, json_t *body, json_t **out, cad_error *err);
/* Applies the fields present; 404 when unknown. */
bool injectors_patch(db_conn *conn, const char *practice_id, const char *id, json_t *body, json_t **out,
                     cad_error *err);
/* {"data": [...by name], "next_cursor": null}. */
bool injectors_list(db_conn *conn, const char *practice_id, json_t **out, cad_error *err);

#endif
