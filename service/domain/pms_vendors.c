/* pms_vendors.c: vendor payloads into Cadence's operations. Each vendor's
 * envelope and resources are read field by field; nothing is guessed from
 * shape. Unknown event types become "ignored" operations (acknowledged, so
 * the vendor does not retry them forever), never errors. */
#include "pms_vendors.h"

#include "bounds.h"
#include "jsonspec.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* An operation on a vendor resource; fields (owned) say where data's fields came from. */
static json_t *op(const char *name, const char *resource_kind, const char *resource_id, json_t *data, json_t *fields) {
  char resource[200];
  snprintf(resource, sizeof resource, "%s:%s", resource_kind, resource_id ? resource_id : "");
  json_t *o = json_pack("{s:s,s:s,s:o}", "op", name, "resource", resource, "data", data);
  if (fields)
    json_object_set_new(o, "fields", fields);
  return o;
}

static json_t *ignored(const char *why) {
  return json_pack("{s:s,s:s,s:{s:s}}", "op", "ignored", "resource", "", "data", "reason", why);
}

/* ------------------------------------------------------- where fields came from */

static json_t *fields_new(void) { return json_pack("{s:{},s:[],s:{}}", "paths", "items", "item_keys"); }

/* Records that Cadence's field came from the vendor's path (printf-style). */
static void from(json_t *fields, const char *cadence, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void from(json_t *fields, const char *cadence, const char *fmt, ...) {
  char path[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(path, sizeof path, fmt, ap);
  va_end(ap);
  json_object_set_new(json_object_get(fields, "paths"), cadence, json_string(path));
}

/* Appends the vendor path of the next item (or service) of the operation. */
static void item_from(json_t *fields, const char *fmt, size_t i) {
  char path[200];
  snprintf(path, sizeof path, fmt, i);
  json_array_append_new(json_object_get(fields, "items"), json_string(path));
}

static void item_key(json_t *fields, const char *cadence, const char *vendor) {
  json_object_set_new(json_object_get(fields, "item_keys"), cadence, json_string(vendor));
}

/* The client's fields as the vendor names them under base (a person object). */
static void person_from(json_t *fields, const char *base, const char *id_key, const char *first, const char *last,
                        const char *phone, const char *email, const char *sms, const char *mail) {
  from(fields, "client", "%s", base);
  from(fields, "client.external_id", "%s.%s", base, id_key);
  from(fields, "client.first_name", "%s.%s", base, first);
  from(fields, "client.last_name", "%s.%s", base, last);
  from(fields, "client.phone", "%s.%s", base, phone);
  from(fields, "client.email", "%s.%s", base, email);
  from(fields, "client.consents.sms", "%s.%s", base, sms);
  from(fields, "client.consents.email", "%s.%s", base, mail);
}

/* Rebases a client's paths onto the client fields of a client.upserted op (no "client." prefix). */
static json_t *person_fields(json_t *fields) {
  json_t *out = fields_new(), *paths = json_object_get(fields, "paths"), *v;
  const char *k;
  json_object_foreach(paths, k, v) {
    if (strncmp(k, "client.", 7) == 0)
      json_object_set(json_object_get(out, "paths"), k + 7, v);
  }
  json_decref(fields);
  return out;
}

void pms_vendor_field(json_t *op, const char *path, char *out, size_t len) {
  json_t *fields = json_object_get(op, "fields");
  const char *exact = str(json_object_get(fields, "paths"), path);
  unsigned long i;
  int n = 0;
  if (exact) {
    snprintf(out, len, "%s", exact);
    return;
  }
  /* items[i].key or services[i]: the vendor's i-th kept item, and its name for the key. */
  if ((sscanf(path, "items[%lu]%n", &i, &n) == 1 || sscanf(path, "services[%lu]%n", &i, &n) == 1) && n > 0) {
    const char *base = json_string_value(json_array_get(json_object_get(fields, "items"), i));
    const char *rest = path[n] == '.' ? path + n + 1 : "";
    const char *key = str(json_object_get(fields, "item_keys"), rest);
    if (base) {
      snprintf(out, len, "%s%s%s", base, *rest ? "." : "", key ? key : rest);
      return;
    }
  }
  /* A field below a mapped object: the object's vendor path and the rest as it is. */
  const char *dot = strrchr(path, '.');
  if (dot) {
    char parent[96];
    snprintf(parent, sizeof parent, "%.*s", (int)(dot - path), path);
    const char *base = str(json_object_get(fields, "paths"), parent);
    if (base) {
      snprintf(out, len, "%s%s", base, dot);
      return;
    }
  }
  snprintf(out, len, "data.%s", path);
}

/* ------------------------------------------------------------ common reading */

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

/* A price in dollars as cents; -1 when missing, negative or past the bound of a price (a typo, or a
 * refund's negative amount): the item is kept without its price rather than failing the delivery. */
static json_int_t cents(json_t *amount) {
  double v = json_number_value(amount);
  return json_is_number(amount) && v >= 0 && v * 100 <= MAX_MONEY_CENTS ? (json_int_t)(v * 100 + 0.5) : -1;
}

/* Reads a vendor's envelope: its delivery id, event type and time keys, and the data object. */
static bool envelope(json_t *body, pms_delivery *d, const char *id_key, const char *type_key, const char *time_key,
                     json_t **data, cad_error *err) {
  d->event_id = str(body, id_key);
  d->event_type = str(body, type_key);
  d->occurred_at = str(body, time_key);
  d->occurred_at_field = time_key;
  *data = json_object_get(body, "data");
  if (!need(d->event_id, id_key, err) || !need(d->event_type, type_key, err))
    return false;
  return json_is_object(*data) || FAIL_VALUE(err, "data", "'data' must be an object");
}

/* A booking.upserted operation; service and injector names are added by the caller. */
static json_t *booking_op(const char *id, json_t *client, const char *starts, json_t *minutes, const char *state,
                          const char *injector, json_t *fields) {
  json_t *b = json_pack("{s:s,s:o,s:s,s:I,s:[],s:s}", "external_id", id, "client", client, "starts_at", starts,
                        "duration_minutes", json_is_integer(minutes) ? json_integer_value(minutes) : (json_int_t)30,
                        "services", "state", state);
  set_text(b, "injector_name", injector);
  return op("booking.upserted", "appointment", id, b, fields);
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

/* A guest at base (its path in the body), recording where its fields came from. */
static json_t *zenoti_guest(json_t *g, const char *base, json_t *fields, cad_error *err) {
  char id_field[120], info_base[140];
  snprintf(id_field, sizeof id_field, "%s.id", base);
  if (!json_is_object(g)) {
    FAIL_VALUE(err, base, "'%s' must be an object with the guest's id", base);
    return NULL;
  }
  if (!need(str(g, "id"), id_field, err))
    return NULL;
  json_t *info = json_object_get(g, "personal_info");
  json_t *src = json_is_object(info) ? info : g;
  snprintf(info_base, sizeof info_base, "%s%s", base, json_is_object(info) ? ".personal_info" : "");
  char phone[40];
  const char *email_key = str(src, "email") ? "email" : "guest_email";
  json_t *c = person("zenoti", str(g, "id"), str(src, "first_name"), str(src, "last_name"),
                     zenoti_phone(json_object_get(src, "mobile_phone"), phone), str(src, email_key));
  json_t *prefs = json_object_get(g, "preferences");
  consent(c, "sms", json_object_get(prefs, "receive_marketing_sms"));
  consent(c, "email", json_object_get(prefs, "receive_marketing_email"));
  if (fields) {
    person_from(fields, info_base, "id", "first_name", "last_name", "mobile_phone", email_key,
                "preferences.receive_marketing_sms", "preferences.receive_marketing_email");
    from(fields, "client.external_id", "%s", id_field);
  }
  return c;
}

/* Zenoti's therapist, as an object ({name} or {first_name, last_name}) or a therapist_name. */
static const char *zenoti_therapist(json_t *item, char buf[120]) {
  json_t *t = json_object_get(item, "therapist");
  if (json_is_object(t) && str(t, "name"))
    return str(t, "name");
  if (json_is_object(t) && str(t, "first_name")) {
    snprintf(buf, 120, "%s%s%s", str(t, "first_name"), str(t, "last_name") ? " " : "",
             str(t, "last_name") ? str(t, "last_name") : "");
    return buf;
  }
  return str(item, "therapist_name");
}

static bool zenoti_invoice(json_t *data, json_t *ops, cad_error *err) {
  json_t *inv = json_object_get(data, "invoice"), *items = json_object_get(inv, "invoice_items");
  if (!json_is_object(inv))
    return FAIL_VALUE(err, "data.invoice", "'data.invoice' is required");
  if (!need(str(inv, "id"), "data.invoice.id", err) || !need(str(inv, "invoice_date"), "data.invoice.invoice_date", err))
    return false;
  json_t *fields = fields_new();
  json_t *client = zenoti_guest(json_object_get(inv, "guest"), "data.invoice.guest", fields, err);
  if (!client) {
    json_decref(fields);
    return false;
  }
  bool refund = json_is_true(json_object_get(inv, "is_refund"));
  json_t *list = json_array();
  const char *therapist = NULL;
  char therapist_buf[120];
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) {
    const char *name = str(it, "name");
    if (!name || !*name)
      continue;
    item_from(fields, "data.invoice.invoice_items[%zu]", i);
    if (refund) {
      json_array_append_new(list, json_string(name));
      continue;
    }
    json_t *item = json_pack("{s:s}", "type", name);
    json_t *price = json_object_get(it, "price");
    json_int_t c = cents(json_is_object(price) ? json_object_get(price, "final") : price);
    if (c < 0 && json_is_object(price))
      c = cents(json_object_get(price, "sales"));
    if (c >= 0)
      json_object_set_new(item, "price_cents", json_integer(c));
    json_array_append_new(list, item);
    if (!therapist)
      therapist = zenoti_therapist(it, therapist_buf);
  }
  item_key(fields, "type", "name");
  item_key(fields, "price_cents", "price");
  from(fields, "external_id", "data.invoice.id");
  if (refund) {
    /* Zenoti's refund is an invoice of its own: it refunds the guest's visit with those items. */
    from(fields, "refunded_at", "data.invoice.invoice_date");
    json_t *body = json_pack("{s:s,s:o,s:s,s:o}", "source", "zenoti", "client", client, "refunded_at",
                             str(inv, "invoice_date"), "types", list);
    json_array_append_new(ops, op("treatment.refunded", "invoice", str(inv, "id"), body, fields));
    return true;
  }
  from(fields, "performed_at", "data.invoice.invoice_date");
  json_t *body = json_pack("{s:o,s:s,s:s,s:s,s:o}", "client", client, "performed_at", str(inv, "invoice_date"),
                           "source", "zenoti", "external_id", str(inv, "id"), "items", list);
  set_text(body, "injector_name", therapist);
  json_array_append_new(ops, op("treatment.completed", "invoice", str(inv, "id"), body, fields));
  return true;
}

/* Zenoti's appointment status (a number of its enum, or its name) as a booking state; NULL when
 * the status says nothing Cadence tracks (a break, an open slot). */
static const char *zenoti_status(json_t *status) {
  static const struct {
    int code;
    const char *name, *state;
  } map[] = {{-2, "noshow", "no_show"},   {-1, "cancelled", "cancelled"}, {0, "new", "booked"},
             {1, "closed", "completed"},  {2, "checkin", "booked"},       {4, "confirm", "booked"},
             {21, "voided", "cancelled"}, {-1, "canceled", "cancelled"},  {4, "confirmed", "booked"}};
  char key[24] = "";
  if (json_is_string(status)) {
    size_t n = 0;
    for (const char *s = json_string_value(status); *s && n + 1 < sizeof key; s++)
      if (*s != ' ' && *s != '_' && *s != '-')
        key[n++] = (char)tolower((unsigned char)*s);
    key[n] = 0;
  }
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if ((json_is_integer(status) && json_integer_value(status) == map[i].code) ||
        (*key && strcmp(key, map[i].name) == 0))
      return map[i].state;
  return NULL;
}

/* Zenoti's documented appointment events; "status": each appointment's status decides. */
static const char *zenoti_booking_state(const char *event_type) {
  static const char *const map[][2] = {{"AppointmentGroup.Created", "booked"},
                                       {"AppointmentGroup.Status", "status"},
                                       {"Appointment.Completed", "completed"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(event_type, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

/* One booking per appointment of an appointment group. Zenoti sends start_time in UTC and
 * start_time_in_center in the center's zone, both without offset: the center's time is read in the
 * practice's zone. With state "status", each appointment's (or the group's) status decides. */
static bool zenoti_appointments(json_t *data, const char *state, json_t *ops, cad_error *err) {
  json_t *list = json_object_get(data, "appointments");
  if (!json_is_array(list))
    return FAIL_VALUE(err, "data.appointments", "'data.appointments' must be an array");
  json_t *guest = json_object_get(data, "guest");
  size_t i;
  json_t *a;
  json_array_foreach(list, i, a) {
    char field[120], base[60];
    snprintf(base, sizeof base, "data.appointments[%zu]", i);
    bool own_guest = json_is_object(json_object_get(a, "guest"));
    snprintf(field, sizeof field, "%s.id", base);
    if (!need(str(a, "id"), field, err))
      return false;
    const char *start_key = str(a, "start_time_in_center") ? "start_time_in_center" : "start_time";
    snprintf(field, sizeof field, "%s.%s", base, start_key);
    if (!need(str(a, start_key), field, err))
      return false;
    const char *this_state = state;
    if (strcmp(state, "status") == 0) {
      json_t *status = json_object_get(a, "status") ? json_object_get(a, "status") : json_object_get(data, "status");
      if (!(this_state = zenoti_status(status))) {
        json_array_append_new(ops, ignored("appointment status not tracked by Cadence"));
        continue;
      }
    }
    json_t *fields = fields_new();
    char guest_base[80];
    snprintf(guest_base, sizeof guest_base, "%s.guest", own_guest ? base : "data");
    json_t *client = zenoti_guest(own_guest ? json_object_get(a, "guest") : guest, guest_base, fields, err);
    if (!client) {
      json_decref(fields);
      return false;
    }
    const char *minutes_key = json_is_integer(json_object_get(a, "service_duration_in_minutes"))
                                  ? "service_duration_in_minutes"
                                  : json_is_integer(json_object_get(a, "serviceduration_in_miutes"))
                                        ? "serviceduration_in_miutes" /* sic: an older spelling of Zenoti's */
                                        : "duration";
    from(fields, "external_id", "%s.id", base);
    from(fields, "starts_at", "%s.%s", base, start_key);
    from(fields, "duration_minutes", "%s.%s", base, minutes_key);
    from(fields, "injector_name", "%s.therapist", base);
    char therapist_buf[120];
    json_t *b = booking_op(str(a, "id"), client, str(a, start_key), json_object_get(a, minutes_key), this_state,
                           zenoti_therapist(a, therapist_buf), fields);
    if (str(a, "service_name")) {
      json_array_append_new(json_object_get(json_object_get(b, "data"), "services"), json_string(str(a, "service_name")));
      char service[80];
      snprintf(service, sizeof service, "%s.service_name", base);
      json_array_append_new(json_object_get(fields, "items"), json_string(service));
    }
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
    bool nested = json_is_object(json_object_get(data, "guest"));
    json_t *g = nested ? json_object_get(data, "guest") : data, *fields = fields_new();
    json_t *c = zenoti_guest(g, nested ? "data.guest" : "data", fields, err);
    if (!c) {
      json_decref(fields);
      return false;
    }
    return json_array_append_new(d->ops, op("client.upserted", "guest", str(g, "id"), c, person_fields(fields))) == 0;
  }
  if ((state = zenoti_booking_state(t)))
    return zenoti_appointments(data, state, d->ops, err);
  json_array_append_new(d->ops, ignored("event type not used by Cadence"));
  return true;
}

/* -------------------------------------------------------------- PatientNow */

static json_t *patientnow_customer(json_t *c, const char *base, const char *id, const char *id_field,
                                   json_t *fields, cad_error *err) {
  if (!need(id, id_field, err))
    return NULL;
  json_t *client = person("patientnow", id, str(c, "firstName"), str(c, "lastName"), str(c, "mobilePhone"),
                          str(c, "email"));
  consent(client, "sms", json_object_get(c, "smsOptIn"));
  consent(client, "email", json_object_get(c, "emailOptIn"));
  person_from(fields, base, "id", "firstName", "lastName", "mobilePhone", "email", "smsOptIn", "emailOptIn");
  from(fields, "client.external_id", "%s", id_field);
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

/* A customer named by customerId, with its fields inline or under customer. */
static json_t *patientnow_who(json_t *d, json_t *fields, cad_error *err) {
  bool nested = json_is_object(json_object_get(d, "customer"));
  return patientnow_customer(nested ? json_object_get(d, "customer") : d, nested ? "data.customer" : "data",
                             str(d, "customerId"), "data.customerId", fields, err);
}

static bool patientnow_appointment(json_t *a, const char *event_type, json_t *ops, cad_error *err) {
  const char *state = patientnow_state(event_type, str(a, "status"));
  if (!need(str(a, "id"), "data.id", err) || !need(str(a, "startTime"), "data.startTime", err))
    return false;
  if (!state)
    return FAIL_VALUE(err, "data.status", "'data.status' is not an appointment status Cadence knows");
  json_t *fields = fields_new();
  json_t *client = patientnow_who(a, fields, err);
  if (!client) {
    json_decref(fields);
    return false;
  }
  from(fields, "external_id", "data.id");
  from(fields, "starts_at", "data.startTime");
  from(fields, "duration_minutes", "data.durationMinutes");
  from(fields, "injector_name", "data.providerName");
  json_t *b = booking_op(str(a, "id"), client, str(a, "startTime"), json_object_get(a, "durationMinutes"), state,
                         str(a, "providerName"), fields);
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(a, "services"), i, s) {
    const char *name = json_is_object(s) ? str(s, "name") : json_string_value(s);
    if (name && *name) {
      json_array_append_new(json_object_get(json_object_get(b, "data"), "services"), json_string(name));
      item_from(fields, json_is_object(s) ? "data.services[%zu].name" : "data.services[%zu]", i);
    }
  }
  json_array_append_new(ops, b);
  return true;
}

static bool patientnow_purchase(json_t *p, json_t *ops, cad_error *err) {
  if (!need(str(p, "id"), "data.id", err) || !need(str(p, "purchaseDate"), "data.purchaseDate", err))
    return false;
  json_t *fields = fields_new();
  json_t *client = patientnow_who(p, fields, err);
  if (!client) {
    json_decref(fields);
    return false;
  }
  json_t *list = json_array();
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(p, "items"), i, it) {
    const char *name = str(it, "name");
    if (!name || !*name)
      continue;
    item_from(fields, "data.items[%zu]", i);
    json_t *item = json_pack("{s:s}", "type", name);
    json_int_t c = cents(json_object_get(it, "price"));
    if (c >= 0)
      json_object_set_new(item, "price_cents", json_integer(c));
    json_t *units = json_object_get(it, "units");
    if (json_is_number(units) && json_number_value(units) > 0)
      json_object_set(item, "units", units);
    json_array_append_new(list, item);
  }
  item_key(fields, "type", "name");
  item_key(fields, "price_cents", "price");
  from(fields, "performed_at", "data.purchaseDate");
  from(fields, "external_id", "data.id");
  from(fields, "injector_name", "data.providerName");
  json_t *body = json_pack("{s:o,s:s,s:s,s:s,s:o}", "client", client, "performed_at", str(p, "purchaseDate"),
                           "source", "patientnow", "external_id", str(p, "id"), "items", list);
  set_text(body, "injector_name", str(p, "providerName"));
  json_array_append_new(ops, op("treatment.completed", "purchase", str(p, "id"), body, fields));
  return true;
}

/* purchase.refunded names the purchase: the visit recorded from it is refunded. */
static bool patientnow_refund(json_t *p, json_t *ops, cad_error *err) {
  if (!need(str(p, "id"), "data.id", err))
    return false;
  json_t *fields = fields_new();
  from(fields, "external_id", "data.id");
  json_t *body = json_pack("{s:s,s:s}", "source", "patientnow", "external_id", str(p, "id"));
  json_array_append_new(ops, op("treatment.refunded", "purchase", str(p, "id"), body, fields));
  return true;
}

static bool patientnow(json_t *body, pms_delivery *d, cad_error *err) {
  json_t *data;
  if (!envelope(body, d, "eventId", "eventType", "occurredAt", &data, err))
    return false;
  const char *t = d->event_type;
  if (strcmp(t, "customer.created") == 0 || strcmp(t, "customer.updated") == 0) {
    json_t *fields = fields_new();
    json_t *c = patientnow_customer(data, "data", str(data, "id"), "data.id", fields, err);
    if (!c) {
      json_decref(fields);
      return false;
    }
    return json_array_append_new(d->ops, op("client.upserted", "customer", str(data, "id"), c,
                                            person_fields(fields))) == 0;
  }
  if (strncmp(t, "appointment.", 12) == 0)
    return patientnow_appointment(data, t, d->ops, err);
  if (strcmp(t, "purchase.completed") == 0)
    return patientnow_purchase(data, d->ops, err);
  if (strcmp(t, "purchase.refunded") == 0)
    return patientnow_refund(data, d->ops, err);
  json_array_append_new(d->ops, ignored("event type not used by Cadence"));
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
  d->occurred_at_field = "occurred_at";
  json_array_append_new(d->ops, op(t, t, resource ? resource : d->event_id, json_deep_copy(data), NULL));
  return true;
}

bool pms_translate(const char *vendor, json_t *body, pms_delivery *out, cad_error *err) {
  memset(out, 0, sizeof *out);
  out->ops = json_array();
  bool ok;
  if (!json_is_object(body))
    ok = cad_fail(err, "invalid_body", NULL, "the body must be a JSON object");
  else if (strcmp(vendor, "generic") == 0)
    ok = generic(body, out, err);
  else if (strcmp(vendor, "zenoti") == 0)
    ok = zenoti(body, out, err);
  else if (strcmp(vendor, "patientnow") == 0)
    ok = patientnow(body, out, err);
  else
    ok = cad_fail(err, "not_found", NULL, "unknown vendor (supported: generic, zenoti, patientnow)");
  if (!ok)
    pms_delivery_free(out);
  return ok;
}

void pms_delivery_free(pms_delivery *d) {
  json_decref(d->ops);
  d->ops = NULL;
}
