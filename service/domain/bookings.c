/* bookings.c: booking detection and its undoing, in the booking's transaction. */
#include "bookings.h"
#include "bookings_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "paging.h"
#include "validate.h"

enum { MAX_SERVICES = 10 };

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

bool bookings_validate(json_t *body, cad_error *err) {
  const char *v;
  if (!valid_uuid(str(body, "client_id")))
    return FAIL_VALUE(err, "client_id", "'client_id' is not a client of this practice");
  if ((v = str(body, "injector_id")) && !valid_uuid(v))
    return FAIL_VALUE(err, "injector_id", "'injector_id' is not an injector of this practice");
  if (!valid_timestamp(str(body, "starts_at")))
    return FAIL_VALUE(err, "starts_at", "'starts_at' must be an RFC 3339 time with offset");
  long long d = json_integer_value(json_object_get(body, "duration_minutes"));
  if (d < 5 || d > MAX_DURATION_MINUTES)
    return FAIL_VALUE(err, "duration_minutes", "'duration_minutes' must be from 5 to %d", MAX_DURATION_MINUTES);
  if ((v = str(body, "source")) && strcmp(v, "organic") != 0 && strcmp(v, "pms") != 0 && strcmp(v, "link") != 0 &&
      strcmp(v, "reminder") != 0)
    return FAIL_VALUE(err, "source", "'source' must be reminder, organic, pms or link");
  json_t *services = json_object_get(body, "services");
  if (json_array_size(services) > MAX_SERVICES)
    return FAIL_VALUE(err, "services", "at most %d services", MAX_SERVICES);
  for (size_t i = 0; i < json_array_size(services); i++)
    if (!json_is_string(json_array_get(services, i)) || !json_string_length(json_array_get(services, i))) {
      char field[40];
      snprintf(field, sizeof field, "services[%zu]", i);
      return FAIL_VALUE(err, field, "'%s' must name a treatment type or family", field);
    }
  return true;
}

/* Whether st finds a row for (a, b). */
static bool exists(db_conn *c, const db_stmt *st, const char *a, const char *b, bool *found, cad_error *err) {
  const char *p[] = {a, b};
  return db_exists(c, st, 2, p, found, err);
}

typedef struct booking_ctx {
  const char *practice_id, *id;
  json_t *body, **out;
  bool clashed;                   /* lost a race for the injector's time: name the winner after the rollback */
  char injector[37], minutes[12]; /* of the booking patched */
} booking_ctx;

static bool overrides_hours(json_t *body) { return json_is_true(json_object_get(body, "override_hours")); }

/* The booking holding the injector during [starts, starts + minutes + buffer), other than self, into id
 * ("" when none). */
static bool find_clash(db_conn *c, const char *practice_id, const char *injector, const char *starts,
                       const char *minutes, const char *self, char id[37], cad_error *err) {
  const char *p[] = {practice_id, injector, starts, minutes, self};
  db_result *r = db_exec(c, &BK_CLASH, 5, p, err);
  if (!r)
    return false;
  snprintf(id, 37, "%s", db_rows(r) == 1 ? db_text(r, 0, 0) : "");
  db_free(r);
  return true;
}

static bool fail_clash(const char *id, cad_error *err) {
  return cad_fail(err, "conflict", "starts_at", "the injector is already booked at that time by booking %s",
                  id[0] ? id : "(since cancelled; retry)");
}

/* Fails with a 409 naming the clashing booking, if any. */
static bool injector_free(db_conn *c, const char *practice_id, const char *injector, const char *starts,
                          const char *minutes, const char *self, cad_error *err) {
  char id[37];
  return find_clash(c, practice_id, injector, starts, minutes, self, id, err) && (!id[0] || fail_clash(id, err));
}

/* Maps the exclusion constraint's violation to a 409 to be named after the rollback. */
static bool insert_failed(db_conn *c, booking_ctx *x, cad_error *err) {
  if (strcmp(db_sqlstate(c), "23505") == 0)
    return cad_fail(err, "conflict", "external_id", "a booking with this source and external_id exists");
  if (strcmp(db_sqlstate(c), "23P01") == 0) {
    x->clashed = true;
    return cad_fail(err, "conflict", "starts_at", "the injector is already booked at that time");
  }
  return false;
}

/* 422 when the injector does not work at that time, unless the request overrides it. */
static bool check_hours(db_conn *c, booking_ctx *x, const char *booking_id, cad_error *err) {
  if (overrides_hours(x->body))
    return true;
  const char *p[] = {x->practice_id, booking_id};
  bool inside;
  if (!db_exists(c, &BK_WITHIN_HOURS, 2, p, &inside, err))
    return false;
  return inside || FAIL_VALUE(err, "starts_at",
                              "'starts_at' is outside the injector's working hours or on a day off "
                              "(send \"override_hours\": true to book anyway)");
}

/* Families of the services as a text[] literal ("{}" for none: every family). */
static bool families_of(db_conn *c, const char *practice_id, json_t *services, char *out, size_t len, cad_error *err) {
  snprintf(out, len, "{");
  for (size_t i = 0; i < json_array_size(services); i++) {
    const char *p[] = {practice_id, json_string_value(json_array_get(services, i))};
    db_result *r = db_exec(c, &BK_FAMILY_OF, 2, p, err);
    if (!r)
      return false;
    if (db_rows(r) == 0) {
      db_free(r);
      char field[40];
      snprintf(field, sizeof field, "services[%zu]", i);
      return FAIL_VALUE(err, field, "'%s' is neither a treatment type, an alias nor a family", field);
    }
    snprintf(out + strlen(out), len - strlen(out), "%s\"%s\"", i ? "," : "", db_text(r, 0, 0));
    db_free(r);
  }
  snprintf(out + strlen(out), len - strlen(out), "}");
  return true;
}

static bool create_tx(db_conn *c, void *vctx, cad_error *err) {
  booking_ctx *x = vctx;
  db_tx_reset(x->out);
  json_t *b = x->body;
  const char *client = str(b, "client_id"), *injector = str(b, "injector_id");
  bool found;
  if (!exists(c, &BK_LOCK_CLIENT, x->practice_id, client, &found, err))
    return false;
  if (!found)
    return FAIL_VALUE(err, "client_id", "'client_id' is not a client of this practice");
  if (injector) {
    if (!exists(c, &BK_INJECTOR, x->practice_id, injector, &found, err))
      return false;
    if (!found)
      return FAIL_VALUE(err, "injector_id", "'injector_id' is not an injector of this practice");
  }
  char families[MAX_SERVICES * 48 + 4];
  if (!families_of(c, x->practice_id, json_object_get(b, "services"), families, sizeof families, err))
    return false;
  const char *cp[] = {x->practice_id, client};
  db_result *r = db_exec(c, &BK_CAUSE, 2, cp, err);
  if (!r)
    return false;
  char cause[37] = "";
  if (db_rows(r) == 1)
    snprintf(cause, sizeof cause, "%s", db_text(r, 0, 0));
  db_free(r);
  /* A PMS or booking-link booking keeps its origin; otherwise a recent reminder makes it "reminder". */
  const char *given = str(b, "source");
  const char *source = given && (strcmp(given, "pms") == 0 || strcmp(given, "link") == 0 ||
                                 strcmp(given, "sms") == 0) ? given
                       : cause[0]                                                         ? "reminder"
                                                                                          : "organic";
  char duration[12];
  snprintf(duration, sizeof duration, "%lld", json_integer_value(json_object_get(b, "duration_minutes")));
  const char *ip[] = {
      x->practice_id,         client, injector, str(b, "starts_at"), duration, families, source, str(b, "external_id"),
      cause[0] ? cause : NULL};
  if (injector && !injector_free(c, x->practice_id, injector, str(b, "starts_at"), duration, NULL, err))
    return false;
  if (!(r = db_exec(c, &BK_INSERT, 9, ip, err)))
    return insert_failed(c, x, err);
  char id[37];
  snprintf(id, sizeof id, "%s", db_text(r, 0, 0));
  *x->out = db_json(r, 0, 1);
  db_free(r);
  if (injector && !check_hours(c, x, id, err)) /* a booking without an injector keeps no hours */
    return false;
  const char *ep[] = {x->practice_id, client, id, families};
  const char *cp2[] = {x->practice_id, client, id, str(b, "starts_at")};
  const char *np[] = {ep[0], ep[1], ep[3]};
  return db_run(c, &BK_END_STEPS, 4, ep, err) && db_run(c, &BK_END_NURTURE, 3, np, err) &&
         db_run(c, &BK_CONFIRMATIONS, 4, cp2, err);
}

/* After a lost race (the transaction is rolled back by now) the winner is committed: name it. */
static void name_clash(db_conn *c, const booking_ctx *x, const char *injector, const char *starts, const char *minutes,
                       cad_error *err) {
  char id[37];
  cad_error lookup;
  if (x->clashed && find_clash(c, x->practice_id, injector, starts, minutes, x->id, id, &lookup))
    fail_clash(id, err);
}

bool bookings_create(db_conn *c, const char *practice_id, json_t *body, json_t **out, cad_error *err) {
  booking_ctx x = {practice_id, NULL, body, out, false, "", ""};
  if (db_tx(c, create_tx, &x, err))
    return true;
  db_tx_reset(out); /* a check after the insert failed: the rolled-back row is not the answer */
  char minutes[12];
  snprintf(minutes, sizeof minutes, "%lld", json_integer_value(json_object_get(body, "duration_minutes")));
  name_clash(c, &x, str(body, "injector_id"), str(body, "starts_at"), minutes, err);
  return false;
}

/* Reads the booking's injector and duration into x (locking the row); 404 when unknown. When the
 * patch books a time (a new start, or booked again), fails with a 409 if the injector is taken then. */
static bool lock_and_check_free(db_conn *c, booking_ctx *x, cad_error *err) {
  const char *p[] = {x->practice_id, x->id};
  db_result *r = db_exec(c, &BK_ROW, 2, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  char starts[64] = "";
  if (found) {
    snprintf(x->injector, sizeof x->injector, "%s", db_text(r, 0, 0));
    snprintf(x->minutes, sizeof x->minutes, "%s", db_text(r, 0, 1));
    snprintf(starts, sizeof starts, "%s", str(x->body, "starts_at") ? str(x->body, "starts_at") : db_text(r, 0, 2));
  }
  db_free(r);
  if (!found)
    return FAIL_NOT_FOUND(err, "booking");
  const char *state = str(x->body, "state");
  bool books = state ? strcmp(state, "booked") == 0 : str(x->body, "starts_at") != NULL;
  return !books || !x->injector[0] || injector_free(c, x->practice_id, x->injector, starts, x->minutes, x->id, err);
}

static bool patch_tx(db_conn *c, void *vctx, cad_error *err) {
  booking_ctx *x = vctx;
  db_tx_reset(x->out);
  if (!lock_and_check_free(c, x, err))
    return false;
  char *text = json_dumps(x->body, JSON_COMPACT);
  const char *p[] = {x->practice_id, x->id, text};
  db_result *r = db_exec(c, &BK_PATCH, 3, p, err);
  free(text);
  if (!r)
    return insert_failed(c, x, err);
  bool cancelled = strcmp(db_text(r, 0, 1), "cancelled") == 0;
  bool moved = !cancelled && strcmp(db_text(r, 0, 1), "booked") == 0 && str(x->body, "starts_at");
  char client[37], starts[64];
  snprintf(client, sizeof client, "%s", db_text(r, 0, 0));
  snprintf(starts, sizeof starts, "%s", db_text(r, 0, 3));
  *x->out = db_json(r, 0, 2);
  db_free(r);
  if (!cancelled && !moved)
    return true;
  if (moved && !check_hours(c, x, x->id, err))
    return false;
  /* A cancel ends the confirmations; a reschedule plans them again for the new time. */
  const char *ep[] = {x->practice_id, x->id, cancelled ? "cancelled" : "rescheduled"};
  if (!db_run(c, &BK_END_CONFIRMATION_STEPS, 3, ep, err) || !db_run(c, &BK_END_CONFIRMATIONS, 3, ep, err))
    return false;
  const char *cp[] = {x->practice_id, client, x->id, starts};
  const char *rp[] = {x->practice_id, x->id, client};
  return moved ? db_run(c, &BK_CONFIRMATIONS, 4, cp, err) : db_run(c, &BK_REOPEN, 3, rp, err);
}

bool bookings_patch(db_conn *c, const char *practice_id, const char *id, json_t *body, json_t **out, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "booking");
  const char *state = str(body, "state"), *starts = str(body, "starts_at");
  if (state && strcmp(state, "cancelled") != 0 && strcmp(state, "completed") != 0 && strcmp(state, "no_show") != 0 &&
      strcmp(state, "booked") != 0)
    return FAIL_VALUE(err, "state", "'state' must be booked, cancelled, completed or no_show");
  if (starts && !valid_timestamp(starts))
    return FAIL_VALUE(err, "starts_at", "'starts_at' must be an RFC 3339 time with offset");
  booking_ctx x = {practice_id, id, body, out, false, "", ""};
  if (db_tx(c, patch_tx, &x, err))
    return true;
  db_tx_reset(out);
  name_clash(c, &x, x.injector, starts, x.minutes, err);
  return false;
}

bool bookings_list(db_conn *c, const char *practice_id, const char *client_id, const char *state, const char *cursor,
                   int limit, json_t **out, cad_error *err) {
  if (client_id && !valid_uuid(client_id))
    return cad_fail(err, "invalid_query", "client_id", "'client_id' must be a client id");
  page_cursor cur;
  char lim[12];
  if (!paging_cursor(c, &BK_CURSOR_OK, practice_id, cursor, &cur, err))
    return false;
  const char *p[] = {practice_id, client_id, state, cur.micros, cur.uuid, paging_limit(limit, lim)};
  db_result *r = db_exec(c, &BK_LIST, 6, p, err);
  if (!r)
    return false;
  *out = paging_page(r, limit);
  return true;
}
