/* A CSV upload as it streams in: bytes in chunks of the sizes the input's
 * first byte picks, records split into fields, each record made UTF-8 from
 * the charset the second byte picks, then cleaned. Records never exceed what
 * was fed, and cleaned text is always valid UTF-8. */
#include "charset.h"
#include "csv.h"
#include "fuzz.h"
#include "validate.h"

typedef struct seen {
  size_t total, fed;
  charset cs;
} seen;

static bool on_record(void *ctx, const char *record, size_t len, int line) {
  seen *s = ctx;
  FUZZ_ASSERT(line >= 1 && len <= s->fed);
  s->total += len;
  char *copy = malloc(len + 1), *fields[CSV_MAX_FIELDS];
  memcpy(copy, record, len);
  copy[len] = 0;
  int n = csv_fields(copy, len, fields, CSV_MAX_FIELDS);
  FUZZ_ASSERT(n <= CSV_MAX_FIELDS);
  free(copy);
  size_t out_len;
  char *text = charset_to_utf8(s->cs, record, len, &out_len);
  FUZZ_ASSERT(s->cs == CHARSET_UTF8 ? out_len == len : out_len >= len); /* no byte is dropped */
  charset_clean_utf8(text, out_len);
  FUZZ_ASSERT(valid_utf8(text, out_len));
  free(text);
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  size_t chunk = 1 + data[0] % 64;
  seen s = {0, size - 2, (charset)(data[1] % 3)};
  csv_reader r;
  csv_init(&r, on_record, &s);
  for (size_t at = 2; at < size; at += chunk)
    csv_feed(&r, (const char *)data + at, size - at < chunk ? size - at : chunk);
  csv_finish(&r);
  return 0;
}
