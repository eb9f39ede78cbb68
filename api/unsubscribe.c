/* unsubscribe.c: GET and POST /v1/unsubscribe/{message_id}, the link in every
 * email. A GET only shows a page with a button: link scanners and mail
 * prefetchers open links, and must not unsubscribe anyone. The button, and the
 * one-click POST mail providers send from List-Unsubscribe-Post (RFC 8058),
 * unsubscribe. Public: the random message id is the capability. */
#include <string.h>

#include "api.h"
#include "suppressions.h"

/* Escapes the few characters that matter in HTML text. */
static void html_text(char *out, size_t len, const char *s) {
  size_t n = 0;
  for (; *s && n + 7 < len; s++) {
    const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '"' ? "&quot;" : NULL;
    n += (size_t)snprintf(out + n, len - n, "%s", rep ? rep : (char[]){*s, 0});
  }
  out[n] = 0;
}

void unsubscribe_any(http_req *r) {
  cad_error err;
  db_conn *db = http_db(r, &err);
  char *practice = NULL;
  bool post = strcmp(r->method, "POST") == 0;
  if (!api_check(r, db && suppressions_unsubscribe_message(db, r->params[0], post, &practice, &err), &err))
    return;
  char name[400], page[1400];
  html_text(name, sizeof name, practice);
  free(practice);
  if (post)
    snprintf(page, sizeof page,
             "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unsubscribed</title></head>"
             "<body><p>You are unsubscribed: %s will send you no more emails.</p></body></html>\n",
             name);
  else /* the form posts to this same URL */
    snprintf(page, sizeof page,
             "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unsubscribe</title></head>"
             "<body><form method=\"post\"><p>Stop emails from %s?</p>"
             "<button type=\"submit\" name=\"List-Unsubscribe\" value=\"One-Click\">Unsubscribe</button></form>"
             "</body></html>\n",
             name);
  http_reply_text(r, 200, "text/html; charset=utf-8", page);
}
