/* multipart.c: see multipart.h. */
#include "multipart.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

enum { MAX_FIELDS = 64 };

typedef struct field {
  char *name, *value;
  size_t len;
  bool truncated;
} field;

struct multipart {
  struct MHD_PostProcessor *pp;
  size_t max;
  field fields[MAX_FIELDS];
  int n, files;
};

static field *field_named(multipart *m, const char *name) {
  for (int i = 0; i < m->n; i++)
    if (strcmp(m->fields[i].name, name) == 0)
      return &m->fields[i];
  if (m->n == MAX_FIELDS)
    return NULL; /* past the bound: dropped */
  field *f = &m->fields[m->n++];
  f->name = strdup(name);
  f->value = calloc(1, 1);
  return f;
}

/* Called with consecutive pieces of each field (off is the piece's place in the field). */
static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                const char *content_type, const char *encoding, const char *data, uint64_t off,
                                size_t size) {
  (void)kind, (void)content_type, (void)encoding;
  multipart *m = cls;
  if (!key)
    return MHD_YES;
  if (filename) { /* an attachment: counted once, never kept */
    m->files += off == 0;
    return MHD_YES;
  }
  field *f = field_named(m, key);
  if (!f || f->truncated)
    return MHD_YES;
  size_t room = m->max > f->len ? m->max - f->len : 0, take = size < room ? size : room;
  if (take < size)
    f->truncated = true;
  if (take) {
    f->value = xrealloc(f->value, f->len + take + 1);
    memcpy(f->value + f->len, data, take);
    f->len += take;
    f->value[f->len] = 0;
  }
  return MHD_YES;
}

multipart *multipart_begin(http_req *r, size_t max_field_bytes) {
  multipart *m = calloc(1, sizeof *m);
  m->max = max_field_bytes;
  m->pp = MHD_create_post_processor(r->mhd, 16 * 1024, on_field, m);
  if (!m->pp) {
    free(m);
    return NULL;
  }
  return m;
}

bool multipart_feed(multipart *m, const char *data, size_t len) {
  return MHD_post_process(m->pp, data, len) == MHD_YES;
}

const char *multipart_get(const multipart *m, const char *name, bool *truncated) {
  for (int i = 0; i < m->n; i++)
    if (strcmp(m->fields[i].name, name) == 0) {
      if (truncated)
        *truncated = m->fields[i].truncated;
      return m->fields[i].value;
    }
  return NULL;
}

int multipart_files(const multipart *m) { return m->files; }

void multipart_free(multipart *m) {
  if (!m)
    return;
  MHD_destroy_post_processor(m->pp);
  for (int i = 0; i < m->n; i++) {
    free(m->fields[i].name);
    free(m->fields[i].value);
  }
  free(m);
}
