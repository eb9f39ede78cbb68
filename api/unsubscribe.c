/* unsubscribe.c: GET and POST /v1/unsubscribe/{message_id}, the link in every
 * email (POST is RFC 8058 one-click from List-Unsubscribe-Post). Public: the
 * random message id is the capability. */
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "suppressions.h"

/* Escapes the few characters that matter in HTML text. */
static void html_text(char *out, size_t len, const char *s) {
  size_t n = 0;
  for (; *s && n + 7 < len; s++) {
    const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : NULL;
    n += (size_t)snprintf(out + n, len - n, "%s", rep ? rep : (char[]){*s, 0});
  }
  out[n] = 0;
}

void unsubscribe_any(http_req *r) {
  cad_error err;
  db_conn *db = http_db(r, &err);
  char *practice = NULL;
  if (!api_check(r, db && suppressions_unsubscribe_message(db, r->params[0], &practice, &err), &err))
    return;
  char name[400], page[800];
  html_text(name, sizeof name, practice);
  free(practice);
  snprintf(page, sizeof page,
           "<!doctype html><html><head><meta charset=\"utf-8\"><title>Unsubscribed</title></head><body>"
           "<p>You are unsubscribed: %s will send you no more emails.</p></body></html>\n",
           name);
  http_reply_text(r, 200, "text/html; charset=utf-8", page);
}
