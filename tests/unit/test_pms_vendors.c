/* Vendor payloads into Cadence's operations: phones, Zenoti and PatientNow
 * shapes, refusals naming the field. */
#include "check.h"
#include "pms_vendors.h"

static void phone(const char *in, const char *want) {
  char out[20];
  pms_normalise_phone(in, out);
  CHECK_STR(out, want);
}

/* The only operation of a translated body; NULL when it did not translate. */
static json_t *only_op(const char *vendor, const char *text, pms_delivery *d, cad_error *err) {
  json_t *body = json_loads(text, 0, NULL);
  bool ok = pms_translate(vendor, body, d, err);
  json_decref(body); /* the delivery's strings point into body: read them before this in real code */
  return ok && json_array_size(d->ops) == 1 ? json_array_get(d->ops, 0) : NULL;
}

void test_pms_vendors(void) {
  phone("+1 (555) 444-3333", "+15554443333");
  phone("555.444.3333", "+15554443333");
  phone("1-555-444-3333", "+15554443333");
  phone("+44 20 7946 0958", "+442079460958");
  phone("+91 9885117036", "+919885117036");
  phone("0555 444 333", "");     /* national form of an unknown country */
  phone("123-4567", "");         /* too short */
  phone("555-444-3333 x12", ""); /* an extension is not a mobile number */
  phone(NULL, "");

  pms_delivery d;
  cad_error err;
  json_t *body = json_loads(
      "{\"id\":\"wh-1\",\"event_type\":\"Invoice.Closed\",\"event_timestamp\":\"2026-03-11T14:22:43Z\",\"data\":{"
      "\"invoice\":{\"id\":\"inv-1\",\"invoice_date\":\"2026-03-11T08:00:00\",\"is_refund\":false,"
      "\"guest\":{\"id\":\"g-1\",\"first_name\":\"Pia\",\"mobile_phone\":\"+1 555 444 3333\",\"guest_email\":\"\","
      "\"preferences\":{\"receive_marketing_sms\":true}},"
      "\"invoice_items\":[{\"name\":\"Botox Cosmetic\",\"price\":{\"final\":280.5},\"therapist\":{\"name\":\"Dr. R\"}},"
      "{\"name\":\"\"}]}}}",
      0, NULL);
  CHECK(pms_translate("zenoti", body, &d, &err));
  CHECK_STR(d.event_id, "wh-1");
  CHECK_STR(d.occurred_at, "2026-03-11T14:22:43Z");
  json_t *op = json_array_get(d.ops, 0), *data = json_object_get(op, "data");
  CHECK_STR(json_string_value(json_object_get(op, "op")), "treatment.completed");
  CHECK_STR(json_string_value(json_object_get(op, "resource")), "invoice:inv-1");
  CHECK_STR(json_string_value(json_object_get(data, "performed_at")), "2026-03-11T08:00:00");
  CHECK_STR(json_string_value(json_object_get(data, "injector_name")), "Dr. R");
  CHECK(json_array_size(json_object_get(data, "items")) == 1);
  CHECK(json_integer_value(json_object_get(json_array_get(json_object_get(data, "items"), 0), "price_cents")) == 28050);
  json_t *client = json_object_get(data, "client");
  CHECK_STR(json_string_value(json_object_get(client, "phone")), "+15554443333");
  CHECK(json_object_get(client, "email") == NULL); /* empty: not sent */
  CHECK(json_is_true(json_object_get(json_object_get(client, "consents"), "sms")));
  CHECK(json_object_get(json_object_get(client, "consents"), "email") == NULL); /* not said: left as is */
  pms_delivery_free(&d);
  json_decref(body);

  /* Appointment groups: the center's local time wins over start_time (UTC); each status decides. */
  op = only_op("zenoti", "{\"id\":\"w\",\"event_type\":\"AppointmentGroup.Status\",\"data\":{\"guest\":{\"id\":\"g\"},"
                         "\"appointments\":[{\"id\":\"a\",\"start_time\":\"2026-03-11T13:00:00\",\"status\":-2,"
                         "\"start_time_in_center\":\"2026-03-11T08:00:00\",\"service_duration_in_minutes\":45}]}}",
               &d, &err);
  CHECK(op != NULL);
  data = json_object_get(op, "data");
  CHECK_STR(json_string_value(json_object_get(data, "state")), "no_show");
  CHECK_STR(json_string_value(json_object_get(data, "starts_at")), "2026-03-11T08:00:00");
  CHECK(json_integer_value(json_object_get(data, "duration_minutes")) == 45);
  char field[120];
  pms_vendor_field(op, "starts_at", field, sizeof field);
  CHECK_STR(field, "data.appointments[0].start_time_in_center");
  pms_vendor_field(op, "client.phone", field, sizeof field);
  CHECK_STR(field, "data.guest.mobile_phone");
  pms_delivery_free(&d);
  CHECK(only_op("zenoti", "{\"id\":\"w\",\"event_type\":\"AppointmentGroup.Status\",\"data\":{\"guest\":{\"id\":\"g\"},"
                          "\"appointments\":[{\"id\":\"a\",\"start_time\":\"2026-03-11T13:00:00\",\"status\":10}]}}",
                &d, &err) != NULL);
  CHECK_STR(json_string_value(json_object_get(json_array_get(d.ops, 0), "op")), "ignored"); /* a break */
  pms_delivery_free(&d);
  CHECK(only_op("zenoti", "{\"id\":\"w\",\"event_type\":\"AppointmentGroup.Created\",\"data\":{\"appointments\":[{}]}}",
                &d, &err) == NULL);
  CHECK(err.status == 422 && strcmp(err.field, "data.appointments[0].id") == 0);
  /* A refund invoice names the guest and the refunded items; PatientNow's names the purchase. */
  op = only_op("zenoti", "{\"id\":\"w\",\"event_type\":\"Invoice.Closed\",\"data\":{\"invoice\":{\"id\":\"r-1\","
                         "\"is_refund\":true,\"invoice_date\":\"2026-03-12T10:00:00\",\"guest\":{\"id\":\"g-1\"},"
                         "\"invoice_items\":[{\"name\":\"Botox 20u\",\"price\":{\"final\":-280}}]}}}",
               &d, &err);
  CHECK(op != NULL);
  CHECK_STR(json_string_value(json_object_get(op, "op")), "treatment.refunded");
  data = json_object_get(op, "data");
  CHECK_STR(json_string_value(json_array_get(json_object_get(data, "types"), 0)), "Botox 20u");
  CHECK_STR(json_string_value(json_object_get(data, "refunded_at")), "2026-03-12T10:00:00");
  pms_delivery_free(&d);
  op = only_op("patientnow", "{\"eventId\":\"e\",\"eventType\":\"purchase.refunded\",\"data\":{\"id\":\"P-1\"}}", &d,
               &err);
  CHECK(op != NULL);
  CHECK_STR(json_string_value(json_object_get(json_object_get(op, "data"), "external_id")), "P-1");
  pms_delivery_free(&d);
  /* Items dropped as unmapped keep the vendor's index in errors: items[1] came from items[2]. */
  op = only_op("patientnow", "{\"eventId\":\"e\",\"eventType\":\"purchase.completed\",\"data\":{\"id\":\"P\","
                             "\"customerId\":\"C\",\"purchaseDate\":\"2026-03-11T08:00:00-05:00\","
                             "\"items\":[{\"name\":\"a\"},{\"name\":\"\"},{\"name\":\"b\",\"price\":3}]}}",
               &d, &err);
  CHECK(op != NULL);
  pms_vendor_field(op, "items[1].price_cents", field, sizeof field);
  CHECK_STR(field, "data.items[2].price");
  pms_vendor_field(op, "performed_at", field, sizeof field);
  CHECK_STR(field, "data.purchaseDate");
  pms_vendor_field(op, "client.first_name", field, sizeof field);
  CHECK_STR(field, "data.firstName");
  pms_delivery_free(&d);
  CHECK(only_op("zenoti", "{\"id\":\"w\",\"event_type\":\"Class.Booking Created\",\"data\":{}}", &d, &err) != NULL);
  CHECK_STR(json_string_value(json_object_get(json_array_get(d.ops, 0), "op")), "ignored");
  pms_delivery_free(&d);
  CHECK(only_op("zenoti", "{\"event_type\":\"Guest.Created\",\"data\":{}}", &d, &err) == NULL);
  CHECK(err.status == 422 && strcmp(err.field, "id") == 0);

  CHECK(only_op("patientnow", "{\"eventId\":\"e\",\"eventType\":\"appointment.updated\",\"data\":{\"id\":\"A\","
                              "\"customerId\":\"C\",\"startTime\":\"2026-03-11T08:00:00-05:00\",\"status\":\"No Show\"}}",
                &d, &err) != NULL);
  CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(d.ops, 0), "data"), "state")), "no_show");
  pms_delivery_free(&d);
  CHECK(only_op("patientnow", "{\"eventId\":\"e\",\"eventType\":\"appointment.cancelled\",\"data\":{\"id\":\"A\","
                              "\"customerId\":\"C\",\"startTime\":\"2026-03-11T08:00:00-05:00\"}}",
                &d, &err) != NULL);
  CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(d.ops, 0), "data"), "state")),
            "cancelled");
  pms_delivery_free(&d);

  CHECK(only_op("generic", "{\"event_id\":\"e\",\"type\":\"client.upserted\",\"data\":{},\"extra\":1}", &d, &err) ==
        NULL);
  CHECK(err.status == 400 && strcmp(err.field, "extra") == 0);
  CHECK(only_op("acme", "{}", &d, &err) == NULL);
  CHECK(err.status == 404);

  /* Found by fuzz_pms: a group without its guest object, and an invoice without its id, are refused
   * naming the field (they were a refusal with no error, and an empty success). */
  err.status = 0;
  CHECK(only_op("zenoti", "{\"id\":\"w\",\"event_type\":\"AppointmentGroup.Created\",\"data\":{\"appointments\":"
                          "[{\"id\":\"a\",\"start_time\":\"2026-03-11T08:00:00\"}]}}",
                &d, &err) == NULL);
  CHECK(err.status == 422 && strcmp(err.field, "data.guest") == 0);
  body = json_loads("{\"id\":\"w\",\"event_type\":\"Invoice.Closed\",\"data\":{\"invoice\":"
                    "{\"invoice_date\":\"2026-03-11T08:00:00\",\"guest\":{\"id\":\"g\"}}}}", 0, NULL);
  err.status = 0;
  CHECK(!pms_translate("zenoti", body, &d, &err));
  CHECK(err.status == 422 && strcmp(err.field, "data.invoice.id") == 0);
  json_decref(body);
}
