/* treatments.h: completed visits with their items. Recording one plans its
 * reminder sequences in the same transaction (plans.h). */
#ifndef CADENCE_TREATMENTS_H
#define CADENCE_TREATMENTS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"
#include "timezones.h"

/* Filters for treatments_list; NULL members do not filter. */
typedef struct treatment_query {
  const char *client_id, *injector_id, *from, *to, *cursor;
  int limit;
} treatment_query;

/* Checks a create body: fields and types (400/422), then values (422), naming the field. */
bool treatments_validate(const tz_set *zones, json_t *body, cad_error *err);

/* Records a visit and plans its reminders. A repeat of (source, external_id)
 * with the same body returns the first treatment with *replayed set; with
 * another body it is 409. */
bool treatments_create(db_conn *conn, const char *practice_id, json_t *body, json_t **out, bool *replayed,
                       cad_error *err);

/* Reads one treatment; 404 when not in the practice. */
bool treatments_get(db_conn *conn, const char *practice_id, const char *id, json_t **out, cad_error *err);

/* One page of treatments, newest first, as {"data", "next_cursor"}. */
bool treatments_list(db_conn *conn, const char *practice_id, const treatment_query *q, json_t **out,
                     cad_error *err);

#endif
