/* timezones.c: a sorted, immutable array of zone names. */
#include "timezones.h"

#include <stdlib.h>
#include <string.h>

struct tz_set {
  char **names;
  int n;
};

static const db_stmt NAMES = {"tz_names", "SELECT name FROM pg_timezone_names ORDER BY name COLLATE \"C\""};

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

tz_set *timezones_load(db_conn *c, cad_error *err) {
  db_result *r = db_exec(c, &NAMES, 0, NULL, err);
  if (!r)
    return NULL;
  tz_set *s = calloc(1, sizeof *s);
  s->n = db_rows(r);
  s->names = calloc((size_t)s->n, sizeof *s->names);
  for (int i = 0; i < s->n; i++)
    s->names[i] = strdup(db_text(r, i, 0));
  db_free(r);
  return s;
}

void timezones_free(tz_set *s) {
  if (!s)
    return;
  for (int i = 0; i < s->n; i++)
    free(s->names[i]);
  free(s->names);
  free(s);
}

bool timezones_valid(const tz_set *s, const char *name) {
  /* "posix/..." and "Factory" style entries are not meaningful client zones. */
  if (!name || !*name || strncmp(name, "posix/", 6) == 0 || strncmp(name, "right/", 6) == 0)
    return false;
  return bsearch(&name, s->names, (size_t)s->n, sizeof *s->names, cmp) != NULL;
}
