/* csv.h: RFC 4180 CSV, read as it streams in. A record may span physical
 * lines inside quotes; records are handed over whole with the line they
 * start on. No I/O; unit-tested. */
#ifndef CADENCE_CSV_H
#define CADENCE_CSV_H

#include <stdbool.h>
#include <stddef.h>

enum { CSV_MAX_RECORD = 64 * 1024, CSV_MAX_FIELDS = 64 };

/* Called for every complete record (without its line break); returns false to stop reading. */
typedef bool (*csv_record_fn)(void *ctx, const char *record, size_t len, int line);

typedef struct csv_reader {
  char *rec;
  size_t len, cap;
  bool quoted;      /* inside a quoted field */
  bool too_long;    /* the current record passed CSV_MAX_RECORD: handed over empty */
  int line;         /* physical line being read, from 1 */
  int rec_line;     /* line the current record started on */
  csv_record_fn fn;
  void *ctx;
} csv_reader;

void csv_init(csv_reader *r, csv_record_fn fn, void *ctx);
/* Feeds the next bytes; false when the callback stopped the reading. */
bool csv_feed(csv_reader *r, const char *data, size_t len);
/* Hands over a last record without a final line break; frees the buffer. */
bool csv_finish(csv_reader *r);

/* Splits one record into at most max fields, unquoting them in place in buf (a copy of the record
 * the caller owns); returns the field count, or -1 when quotes are unbalanced or there are more. */
int csv_fields(char *buf, size_t len, char **fields, int max);

#endif
