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
 *   occurred_at  when it happened at the vendor, or NULL: orders updates of one resource; RFC 3339,
 *                or a local time without offset (read in the practice's zone); occurred_at_field
 *                names it in the vendor's body
 *   ops          array of {"op", "resource", "data", "fields"?} with op one of
 *                  client.upserted     data: client fields + external_id {system, id}
 *                  treatment.completed data: a POST /v1/treatments body with client.external_id,
 *                                            injector_name, and times maybe local (no offset)
 *                  treatment.refunded  data: {source, external_id} of the visit, or {source, client
 *                                            {external_id}, refunded_at, types [names]} to find it by
 *                  booking.upserted    data: {external_id, client {external_id, ...}, starts_at,
 *                                            duration_minutes, services [names], injector_name, state}
 *                  ignored             data: {reason}
 *                and fields saying where each of data's fields came from in the vendor's body, so an
 *                error names what the vendor sent: {"paths": {cadence path: vendor path},
 *                "items": [vendor path of items[i] or services[i]], "item_keys": {cadence: vendor}}
 * Owned by the caller (pms_delivery_free). */
typedef struct pms_delivery {
  const char *event_id, *event_type, *occurred_at, *occurred_at_field;
  json_t *ops;
} pms_delivery;

/* The vendor's name for a field of an operation's data (err->field after mapping), from the op's
 * fields; "data.<path>" when the op says nothing of it. Writes at most len bytes. */
void pms_vendor_field(json_t *op, const char *path, char *out, size_t len);

/* False with 404 for an unknown vendor, 422 naming the field for a body that is not the vendor's
 * shape. Strings point into body, which must outlive the delivery. */
bool pms_translate(const char *vendor, json_t *body, pms_delivery *out, cad_error *err);
void pms_delivery_free(pms_delivery *d);

/* A phone as PMSs write it ("+1 (555) 123-4567", "555.123.4567" in a US practice) in E.164, or
 * "" when it cannot be one. 10 digits without a country code are taken as North American. */
void pms_normalise_phone(const char *in, char out[20]);

#endif
