/* A PMS webhook body for each vendor (the first byte picks Zenoti,
 * PatientNow or generic): translated into Cadence's operations, or refused
 * with a 4xx naming a field. Every operation is one Cadence knows, and every
 * field of it maps back to a vendor path. */
#include <jansson.h>

#include "fuzz.h"
#include "pms_vendors.h"

static const char *const VENDORS[] = {"zenoti", "patientnow", "generic"};
static const char *const OPS[] = {"client.upserted", "treatment.completed", "treatment.refunded", "booking.upserted",
                                  "ignored", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  json_error_t jerr;
  json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, &jerr);
  if (!body)
    return 0;
  pms_delivery d;
  cad_error err;
  if (pms_translate(VENDORS[data[0] % 3], body, &d, &err)) {
    FUZZ_ASSERT(d.event_id && *d.event_id && json_is_array(d.ops));
    size_t i;
    json_t *op;
    json_array_foreach(d.ops, i, op) {
      const char *name = json_string_value(json_object_get(op, "op"));
      FUZZ_ASSERT(name);
      int k = 0;
      while (OPS[k] && strcmp(OPS[k], name) != 0)
        k++;
      FUZZ_ASSERT(OPS[k] != NULL);
      char where[200];
      pms_vendor_field(op, "client.phone", where, sizeof where);
      FUZZ_ASSERT(where[0]);
      pms_vendor_field(op, "items[0].type", where, sizeof where);
      FUZZ_ASSERT(where[0]);
    }
    pms_delivery_free(&d);
  } else {
    if (!(err.status >= 400 && err.status < 500))
      fprintf(stderr, "status %d %s %s: %s\n", err.status, err.code, err.field, err.message);
    FUZZ_ASSERT(err.status >= 400 && err.status < 500);
  }
  json_decref(body);
  /* Phones as vendors write them: the body's text as one. */
  char *text = strndup((const char *)data + 1, size - 1), phone[20];
  pms_normalise_phone(text, phone);
  FUZZ_ASSERT(strlen(phone) < sizeof phone && (!*phone || phone[0] == '+'));
  free(text);
  return 0;
}
