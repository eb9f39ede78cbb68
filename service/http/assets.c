/* assets.c: see assets.h. */
#include "assets.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "mem.h"

enum { MAX_ASSETS = 32 };

static char hashed[MAX_ASSETS][160]; /* "app.1a2b3c4d5e6f.js", flattened: "vendor/x.js" -> "vendor-x.<hash>.js" */
static char *served[MAX_ASSETS];      /* what is served: the file with {{path}} replaced by hashed URLs */
static size_t served_len[MAX_ASSETS];

static const char *type_of(const char *path) {
  const char *dot = strrchr(path, '.');
  return !dot                          ? "application/octet-stream"
         : strcmp(dot, ".js") == 0     ? "text/javascript; charset=utf-8"
         : strcmp(dot, ".css") == 0    ? "text/css; charset=utf-8"
         : strcmp(dot, ".html") == 0   ? "text/html; charset=utf-8"
         : strcmp(dot, ".svg") == 0    ? "image/svg+xml"
                                       : "text/plain; charset=utf-8";
}

/* Replaces every {{path}} in text by the asset's URL. */
static char *with_urls(const char *text, size_t len) {
  size_t cap = len * 2 + 1024, n = 0;
  char *out = malloc(cap);
  for (size_t i = 0; i < len;) {
    const char *open = i + 1 < len && text[i] == '{' && text[i + 1] == '{' ? text + i : NULL;
    const char *close = open ? strstr(open, "}}") : NULL;
    int k = -1;
    if (close && close - open < 120) {
      char path[120];
      snprintf(path, sizeof path, "%.*s", (int)(close - open - 2), open + 2);
      for (int a = 0; a < CONSOLE_ASSET_COUNT && k < 0; a++)
        k = strcmp(CONSOLE_ASSETS[a].path, path) == 0 ? a : -1;
    }
    if (k >= 0) {
      n += (size_t)snprintf(out + n, cap - n, "/app/assets/%s", hashed[k]);
      i = (size_t)(close - text) + 2;
    } else {
      out[n++] = text[i++];
    }
    if (n + 256 > cap)
      out = xrealloc(out, cap *= 2);
  }
  out[n] = 0;
  return out;
}

static void name_asset(int i) {
  char hex[65], flat[120];
  crypto_sha256_hex(served[i], served_len[i], hex);
  snprintf(flat, sizeof flat, "%s", CONSOLE_ASSETS[i].path);
  for (char *p = flat; *p; p++)
    if (*p == '/')
      *p = '-';
  const char *dot = strrchr(flat, '.');
  int stem = (int)(dot ? dot - flat : (long)strlen(flat));
  snprintf(hashed[i], sizeof hashed[i], "%.*s.%.12s%s", stem, flat, hex, dot ? dot : "");
}

/* Files that name others ({{path}}: the page, app.js importing the vendored library) are named after
 * what they become, so they are hashed after the files they name, which name none. */
void assets_init(void) {
  int n = CONSOLE_ASSET_COUNT < MAX_ASSETS ? CONSOLE_ASSET_COUNT : MAX_ASSETS;
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < n; i++) {
      const console_file *a = &CONSOLE_ASSETS[i];
      bool names_others = memmem(a->bytes, a->len, "{{", 2) != NULL;
      if (names_others != (pass == 1))
        continue;
      served[i] = names_others ? with_urls(a->bytes, a->len) : (char *)a->bytes;
      served_len[i] = names_others ? strlen(served[i]) : a->len;
      name_asset(i);
    }
}

const char *assets_index(void) {
  for (int i = 0; i < CONSOLE_ASSET_COUNT && i < MAX_ASSETS; i++)
    if (strcmp(CONSOLE_ASSETS[i].path, "index.html") == 0)
      return served[i];
  return "";
}

bool assets_find(const char *name, const char **bytes, size_t *len, const char **content_type) {
  for (int i = 0; i < CONSOLE_ASSET_COUNT && i < MAX_ASSETS; i++)
    if (strcmp(hashed[i], name) == 0 && strcmp(CONSOLE_ASSETS[i].path, "index.html") != 0) {
      *bytes = served[i];
      *len = served_len[i];
      *content_type = type_of(CONSOLE_ASSETS[i].path);
      return true;
    }
  return false;
}
