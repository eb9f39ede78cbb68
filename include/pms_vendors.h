/* pms_vendors.h: turns a vendor's webhook body (Zenoti, PatientNow, or
 * Cadence's own "generic") into Cadence's normalised operations, without
 * I/O. Mapping rules are documented per vendor in README.md. */
#ifndef CADENCE_PMS_VENDORS_H
#define CADENCE_PMS_VENDORS_H

#include <jansson.h>
#include <stdbool.h>

#include "error.h"

/* One delivery, normalised:
 *   event_id     the vendor's id of this delivery (idempotency)
 *   event_type   the vendor's name for it
 *   occurred_at  when it happened at the vendor (RFC 3339) or NULL: orders updates of one resource
 *   ops          array of {"op", "resource", "data"} with op one of
 *                  client.upserted     data: client fields + external_id {system, id}
 *                  treatment.completed data: a POST /v1/treatments body with client.external_id,
 *                                            injector_name, and times maybe local (no offset)
 *                  booking.upserted    data: {external_id, client {external_id, ...}, starts_at,
 *                                            duration_minutes, services [names], injector_name, state}
 *                  ignored             data: {reason}
 * Owned by the caller (pms_delivery_free). */
typedef struct pms_delivery {
  const char *event_id, *event_type, *occurred_at;
  json_t *ops;
} pms_delivery;

/* False with 404 for an unknown vendor, 422 naming the field for a body that is not the vendor's
 * shape. Strings point into body, which must outlive the delivery. */
bool pms_translate(const char *vendor, json_t *body, pms_delivery *out, cad_error *err);
void pms_delivery_free(pms_delivery *d);

/* A phone as PMSs write it ("+1 (555) 123-4567", "555.123.4567" in a US practice) in E.164, or
 * "" when it cannot be one. 10 digits without a country code are taken as North American. */
void pms_normalise_phone(const char *in, char out[20]);

#endif
