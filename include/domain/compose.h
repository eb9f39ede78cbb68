/* compose.h: the words a client reads. A template is rendered with a step's
 * values, derived ones (sender, signature) decided in one place, sentences kept
 * whole around optional parts, same-day steps joined and the opt-out footer
 * added. Pure: the dispatcher and the template preview both call it. */
#ifndef CADENCE_COMPOSE_H
#define CADENCE_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>

/* A step's values; NULL or "" for a part the message does not have. */
typedef struct message_values {
  const char *first_name, *practice_name, *injector_name, *treatment_name, *treatment_date, *typical_duration;
  const char *booking_link; /* the signed link; empty without a booking page: templates then ask for a reply */
  const char *open_slots;   /* "Tue Dec 8 2:00pm, Wed Dec 9 10:30am": rendered as a sentence */
  const char *incentive, *photo_link, *appointment_time, *address, *parking, *check_in, *intake_link;
  bool injector_sends; /* the practice sends as its injectors and the step has one: they sign */
  bool slots_by_reply; /* SMS: the open times are numbered, and a reply with the number books it */
} message_values;

/* Renders tmpl (a body or a subject) with v; malloc'd. */
char *compose_render(const char *tmpl, const message_values *v);

/* Open times as offered (at most 3): by SMS numbered, "Reply 1 or 2 to book: 1) Tue 2pm, 2) Wed 9am.";
 * else "Open times: Tue 2pm, Wed 9am." */
void compose_slots(const char *list, bool by_reply, char *out, size_t len);

/* Appends another step's text due the same day to body ("one voice"); returns the grown body. */
char *compose_join(char *body, const char *next);

/* The first SMS to a number says how to opt out: appended as a sentence of its own; returns body. */
char *compose_opt_out(char *body);

/* The client's photo page: url with {external_id} replaced by the id, percent-encoded; "" when it
 * does not fit in len. */
void compose_photo_link(const char *url, const char *external_id, char *out, size_t len);

/* The text compose_opt_out appends. */
extern const char COMPOSE_OPT_OUT[];

#endif
