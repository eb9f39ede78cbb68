/* csv.c: a streaming record splitter and a field splitter (RFC 4180). */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

void csv_init(csv_reader *r, csv_record_fn fn, void *ctx) {
  memset(r, 0, sizeof *r);
  r->fn = fn;
  r->ctx = ctx;
  r->line = r->rec_line = 1;
}

static void keep(csv_reader *r, char ch) {
  if (r->len >= CSV_MAX_RECORD) {
    r->too_long = true;
    return;
  }
  if (r->len + 2 > r->cap) {
    r->cap = r->cap ? r->cap * 2 : 256;
    r->rec = xrealloc(r->rec, r->cap);
  }
  r->rec[r->len++] = ch;
}

/* Hands over the record read so far (a too-long one as empty, for the caller to refuse). */
static bool emit(csv_reader *r) {
  size_t len = r->too_long ? 0 : r->len;
  while (len && r->rec[len - 1] == '\r')
    len--;
  if (r->rec)
    r->rec[len] = 0;
  bool blank = len == 0 && !r->too_long;
  bool go = blank || r->fn(r->ctx, r->rec ? r->rec : "", len, r->rec_line);
  r->len = 0;
  r->too_long = false;
  r->rec_line = r->line;
  return go;
}

bool csv_feed(csv_reader *r, const char *data, size_t len) {
  for (size_t i = 0; i < len; i++) {
    char ch = data[i];
    if (ch == '"')
      r->quoted = !r->quoted; /* an escaped quote ("") toggles twice */
    if (ch == '\n') {
      r->line++;
      if (!r->quoted) {
        if (!emit(r))
          return false;
        continue;
      }
    }
    keep(r, ch);
  }
  return true;
}

bool csv_finish(csv_reader *r) {
  bool go = r->len == 0 || emit(r);
  free(r->rec);
  r->rec = NULL;
  return go;
}

int csv_fields(char *buf, size_t len, char **fields, int max) {
  int n = 0;
  size_t i = 0;
  for (;;) {
    if (n == max)
      return -1;
    char *w = buf + i;
    fields[n++] = w;
    if (i < len && buf[i] == '"') {
      i++;
      for (;;) {
        if (i >= len)
          return -1; /* unbalanced quote */
        if (buf[i] == '"') {
          if (i + 1 < len && buf[i + 1] == '"') {
            *w++ = '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        *w++ = buf[i++];
      }
      if (i < len && buf[i] != ',')
        return -1; /* text after a closing quote */
    } else {
      while (i < len && buf[i] != ',') {
        if (buf[i] == '"')
          return -1; /* a quote inside an unquoted field */
        *w++ = buf[i++];
      }
    }
    bool more = i < len; /* at a comma */
    *w = 0;
    if (!more)
      return n;
    i++;
  }
}
