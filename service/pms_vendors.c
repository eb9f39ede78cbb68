/* pms_vendors.c: vendor payloads into Cadence's operations. Each vendor's
 * envelope and resources are read field by field; nothing is guessed from
 * shape. Unknown event types become "ignored" operations (acknowledged, so
 * the vendor does not retry them forever), never errors. */
#include "pms_vendors.h"

#include "jsonspec.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static json_t *op(const char *name, const char *resource_kind, const char *resource_id, json_t *data) {
  char resource[200];
  snprintf(resource, sizeof resource, "%s:%s", resource_kind, resource_id ? resource_id : "");
  return json_pack("{s:s,s:s,s:o}", "op", name, "resource", resource, "data", data);
}

static json_t *ignored(const char *why) {
  return json_pack("{s:s,s:s,s:{s:s}}", "op", "ignored", "resource", "", "data", "reason", why);
}

void pms_normalise_phone(const char *in, char out[20]) {
  char digits[16];
  size_t n = 0;
  bool plus = false;
  out[0] = 0;
  for (const char *p = in ? in : ""; *p; p++) {
    if (*p == '+' && n == 0 && !plus)
      plus = true;
    else if (isdigit((unsigned char)*p)) {
      if (n + 1 >= sizeof digits)
        return;
      digits[n++] = *p;
    } else if (!strchr(" ()-./", *p))
      return;
  }
  digits[n] = 0;
  if (plus && n >= 7 && n <= 15 && digits[0] != '0')
    snprintf(out, 20, "+%s", digits);
  else if (!plus && n == 10 && digits[0] >= '2')
    snprintf(out, 20, "+1%s", digits);
  else if (!plus && n == 11 && digits[0] == '1')
    snprintf(out, 20, "+%s", digits);
}

/* Sets key to a copy of v when v is a non-empty string. */
static void set_text(json_t *o, const char *key, const char *v) {
  if (v && *v)
    json_object_set_new(o, key, json_string(v));
}

/* consents.{channel} from a vendor's opt-in flag, when it sends one. */
static void consent(json_t *client, const char *channel, json_t *flag) {
  if (!json_is_boolean(flag))
    return;
  json_t *c = json_object_get(client, "consents");
  if (!c)
    json_object_set_new(client, "consents", c = json_object());
  json_object_set(c, channel, flag);
}

/* Client fields from a person as the vendor names them; phone and email only when usable. */
static json_t *person(const char *system, const char *id, const char *first, const char *last, const char *phone,
                      const char *email) {
  json_t *c = json_pack("{s:{s:s,s:s}}", "external_id", "system", system, "id", id);
  set_text(c, "first_name", first);
  set_text(c, "last_name", last);
  char e164[20];
  pms_normalise_phone(phone, e164);
  set_text(c, "phone", e164);
  if (email && strchr(email, '@'))
    set_text(c, "email", email);
  return c;
}

static bool need(const char *v, const char *field, cad_error *err) {
  return (v && *v) || FAIL_VALUE(err, field, "'%s' is required", field);
}

/* A price in dollars as cents; -1 when missing, negative or beyond $10 million (a typo, and a
 * conversion that would not be defined). */
static json_int_t cents(json_t *amount) {
  double v = json_number_value(amount);
  return json_is_number(amount) && v >= 0 && v <= 1e7 ? (json_int_t)(v * 100 + 0.5) : -1;
}

/* Reads a vendor's envelope: its delivery id, event type and time keys, and the data object. */
static bool envelope(json_t *body, pms_delivery *d, const char *id_key, const char *type_key, const char *time_key,
                     json_t **data, cad_error *err) {
  d->event_id = str(body, id_key);
  d->event_type = str(body, type_key);
  d->occurred_at = str(body, time_key);
  *data = json_object_get(body, "data");
  if (!need(d->event_id, id_key, err) || !need(d->event_type, type_key, err))
    return false;
  return json_is_object(*data) || FAIL_VALUE(err, "data", "'data' must be an object");
}

/* A booking.upserted operation; service and injector names are added by the caller. */
static json_t *booking_op(const char *id, json_t *client, const char *starts, json_t *minutes, const char *state,
                          const char *injector) {
  json_t *b = json_pack("{s:s,s:o,s:s,s:I,s:[],s:s}", "external_id", id, "client", client, "starts_at", starts,
                        "duration_minutes", json_is_integer(minutes) ? json_integer_value(minutes) : (json_int_t)30,
                        "services", "state", state);
  set_text(b, "injector_name", injector);
  return op("booking.upserted", "appointment", id, b);
}

/* ------------------------------------------------------------------ Zenoti */

/* Zenoti writes a mobile phone as a string or as {country_code, number}. */
static const char *zenoti_phone(json_t *v, char buf[40]) {
  if (json_is_string(v))
    return json_string_value(v);
  if (json_is_object(v) && str(v, "number")) {
    json_t *cc = json_object_get(v, "country_code");
    snprintf(buf, 40, "+%lld%s", json_is_integer(cc) ? (long long)json_integer_value(cc) : 1LL, str(v, "number"));
    return buf;
  }
  return NULL;
}

static json_t *zenoti_guest(json_t *g, const char *field, cad_error *err) {
  json_t *info = json_object_get(g, "personal_info");
  json_t *src = json_is_object(info) ? info : g;
  char phone[40];
  if (!json_is_object(g) || !need(str(g, "id"), field, err))
    return NULL;
  const char *email = str(src, "email") ? str(src, "email") : str(src, "guest_email");
  json_t *c = person("zenoti", str(g, "id"), str(src, "first_name"), str(src, "last_name"),
                     zenoti_phone(json_object_get(src, "mobile_phone"), phone), email);
  json_t *prefs = json_object_get(g, "preferences");
  consent(c, "sms", json_object_get(prefs, "receive_marketing_sms"));
  consent(c, "email", json_object_get(prefs, "receive_marketing_email"));
  return c;
}

static bool zenoti_invoice(json_t *data, json_t *ops, cad_error *err) {
  json_t *inv = json_object_get(data, "invoice"), *items = json_object_get(inv, "invoice_items");
  if (!json_is_object(inv) || !need(str(inv, "id"), "data.invoice.id", err) ||
      !need(str(inv, "invoice_date"), "data.invoice.invoice_date", err))
    return json_is_object(inv) || FAIL_VALUE(err, "data.invoice", "'data.invoice' is required");
  if (json_is_true(json_object_get(inv, "is_refund"))) {
    json_array_append_new(ops, ignored("refund invoice"));
    return true;
  }
  json_t *client = zenoti_guest(json_object_get(inv, "guest"), "data.invoice.guest.id", err);
  if (!client)
    return false;
  json_t *list = json_array();
  const char *therapist = NULL;
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) {
    const char *name = str(it, "name");
    if (!name || !*name)
      continue;
    json_t *item = json_pack("{s:s}", "type", name);
    json_t *price = json_object_get(it, "price");
    json_int_t c = cents(json_is_object(price) ? json_object_get(price, "final") : price);
    if (c < 0 && json_is_object(price))
      c = cents(json_object_get(price, "sales"));
    if (c >= 0)
      json_object_set_new(item, "price_cents", json_integer(c));
    json_array_append_new(list, item);
    json_t *t = json_object_get(it, "therapist");
    if (!therapist)
      therapist = json_is_object(t) ? str(t, "name") : str(it, "therapist_name");
  }
  json_t *body = json_pack("{s:o,s:s,s:s,s:s,s:o}", "client", client, "performed_at", str(inv, "invoice_date"),
                           "source", "zenoti", "external_id", str(inv, "id"), "items", list);
  set_text(body, "injector_name", therapist);
  json_array_append_new(ops, op("treatment.completed", "invoice", str(inv, "id"), body));
  return true;
}

static const char *zenoti_booking_state(const char *event_type) {
  static const char *const map[][2] = {{"AppointmentGroup.Created", "booked"}, {"Appointment.Created", "booked"},
                                       {"Appointment.Rescheduled", "booked"},  {"Appointment.Cancelled", "cancelled"},
                                       {"Appointment.Deleted", "cancelled"},    {"Appointment.Completed", "completed"},
                                       {"Appointment.NoShow", "no_show"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(event_type, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

static bool zenoti_appointments(json_t *data, const char *state, json_t *ops, cad_error *err) {
  json_t *list = json_object_get(data, "appointments");
  if (!json_is_array(list))
    return FAIL_VALUE(err, "data.appointments", "'data.appointments' must be an array");
  json_t *guest = json_object_get(data, "guest");
  size_t i;
  json_t *a;
  json_array_foreach(list, i, a) {
    char field[60];
    json_t *g = json_is_object(json_object_get(a, "guest")) ? json_object_get(a, "guest") : guest;
    snprintf(field, sizeof field, "data.appointments[%zu].id", i);
    if (!need(str(a, "id"), field, err))
      return false;
    snprintf(field, sizeof field, "data.appointments[%zu].start_time", i);
    if (!need(str(a, "start_time"), field, err))
      return false;
    json_t *client = zenoti_guest(g, "data.guest.id", err);
    if (!client)
      return false;
    json_t *minutes = json_object_get(a, "serviceduration_in_miutes"); /* sic: Zenoti's spelling */
    if (!json_is_integer(minutes))
      minutes = json_object_get(a, "duration");
    json_t *b = booking_op(str(a, "id"), client, str(a, "start_time"), minutes, state, str(a, "therapist_name"));
    if (str(a, "service_name"))
      json_array_append_new(json_object_get(json_object_get(b, "data"), "services"), json_string(str(a, "service_name")));
    json_array_append_new(ops, b);
  }
  return true;
}

static bool zenoti(json_t *body, pms_delivery *d, cad_error *err) {
  json_t *data;
  if (!envelope(body, d, "id", "event_type", "event_timestamp", &data, err))
    return false;
  const char *t = d->event_type, *state;
  if (strcmp(t, "Invoice.Closed") == 0)
    return zenoti_invoice(data, d->ops, err);
  if (strcmp(t, "Guest.Created") == 0 || strcmp(t, "Guest.Updated") == 0) {
    json_t *g = json_is_object(json_object_get(data, "guest")) ? json_object_get(data, "guest") : data;
    json_t *c = zenoti_guest(g, "data.guest.id", err);
    return c && json_array_append_new(d->ops, op("client.upserted", "guest", str(g, "id"), c)) == 0;
  }
  if ((state = zenoti_booking_state(t)))
    return zenoti_appointments(data, state, d->ops, err);
  json_array_append_new(d->ops, ignored("event type not used by Cadence"));
  return true;
}

/* -------------------------------------------------------------- PatientNow */

static json_t *patientnow_customer(json_t *c, const char *id, const char *field, cad_error *err) {
  if (!need(id, field, err))
    return NULL;
  json_t *client = person("patientnow", id, str(c, "firstName"), str(c, "lastName"), str(c, "mobilePhone"),
                          str(c, "email"));
  consent(client, "sms", json_object_get(c, "smsOptIn"));
  consent(client, "email", json_object_get(c, "emailOptIn"));
  return client;
}

static const char *patientnow_state(const char *event_type, const char *status) {
  static const char *const map[][2] = {{"scheduled", "booked"},  {"confirmed", "booked"},     {"rescheduled", "booked"},
                                       {"cancelled", "cancelled"}, {"canceled", "cancelled"}, {"completed", "completed"},
                                       {"checkedout", "completed"}, {"noshow", "no_show"},     {"no_show", "no_show"}};
  char key[40] = "";
  const char *s = status ? status : strchr(event_type, '.') ? strchr(event_type, '.') + 1 : "";
  size_t n = 0;
  for (; *s && n + 1 < sizeof key; s++)
    if (*s != ' ' && *s != '-')
      key[n++] = (char)tolower((unsigned char)*s);
  key[n] = 0;
  if (strcmp(key, "created") == 0 || strcmp(key, "updated") == 0)
    return "booked";
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(key, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

static bool patientnow_appointment(json_t *a, const char *event_type, json_t *ops, cad_error *err) {
  const char *state = patientnow_state(event_type, str(a, "status"));
  if (!need(str(a, "id"), "data.id", err) || !need(str(a, "startTime"), "data.startTime", err))
    return false;
  if (!state)
    return FAIL_VALUE(err, "data.status", "'data.status' is not an appointment status Cadence knows");
  json_t *who = json_is_object(json_object_get(a, "customer")) ? json_object_get(a, "customer") : a;
  json_t *client = patientnow_customer(who, str(a, "customerId"), "data.customerId", err);
  if (!client)
    return false;
  json_t *b = booking_op(str(a, "id"), client, str(a, "startTime"), json_object_get(a, "durationMinutes"), state,
                         str(a, "providerName"));
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(a, "services"), i, s) {
    const char *name = json_is_object(s) ? str(s, "name") : json_string_value(s);
    if (name && *name)
      json_array_append_new(json_object_get(json_object_get(b, "data"), "services"), json_string(name));
  }
  json_array_append_new(ops, b);
  return true;
}

static bool patientnow_purchase(json_t *p, json_t *ops, cad_error *err) {
  if (!need(str(p, "id"), "data.id", err) || !need(str(p, "purchaseDate"), "data.purchaseDate", err))
    return false;
  json_t *who = json_is_object(json_object_get(p, "customer")) ? json_object_get(p, "customer") : p;
  json_t *client = patientnow_customer(who, str(p, "customerId"), "data.customerId", err);
  if (!client)
    return false;
  json_t *list = json_array();
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(p, "items"), i, it) {
    const char *name = str(it, "name");
    if (!name || !*name)
      continue;
    json_t *item = json_pack("{s:s}", "type", name);
    json_int_t c = cents(json_object_get(it, "price"));
    if (c >= 0)
      json_object_set_new(item, "price_cents", json_integer(c));
    json_t *units = json_object_get(it, "units");
    if (json_is_number(units) && json_number_value(units) > 0)
      json_object_set(item, "units", units);
    json_array_append_new(list, item);
  }
  json_t *body = json_pack("{s:o,s:s,s:s,s:s,s:o}", "client", client, "performed_at", str(p, "purchaseDate"),
                           "source", "patientnow", "external_id", str(p, "id"), "items", list);
  set_text(body, "injector_name", str(p, "providerName"));
  json_array_append_new(ops, op("treatment.completed", "purchase", str(p, "id"), body));
  return true;
}

static bool patientnow(json_t *body, pms_delivery *d, cad_error *err) {
  json_t *data;
  if (!envelope(body, d, "eventId", "eventType", "occurredAt", &data, err))
    return false;
  const char *t = d->event_type;
  if (strcmp(t, "customer.created") == 0 || strcmp(t, "customer.updated") == 0) {
    json_t *c = patientnow_customer(data, str(data, "id"), "data.id", err);
    return c && json_array_append_new(d->ops, op("client.upserted", "customer", str(data, "id"), c)) == 0;
  }
  if (strncmp(t, "appointment.", 12) == 0)
    return patientnow_appointment(data, t, d->ops, err);
  if (strcmp(t, "purchase.completed") == 0)
    return patientnow_purchase(data, d->ops, err);
  json_array_append_new(d->ops, ignored(strcmp(t, "purchase.refunded") == 0 ? "refund" : "event type not used by Cadence"));
  return true;
}

/* ----------------------------------------------------------------- generic */

static bool generic(json_t *body, pms_delivery *d, cad_error *err) {
  json_t *data = NULL;
  json_field spec[] = {{"event_id", JS_STRING, JS_REQUIRED, 200, &d->event_id, NULL},
                       {"type", JS_STRING, JS_REQUIRED, 60, &d->event_type, NULL},
                       {"occurred_at", JS_STRING, JS_NULLABLE, 40, &d->occurred_at, NULL},
                       {"data", JS_OBJECT, JS_REQUIRED, 0, &data, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (!jsonspec_parse(body, spec, NULL, err) || !need(d->event_id, "event_id", err))
    return false;
  const char *t = d->event_type;
  if (strcmp(t, "treatment.completed") != 0 && strcmp(t, "client.upserted") != 0 &&
      strcmp(t, "booking.upserted") != 0)
    return FAIL_VALUE(err, "type", "'type' must be treatment.completed, client.upserted or booking.upserted");
  json_t *ext = strcmp(t, "client.upserted") == 0 ? json_object_get(data, "external_id") : NULL;
  const char *resource = ext ? str(ext, "id") : str(data, "external_id");
  json_array_append_new(d->ops, op(t, t, resource ? resource : d->event_id, json_deep_copy(data)));
  return true;
}

bool pms_translate(const char *vendor, json_t *body, pms_delivery *out, cad_error *err) {
  memset(out, 0, sizeof *out);
  out->ops = json_array();
  bool ok;
  if (!json_is_object(body))
    ok = cad_fail(err, 400, "invalid_json", NULL, "the body must be a JSON object");
  else if (strcmp(vendor, "generic") == 0)
    ok = generic(body, out, err);
  else if (strcmp(vendor, "zenoti") == 0)
    ok = zenoti(body, out, err);
  else if (strcmp(vendor, "patientnow") == 0)
    ok = patientnow(body, out, err);
  else
    ok = cad_fail(err, 404, "not_found", NULL, "unknown vendor (supported: generic, zenoti, patientnow)");
  if (!ok)
    pms_delivery_free(out);
  return ok;
}

void pms_delivery_free(pms_delivery *d) {
  json_decref(d->ops);
  d->ops = NULL;
}
