/* compose.c: see compose.h. */
#include "compose.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "render.h"

const char COMPOSE_OPT_OUT[] = "Reply STOP to opt out.";

static bool empty(const char *s) { return !s || !*s; }

static bool ends_a_sentence(const char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
    n--;
  return n && strchr(".!?", s[n - 1]);
}

/* A value written by the practice as a sentence (an incentive, parking text) ends like one. */
static char *as_sentence(const char *s) {
  if (empty(s))
    return NULL;
  size_t n = strlen(s);
  char *out = xrealloc(NULL, n + 2);
  memcpy(out, s, n + 1);
  if (!ends_a_sentence(out))
    strcat(out, ".");
  return out;
}

/* "Tue 2pm, Wed 9am" -> "Reply 1 or 2 to book: 1) Tue 2pm, 2) Wed 9am." (an SMS: a reply that is just the
 * number books it, replies.h and conversations.c), or "Open times: Tue 2pm, Wed 9am." (an email). */
void compose_slots(const char *list, bool by_reply, char *out, size_t len) {
  if (!by_reply) {
    snprintf(out, len, "Open times: %s.", list);
    return;
  }
  size_t n = 1;
  for (const char *p = strstr(list, ", "); p; p = strstr(p + 2, ", "))
    n++;
  size_t w = (size_t)snprintf(out, len, "Reply %s to book: ", n == 1 ? "1" : n == 2 ? "1 or 2" : "1-3");
  n = 0;
  for (const char *p = list; *p && w < len; n++) {
    const char *end = strstr(p, ", ");
    size_t part = end ? (size_t)(end - p) : strlen(p);
    w += (size_t)snprintf(out + w, len - w, "%s%zu) %.*s", n ? ", " : "", n + 1, (int)part, p);
    p = end ? end + 2 : p + part;
  }
  if (w + 1 < len)
    strcat(out, ".");
}

char *compose_render(const char *tmpl, const message_values *v) {
  bool injector = !empty(v->injector_name);
  const char *practice = empty(v->practice_name) ? "your clinic" : v->practice_name;
  const char *sender = v->injector_sends && injector ? v->injector_name : practice;
  char signature[300], slots[320] = "";
  if (v->injector_sends && injector)
    snprintf(signature, sizeof signature, "%s, %s", v->injector_name, practice);
  else
    snprintf(signature, sizeof signature, "%s", practice);
  if (!empty(v->open_slots))
    compose_slots(v->open_slots, v->slots_by_reply, slots, sizeof slots);
  char *incentive = as_sentence(v->incentive), *parking = as_sentence(v->parking);
  char *check_in = as_sentence(v->check_in);
  tvar vars[] = {{"first_name", v->first_name},
                 {"practice_name", practice},
                 {"sender_name", sender},
                 {"signature", signature},
                 {"injector_name", injector ? v->injector_name : "our team"},
                 {"treatment_name", v->treatment_name},
                 {"treatment_date", v->treatment_date},
                 {"typical_duration", v->typical_duration},
                 {"booking_link", v->booking_link},
                 {"open_slots", slots},
                 {"incentive", incentive},
                 {"photo_link", v->photo_link},
                 {"appointment_time", v->appointment_time},
                 {"address", v->address},
                 {"parking", parking},
                 {"check_in", check_in},
                 {"intake_link", v->intake_link}};
  char *out = render_template(tmpl, vars, sizeof vars / sizeof vars[0]);
  free(incentive);
  free(parking);
  free(check_in);
  return out;
}

char *compose_join(char *body, const char *next) {
  size_t len = strlen(body) + strlen(next) + 3;
  body = xrealloc(body, len);
  return strcat(strcat(body, "\n\n"), next);
}

/* Whether s ends with a link (a period after it would spoil it for some phones). */
static bool ends_with_link(const char *s) {
  const char *last = strrchr(s, ' '), *line = strrchr(s, '\n');
  const char *word = last && (!line || last > line) ? last + 1 : line ? line + 1 : s;
  return strncmp(word, "http://", 7) == 0 || strncmp(word, "https://", 8) == 0;
}

char *compose_opt_out(char *body) {
  const char *glue = !*body ? "" : ends_a_sentence(body) ? " " : ends_with_link(body) ? "\n" : ". ";
  body = xrealloc(body, strlen(body) + strlen(glue) + sizeof COMPOSE_OPT_OUT);
  return strcat(strcat(body, glue), COMPOSE_OPT_OUT);
}

void compose_photo_link(const char *url, const char *external_id, char *out, size_t len) {
  const char *at = strstr(url, "{external_id}");
  size_t n = 0;
  out[0] = 0;
  if (!at)
    return;
  for (const char *p = url; *p && n + 4 < len; p++) {
    if (p == at) { /* the id, safe in a path or a query (RFC 3986 unreserved characters as they are) */
      for (const unsigned char *q = (const unsigned char *)external_id; *q && n + 4 < len; q++)
        n += (size_t)(isalnum(*q) || strchr("-._~", *q) ? snprintf(out + n, len - n, "%c", *q)
                                                        : snprintf(out + n, len - n, "%%%02X", *q));
      p += strlen("{external_id}") - 1;
    } else {
      out[n++] = *p;
      out[n] = 0;
    }
  }
  if (n + 4 >= len)
    out[0] = 0; /* truncated: no link rather than a wrong one */
}
