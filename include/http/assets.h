/* assets.h: the console's files (console/, embedded at build time) served at /app: index.html with its
 * assets' names replaced by content-hashed ones ("app.js" -> "/app/assets/app.1a2b3c4d5e6f.js"), so an
 * asset is cached for a year and a new build is fetched at once; the page itself is never cached. */
#ifndef CADENCE_ASSETS_H
#define CADENCE_ASSETS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct console_file {
  const char *path; /* under console/: "index.html", "app.js", "vendor/htm-preact-3.1.1.js" */
  size_t len;
  const char *bytes;
} console_file;

extern const console_file CONSOLE_ASSETS[];
extern const int CONSOLE_ASSET_COUNT;

/* Hashes the assets and writes the page; once, at start, before any thread. */
void assets_init(void);
/* The page with hashed names (NUL-terminated). */
const char *assets_index(void);
/* The asset a hashed name ("app.1a2b3c4d5e6f.js") names: its bytes, length and content type; false if none. */
bool assets_find(const char *hashed, const char **bytes, size_t *len, const char **content_type);

#endif
