/* console.c: GET /app (the front desk's and the owner's console: one page, no key needed to load it; it
 * signs in with a staff key kept in the tab's sessionStorage) and GET /app/assets/{name} (its scripts and
 * styles under content-hashed names, cached for a year). */
#include "api.h"
#include "assets.h"

#include <stdlib.h>
#include <string.h>

/* Scripts and styles from this origin only, nothing inline, no frames: the page runs only what it was
 * shipped with, and talks only to this API. */
#define CONSOLE_CSP                                                                                            \
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "         \
  "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

void console_index(http_req *r) {
  http_reply_text(r, 200, "text/html; charset=utf-8", assets_index());
  r->cache_control = "no-cache";
  r->csp = CONSOLE_CSP;
}

void console_asset(http_req *r) {
  const char *bytes, *type;
  size_t len;
  if (!assets_find(r->params[0], &bytes, &len, &type)) {
    cad_error err;
    cad_fail(&err, "not_found", NULL, "no such console file (an older build's names are not kept)");
    http_reply_error(r, &err);
    return;
  }
  char *copy = strndup(bytes, len);
  http_reply_text(r, 200, type, copy);
  free(copy);
  r->cache_control = "public, max-age=31536000, immutable";
  r->csp = CONSOLE_CSP;
}
