/* pms.h: events posted by practice-management systems, authenticated by an
 * HMAC-SHA256 of the timestamp and raw body with the practice's webhook secret,
 * inside a replay window, and idempotent on the event id.
 * Transactions: a delivery is one db_tx with its event record: applied whole or not at all. */
#ifndef CADENCE_PMS_H
#define CADENCE_PMS_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "db.h"
#include "timezones.h"

/* The signed request as received. */
typedef struct pms_request {
  const char *vendor, *practice_id, *timestamp, *signature; /* from the path and X-Cadence-* headers */
  const char *body;
  size_t body_len;
  json_t *json;
  time_t now;
  int tolerance_s;
} pms_request;

/* Authenticates and applies one event. *status is 200 (duplicate or update) or 201 (created);
 * *out describes the outcome. 401/403 change nothing. */
bool pms_handle(db_conn *conn, const tz_set *zones, const pms_request *req, int *status, json_t **out,
                cad_error *err);

/* One visit in Cadence's form (a POST /v1/treatments body with client.external_id, injector_name,
 * performed_at maybe local) from source, as webhooks apply it; *outcome (the caller's) is
 * {"outcome": created | unchanged | no_mapped_items, "unmapped": [names]}. Nothing is written for a
 * visit none of whose items map. For CSV imports. */
bool pms_apply_visit(db_conn *conn, const tz_set *zones, const char *practice_id, const char *source,
                     const char *event_id, json_t *data, json_t **outcome, cad_error *err);
/* {"data": [...]}: the vendor names (services, items) no type, alias or family maps yet, most
 * frequent first; a name leaves the list once an alias maps it. */
bool pms_unmapped(db_conn *conn, const char *practice_id, json_t **out, cad_error *err);

#endif
